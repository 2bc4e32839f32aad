"""A change to a record head office does not have is refused (``missing``), never stored as
part of a record: a loan made by a later kind of op would lack its amount and dates, and no
laptop could apply it (found by the fuzzer)."""

from __future__ import annotations

import httpx

from crm.domain.ids import new_id
from crm.headoffice.models import Record
from crm.sync import protocol as P
from tests.sync.harness import Server, Team
from tests.sync.test_payloads import Ops


def test_a_change_to_a_loan_head_office_lacks_is_refused(server: Server, people: Team) -> None:
    _, token = server.admin.register_device("wangfang", name="missing")
    headers = {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
    op = Ops()
    pid, loan, tick = new_id(), new_id(), new_id()
    ops = [
        op("prospect", pid, "create", {"name": "佛山市禅城区某陶瓷商行"}),
        op("loan", loan, "repay", {"prospect_id": pid, "repaid_fen": 100, "amount_fen": 5}),
        op("checklist_tick", tick, "tick", {"prospect_id": pid, "item_code": "debt.capacity"}),
    ]
    answer = httpx.post(f"{server.url}{P.API}/push", headers=headers, json={"ops": ops})
    results = answer.json()["results"]
    assert [(r["status"], r.get("code")) for r in results] == [
        (P.APPLIED, None),
        (P.REJECTED, P.R_MISSING),
        (P.APPLIED, None),
    ]
    with server.ho.store.read() as s:
        assert s.get(Record, ("loan", loan)) is None
