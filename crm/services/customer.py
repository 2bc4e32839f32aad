"""The customer 360 page's use cases beside the prospect's own: the figures of its header,
its people (add, edit, make primary: each through the contacts' one writer, so head office
hears of it), its history and the files of its visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from crm.domain.prospect import FieldError, check_phone
from crm.services import visit_rules
from crm.services.context import Context, NotFound
from crm.services.detail_records import ContactInfo
from crm.store import contact_writer, customer_queries, prospect_reads
from crm.store.contact_writer import ContactValues, NewContact
from crm.store.models import Contact
from crm.store.unit_of_work import Session


@dataclass(frozen=True)
class CustomerGlance:
    """What an RM sees first about a customer, besides its stage and RM."""

    next_visit_due: date | None
    overdue_days: int
    last_visit_on: date | None
    outstanding_fen: int
    outstanding_loans: int
    next_maturity: date | None
    checklist_done: int
    checklist_total: int
    contacts: int


@dataclass(frozen=True)
class ContactDraft:
    name: str
    title: str = ""
    phone: str = ""
    primary: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to the customer: ``kind`` is created, stage, assign, edit,
    import, fact, contact or loan; ``detail`` holds what the page words it from."""

    at: datetime
    kind: str
    who: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    visit_id: str
    visit_on: date
    visit_kind: str
    kind: str
    caption: str
    filename: str
    media_type: str
    size: int
    created_at: datetime


class CustomerService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- reading ---------------------------------------------------------------------------

    def glance(self, prospect_id: str) -> CustomerGlance:
        with self.ctx.db.reading() as s:
            row = customer_queries.glance(s, prospect_id)
            if row is None:
                raise NotFound("prospect", prospect_id)
            codes = visit_rules.checklists(s).codes()
        today = self.ctx.today()
        due = row.next_visit_due
        return CustomerGlance(
            next_visit_due=due,
            overdue_days=max((today - due).days, 0) if due is not None else 0,
            last_visit_on=row.last_visit_on,
            outstanding_fen=row.outstanding_fen,
            outstanding_loans=row.outstanding_loans,
            next_maturity=row.next_maturity,
            checklist_done=len(codes & set(row.ticked_codes)),
            checklist_total=len(codes),
            contacts=row.contacts,
        )

    def contacts(self, prospect_id: str) -> list[ContactInfo]:
        """The prospect's people, the primary contact first."""
        with self.ctx.db.reading() as s:
            return [_info(c) for c in contact_writer.of_prospect(s, prospect_id)]

    def history(self, prospect_id: str) -> list[HistoryEntry]:
        with self.ctx.db.reading() as s:
            return [
                HistoryEntry(r.at, r.kind, r.who, r.detail)
                for r in customer_queries.history(s, prospect_id)
            ]

    def documents(self, prospect_id: str) -> list[DocumentInfo]:
        with self.ctx.db.reading() as s:
            return [DocumentInfo(**vars(row)) for row in customer_queries.documents(s, prospect_id)]

    # -- people ----------------------------------------------------------------------------

    def add_contact(self, prospect_id: str, draft: ContactDraft) -> ContactInfo:
        values = _clean(draft)
        with self.ctx.db.transaction() as s:
            if prospect_reads.plain(s, prospect_id) is None:
                raise NotFound("prospect", prospect_id)
            now = self.ctx.now()
            new = NewContact(prospect_id, values.name, values.title, values.phone, False)
            contact_id = contact_writer.add(s, now, new)
            s.flush()
            contact = _load(s, contact_id)
            # The first person of a business is its primary contact unless said otherwise.
            if draft.primary or not any(
                c.is_primary for c in contact_writer.of_prospect(s, prospect_id)
            ):
                contact_writer.make_primary(s, now, contact)
            return _info(contact)

    def edit_contact(self, contact_id: str, draft: ContactDraft) -> ContactInfo:
        values = _clean(draft)
        with self.ctx.db.transaction() as s:
            contact = _load(s, contact_id)
            now = self.ctx.now()
            contact_writer.edit(s, now, contact, values)
            if draft.primary:
                contact_writer.make_primary(s, now, contact)
            return _info(contact)

    def make_primary(self, contact_id: str) -> ContactInfo:
        with self.ctx.db.transaction() as s:
            contact = _load(s, contact_id)
            contact_writer.make_primary(s, self.ctx.now(), contact)
            return _info(contact)


def _clean(draft: ContactDraft) -> ContactValues:
    name = " ".join(draft.name.split())
    if not name:
        raise FieldError("contact_name", "prospect.name_empty", "a name is required")
    return ContactValues(
        name=name, title=" ".join(draft.title.split()), phone=check_phone(draft.phone, "phone")
    )


def _load(s: Session, contact_id: str) -> Contact:
    contact = contact_writer.load(s, contact_id)
    if contact is None:
        raise NotFound("contact", contact_id)
    return contact


def _info(c: Contact) -> ContactInfo:
    return ContactInfo(c.id, c.name, c.title, c.phone, c.is_primary)
