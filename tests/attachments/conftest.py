"""Fixtures: a migrated book with a team and two prospects (the visit tests' seed), copied
per test; the visit and attachment use cases over it with a clock the test moves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm.domain.prospect import ProspectDraft
from crm.services.attachments import AttachmentService
from crm.services.context import Context
from crm.services.prospects import ProspectService
from crm.services.visits import VisitService
from crm.store.engine import Database, open_engine
from crm.store.migrate import open_database

# The sync tests' real head office on 127.0.0.1, their people and devices.
from tests.sync.conftest import (  # noqa: F401
    device,
    memory_keyring,
    people,
    running_server,
    server,
)
from tests.visits.visit_helpers import NANHAI, RM1, TODAY, Clock, seed_database


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("attachments-seed") / "seed.db"
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
    return Context(db, actor_id=RM1, clock=clock)


@pytest.fixture
def visits(ctx: Context) -> VisitService:
    return VisitService(ctx)


@pytest.fixture
def files(ctx: Context) -> AttachmentService:
    return AttachmentService(ctx)


@pytest.fixture
def prospect(ctx: Context) -> str:
    draft = ProspectDraft(
        name="佛山市南海区华兴五金制品厂",
        district_code=NANHAI,
        owner_name="王建国",
        address="广东省佛山市南海区狮山镇华兴路1号",
        sources=["park"],
    )
    return ProspectService(ctx).create(draft, rm_id=RM1).id


@pytest.fixture
def draft_id(visits: VisitService, prospect: str) -> str:
    """A visit record opened today (a draft)."""
    return visits.start_record(prospect, TODAY).id
