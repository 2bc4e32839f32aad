"""Fixtures for visits: a migrated database with a team (two RMs and a lead), the demo
city's districts and a few prospects, copied per test; a clock the test moves by hand."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from visit_helpers import CHANCHENG, NANHAI, RM1, RM2, SHUNDE, Book, Clock, seed_database

from crm.domain.prospect import ProspectDraft
from crm.services.context import Context
from crm.services.prospects import ProspectService
from crm.services.visits import VisitService
from crm.store.engine import Database, open_engine
from crm.store.migrate import open_database


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("visits-seed") / "seed.db"
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
def ctx(db: Database, clock: Clock) -> Context:
    """RM 王芳 at work."""
    return Context(db, actor_id=RM1, clock=clock)


@pytest.fixture
def visits(ctx: Context) -> VisitService:
    return VisitService(ctx)


@pytest.fixture
def book(ctx: Context) -> Book:
    service = ProspectService(ctx)

    def make(name: str, district: str, rm: str) -> str:
        draft = ProspectDraft(
            name=name,
            district_code=district,
            owner_name="王建国",
            address=f"广东省佛山市{name}经营场所",
            sources=["park"],
        )
        return service.create(draft, rm_id=rm).id

    return Book(
        huaxing=make("佛山市南海区华兴五金制品厂", NANHAI, RM1),
        meijia=make("佛山市顺德区美嘉家具有限公司", SHUNDE, RM1),
        taoci=make("禅城区陶瓷之家经营部", CHANCHENG, RM2),
    )
