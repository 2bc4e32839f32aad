"""The role comes from head office: a device's book holds its user's role and team as head
office has them, and a role or team changed at head office reaches the device at its next
sync, which downloads the new scope (records now out of it leave, those now in it arrive)
and the services answer with the new role at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crm.domain.errors import DomainError
from crm.domain.query import ProspectFilter, Sort
from crm.domain.roles import OUT_OF_SCOPE
from crm.services.users import UserService
from tests.sync.harness import Device, Server, Team

EVERYTHING = ProspectFilter()


def listed(d: Device) -> set[str]:
    return {r.id for r in d.prospects.page(EVERYTHING, Sort())}


@pytest.fixture
def books(device: Callable[..., Device]) -> dict[str, str]:
    """A prospect in each RM's book, made on their own laptops."""
    ids = {}
    for username, name in (
        ("wangfang", "佛山市南海五金制品厂"),
        ("liqiang", "顺德陶瓷贸易有限公司"),
        ("zhaolei", "高明绿源农业合作社"),
    ):
        d = device(username)
        d.sign_in()
        d.run()
        ids[username] = d.create(name)
        d.run()
    return ids


def test_a_role_changed_at_head_office_reaches_the_device_at_its_next_sync(
    server: Server, device: Callable[..., Device], people: Team, books: dict[str, str]
) -> None:
    rm = device("wangfang", name="wangfang-laptop")
    rm.sign_in()
    rm.run()
    assert listed(rm) == {books["wangfang"]}
    assert rm.prospect(books["liqiang"]) is None
    with pytest.raises(DomainError, check=lambda e: e.code == OUT_OF_SCOPE):
        rm.prospects.page(ProspectFilter(rm_ids=(people.rm2,)), Sort())

    server.admin.set_role("wangfang", role="lead")
    rm.run()
    me = UserService(rm.ctx).current()
    assert me is not None and me.role == "lead"
    assert listed(rm) == {books["wangfang"], books["liqiang"]}
    assert rm.prospects.get(books["liqiang"]).rm_id == people.rm2
    assert rm.prospect(books["zhaolei"]) is None  # another team's stays at head office

    server.admin.set_role("wangfang", role="rm")
    rm.run()
    assert listed(rm) == {books["wangfang"]}
    assert rm.prospect(books["liqiang"]) is None  # out of the book again


def test_a_team_change_at_head_office_moves_the_rms_book_between_leads(
    server: Server, device: Callable[..., Device], people: Team, books: dict[str, str]
) -> None:
    lead = device("chenjing", name="chenjing-laptop")
    lead.sign_in()
    lead.run()
    me = UserService(lead.ctx).current()  # the book's user, as the directory brought it
    assert me is not None and (me.id, me.role, me.team_id) == (people.lead, "lead", people.team)
    assert listed(lead) == {books["wangfang"], books["liqiang"]}  # not another team's

    server.admin.set_role("liqiang", team=people.other_team)
    lead.run()
    assert listed(lead) == {books["wangfang"]}
    assert lead.prospect(books["liqiang"]) is None
    rm2 = device("liqiang", name="liqiang-laptop")
    rm2.sign_in()
    rm2.run()
    assert listed(rm2) == {books["liqiang"]}
    me = UserService(rm2.ctx).current()
    assert me is not None and me.team_id == people.other_team
