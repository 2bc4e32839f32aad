"""Fixtures of the report tests: a migrated book with two teams and the demo city's
districts, copied per test; the services over it with a hand-moved clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_helpers import RM1, Clock, seed_database

from crm.services.container import Services
from crm.services.context import Context
from crm.store.engine import Database, open_engine
from crm.store.migrate import open_database


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports-seed") / "seed.db"
    db, _ = open_database(path, create=True)
    seed_database(db)
    db.close()
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(tmp_path: Path, seeded: Path) -> Iterator[Database]:
    target = tmp_path / "crm.db"
    shutil.copy(seeded, target)
    database = Database(target, open_engine(target))
    yield database
    database.close()


@pytest.fixture
def services(db: Database, clock: Clock) -> Services:
    """RM 王芳 at work."""
    return Services(Context(db, actor_id=RM1, clock=clock))
