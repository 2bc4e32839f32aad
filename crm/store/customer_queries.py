"""What the customer 360 page reads beside the prospect itself: the figures of its header,
the story of the record (who moved, reassigned, edited or imported it, and when) and the
files of its visits.

The history is gathered from what the book keeps anyway: stage events, assignments, import
effects (fields filled and facts set by a list), business facts confirmed by hand, contacts
and loans added, and the prospect's own edits still waiting in the outbox (once head office
has them, the outbox forgets them; the fields stay marked as edited by hand).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from crm.store.models import (
    Assignment,
    Contact,
    Loan,
    OutboxOp,
    Prospect,
    StageEvent,
    User,
)
from crm.store.models_attachments import VisitAttachment
from crm.store.models_import import ImportBatch, ImportEffect
from crm.store.models_products import ProspectFact
from crm.store.models_visit import ChecklistTick, Visit

# Loan statuses of money still owed.
OUTSTANDING = ("active", "overdue")
# Of things that happened at the same moment, which came first (a prospect is created with
# its first stage event; an import creates, then fills).
_ORDER = {
    "created": 0,
    "stage": 1,
    "import": 2,
    "assign": 3,
    "edit": 4,
    "fact": 5,
    "contact": 6,
    "loan": 7,
}


@dataclass(frozen=True)
class GlanceRow:
    next_visit_due: date | None
    last_visit_on: date | None
    outstanding_fen: int
    outstanding_loans: int
    next_maturity: date | None
    ticked_codes: tuple[str, ...]
    contacts: int


@dataclass(frozen=True)
class HistoryRow:
    """One thing that happened to a prospect. ``kind``: created, stage, assign, edit,
    import, fact, contact, loan. ``detail`` holds what the UI words it from."""

    at: datetime
    kind: str
    who: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class DocumentRow:
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


def glance(s: Session, prospect_id: str) -> GlanceRow | None:
    row = s.execute(
        select(Prospect.next_visit_due, Prospect.last_contact_on).where(Prospect.id == prospect_id)
    ).first()
    if row is None:
        return None
    owed = s.execute(
        select(
            func.coalesce(func.sum(func.coalesce(Loan.balance_fen, Loan.amount_fen)), 0),
            func.count(Loan.id),
            func.min(Loan.maturity_date),
        ).where(Loan.prospect_id == prospect_id, Loan.status.in_(OUTSTANDING))
    ).one()
    ticks = s.scalars(
        select(ChecklistTick.item_code).where(ChecklistTick.prospect_id == prospect_id)
    ).all()
    contacts = s.scalar(select(func.count(Contact.id)).where(Contact.prospect_id == prospect_id))
    return GlanceRow(
        next_visit_due=row.next_visit_due,
        last_visit_on=row.last_contact_on,
        outstanding_fen=int(owed[0] or 0),
        outstanding_loans=int(owed[1] or 0),
        next_maturity=owed[2],
        ticked_codes=tuple(ticks),
        contacts=int(contacts or 0),
    )


def history(s: Session, prospect_id: str) -> list[HistoryRow]:
    """Everything the book remembers about the prospect, newest first."""
    rows: list[HistoryRow] = []
    names = _user_names(s)

    created = s.execute(
        select(Prospect.created_at).where(Prospect.id == prospect_id)
    ).scalar_one_or_none()
    events = list(s.scalars(select(StageEvent).where(StageEvent.prospect_id == prospect_id)))
    if created is not None:
        # Whoever entered the prospect made its first stage event in the same transaction.
        first = next((e for e in events if e.from_stage is None), None)
        maker = names.get(first.changed_by or "") if first is not None else None
        rows.append(HistoryRow(created, "created", maker, {}))

    for e in events:
        rows.append(
            HistoryRow(
                e.changed_at,
                "stage",
                names.get(e.changed_by or ""),
                {
                    "from": e.from_stage,
                    "to": e.to_stage,
                    "reason_code": e.reason_code,
                    "reason_text": e.reason_text,
                },
            )
        )

    for a in s.scalars(select(Assignment).where(Assignment.prospect_id == prospect_id)):
        rows.append(
            HistoryRow(
                a.assigned_at,
                "assign",
                names.get(a.assigned_by or ""),
                {
                    "from": names.get(a.from_user_id or ""),
                    "to": names.get(a.to_user_id or ""),
                    "note": a.note,
                },
            )
        )

    batch = aliased(ImportBatch)
    for kind, started, source, file_name, user_id, fields in s.execute(
        select(
            ImportEffect.kind,
            batch.started_at,
            batch.source_code,
            batch.file_name,
            batch.user_id,
            ImportEffect.fields,
        )
        .join(batch, batch.id == ImportEffect.batch_id)
        .where(ImportEffect.prospect_id == prospect_id, batch.undone_at.is_(None))
    ):
        rows.append(
            HistoryRow(
                started,
                "import",
                names.get(user_id or ""),
                {
                    "effect": kind,
                    "source": source,
                    "file": file_name,
                    "fields": fields.split(),
                },
            )
        )

    for fact in s.scalars(
        select(ProspectFact).where(
            ProspectFact.prospect_id == prospect_id, ProspectFact.confirmed_by.is_not(None)
        )
    ):
        rows.append(
            HistoryRow(
                fact.updated_at,
                "fact",
                names.get(fact.confirmed_by or ""),
                {"key": fact.key, "value": _json(fact.value)},
            )
        )

    for c in s.scalars(select(Contact).where(Contact.prospect_id == prospect_id)):
        rows.append(HistoryRow(c.created_at, "contact", None, {"name": c.name}))

    for lo in s.scalars(select(Loan).where(Loan.prospect_id == prospect_id)):
        rows.append(
            HistoryRow(
                lo.created_at,
                "loan",
                None,
                {"product": lo.product_code, "amount_fen": lo.amount_fen},
            )
        )

    for op in s.scalars(
        select(OutboxOp).where(
            OutboxOp.entity == "prospect",
            OutboxOp.entity_id == prospect_id,
            OutboxOp.kind == "update",
        )
    ):
        payload = _json(op.payload)
        fields = payload.get("fields", {}) if isinstance(payload, dict) else {}
        if isinstance(fields, dict) and fields:
            rows.append(
                HistoryRow(op.created_at, "edit", None, {"fields": sorted(fields), "pending": True})
            )

    rows.sort(key=lambda r: (r.at, _ORDER.get(r.kind, 0)), reverse=True)
    return rows


def documents(s: Session, prospect_id: str) -> list[DocumentRow]:
    """The files of the prospect's visit records, newest visit first."""
    found = s.execute(
        select(
            VisitAttachment.id,
            VisitAttachment.visit_id,
            Visit.visit_on,
            Visit.kind,
            VisitAttachment.kind,
            VisitAttachment.caption,
            VisitAttachment.filename,
            VisitAttachment.media_type,
            VisitAttachment.size,
            VisitAttachment.created_at,
        )
        .join(Visit, Visit.id == VisitAttachment.visit_id)
        .where(Visit.prospect_id == prospect_id)
        .order_by(Visit.visit_on.desc(), VisitAttachment.created_at, VisitAttachment.id)
    )
    return [
        DocumentRow(a, v, on, vk, k, cap, fn, mt, size, at)
        for a, v, on, vk, k, cap, fn, mt, size, at in found
    ]


def _user_names(s: Session) -> dict[str, str]:
    """Every user's display name by id (a bank branch has some dozens)."""
    return {uid: name for uid, name in s.execute(select(User.id, User.display_name))}


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
