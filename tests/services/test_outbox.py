"""Every change for head office writes its outbox row in the change's own transaction."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from service_helpers import RM1, RM2, Clock, draft, outbox, uscc
from sqlalchemy import func, select

from crm.domain.ids import new_id
from crm.domain.query import ProspectFilter, Sort
from crm.services import outbox as outbox_module
from crm.services.context import Context
from crm.services.loans import LoanDraft, record_loan
from crm.services.prospects import ProspectService, add_contact
from crm.services.records import DuplicateUSCC
from crm.store.engine import Database
from crm.store.models import AppMeta, Assignment, OutboxOp, Prospect
from crm.sync.hlc import HLC


class Boom(Exception):
    pass


def count(db: Database, model: type) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_create_writes_exactly_one_outbox_row(prospects: ProspectService, db: Database) -> None:
    p = prospects.create(
        draft(
            "佛山市南海五金制品厂",
            uscc=uscc(1),
            phone="13812345678",
            district_code="440605",
            industry_code="33",
            tags=["tech"],
            sources=["park"],
            established_on=date(2020, 3, 1),
        )
    )
    ops = outbox(db)
    assert len(ops) == 1
    op = ops[0]
    assert (op.entity, op.entity_id, op.kind, op.base_version) == ("prospect", p.id, "create", None)
    assert op.payload["name"] == "佛山市南海五金制品厂"
    assert op.payload["uscc"] == uscc(1)
    assert op.payload["established_on"] == "2020-03-01"
    assert op.payload["stage"] == "no_loan"
    assert op.payload["rm_id"] == RM1
    assert op.payload["tags"] == ["tech"]
    assert op.payload["sources"] == ["park"]


def test_failed_transaction_keeps_neither_the_change_nor_its_outbox_row(
    ctx: Context, db: Database
) -> None:
    with pytest.raises(Boom), db.transaction() as s:
        pid = new_id()
        s.add(
            Prospect(
                id=pid,
                name="高明五金批发部",
                name_key="高明五金批发部",
                kind="enterprise",
                owner_name="",
                phone="",
                address="",
                street="",
                notes="",
                stage="no_loan",
                stage_changed_at=ctx.now(),
                created_at=ctx.now(),
                updated_at=ctx.now(),
                edited_fields="",
                version=1,
            )
        )
        outbox_module.record(
            s,
            ctx,
            entity="prospect",
            entity_id=pid,
            kind="create",
            payload={"name": "高明五金批发部"},
            base_version=None,
        )
        s.flush()
        assert s.scalar(select(func.count()).select_from(OutboxOp)) == 1
        raise Boom
    assert count(db, Prospect) == 0
    assert count(db, OutboxOp) == 0
    assert count(db, AppMeta) == 0  # nor the clock and device id it advanced


def test_refused_duplicate_writes_no_second_outbox_row(
    prospects: ProspectService, db: Database
) -> None:
    prospects.create(draft("佛山市南海五金制品厂", uscc=uscc(1)))
    with pytest.raises(DuplicateUSCC):
        prospects.create(draft("佛山南海五金厂", uscc=uscc(1)))
    assert count(db, Prospect) == 1
    assert [op.kind for op in outbox(db)] == ["create"]


def test_update_sends_only_the_changed_fields_on_the_previous_version(
    prospects: ProspectService, db: Database
) -> None:
    p = prospects.create(draft("佛山市南海五金制品厂", phone="13812345678"))
    form = p.draft()
    form.phone = "0757-83336666"
    form.notes = "老板想扩产"
    form.tags = ["tech", "green"]
    updated = prospects.update(p.id, form, expected_version=p.version)

    op = outbox(db)[-1]
    assert (op.kind, op.entity_id, op.base_version) == ("update", p.id, p.version)
    assert op.payload == {
        "fields": {"phone": "0757-83336666", "notes": "老板想扩产", "tags": ["green", "tech"]}
    }
    assert updated.version == p.version + 1


def test_update_that_changes_nothing_writes_nothing(
    prospects: ProspectService, db: Database, clock: Clock
) -> None:
    p = prospects.create(
        draft("佛山市南海五金制品厂", uscc=uscc(1), tags=["green", "tech"], sources=["park"])
    )
    clock.advance(minutes=5)
    form = p.draft()
    form.name = "  佛山市南海五金制品厂 "  # cleaned to the same value
    same = prospects.update(p.id, form, expected_version=p.version)
    assert len(outbox(db)) == 1
    assert same.version == p.version
    assert prospects.get(p.id).updated_at == p.updated_at


def test_stage_change_writes_a_stage_command(
    prospects: ProspectService, ctx: Context, db: Database
) -> None:
    p = prospects.create(draft())
    moved = prospects.change_stage(p.id, "dropped", "no_need", "  暂无融资需求  ")
    op = outbox(db)[-1]
    assert (op.kind, op.entity_id, op.base_version) == ("stage", p.id, 1)
    assert op.payload == {
        "from": "no_loan",
        "to": "dropped",
        # The device's event id travels, so every copy of the history is the same record.
        "event_id": moved.history[-1].id,
        "reason_code": "no_need",
        "reason": "暂无融资需求",
    }


def test_assign_writes_an_assign_op_per_prospect_and_assignment_history(
    prospects: ProspectService, db: Database
) -> None:
    a = prospects.create(draft("佛山市南海五金制品厂"))
    b = prospects.create(draft("顺德陶瓷贸易有限公司"), rm_id=RM2)
    moved = prospects.assign([a.id, b.id], RM2, note="片区调整")
    assert moved == 1  # b already belonged to RM2
    op = outbox(db)[-1]
    assert (op.kind, op.entity_id, op.base_version) == ("assign", a.id, 1)
    assert op.payload == {"rm_id": RM2, "note": "片区调整"}
    assert [o.kind for o in outbox(db)] == ["create", "create", "assign"]
    with db.reading() as s:
        history = s.scalars(select(Assignment)).all()
        assert [
            (h.prospect_id, h.from_user_id, h.to_user_id, h.assigned_by, h.note) for h in history
        ] == [(a.id, RM1, RM2, RM1, "片区调整")]
    assert prospects.get(a.id).version == 2


def test_unassigning_is_an_assign_op_to_nobody(prospects: ProspectService, db: Database) -> None:
    p = prospects.create(draft())
    assert prospects.assign([p.id], None) == 1
    assert outbox(db)[-1].payload == {"rm_id": None, "note": ""}
    assert prospects.get(p.id).rm_id is None


def test_loans_and_contacts_are_queued_too(
    prospects: ProspectService, ctx: Context, db: Database
) -> None:
    p = prospects.create(draft())
    loan_id = record_loan(
        ctx, p.id, LoanDraft(50_000_000, 385, date(2026, 6, 1), date(2027, 6, 1), "basic_credit")
    )
    contact = add_contact(ctx, p.id, " 张伟 ", "财务", "138 1234 5678", primary=True)
    loan_op, contact_op = outbox(db)[-2:]
    assert (loan_op.entity, loan_op.entity_id, loan_op.kind) == ("loan", loan_id, "create")
    assert loan_op.payload["amount_fen"] == 50_000_000
    assert loan_op.payload["maturity_date"] == "2027-06-01"
    assert (contact_op.entity, contact_op.entity_id) == ("contact", contact.id)
    assert contact_op.payload["phone"] == "13812345678"
    assert contact_op.payload["name"] == "张伟"


def test_outbox_clock_values_strictly_increase_even_when_the_wall_clock_stands_still_or_goes_back(
    prospects: ProspectService, db: Database, clock: Clock
) -> None:
    p = prospects.create(draft("佛山市南海五金制品厂"))
    prospects.add_tag([p.id], "tech")  # same millisecond
    clock.advance(minutes=-10)  # the laptop's clock was corrected backwards
    prospects.add_tag([p.id], "green")
    prospects.assign([p.id], RM2)
    clock.advance(hours=1)
    prospects.change_stage(p.id, "dropped", "closed")

    stamps = [op.hlc for op in outbox(db)]
    assert len(stamps) == 5
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    parsed = [HLC.parse(s) for s in stamps]
    assert all((a.millis, a.logical) < (b.millis, b.logical) for a, b in pairwise(parsed))
    assert parsed[-1].millis == int(clock().timestamp() * 1000)


def test_device_id_is_made_once_and_names_the_clock(
    prospects: ProspectService, db: Database
) -> None:
    prospects.create(draft("佛山市南海五金制品厂"))
    prospects.create(draft("顺德陶瓷贸易有限公司"))
    with db.reading() as s:
        device = outbox_module.device_id(s)
        last = outbox_module.meta_get(s, outbox_module.HLC_KEY)
    nodes = {HLC.parse(op.hlc).node for op in outbox(db)}
    assert nodes == {device[-12:]}
    assert last == outbox(db)[-1].hlc
    with db.reading() as s:
        assert outbox_module.pending_count(s) == 2


def test_delete_removes_the_prospect_and_queues_a_delete_op(
    prospects: ProspectService, db: Database
) -> None:
    p = prospects.create(draft("佛山市误录入五金有限公司"))
    prospects.delete(p.id, "entered twice")
    with db.reading() as s:
        assert s.get(Prospect, p.id) is None
        kinds = s.scalars(
            select(OutboxOp.kind).where(OutboxOp.entity_id == p.id).order_by(OutboxOp.seq)
        ).all()
    assert kinds == ["create", "delete"]
    assert prospects.page(ProspectFilter(text="误录入"), Sort()) == []
