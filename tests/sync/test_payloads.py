"""Ops checked against the protocol's models (crm.sync.protocol) at a real head office: an op
or payload of the wrong shape is rejected on its own, with the reason, and stores nothing
while the other ops of the same push apply; every op today's client writes fits its model
and applies; a created prospect's first stage event keeps the device's event id."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from crm.domain.clock import SHANGHAI, utcnow
from crm.domain.ids import new_id
from crm.domain.visits import VisitDraft
from crm.headoffice.models import AppliedOp, Record
from crm.services.loans import LoanDraft, record_loan
from crm.services.prospects import add_contact
from crm.services.visits import VisitService
from crm.store.models import StageEvent
from crm.sync import protocol as P
from tests.sync.harness import Device, Server, Team


class Ops:
    """Ops as the sync engine sends them, each with a later clock than the one before."""

    def __init__(self, node: str = "testdevice01") -> None:
        self.node = node
        self.count = 0

    def __call__(self, entity: str, entity_id: str, kind: str, payload: Any) -> dict[str, Any]:
        self.count += 1
        now = utcnow()
        return {
            "op_id": new_id(),
            "entity": entity,
            "entity_id": entity_id,
            "kind": kind,
            "payload": payload,
            "base_version": None,
            "hlc": f"{int(now.timestamp() * 1000):013d}-{self.count:04x}-{self.node}",
            "created_at": now.isoformat(timespec="microseconds"),
        }


@dataclass
class Book:
    """A registered device (by token) and what it pushed: prospects P (the target of the bad
    ops) and Q (the good ops'), a planned visit V of P."""

    server: Server
    headers: dict[str, str]
    op: Ops
    pid: str
    other: str
    vid: str
    today: str

    def push(self, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = httpx.post(
            f"{self.server.url}{P.API}/push", headers=self.headers, json={"ops": ops}
        )
        assert answer.status_code == 200, answer.text
        results: list[dict[str, Any]] = answer.json()["results"]
        assert [r["op_id"] for r in results] == [o.get("op_id") for o in ops]
        return results


@pytest.fixture
def book(server: Server, people: Team) -> Book:
    _, token = server.admin.register_device("wangfang", name="payload-tests")
    headers = {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
    today = utcnow().astimezone(SHANGHAI).date().isoformat()
    b = Book(server, headers, Ops(), new_id(), new_id(), new_id(), today)
    results = b.push(
        [
            b.op("prospect", b.pid, "create", {"name": "佛山市南海区桂城鸿运五金制品厂"}),
            b.op("prospect", b.other, "create", {"name": "佛山市禅城区石湾陶瓷贸易行"}),
            b.op(
                "visit",
                b.vid,
                "plan",
                {"prospect_id": b.pid, "status": "planned", "kind": "site", "visit_on": today},
            ),
        ]
    )
    assert [r["status"] for r in results] == [P.APPLIED] * 3
    return b


def _records(server: Server) -> dict[tuple[str, str], tuple[int, bool, str]]:
    with server.ho.store.read() as s:
        return {(r.entity, r.id): (r.version, r.deleted, r.data) for r in s.scalars(select(Record))}


def _loan(b: Book, **changes: Any) -> dict[str, Any]:
    loan = {
        "prospect_id": b.pid,
        "product_code": "first_loan_credit",
        "amount_fen": 5_000_000_00,
        "rate_bp": 385,
        "start_date": "2025-03-01",
        "maturity_date": "2026-03-01",
    }
    return {**loan, **changes}


def _final(b: Book, **changes: Any) -> dict[str, Any]:
    return {"prospect_id": b.pid, "status": "final", "visit_on": b.today, **changes}


# Per op kind a device sends: (entity, entity id, kind, payload, the place that is wrong).
Case = Callable[[Book], tuple[str, str, str, Any, str]]
WRONG: dict[str, Case] = {
    "prospect create, blank name": lambda b: (
        "prospect", new_id(), "create", {"name": "  ", "stage": "no_loan"}, "name"
    ),
    "prospect create, capital as text": lambda b: (
        "prospect", new_id(), "create", {"name": "佛山市某厂", "registered_capital_fen": "500万"},
        "registered_capital_fen",
    ),
    "prospect create, unknown stage": lambda b: (
        "prospect", new_id(), "create", {"name": "佛山市某厂", "stage": "won"}, "stage"
    ),
    "prospect update, fields not an object": lambda b: (
        "prospect", b.pid, "update", {"fields": ["notes"]}, "fields"
    ),
    "prospect update, tags not a list": lambda b: (
        "prospect", b.pid, "update", {"fields": {"notes": "x", "tags": "key_client"}},
        "fields.tags",
    ),
    "prospect update, name removed": lambda b: (
        "prospect", b.pid, "update", {"fields": {"name": None}}, "fields.name"
    ),
    "prospect stage, unknown target": lambda b: (
        "prospect", b.pid, "stage", {"from": "no_loan", "to": "won", "reason": ""}, "to"
    ),
    "prospect stage, no from": lambda b: (
        "prospect", b.pid, "stage", {"to": "dropped", "reason_code": "no_need"}, "from"
    ),
    "prospect assign, no rm": lambda b: ("prospect", b.pid, "assign", {"note": "x"}, "rm_id"),
    "prospect claim, payload not an object": lambda b: (
        "prospect", b.pid, "claim", [], "payload"
    ),
    "prospect delete, reason a number": lambda b: (
        "prospect", b.pid, "delete", {"reason": 42}, "reason"
    ),
    "contact create, no name": lambda b: (
        "contact", new_id(), "create", {"prospect_id": b.pid, "title": "财务"}, "name"
    ),
    "contact create, primary as text": lambda b: (
        "contact", new_id(), "create", {"prospect_id": b.pid, "name": "李梅", "is_primary": "yes"},
        "is_primary",
    ),
    "loan create, start date not a date": lambda b: (
        "loan", new_id(), "create", _loan(b, start_date="2025/03/01"), "start_date"
    ),
    "loan create, amount as text": lambda b: (
        "loan", new_id(), "create", _loan(b, amount_fen="5,000,000.00"), "amount_fen"
    ),
    "loan create, no prospect": lambda b: (
        "loan", new_id(), "create", {**_loan(b), "prospect_id": None}, "prospect_id"
    ),
    "visit plan, day not a date": lambda b: (
        "visit", new_id(), "plan", {"prospect_id": b.pid, "visit_on": "下周二"}, "visit_on"
    ),
    "visit reschedule, day a number": lambda b: (
        "visit", b.vid, "reschedule", {"visit_on": 20260620}, "visit_on"
    ),
    "visit finalize, not final": lambda b: (
        "visit", b.vid, "finalize", _final(b, status="draft"), "status"
    ),
    "visit amend, amended id a number": lambda b: (
        "visit", new_id(), "amend", _final(b, amends_id=7), "amends_id"
    ),
    "visit cancel, prospect id a number": lambda b: (
        "visit", b.vid, "cancel", {"prospect_id": 7}, "prospect_id"
    ),
    "checklist tick, no item": lambda b: (
        "checklist_tick", b.pid, "tick", {"prospect_id": b.pid, "visit_id": b.vid}, "item_code"
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(WRONG))
def test_a_payload_of_the_wrong_shape_is_rejected_alone_and_stores_nothing(
    book: Book, server: Server, case: str
) -> None:
    entity, entity_id, kind, payload, place = WRONG[case](book)
    before, head = _records(server), server.ho.head()
    ops = [
        book.op("prospect", book.other, "update", {"fields": {"notes": "回访：有扩产计划"}}),
        book.op(entity, entity_id, kind, payload),
        book.op("prospect", book.other, "update", {"fields": {"phone": "13800138000"}}),
    ]
    results = book.push(ops)

    assert [r["status"] for r in results] == [P.APPLIED, P.REJECTED, P.APPLIED]
    refused = results[1]
    assert refused["code"] == P.R_INVALID
    assert place in refused["invalid_fields"]
    assert f"{place}:" in refused["message"]
    assert "record" not in refused
    after = _records(server)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {("prospect", book.other)}
    data = json.loads(after[("prospect", book.other)][2])
    assert (data["notes"], data["phone"]) == ("回访：有扩产计划", "13800138000")
    assert server.ho.head() == head + 2  # the change log holds the good ops only

    # A retry is answered from what head office recorded, the rejection included.
    again = book.push(ops)
    assert [r["status"] for r in again] == [P.DUPLICATE] * 3
    assert [r["original"] for r in again] == [P.APPLIED, P.REJECTED, P.APPLIED]
    assert again[1]["message"] == refused["message"]
    assert _records(server) == after


def test_malformed_ops_are_rejected_one_by_one_and_an_op_without_an_id_is_not_recorded(
    book: Book, server: Server
) -> None:
    good = book.op("prospect", book.other, "update", {"fields": {"notes": "still applied"}})
    no_id = {**book.op("prospect", book.pid, "update", {"fields": {}}), "op_id": None}
    long_id = {**book.op("prospect", book.pid, "update", {"fields": {}}), "op_id": "x" * 37}
    bad_hlc = {**book.op("prospect", book.pid, "update", {"fields": {}}), "hlc": "yesterday"}
    bad_time = {**book.op("prospect", book.pid, "update", {"fields": {}}), "created_at": "今天"}
    long_pid = book.op("prospect", "p" * 37, "create", {"name": "佛山市某厂"})
    unknown_kind = book.op("prospect", book.pid, "merge", {})
    directory = book.op("team", new_id(), "create", {"name": "x"})
    with server.ho.store.read() as s:
        recorded = s.scalar(select(func.count()).select_from(AppliedOp))
    before = _records(server)

    results = book.push(
        [no_id, long_id, bad_hlc, good, bad_time, long_pid, unknown_kind, directory]
    )

    assert [r["status"] for r in results] == [P.REJECTED] * 3 + [P.APPLIED] + [P.REJECTED] * 4
    assert [r["code"] for r in results if r["status"] == P.REJECTED] == [P.R_INVALID] * 6 + [
        P.R_ROLE
    ]
    assert results[0]["message"].startswith("malformed op: op_id")
    assert "hlc" in results[2]["invalid_fields"] and "created_at" in results[4]["invalid_fields"]
    assert "entity_id" in results[5]["invalid_fields"]
    assert "unknown op kind" in results[6]["message"]
    with server.ho.store.read() as s:
        # Recorded: all but the two whose op id head office cannot keep.
        assert s.scalar(select(func.count()).select_from(AppliedOp)) == recorded + 6
    changed = {k for k, v in _records(server).items() if before.get(k) != v}
    assert changed == {("prospect", book.other)}


def test_a_loan_with_a_bad_date_never_reaches_the_stage_gates(book: Book, server: Server) -> None:
    """Head office reads its loans' start dates when it checks a stage move: a loan whose
    date is not a date is refused on arrival, and the move is judged on the loans it has."""
    results = book.push(
        [
            book.op("loan", new_id(), "create", _loan(book, start_date="三月一日")),
            book.op("prospect", book.pid, "stage", {"from": "no_loan", "to": "first_loan"}),
            book.op("loan", new_id(), "create", _loan(book)),
            book.op("prospect", book.pid, "stage", {"from": "no_loan", "to": "first_loan"}),
        ]
    )
    assert [(r["status"], r.get("code")) for r in results] == [
        (P.REJECTED, P.R_INVALID),
        (P.REJECTED, P.R_STAGE_RULE),
        (P.APPLIED, None),
        (P.APPLIED, None),
    ]
    assert server.admin.record_counts()["loan"] == 1


def test_every_op_the_client_writes_fits_its_model_and_applies(
    device: Callable[..., Device], server: Server, people: Team
) -> None:
    rm: Device = device("wangfang")
    rm.sign_in()
    rm.run()
    pid = rm.create("佛山市南海区狮山华兴五金制品厂", phone="13800138000", notes="园区名单")
    gone = rm.create("佛山市三水区待删除商行")
    detail = rm.prospects.get(pid)
    draft = detail.draft()
    draft.address = "佛山市南海区狮山镇兴业路8号"
    draft.registered_capital_fen = 500_000_000
    rm.prospects.update(pid, draft)
    rm.prospects.add_tag([pid], "high_tech")
    add_contact(rm.ctx, pid, "王建国", "法定代表人", "13900139000", primary=True)
    today = rm.ctx.today()
    record_loan(
        rm.ctx,
        pid,
        LoanDraft(5_000_000_00, 385, today - timedelta(days=30), today + timedelta(days=335)),
    )
    rm.prospects.change_stage(pid, "first_loan", None, "")
    visits = VisitService(rm.ctx)
    planned = visits.plan(pid, VisitDraft(visit_on=today + timedelta(days=3), purpose="贷后"))
    visits.reschedule(planned.id, today + timedelta(days=5), "10:00")
    cancelled = visits.plan(pid, VisitDraft(visit_on=today + timedelta(days=9)))
    visits.cancel(cancelled.id)
    record = visits.start_record(pid, today)
    final = visits.finalize(record.id, _complete(today))
    amendment = visits.amend(final.id)
    visits.finalize(amendment.id, _complete(today, amend_reason="补记陪同人员"))
    rm.prospects.delete(gone, "重复录入")

    ops = [_wire(o) for o in rm.outbox()]
    kinds = {(o["entity"], o["kind"]) for o in ops}
    assert kinds >= {
        ("prospect", "create"),
        ("prospect", "update"),
        ("prospect", "stage"),
        ("prospect", "delete"),
        ("contact", "create"),
        ("loan", "create"),
        ("visit", "plan"),
        ("visit", "reschedule"),
        ("visit", "cancel"),
        ("visit", "finalize"),
        ("visit", "amend"),
        ("checklist_tick", "tick"),
    }
    for o in ops:
        op = P.parse_op(o)
        P.parse_payload(op.entity, op.kind, op.payload)
    summary = rm.run()
    assert summary.rejected == 0 and summary.applied == len(ops)
    assert rm.sync.conflicts() == []

    lead: Device = device("chenjing")
    lead.sign_in()
    lead.run()
    lead.prospects.assign([pid], people.rm2, "团队调整")
    [assign] = [_wire(o) for o in lead.outbox()]
    P.parse_payload("prospect", "assign", assign["payload"])
    assert lead.run().rejected == 0
    counts = server.admin.record_counts()
    assert counts["loan"] == 1 and counts["contact"] == 1 and counts["checklist_tick"] == 2


def test_a_created_prospects_first_stage_event_keeps_the_devices_id(
    device: Callable[..., Device], server: Server, book: Book
) -> None:
    d: Device = device("wangfang")
    d.sign_in()
    d.run()
    pid = d.create("佛山市顺德区北滘美佳电器配件厂")
    d.prospects.change_stage(pid, "dropped", "no_need", "客户暂无融资需求")
    with d.db.reading() as s:
        local = list(
            s.scalars(
                select(StageEvent.id)
                .where(StageEvent.prospect_id == pid)
                .order_by(StageEvent.changed_at)
            )
        )
    d.run()
    history = _history(server, pid)
    assert [e["id"] for e in history] == local and len(local) == 2
    assert [(e["from"], e["to"]) for e in history] == [(None, "no_loan"), ("no_loan", "dropped")]

    # An op without an event id (an older client): the op's own id names the event.
    raw = book.op("prospect", new_id(), "create", {"name": "佛山市高明区荷城旧版商行"})
    [result] = book.push([raw])
    assert result["status"] == P.APPLIED
    assert [e["id"] for e in _history(server, raw["entity_id"])] == [raw["op_id"]]


def _history(server: Server, pid: str) -> list[dict[str, Any]]:
    with server.ho.store.read() as s:
        rec = s.get(Record, ("prospect", pid))
        assert rec is not None
        history: list[dict[str, Any]] = json.loads(rec.data)["history"]
        return history


def _wire(o: Any) -> dict[str, Any]:
    """An outbox row as the sync engine pushes it."""
    return {
        "op_id": o.op_id,
        "entity": o.entity,
        "entity_id": o.entity_id,
        "kind": o.kind,
        "payload": json.loads(o.payload),
        "base_version": o.base_version,
        "hlc": o.hlc,
        "created_at": o.created_at.isoformat(timespec="microseconds"),
    }


def _complete(day: date, **changes: Any) -> VisitDraft:
    """A site visit record with everything the rules ask for (two checklist items)."""
    values: dict[str, Any] = {
        "visit_on": day,
        "kind": "site",
        "start_time": "09:30",
        "place": "佛山市南海区狮山镇华兴五金厂区",
        "purpose": "首次走访，了解经营情况",
        "companions": "支行行长 陈静",
        "people_met": "法定代表人 王建国；财务 李梅",
        "operating_state": "两条生产线正常开工，工人约40人",
        "repayment_source": "销售回款，月均流水约120万元",
        "growth_prospects": "已进入本地家电龙头供应商名录",
        "need_amount_fen": 100_000_000,
        "need_purpose": "购置数控折弯机",
        "need_timing": "春节后",
        "due_diligence": ("before.site", "before.turnover"),
        "checklist_items": ("literacy.products", "debt.capacity"),
        "credit_auth": True,
        "credit_auth_on": day,
        "next_steps": "收集近两年纳税证明和银行流水",
        "next_visit_on": day + timedelta(days=21),
    }
    values.update(changes)
    return VisitDraft(**values)
