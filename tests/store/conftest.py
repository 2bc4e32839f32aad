"""Fixtures for the local store: real SQLite files in tmp_path, migrated by our own code.

Running Alembic for every test costs ~50 ms, so one migrated file is made per session and
copied for each test that needs a database at head (a closed WAL database is one file).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_helpers import sidecars

from crm.store.engine import Database
from crm.store.migrate import open_database


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db, _ = open_database(path, create=True)
    db.close()
    assert sidecars(path) == []  # closed cleanly: the file alone is the whole database
    return path


@pytest.fixture
def db_path(tmp_path: Path, template_db: Path) -> Path:
    """A database file at head, this test's own."""
    path = tmp_path / "crm.db"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database, report = open_database(db_path)
    assert not report.created and report.backup is None
    yield database
    database.close()
