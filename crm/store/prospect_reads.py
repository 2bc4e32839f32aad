"""Reading one prospect, or a few, whole: for its page and for the use cases that change
it (the list's paged queries are in `queries`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm.store.models import Prospect, StageEvent, User


def load(s: Session, prospect_id: str) -> Prospect | None:
    """A prospect with everything its page shows (tags, lists, contacts, loans, history
    with who made each move, its RM), each relation in one query."""
    return s.scalar(
        select(Prospect)
        .where(Prospect.id == prospect_id)
        .options(
            selectinload(Prospect.tags),
            selectinload(Prospect.sources),
            selectinload(Prospect.contacts),
            selectinload(Prospect.loans),
            selectinload(Prospect.stage_events).selectinload(StageEvent.user),
            selectinload(Prospect.assigned_rm),
        )
    )


def plain(s: Session, prospect_id: str) -> Prospect | None:
    """A prospect's row alone."""
    return s.get(Prospect, prospect_id)


def many(s: Session, prospect_ids: Sequence[str], *, tags: bool = False) -> Sequence[Prospect]:
    stmt = select(Prospect).where(Prospect.id.in_(prospect_ids))
    if tags:
        stmt = stmt.options(selectinload(Prospect.tags))
    return s.scalars(stmt).all()


def drop_notes(s: Session, prospect_ids: Sequence[str]) -> dict[str, tuple[str, date | None]]:
    """Why each of these dropped prospects was dropped (its last move to dropped) and when
    it comes due for a revisit, by id."""
    found: dict[str, tuple[str, date | None]] = {}
    for start in range(0, len(prospect_ids), 500):
        part = prospect_ids[start : start + 500]
        reason = (
            select(StageEvent.reason_code)
            .where(StageEvent.prospect_id == Prospect.id, StageEvent.to_stage == "dropped")
            .order_by(StageEvent.changed_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        rows = s.execute(
            select(Prospect.id, reason, Prospect.next_visit_due).where(
                Prospect.id.in_(part), Prospect.stage == "dropped"
            )
        ).all()
        found.update((pid, (code or "", due)) for pid, code, due in rows)
    return found


def id_by_uscc(s: Session, uscc: str) -> str | None:
    return s.scalar(select(Prospect.id).where(Prospect.uscc == uscc))


def holder_of_uscc(s: Session, uscc: str) -> tuple[str, str] | None:
    """(id, name) of the prospect holding this USCC."""
    found = s.execute(select(Prospect.id, Prospect.name).where(Prospect.uscc == uscc)).first()
    return None if found is None else (found.id, found.name)


def user_exists(s: Session, user_id: str) -> bool:
    return s.get(User, user_id) is not None
