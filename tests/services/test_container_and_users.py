"""Opening the use cases over a database file, and who is signed in on this device."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from service_helpers import LEAD, RM1, RM2, draft, open_copy

from crm.domain.errors import DomainError
from crm.services import reference
from crm.services.container import open_services
from crm.services.context import Context, NotFound
from crm.services.users import UserService
from crm.store.errors import StoreError


def test_open_services_creates_a_database_and_reports_it(tmp_path: Path) -> None:
    path = tmp_path / "book" / "crm.db"
    services = open_services(path, create=True)
    try:
        assert services.report is not None and services.report.created
        assert services.db_path == path.resolve()
        assert services.ctx.actor_id is None
        assert services.users.current() is None
        created = services.prospects.create(draft())
        assert created.rm_id is None  # nobody signed in: unassigned
    finally:
        services.close()


def test_open_services_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_services(tmp_path / "typo.db")
    assert caught.value.code == "db.missing"


def test_signed_in_user_acts_after_reopening(tmp_path: Path, seeded_template: Path) -> None:
    path = tmp_path / "crm.db"
    open_copy(seeded_template, path).close()
    services = open_services(path)
    try:
        me = services.users.sign_in(RM2)
        assert (me.display_name, me.role, me.team_name) == ("李强", "rm", "禅城支行普惠团队")
        assert services.ctx.actor_id == RM2
    finally:
        services.close()

    services = open_services(path)
    try:
        assert services.report is not None and not services.report.created
        assert services.ctx.actor_id == RM2
        assert services.prospects.create(draft()).rm_id == RM2
    finally:
        services.close()


def test_users_are_listed_by_role_and_found_by_username(ctx: Context) -> None:
    users = UserService(ctx)
    assert [u.display_name for u in users.all(role="rm")] == sorted(["王芳", "李强"])
    assert {u.id for u in users.all()} == {RM1, RM2, LEAD}
    assert users.by_username("chenjing").id == LEAD
    assert [t.name for t in users.teams()] == ["禅城支行普惠团队"]


def test_unknown_username_and_unknown_user_id_are_refused(ctx: Context) -> None:
    users = UserService(ctx)
    with pytest.raises(DomainError) as caught:
        users.by_username("nobody")
    assert caught.value.code == "user.unknown"
    with pytest.raises(NotFound):
        users.sign_in("0190f000-0000-7000-8000-0000000000ff")
    assert users.current() is None


def test_today_is_the_users_calendar_day(ctx: Context) -> None:
    ctx.clock = lambda: datetime(2026, 6, 30, 17, 30, tzinfo=UTC)  # 01:30 on 1 July in Shanghai
    assert ctx.today() == date(2026, 7, 1)


def test_reference_data_feeds_the_services(ctx: Context) -> None:
    assert reference.industry_codes_for(["C"])[:2] == ("13", "14")
    assert reference.industry_codes_for(["c", "51", "13"]).count("13") == 1
    assert "51" in reference.industry_codes_for(["F"])
    assert {d.code for d in reference.districts(ctx)} >= {"440604", "440605"}
    criteria = reference.strategic_criteria()
    assert (criteria.min_months_as_customer, criteria.min_loans) == (12, 2)
