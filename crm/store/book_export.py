"""A whole book read out to seed a head office (the demo's local head office, the
benchmarks): its teams and users, then its prospects with their children a batch at a time
(memory stays flat), as plain values. Turning them into head-office records is the
caller's (crm.services.sync.export_book).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.store.models import (
    Contact,
    Loan,
    Prospect,
    ProspectTag,
    SourceMembership,
    StageEvent,
    Team,
    User,
)
from crm.store.models_visit import ChecklistTick, Visit


@dataclass(frozen=True)
class TeamRow:
    id: str
    name: str
    branch: str


@dataclass(frozen=True)
class UserRow:
    id: str
    username: str
    display_name: str
    role: str
    team_id: str | None
    phone: str
    active: bool


@dataclass(frozen=True)
class EventRow:
    """One stage event of a prospect's history."""

    id: str
    from_stage: str | None
    to_stage: str
    reason_code: str
    reason_text: str
    changed_by: str | None
    changed_at: datetime


@dataclass(frozen=True)
class ChildRow:
    """A contact, loan, visit or checklist tick: its columns by name, as stored."""

    entity: str
    # The row's id ("" for a checklist tick, keyed by prospect and item).
    id: str
    prospect_id: str
    columns: dict[str, Any]


@dataclass
class ProspectBatch:
    # Each prospect's columns by attribute name, in id order.
    prospects: list[dict[str, Any]]
    tags: dict[str, list[str]]
    sources: dict[str, list[str]]
    # Stage events by prospect, in the order they happened.
    history: dict[str, list[EventRow]]
    # Contacts, loans, visits (by id) and checklist ticks of the batch's prospects.
    children: list[ChildRow]


def teams(s: Session) -> list[TeamRow]:
    return [TeamRow(t.id, t.name, t.branch) for t in s.scalars(select(Team))]


def users(s: Session) -> list[UserRow]:
    return [
        UserRow(u.id, u.username, u.display_name, u.role, u.team_id, u.phone, u.active)
        for u in s.scalars(select(User))
    ]


_PROSPECT_COLUMNS = tuple(c.key for c in Prospect.__mapper__.column_attrs)


def prospect_batch(s: Session, after: str, limit: int) -> ProspectBatch | None:
    """Up to ``limit`` prospects with ids after ``after``, with what belongs to them; None
    when there are no more."""
    prospects = list(
        s.scalars(select(Prospect).where(Prospect.id > after).order_by(Prospect.id).limit(limit))
    )
    if not prospects:
        return None
    ids = [p.id for p in prospects]
    tags = _group(
        s.execute(
            select(ProspectTag.prospect_id, ProspectTag.tag_code).where(
                ProspectTag.prospect_id.in_(ids)
            )
        ).all()
    )
    sources = _group(
        s.execute(
            select(SourceMembership.prospect_id, SourceMembership.source_code).where(
                SourceMembership.prospect_id.in_(ids)
            )
        ).all()
    )
    history: dict[str, list[EventRow]] = {}
    for e in s.scalars(
        select(StageEvent).where(StageEvent.prospect_id.in_(ids)).order_by(StageEvent.changed_at)
    ):
        history.setdefault(e.prospect_id, []).append(
            EventRow(
                e.id,
                e.from_stage,
                e.to_stage,
                e.reason_code,
                e.reason_text,
                e.changed_by,
                e.changed_at,
            )
        )
    children: list[ChildRow] = []
    for model, entity in ((Contact, "contact"), (Loan, "loan")):
        for row in s.scalars(select(model).where(model.prospect_id.in_(ids))):
            children.append(_child(entity, row))
    for row in s.scalars(select(Visit).where(Visit.prospect_id.in_(ids)).order_by(Visit.id)):
        children.append(_child("visit", row))
    for tick in s.scalars(select(ChecklistTick).where(ChecklistTick.prospect_id.in_(ids))):
        children.append(_child("checklist_tick", tick))
    return ProspectBatch(
        prospects=[{name: getattr(p, name) for name in _PROSPECT_COLUMNS} for p in prospects],
        tags=tags,
        sources=sources,
        history=history,
        children=children,
    )


def _group(rows: Iterable[Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in rows:
        out.setdefault(key, []).append(value)
    return out


def _child(entity: str, row: Any) -> ChildRow:
    return ChildRow(
        entity,
        str(getattr(row, "id", "")),
        row.prospect_id,
        {c.name: getattr(row, c.key) for c in row.__table__.columns},
    )
