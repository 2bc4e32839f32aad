"""Alembic revisions: they run both ways, and the schema they make is the ORM's."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from store_helpers import make_prospect

from crm.store import search
from crm.store.engine import Database, open_engine
from crm.store.indexes_down import indexes_down, record_indexes_down
from crm.store.migrate import (
    downgrade,
    head_revision,
    include_object,
    known_revisions,
    migrations_dir,
    open_database,
    upgrade,
)
from crm.store.models import Base, Prospect

EARLIER = known_revisions()[:-1]


def fresh(path: Path) -> Database:
    return Database(path, open_engine(path))


def revision_of(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def user_tables(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).all()
    return {r[0] for r in rows}


def schema_differences(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": True}
        )
        return list(compare_metadata(context, Base.metadata))


def test_revision_ids_from_file_names_match_alembics_own_history() -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    script = ScriptDirectory.from_config(config)
    from_alembic = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert known_revisions() == from_alembic
    assert head_revision() == script.get_current_head()


def test_upgrade_downgrade_upgrade_on_a_fresh_file(tmp_path: Path) -> None:
    db = fresh(tmp_path / "crm.db")
    try:
        upgrade(db)
        assert revision_of(db) == head_revision()
        assert set(Base.metadata.tables) <= user_tables(db)

        downgrade(db, "base")
        assert revision_of(db) is None
        assert user_tables(db) == {"alembic_version"}

        upgrade(db)
        assert revision_of(db) == head_revision()
        assert schema_differences(db) == []
    finally:
        db.close()


def test_migrated_schema_equals_the_orm_metadata(tmp_path: Path) -> None:
    db = fresh(tmp_path / "crm.db")
    try:
        upgrade(db)
        assert schema_differences(db) == []
    finally:
        db.close()


def test_schema_comparison_would_notice_a_missing_column(tmp_path: Path) -> None:
    """Guards the test above: an empty diff must not come from comparing nothing."""
    db = fresh(tmp_path / "crm.db")
    try:
        upgrade(db)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE prospects DROP COLUMN notes")
        differences = schema_differences(db)
        assert any(d[0] == "add_column" and d[3].name == "notes" for d in differences)  # type: ignore[index]
    finally:
        db.close()


def test_search_table_exists_after_upgrade_and_goes_with_downgrade(tmp_path: Path) -> None:
    db = fresh(tmp_path / "crm.db")
    try:
        upgrade(db)
        with db.engine.connect() as conn:
            sql = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = :n", {"n": search.TABLE}
            ).scalar_one()
            assert "fts5" in sql.lower()
            assert conn.execute(text(f"SELECT count(*) FROM {search.TABLE}")).scalar_one() == 0
        downgrade(db, "base")
        assert not any(name.startswith(search.TABLE) for name in user_tables(db))
    finally:
        db.close()


def test_search_table_is_left_out_of_the_orm_comparison() -> None:
    assert not include_object(None, search.TABLE, "table", True, None)
    assert not include_object(None, f"{search.TABLE}_data", "table", True, None)
    assert include_object(None, "prospects", "table", True, None)
    assert include_object(None, f"{search.TABLE}_x", "index", True, None)


def test_the_orm_tables_all_exist_with_their_indexes(db: Database) -> None:
    inspector = inspect(db.engine)
    for table in Base.metadata.sorted_tables:
        reflected = {ix["name"] for ix in inspector.get_indexes(table.name)}
        assert {ix.name for ix in table.indexes} <= reflected, table.name


@pytest.mark.parametrize("revision", EARLIER)
def test_upgrade_from_an_earlier_revision_keeps_the_data(tmp_path: Path, revision: str) -> None:
    """DESIGN.md: upgrade from every earlier revision works on a populated database.

    Collects nothing while 0001 is the only revision; each later revision adds a case.
    """
    path = tmp_path / "crm.db"
    db, _ = open_database(path, create=True)
    with db.transaction() as s:
        s.add(make_prospect("佛山市南海五金制品厂"))
    downgrade(db, revision)
    db.close()

    db, report = open_database(path)
    try:
        assert report.upgraded_from == revision
        with db.reading() as s:
            assert s.scalars(select(Prospect.name)).all() == ["佛山市南海五金制品厂"]
        assert schema_differences(db) == []
    finally:
        db.close()


def test_an_upgrade_first_builds_the_indexes_a_stopped_first_download_took_down(
    tmp_path: Path,
) -> None:
    """A first download drops the book's secondary indexes and records them; stopped
    part-way and then opened by a newer app, the book must still upgrade (0005 drops one of
    those indexes) and end with every index of the schema."""
    path = tmp_path / "crm.db"
    db, _ = open_database(path, create=True)
    with db.transaction() as s:
        s.add(make_prospect("佛山市南海五金制品厂"))
    downgrade(db, "0004")
    with db.transaction() as s:
        conn = s.connection()
        down = {
            name: sql
            for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'prospects' AND sql NOT LIKE 'CREATE UNIQUE%'"
            )
        }
        assert "ix_prospects_rm_stage" in down
        for name in down:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        record_indexes_down(conn, down)
    db.close()

    db, report = open_database(path)
    try:
        assert report.upgraded_from == "0004"
        assert schema_differences(db) == []
        with db.reading() as s:
            assert indexes_down(s.connection()) == {}
    finally:
        db.close()
