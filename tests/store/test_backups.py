"""Backups of a book (crm/store/backups.py, ``crm backup``, ``crm restore``): a consistent
one-file copy made while the book is open, checked before it replaces anything, and a
restore that keeps the book it replaces — byte for byte when that one is damaged."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from store_helpers import T0, digest, make_prospect, sidecars

from crm.store import backups
from crm.store.engine import Database
from crm.store.errors import StoreError
from crm.store.files import raw_connect
from crm.store.migrate import open_database
from crm.store.models import Prospect

CRM = Path(sys.executable).with_name("crm")


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM prospects").fetchone()[0])


def _add(db: Database, *names: str) -> None:
    with db.transaction() as s:
        s.add_all(make_prospect(n) for n in names)


def test_a_backup_of_an_open_book_is_one_checked_file(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    _add(db, "佛山市南海区甲五金厂", "佛山市顺德区乙电器厂")
    folder = tmp_path / "backups"
    made = backups.make_backup(db_path, folder, T0)
    assert made.path.name == "crm-20260615-020000.db"
    assert sidecars(made.path) == [] and not list(folder.glob("*.part"))
    assert _count(made.path) == 2
    _add(db, "佛山市禅城区丙陶瓷厂")
    later = backups.make_backup(db_path, folder, T0 + timedelta(hours=1))
    assert [b.path for b in backups.list_backups(db_path, folder)] == [later.path, made.path]
    assert backups.check_backup(later.path) == backups.check_backup(made.path)


def test_old_backups_go_beyond_the_number_kept(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    for hour in range(4):
        backups.make_backup(db_path, folder, T0 + timedelta(hours=hour), keep=3)
    kept = backups.list_backups(db_path, folder)
    assert [b.taken_at for b in kept] == [T0 + timedelta(hours=h) for h in (3, 2, 1)]


def test_a_restore_checks_the_copy_first_and_keeps_the_book_it_replaces(
    db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    db, _ = open_database(db_path)
    _add(db, "佛山市南海区甲五金厂")
    db.close()
    old = backups.make_backup(db_path, folder, T0)
    db, _ = open_database(db_path)
    _add(db, "佛山市顺德区乙电器厂", "佛山市三水区丁食品厂")
    db.close()
    before = digest(db_path)

    not_a_book = tmp_path / "名单.db"
    not_a_book.write_text("客户名单", encoding="utf-8")
    with pytest.raises(StoreError) as refused:
        backups.restore_backup(not_a_book, db_path, folder, T0 + timedelta(hours=2))
    assert refused.value.code == "db.not_ours"
    with pytest.raises(StoreError) as missing:
        backups.restore_backup(tmp_path / "nowhere.db", db_path, folder, T0)
    assert missing.value.code == "backup.missing"
    assert digest(db_path) == before

    kept = backups.restore_backup(old.path, db_path, folder, T0 + timedelta(hours=2))
    assert kept is not None and kept.tag == "before-restore"
    assert _count(db_path) == 1 and _count(kept.path) == 3
    db, report = open_database(db_path)  # the restored book opens as any book does
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Prospect)) == 1
    db.close()
    assert not report.created


def test_a_backup_from_a_newer_version_is_refused(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    made = backups.make_backup(db_path, folder, T0)
    with sqlite3.connect(made.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = digest(db_path)
    with pytest.raises(StoreError) as refused:
        backups.restore_backup(made.path, db_path, folder, T0)
    assert refused.value.code == "db.too_new"
    assert digest(db_path) == before


def test_a_damaged_book_is_kept_byte_for_byte_when_a_backup_replaces_it(
    db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    good = backups.make_backup(db_path, folder, T0)
    data = bytearray(db_path.read_bytes())
    data[:100] = b"\xff" * 100  # the book's header overwritten: no SQLite reads it
    db_path.write_bytes(bytes(data))
    kept = backups.restore_backup(good.path, db_path, folder, T0 + timedelta(minutes=5))
    assert kept is not None
    assert kept.path.read_bytes() == bytes(data)
    assert backups.check_backup(db_path)


def test_a_book_another_program_is_writing_is_not_replaced(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    good = backups.make_backup(db_path, folder, T0)
    # The same SQLite library as the store's: file locks are seen only between connections
    # of one library in one process.
    holder = raw_connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        before = digest(db_path)
        with pytest.raises(StoreError) as refused:
            backups.restore_backup(good.path, db_path, folder, T0)
        assert refused.value.code == "db.locked"
        assert digest(db_path) == before
    finally:
        holder.rollback()
        holder.close()


def test_the_commands_back_up_list_and_restore(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "备份"

    def crm(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CRM), "--lang", "en", *args, "--db", str(db_path), "--to", str(folder)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    made = crm("backup", "--json")
    assert made.returncode == 0, made.stderr
    path = json.loads(made.stdout)["path"]
    listed = json.loads(crm("backup", "list", "--json").stdout)
    assert [row["path"] for row in listed] == [path]
    unconfirmed = crm("restore", path)
    assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stderr
    done = crm("restore", path, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["kept"].endswith("-before-restore.db")
    bad = crm("restore", str(tmp_path / "nowhere.db"), "--yes")
    assert bad.returncode == 1 and "There is no backup at" in bad.stderr
    assert "Traceback" not in bad.stderr
