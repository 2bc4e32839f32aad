"""Fixtures for loans and renewals: a migrated database with a team (two RMs and a lead)
and the demo city's districts, copied per test; a clock the test moves by hand; a
no-loan prospect of RM 王芳's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from loan_helpers import LEAD, RM1, RM2, T0, TEAM_ID, Clock

from crm import resources
from crm.domain.prospect import ProspectDraft
from crm.services.container import Services
from crm.services.context import Context
from crm.store.engine import Database
from crm.store.migrate import open_database
from crm.store.models import District, Team, User


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("loans-seed") / "seed.db"
    db, _ = open_database(path, create=True)
    with db.transaction() as s:
        s.add(Team(id=TEAM_ID, name="禅城支行普惠团队", branch="禅城支行", created_at=T0))
        s.flush()
        for uid, username, display, role in (
            (RM1, "wangfang", "王芳", "rm"),
            (RM2, "liqiang", "李强", "rm"),
            (LEAD, "chenjing", "陈静", "lead"),
        ):
            s.add(
                User(
                    id=uid,
                    username=username,
                    display_name=display,
                    role=role,
                    team_id=TEAM_ID,
                    phone="",
                    active=True,
                    created_at=T0,
                )
            )
        for d in resources.demo_districts():
            s.add(District(code=d.code, name=d.name_zh, name_en=d.name_en))
    db.close()
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(tmp_path: Path, seeded: Path) -> Iterator[Database]:
    target = tmp_path / "crm.db"
    shutil.copy(seeded, target)
    database, _ = open_database(target)
    yield database
    database.close()


@pytest.fixture
def ctx(db: Database, clock: Clock) -> Context:
    """RM 王芳 at work."""
    return Context(db, actor_id=RM1, clock=clock)


@pytest.fixture
def services(ctx: Context) -> Services:
    return Services(ctx)


@pytest.fixture
def lead_services(db: Database, clock: Clock) -> Services:
    """The team lead 陈静, on the same book and clock."""
    return Services(Context(db, actor_id=LEAD, clock=clock))


@pytest.fixture
def prospect(services: Services) -> str:
    draft = ProspectDraft(
        name="佛山市南海区华兴五金制品厂",
        district_code="440605",
        owner_name="王建国",
        industry_code="33",
        sources=["park"],
    )
    return services.prospects.create(draft, rm_id=RM1).id
