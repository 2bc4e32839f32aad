"""Opening a user's database: create, refuse what must not be touched, back up, upgrade."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from store_helpers import digest, make_prospect, sidecars

from crm.store.engine import raw_connect
from crm.store.errors import StoreError
from crm.store.migrate import (
    OpenReport,
    backup_copy,
    current_revision,
    downgrade,
    head_revision,
    known_revisions,
    open_database,
)
from crm.store.models import Prospect

EARLIER = known_revisions()[:-1]


def set_revision(path: Path, revision: str) -> None:
    conn = raw_connect(path)
    try:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        conn.commit()
    finally:
        conn.close()


def damage(path: Path) -> None:
    """Keep the SQLite header and first page, scramble every page after it."""
    data = bytearray(path.read_bytes())
    for i in range(4096, len(data)):
        data[i] = (data[i] * 7 + 13) & 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture
def lock_holder() -> Iterator[list[Any]]:
    """Connections a test opens to hold locks; rolled back and closed afterwards."""
    held: list[Any] = []
    yield held
    for conn in held:
        conn.execute("ROLLBACK")
        conn.close()


def hold_exclusive(path: Path, held: list[Any]) -> None:
    conn = raw_connect(path)
    conn.isolation_level = None
    conn.execute("BEGIN EXCLUSIVE")
    held.append(conn)


# -- missing and new files ----------------------------------------------------------------


def test_missing_file_without_create_is_refused_and_not_made(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    with pytest.raises(StoreError) as caught:
        open_database(path)
    assert caught.value.code == "db.missing"
    assert str(path) in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_create_makes_a_new_database_at_head_in_a_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "crm.db"
    db, report = open_database(path, create=True)
    try:
        assert report == OpenReport(created=True, upgraded_from=None, backup=None)
        assert db.path == path.resolve()
        with db.reading() as s:
            assert s.scalars(select(Prospect)).all() == []
    finally:
        db.close()
    assert current_revision(path) == head_revision()


def test_reopening_a_database_at_head_neither_upgrades_nor_backs_up(db_path: Path) -> None:
    before = set(db_path.parent.iterdir())
    db, report = open_database(db_path)
    db.close()
    assert report == OpenReport(created=False, upgraded_from=None, backup=None)
    assert set(db_path.parent.iterdir()) == before


def test_zero_byte_file_is_treated_as_new_when_creating(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    path.touch()
    db, report = open_database(path, create=True)
    db.close()
    assert report.created
    assert report.backup is None
    assert current_revision(path) == head_revision()


def test_database_downgraded_to_base_is_upgraded_again(db_path: Path) -> None:
    db, _ = open_database(db_path)
    downgrade(db, "base")
    db.close()
    assert current_revision(db_path) is None

    db, _ = open_database(db_path)
    db.close()
    assert current_revision(db_path) == head_revision()


# -- files that must be left untouched ----------------------------------------------------


def test_database_from_a_newer_version_is_refused_and_its_bytes_unchanged(
    db_path: Path,
) -> None:
    set_revision(db_path, "9999")
    before = digest(db_path)
    with pytest.raises(StoreError) as caught:
        open_database(db_path)
    assert caught.value.code == "db.too_new"
    assert caught.value.params["revision"] == "9999"
    assert digest(db_path) == before


@pytest.mark.parametrize("problem", ["too_new", "damaged"])
def test_refused_database_gets_no_wal_or_shm_files(db_path: Path, problem: str) -> None:
    if problem == "too_new":
        set_revision(db_path, "9999")
    else:
        damage(db_path)
    assert sidecars(db_path) == []
    with pytest.raises(StoreError):
        open_database(db_path)
    assert sidecars(db_path) == []


def test_random_bytes_are_refused_as_not_a_book_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    path.write_bytes(os.urandom(8192))
    before = digest(path)
    for create in (False, True):
        with pytest.raises(StoreError) as caught:
            open_database(path, create=create)
        assert caught.value.code == "db.not_ours"
        assert "not a database file" in str(caught.value)
    assert digest(path) == before
    assert sidecars(path) == []


def test_damaged_sqlite_file_is_refused_as_corrupt_and_its_bytes_unchanged(
    db_path: Path,
) -> None:
    damage(db_path)
    before = digest(db_path)
    with pytest.raises(StoreError) as caught:
        open_database(db_path)
    assert caught.value.code == "db.corrupt"
    assert digest(db_path) == before


def test_another_programs_sqlite_database_is_refused_as_not_ours(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = raw_connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError) as caught:
        open_database(path, create=True)
    assert caught.value.code == "db.not_ours"
    assert "another program's database" in str(caught.value)
    assert digest(path) == before


def test_locked_database_is_reported_quickly_and_left_untouched(
    db_path: Path, lock_holder: list[Any]
) -> None:
    before = digest(db_path)
    hold_exclusive(db_path, lock_holder)
    started = time.monotonic()
    with pytest.raises(StoreError) as caught:
        open_database(db_path)
    elapsed = time.monotonic() - started
    assert caught.value.code == "db.locked"
    assert elapsed < 3.0
    assert digest(db_path) == before


def test_locked_rollback_journal_database_is_reported_quickly(
    db_path: Path, lock_holder: list[Any]
) -> None:
    # A copy made by another tool (or restored from elsewhere) may not be in WAL mode.
    conn = raw_connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    hold_exclusive(db_path, lock_holder)
    started = time.monotonic()
    with pytest.raises(StoreError) as caught:
        open_database(db_path)
    assert caught.value.code == "db.locked"
    assert time.monotonic() - started < 3.0


# -- backups before upgrading -------------------------------------------------------------


def test_backup_copy_is_named_by_date_and_revision_and_holds_the_data(db_path: Path) -> None:
    db, _ = open_database(db_path)
    with db.transaction() as s:
        s.add(make_prospect("顺德陶瓷贸易有限公司"))
    db.close()

    before = datetime.now(UTC).strftime("%Y%m%d")
    target = backup_copy(db_path, "0001")
    after = datetime.now(UTC).strftime("%Y%m%d")
    assert target.parent == db_path.parent
    match = re.fullmatch(r"crm\.backup-(\d{8})-\d{6}-r0001\.db", target.name)
    assert match is not None, target.name
    assert match[1] in {before, after}
    assert current_revision(target) == head_revision()
    copy, _ = open_database(target)
    try:
        with copy.reading() as s:
            assert s.scalars(select(Prospect.name)).all() == ["顺德陶瓷贸易有限公司"]
    finally:
        copy.close()


def test_backup_copy_includes_changes_still_in_the_wal(db_path: Path) -> None:
    db, _ = open_database(db_path)
    try:
        with db.transaction() as s:
            s.add(make_prospect("高明五金批发部"))
        assert "crm.db-wal" in sidecars(db_path)  # not yet checkpointed into the file
        target = backup_copy(db_path, "0001")
    finally:
        db.close()
    conn = raw_connect(target, read_only=True)
    try:
        assert conn.execute("SELECT name FROM prospects").fetchall() == [("高明五金批发部",)]
    finally:
        conn.close()


@pytest.mark.parametrize("revision", EARLIER)
def test_older_database_is_backed_up_before_upgrading(db_path: Path, revision: str) -> None:
    """Collects nothing while 0001 is the only revision; each later revision adds a case."""
    db, _ = open_database(db_path)
    downgrade(db, revision)
    db.close()
    original = tmp_copy = db_path.with_name("before-upgrade.db")
    shutil.copyfile(db_path, tmp_copy)

    db, report = open_database(db_path)
    db.close()
    assert report.upgraded_from == revision
    assert report.backup is not None and report.backup.exists()
    assert f"-r{revision}" in report.backup.name
    assert current_revision(report.backup) == revision
    assert current_revision(original) == revision
    assert current_revision(db_path) == head_revision()


def _book_damaged_at_the_end(tmp_path: Path) -> Path:
    """A book whose schema and revision read fine but whose last pages (a table the app
    has not read yet) are scrambled, as a failing disk leaves it."""
    path = tmp_path / "crm.db"
    db, _report = open_database(path, create=True)
    db.close()
    conn = raw_connect(path)
    conn.execute("CREATE TABLE notes_archive (body TEXT)")
    conn.executemany("INSERT INTO notes_archive VALUES (?)", [("备注" * 200,)] * 400)
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    for i in range(len(data) - 40 * 4096, len(data)):
        data[i] = (data[i] * 7 + 13) & 0xFF
    path.write_bytes(bytes(data))
    return path


def test_the_page_by_page_check_runs_on_demand(tmp_path: Path) -> None:
    path = _book_damaged_at_the_end(tmp_path)
    db, _report = open_database(path)  # everyday opening reads only what it needs
    db.close()
    before = digest(path)
    with pytest.raises(StoreError) as caught:
        open_database(path, thorough=True)
    assert caught.value.code == "db.corrupt"
    assert digest(path) == before


def test_the_page_by_page_check_runs_after_an_unclean_shutdown(tmp_path: Path) -> None:
    path = _book_damaged_at_the_end(tmp_path)
    # A crash leaves the write-ahead log behind (SQLite removes it on a clean close); one
    # whose frames do not check out is ignored by SQLite, but tells us to look closer.
    path.with_name(path.name + "-wal").write_bytes(os.urandom(4096))
    before = digest(path)
    with pytest.raises(StoreError) as caught:
        open_database(path)
    assert caught.value.code == "db.corrupt"
    assert digest(path) == before


def test_a_clean_close_leaves_no_log_so_the_next_open_is_quick(db_path: Path) -> None:
    db, _report = open_database(db_path)
    with db.transaction() as s:
        s.add(make_prospect(name="佛山市测试五金厂"))
    db.close()
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
