"""Opening a database as it is for a quick report: only when it is at the head revision."""

from __future__ import annotations

from pathlib import Path

from store_helpers import sidecars

from crm.store.engine import raw_connect
from crm.store.migrate import known_revisions, open_current


def test_a_database_at_head_is_opened_as_it_is(db_path: Path) -> None:
    before = db_path.read_bytes()
    db = open_current(db_path)
    assert db is not None and db.path == db_path
    with db.reading() as s:
        assert s.connection().exec_driver_sql("SELECT count(*) FROM prospects").scalar() == 0
    db.close()
    assert db_path.read_bytes() == before  # nothing checked, backed up or upgraded


def test_anything_else_is_left_to_open_database(tmp_path: Path, db_path: Path) -> None:
    missing = tmp_path / "missing.db"
    assert open_current(missing) is None and not missing.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    assert open_current(empty) is None and empty.stat().st_size == 0
    conn = raw_connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (known_revisions()[0],))
    conn.commit()
    conn.close()
    assert open_current(db_path) is None
    assert sidecars(db_path) == []  # the engine it opened is disposed of
