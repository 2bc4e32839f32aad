"""The customer 360 page's use cases: a prospect's people (add, edit, one primary contact,
each change queued for head office in a payload it accepts), its header figures and its
history (stage moves, reassignments, edits with who and when)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from service_helpers import RM2, draft, outbox

from crm.domain.errors import DomainError
from crm.domain.prospect import FieldError
from crm.services.context import Context
from crm.services.customer import ContactDraft, CustomerService
from crm.services.loans import LoanDraft, record_loan
from crm.services.prospects import ProspectService
from crm.store.engine import Database
from crm.sync.protocol import ContactFields, parse_payload


@pytest.fixture
def customer(ctx: Context) -> CustomerService:
    return CustomerService(ctx)


def test_people_are_added_edited_and_one_is_primary(
    prospects: ProspectService, customer: CustomerService, db: Database
) -> None:
    p = prospects.create(draft())
    first = customer.add_contact(p.id, ContactDraft(" 张伟 ", "财务", "138 1234 5678"))
    assert first.is_primary  # the first person of a business is its contact
    second = customer.add_contact(p.id, ContactDraft("李娜", "出纳", "0757-8123 4567"))
    assert not second.is_primary
    assert [c.name for c in customer.contacts(p.id)] == ["张伟", "李娜"]

    edited = customer.edit_contact(second.id, ContactDraft("李娜", "财务经理", "13900139000", True))
    assert edited.is_primary and edited.title == "财务经理" and edited.phone == "13900139000"
    people = customer.contacts(p.id)
    assert [(c.name, c.is_primary) for c in people] == [("李娜", True), ("张伟", False)]

    ops = [op for op in outbox(db) if op.entity == "contact"]
    kinds = [(op.entity_id, op.kind) for op in ops]
    assert kinds == [
        (first.id, "create"),
        (first.id, "update"),  # made primary
        (second.id, "create"),
        (second.id, "update"),  # title and phone
        (first.id, "update"),  # no longer primary
        (second.id, "update"),  # made primary
    ]
    change = next(
        op
        for op in ops
        if op.entity_id == second.id and op.kind == "update" and "title" in op.payload
    )
    assert change.payload == {
        "prospect_id": p.id,
        "title": "财务经理",
        "phone": "13900139000",
    }
    for op in ops:  # head office takes every one of them
        assert isinstance(parse_payload("contact", op.kind, op.payload), ContactFields)


def test_a_contact_needs_a_name_and_a_valid_phone(
    prospects: ProspectService, customer: CustomerService, db: Database
) -> None:
    p = prospects.create(draft())
    before = len(outbox(db))
    with pytest.raises(FieldError) as no_name:
        customer.add_contact(p.id, ContactDraft("  ", "财务"))
    assert no_name.value.field == "contact_name"
    with pytest.raises(FieldError) as bad_phone:
        customer.add_contact(p.id, ContactDraft("张伟", phone="12345"))
    assert bad_phone.value.field == "phone"
    assert len(outbox(db)) == before  # nothing half-written
    with pytest.raises(DomainError):
        customer.add_contact("no-such-prospect", ContactDraft("张伟"))


def test_an_unchanged_contact_queues_nothing(
    prospects: ProspectService, customer: CustomerService, db: Database
) -> None:
    p = prospects.create(draft())
    c = customer.add_contact(p.id, ContactDraft("张伟", "财务", "13812345678"))
    before = len(outbox(db))
    customer.edit_contact(c.id, ContactDraft("张伟", "财务", "138 1234 5678", True))
    assert len(outbox(db)) == before


def test_glance_and_history(
    prospects: ProspectService, customer: CustomerService, ctx: Context
) -> None:
    p = prospects.create(draft())
    prospects.assign([p.id], RM2, "区域调整")
    edited = prospects.get(p.id).draft()
    edited.owner_name = "王建国"
    prospects.update(p.id, edited)
    record_loan(
        ctx, p.id, LoanDraft(50_000_000, 385, date(2026, 6, 1), date(2027, 6, 1), "basic_credit")
    )
    customer.add_contact(p.id, ContactDraft("张伟"))

    glance = customer.glance(p.id)
    assert glance.outstanding_fen == 50_000_000 and glance.outstanding_loans == 1
    assert glance.next_maturity == date(2027, 6, 1)
    assert glance.contacts == 1
    assert glance.checklist_total > 0 and glance.checklist_done == 0

    entries = customer.history(p.id)
    kinds = [e.kind for e in entries]
    assert {"created", "stage", "assign", "edit", "loan", "contact"} <= set(kinds)
    assert kinds[-1] == "created"  # oldest last
    maker = next(e.who for e in entries if e.kind == "stage" and e.detail["from"] is None)
    assert maker is not None and entries[-1].who == maker  # who entered it
    assign = next(e for e in entries if e.kind == "assign")
    assert assign.detail["note"] == "区域调整" and assign.detail["to"]
    edit = next(e for e in entries if e.kind == "edit")
    assert edit.detail["fields"] == ["owner_name"]
    assert all(a.at >= b.at for a, b in pairwise(entries))
