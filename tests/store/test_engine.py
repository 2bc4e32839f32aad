"""The one door to the database: PRAGMAs, transactions that commit whole or not at all."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from store_helpers import T0, make_prospect

from crm.store import errors
from crm.store.engine import (
    BUSY_TIMEOUT_MS,
    PAGE_SIZE,
    Database,
    classify,
    looks_like_sqlite,
    open_engine,
    raw_connect,
)
from crm.store.models import AppMeta, Contact, Prospect


class Boom(Exception):
    pass


def count(db: Database, model: type) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def write_lock_is_free(path: Path) -> bool:
    conn = raw_connect(path)
    conn.isolation_level = None
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except Exception as exc:
        assert "locked" in str(exc)
        return False
    finally:
        conn.close()


def test_connections_use_wal_foreign_keys_and_normal_sync(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "any.db")
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 1,  # NORMAL
        "busy_timeout": BUSY_TIMEOUT_MS,
    }


def test_a_new_book_has_large_pages_and_an_old_book_keeps_its_own(
    template_db: Path, tmp_path: Path
) -> None:
    def page_size(path: Path) -> int:
        conn = raw_connect(path, read_only=True)
        try:
            return int(conn.execute("PRAGMA page_size").fetchone()[0])
        finally:
            conn.close()

    assert PAGE_SIZE == 16384
    assert page_size(template_db) == PAGE_SIZE  # made by open_database(create=True)
    old = tmp_path / "old.db"
    conn = raw_connect(old)
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    engine = open_engine(old)
    try:
        with engine.begin() as c:
            c.exec_driver_sql("INSERT INTO t VALUES (2)")
        with engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 2
    finally:
        engine.dispose()
    assert page_size(old) == 4096


def test_the_driver_bundles_an_sqlite_with_fts5(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "any.db")
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT sqlite_version()").scalar_one()
            conn.exec_driver_sql("CREATE VIRTUAL TABLE t USING fts5(body)")
    finally:
        engine.dispose()
    # The search index is a contentless FTS5 table with contentless_delete (SQLite 3.43+).
    assert tuple(int(p) for p in version.split(".")[:2]) >= (3, 43)


def test_committed_transaction_is_seen_by_the_next_session(db: Database) -> None:
    with db.transaction() as s:
        s.add(make_prospect("禅城家具制造有限公司"))
    with db.reading() as s:
        assert s.scalars(select(Prospect.name)).all() == ["禅城家具制造有限公司"]


def test_failing_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(Boom), db.transaction() as s:
        p = make_prospect("禅城家具制造有限公司")
        s.add(p)
        s.add(AppMeta(key="probe", value="x"))
        s.flush()  # the rows and their search entry reach SQLite, then the work fails
        s.add(Contact(id="c1", prospect_id=p.id, name="张伟", created_at=T0))
        raise Boom
    assert count(db, Prospect) == 0
    assert count(db, AppMeta) == 0
    assert count(db, Contact) == 0
    with db.reading() as s:
        assert s.execute(text("SELECT count(*) FROM prospect_search")).scalar_one() == 0


def test_failing_statement_rolls_back_the_whole_transaction(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.add(AppMeta(key="first", value="kept only with the rest"))
        s.flush()
        s.add(Contact(id="c1", prospect_id="no-such-prospect", name="张伟", created_at=T0))
    assert count(db, AppMeta) == 0
    assert count(db, Contact) == 0


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.add(Contact(id="c1", prospect_id="no-such-prospect", name="张伟", created_at=T0))


def test_check_constraints_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.add(make_prospect("佛山市南海五金制品厂", stage="bankrupt"))


def test_write_transaction_takes_the_write_lock_up_front(db: Database) -> None:
    with db.transaction():
        assert not write_lock_is_free(db.path)
    assert write_lock_is_free(db.path)


def test_reading_takes_no_write_lock_and_commits_nothing(db: Database) -> None:
    with db.reading() as s:
        s.add(AppMeta(key="probe", value="x"))
        s.flush()
        assert write_lock_is_free(db.path) is False  # the flush wrote, inside the read
    assert write_lock_is_free(db.path)
    assert count(db, AppMeta) == 0
    with db.reading() as s:
        s.execute(select(AppMeta)).all()
        assert write_lock_is_free(db.path)


def test_timestamps_are_stored_as_utc_text_and_read_back_aware(db: Database) -> None:
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2026, 6, 15, 10, 0, tzinfo=shanghai)
    with db.transaction() as s:
        s.add(make_prospect("顺德陶瓷贸易有限公司", created_at=local))
    with db.reading() as s:
        stored = s.execute(text("SELECT created_at FROM prospects")).scalar_one()
        loaded = s.scalars(select(Prospect.created_at)).one()
    assert stored == "2026-06-15T02:00:00.000000+00:00"
    assert loaded == local
    assert loaded.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.transaction() as s:
        s.add(make_prospect("顺德陶瓷贸易有限公司", created_at=datetime(2026, 6, 15, 10, 0)))
    assert count(db, Prospect) == 0


def test_sqlite_header_check(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("客户名单", encoding="utf-8")
    assert looks_like_sqlite(empty)
    assert not looks_like_sqlite(text_file)
    real = tmp_path / "real.db"
    engine = open_engine(real)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert looks_like_sqlite(real)


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("database is locked", "db.locked"),
        ("database table is locked", "db.locked"),
        ("file is not a database", "db.corrupt"),
        ("database disk image is malformed", "db.corrupt"),
        ("attempt to write a readonly database", "db.read_only"),
        ("database or disk is full", "db.disk_full"),
    ],
)
def test_known_sqlite_failures_become_messages_people_can_act_on(message: str, code: str) -> None:
    known = classify(Exception(message), "/data/crm.db")
    assert isinstance(known, errors.StoreError)
    assert known.code == code
    assert "/data/crm.db" in str(known)


def test_unknown_sqlite_failures_are_left_to_propagate() -> None:
    assert classify(Exception("no such table: visits"), "/data/crm.db") is None


def _autocheckpoint_of_every_pooled_connection(db: Database) -> set[int]:
    # Hold several at once, so the pool hands out each connection it keeps.
    conns = [db.engine.connect() for _ in range(3)]
    try:
        return {int(c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()) for c in conns}
    finally:
        for c in conns:
            c.close()


def test_a_bulk_transaction_leaves_the_log_to_a_background_checkpoint(db: Database) -> None:
    every = _autocheckpoint_of_every_pooled_connection(db)
    assert every == {1000}
    # More than 1,000 pages of log: past the point where SQLite would copy it in the commit.
    value = "记" * 6000
    with db.transaction(bulk=True) as s:
        assert not write_lock_is_free(db.path)
        assert s.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
        s.add_all(AppMeta(key=f"bulk-{i}", value=value) for i in range(1200))
    db.settle(timeout=60)
    assert count(db, AppMeta) == 1200
    assert _autocheckpoint_of_every_pooled_connection(db) == {1000}
    with db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        busy, logged, copied = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and logged >= 1000 and copied == logged
    assert not any(t.name == "crm-wal-checkpoint" and t.is_alive() for t in threading.enumerate())


def test_a_failed_bulk_transaction_leaves_nothing_and_the_setting_as_it_was(
    db: Database,
) -> None:
    with pytest.raises(Boom), db.transaction(bulk=True) as s:
        s.add(make_prospect("禅城家具制造有限公司"))
        s.flush()
        raise Boom
    assert count(db, Prospect) == 0
    assert _autocheckpoint_of_every_pooled_connection(db) == {1000}
    assert write_lock_is_free(db.path)
