"""Service plans travel through a real head office on 127.0.0.1: a plan made on one laptop
reaches the team's other laptops, changes come back, head office's strategic gate reads the
plan as it has it, and payloads that do not fit are refused on their own (never a 5xx)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest

from crm.domain.errors import DomainError
from crm.domain.ids import new_id
from crm.domain.service_plans import PlanDraft
from crm.headoffice.models import Record
from crm.services.loans import LoanDraft, LoanService
from crm.services.service_plans import ServicePlanService
from crm.sync import protocol as P
from tests.sync.conftest import device, memory_keyring, people, running_server, server
from tests.sync.harness import Device, Server, Team
from tests.sync.test_payloads import Ops

__all__ = ["device", "memory_keyring", "people", "running_server", "server"]

EASY = {"min_months_as_customer": 0, "min_loans": 1, "min_total_credit_fen": 1}


def _customer(laptop: Device) -> str:
    pid = laptop.create("佛山市禅城区甲机械有限公司")
    today = laptop.ctx.today()
    LoanService(laptop.ctx).record(
        pid,
        LoanDraft(
            amount_fen=60_000_000,
            rate_bp=385,
            start_date=today - timedelta(days=430),
            maturity_date=today + timedelta(days=300),
        ),
    )
    laptop.prospects.change_stage(pid, "first_loan")
    return pid


def _ho(server: Server, entity: str, key: str) -> dict[str, Any] | None:
    with server.ho.store.read() as s:
        rec = s.get(Record, (entity, key))
        return None if rec is None else dict(json.loads(rec.data))


def test_a_plan_travels_both_ways_and_head_office_s_gate_reads_it(
    device: Callable[..., Device], server: Server, people: Team
) -> None:
    server.admin.publish("criteria", EASY)
    mine, lead = device("wangfang"), device("chenjing")
    for laptop in (mine, lead):
        laptop.sign_in()
        laptop.run()
    pid = _customer(mine)
    plans = ServicePlanService(mine.ctx)
    today = mine.ctx.today()
    plans.save(
        pid,
        PlanDraft(
            ("settlement", "supply_chain_finance"),
            people.rm1,
            today + timedelta(days=60),
            "draft",
            "上游核心企业在我行",
        ),
    )
    # A draft does not make a strategic client.
    with pytest.raises(DomainError, match="no active service plan"):
        mine.prospects.change_stage(pid, "strategic")
    assert mine.run().rejected == 0
    assert mine.outbox() == []
    held = _ho(server, "service_plan", pid)
    assert held is not None
    assert held["items"] == ["settlement", "supply_chain_finance"]
    assert (held["status"], held["rm_id"], held["notes"]) == (
        "draft",
        people.rm1,
        "上游核心企业在我行",
    )

    # The lead's laptop downloads it; the lead makes it active and it comes back.
    lead.run()
    theirs = ServicePlanService(lead.ctx)
    got = theirs.get(pid)
    assert got is not None and got.items == ("settlement", "supply_chain_finance")
    assert got.owner_id == people.rm1 and not got.unsent
    theirs.save(pid, replace(got.draft(), status="active"))
    lead.run()
    assert _ho(server, "service_plan", pid)["status"] == "active"  # type: ignore[index]
    mine.run()
    assert plans.get(pid).status == "active"  # type: ignore[union-attr]

    # Now the move to strategic passes on the laptop and at head office.
    mine.prospects.change_stage(pid, "strategic")
    summary = mine.run()
    assert summary.rejected == 0
    assert _ho(server, "prospect", pid)["stage"] == "strategic"  # type: ignore[index]

    # A review held on the laptop reaches head office with its next date.
    plans.review(pid)
    mine.run()
    held = _ho(server, "service_plan", pid)
    assert held is not None and held["reviewed_on"] == today.isoformat()


def test_head_office_refuses_a_strategic_move_without_its_plan(
    device: Callable[..., Device], server: Server, people: Team
) -> None:
    """A laptop that lets the move pass (its plan made offline) while head office has a
    closed plan: head office refuses the move, and the queue behind it goes on."""
    server.admin.publish("criteria", EASY)
    laptop = device("wangfang")
    laptop.sign_in()
    laptop.run()
    pid = _customer(laptop)
    plans = ServicePlanService(laptop.ctx)
    day = laptop.ctx.today() + timedelta(days=30)
    plans.save(pid, PlanDraft(("credit",), people.rm1, day, "closed"))
    laptop.run()
    # Offline: the plan is made active and the customer moved; the plan's op is lost on
    # the way (taken out of the outbox), so head office still holds a closed plan.
    plans.save(pid, PlanDraft(("credit",), people.rm1, day, "active"))
    laptop.prospects.change_stage(pid, "strategic")
    with laptop.db.transaction() as s:
        from crm.store.models import OutboxOp

        s.query(OutboxOp).filter(OutboxOp.entity == "service_plan").delete()
    later = laptop.create("佛山市南海区乙五金厂")
    summary = laptop.run()
    assert summary.rejected == 1 and laptop.outbox() == []
    assert [c.code for c in laptop.sync.conflicts()][-1] == P.R_STAGE_RULE
    assert _ho(server, "prospect", pid)["stage"] == "first_loan"  # type: ignore[index]
    assert _ho(server, "prospect", later) is not None


def _headers(server: Server) -> dict[str, str]:
    _, token = server.admin.register_device("wangfang", name="plans")
    return {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}


def test_hostile_plan_payloads_are_refused_one_by_one_never_with_a_server_error(
    server: Server, people: Team
) -> None:
    headers = _headers(server)
    op = Ops()
    pid = new_id()
    created = op("prospect", pid, "create", {"name": "佛山市禅城区石湾陶瓷贸易行"})
    good = {"prospect_id": pid, "items": ["credit"], "review_on": "2027-01-05", "status": "active"}
    bad_payloads: list[dict[str, Any]] = [
        {**good, "items": []},
        {**good, "items": ["有 空格"]},
        {**good, "items": ["x" * 41]},
        {**good, "items": ["credit"] * 31},
        {**good, "items": "credit"},
        {**good, "items": [1]},
        {**good, "status": "approved"},
        {**good, "review_on": "2027-02-30"},
        {**good, "review_on": 20270105},
        {**good, "notes": "很" * 4001},
        {**good, "rm_id": "x" * 37},
        {k: v for k, v in good.items() if k != "review_on"},
        {k: v for k, v in good.items() if k != "prospect_id"},
    ]
    ops = [created]
    ops += [op("service_plan", pid, "create", payload) for payload in bad_payloads]
    ops += [op("service_plan", pid, "update", {"prospect_id": pid, "status": "paused"})]
    ops += [op("service_plan", pid, "create", good)]
    answer = httpx.post(f"{server.url}{P.API}/push", headers=headers, json={"ops": ops})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    statuses = [(r["status"], r.get("code")) for r in results]
    assert statuses[0][0] == P.APPLIED and statuses[-1][0] == P.APPLIED
    assert statuses[1:-1] == [(P.REJECTED, P.R_INVALID)] * (len(bad_payloads) + 1)
    held = _ho(server, "service_plan", pid)
    assert held is not None and held["items"] == ["credit"] and held["status"] == "active"
    # A body that is not JSON at all: a 4xx, not a 5xx.
    broken = httpx.post(
        f"{server.url}{P.API}/push",
        headers={**headers, "content-type": "application/json"},
        content=b'{"ops": [{"entity": "service_plan", "payload": {"items": [',
    )
    assert 400 <= broken.status_code < 500
