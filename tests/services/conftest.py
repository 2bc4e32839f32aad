"""Fixtures for the use cases: a migrated database with a team, three users and the demo
city's districts, copied per test; a hand-moved clock; the signed-in RM as actor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from service_helpers import LEAD, RM1, RM2, T0, TEAM_ID, Clock, open_copy

from crm import resources
from crm.services.context import Context
from crm.services.prospects import ProspectService
from crm.store.engine import Database
from crm.store.migrate import open_database
from crm.store.models import District, Team, User


def seed(db: Database) -> None:
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


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "template.db"
    db, _ = open_database(path, create=True)
    seed(db)
    db.close()
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(tmp_path: Path, seeded_template: Path) -> Iterator[Database]:
    database = open_copy(seeded_template, tmp_path / "crm.db")
    yield database
    database.close()


@pytest.fixture
def ctx(db: Database, clock: Clock) -> Context:
    """RM 王芳 at work, on a clock that only moves when a test moves it."""
    return Context(db, actor_id=RM1, clock=clock)


@pytest.fixture
def prospects(ctx: Context) -> ProspectService:
    return ProspectService(ctx)
