"""The one writer of visits and what hangs off them: planned visits, drafts, finalized
records with their hash chain, amendments, cancellations and checklist ticks.

A visit is more than its row. Finalizing a record chains its hash to the prospect's
previous finalized record, ticks the checklist items it covered, moves the prospect's last
day of contact, turns the record's next visit date into a planned visit and recomputes when
the prospect next comes due; every change head office must see queues its outbox op,
stamped by one tick of this device's clock. The use cases (crm/services/visits.py) check
and permit; this writer makes the change, all of it, in the caller's transaction.

The prospect's own row is the prospect writer's: the last day of contact and the due date
go through it (`ProspectWriter.touch_contact`, `ProspectWriter.refresh_due`), and the two
writers tick the same clock.

Drafts stay on the device until they are finalized (a half-written record is not evidence
of anything): starting, autosaving and opening an amendment queue nothing.

Each write takes the visit (or prospect) by id, or as the row when the caller holds it, and
a new visit comes back as its id: the use cases hold ids and read copies
(``crm.store.visit_queries``), never rows.

Nothing else in the code base INSERTs or UPDATEs a visit made on this device (the sync
download stores what head office sent: crm/store/replica.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, object_session

from crm.domain.ids import new_id
from crm.domain.visits import (
    HASHED_FIELDS,
    VisitDraft,
    VisitKind,
    VisitStatus,
    chain_hash,
    codes_of,
    codes_text,
)
from crm.domain.wire import encode, wire
from crm.store import attachment_queries, attachment_writer
from crm.store import outbox as _outbox
from crm.store.models import Prospect
from crm.store.models_visit import ChecklistTick, Visit
from crm.store.prospect_writer import ProspectWriter, stored_time
from crm.store.visit_queries import hold

FINAL: Final = VisitStatus.FINAL.value
PLANNED: Final = VisitStatus.PLANNED.value
DRAFT: Final = VisitStatus.DRAFT.value
MICROSECOND: Final = timedelta(microseconds=1)

# What a plan (and a move of one) tells head office.
PLAN_FIELDS: Final = (
    "prospect_id",
    "rm_id",
    "status",
    "kind",
    "visit_on",
    "start_time",
    "place",
    "purpose",
    "companions",
)
# What changing a plan may change.
RESCHEDULED: Final = ("visit_on", "kind", "start_time", "place", "purpose", "companions")


def hashed_record(v: Visit) -> dict[str, object]:
    """The fields of a record its hash covers, by name, and the hashes of its files (when
    it holds some)."""
    record: dict[str, object] = {name: getattr(v, name) for name in HASHED_FIELDS}
    if files := attachment_queries.hashes_of_visit(object_session(v), v.id):
        record["attachments"] = files
    return record


def plan_payload(v: Visit) -> dict[str, Any]:
    return {name: wire(getattr(v, name)) for name in PLAN_FIELDS}


def final_payload(v: Visit) -> dict[str, Any]:
    data = {name: wire(value) for name, value in hashed_record(v).items()}
    data.update(content_hash=v.content_hash, prev_hash=v.prev_hash, status=v.status)
    return data


def apply_draft(v: Visit, d: VisitDraft) -> None:
    """A checked draft's values into the row (item codes as stored text)."""
    for f in fields(d):
        value = getattr(d, f.name)
        if f.name in ("due_diligence", "checklist_items"):
            value = codes_text(value)
        setattr(v, f.name, value)


@dataclass
class VisitWriter:
    """The visit writes of one transaction: made over the transaction's session, used,
    then `finish`ed (which saves the clock's last tick with the changes)."""

    session: Session
    now: datetime
    actor_id: str | None
    zone: ZoneInfo
    # The prospect writer of the same transaction (one is made when not given): it writes
    # the prospect's row, and its clock stamps the visits' ops too.
    prospects: ProspectWriter | None = None
    _prospects: ProspectWriter = field(init=False)

    def __post_init__(self) -> None:
        self._prospects = self.prospects or ProspectWriter(
            self.session, self.now, self.actor_id, self.zone
        )
        self.prospects = self._prospects
        self.now_text = stored_time(self.now)

    @property
    def today(self) -> date:
        """The user's calendar day at ``now``."""
        return self.now.astimezone(self.zone).date()

    def finish(self) -> None:
        self._prospects.finish()

    def _queue(
        self,
        entity: str,
        entity_id: str,
        kind: str,
        payload: dict[str, Any],
        base_version: int | None,
    ) -> None:
        """One op for head office, stamped with the next tick of the clock."""
        _outbox.insert_many(
            self.session.connection(),
            [
                (
                    new_id(),
                    entity,
                    entity_id,
                    kind,
                    encode(payload),
                    base_version,
                    self._prospects.clock.tick(),
                    self.now_text,
                )
            ],
        )

    def _new(
        self,
        prospect_id: str,
        rm_id: str | None,
        status: str,
        visit_id: str | None = None,
        **values: Any,
    ) -> Visit:
        return Visit(
            id=visit_id or new_id(),
            prospect_id=prospect_id,
            rm_id=rm_id,
            status=status,
            created_at=self.now,
            updated_at=self.now,
            version=1,
            content_hash="",
            prev_hash="",
            **values,
        )

    def _visit(self, v: Visit | str) -> Visit:
        """The row of a visit given by id (from the session's identity map when this
        transaction has read it) or as the row."""
        if isinstance(v, Visit):
            return v
        row = self.session.get(Visit, v)
        if row is None:
            raise LookupError(f"no visit with id {v}")
        hold(self.session, row)
        return row

    def _prospect(self, p: Prospect | str) -> Prospect:
        if isinstance(p, Prospect):
            return p
        row = self.session.get(Prospect, p)
        if row is None:
            raise LookupError(f"no prospect with id {p}")
        hold(self.session, row)
        return row

    @staticmethod
    def _bump(v: Visit, at: datetime) -> int:
        base = v.version
        v.version += 1
        v.updated_at = at
        return base

    # -- planning ----------------------------------------------------------------------------

    def plan(self, prospect: Prospect | str, rm_id: str | None, draft: VisitDraft) -> str:
        """Schedule a visit (at the prospect's address unless the draft names a place);
        returns its id."""
        p = self._prospect(prospect)
        v = self._new(p.id, rm_id, PLANNED)
        apply_draft(v, draft)
        if not v.place:
            v.place = p.address
        self.session.add(v)
        self.session.flush()
        hold(self.session, v)
        self._queue("visit", v.id, "plan", plan_payload(v), None)
        return v.id

    def update_plan(self, visit: Visit | str, draft: VisitDraft) -> bool:
        """Change when, where and why of an open visit; False when nothing changed. Only
        what changed is sent."""
        v = self._visit(visit)
        before = plan_payload(v)
        for name in RESCHEDULED:
            setattr(v, name, getattr(draft, name))
        after = plan_payload(v)
        changed = {k: value for k, value in after.items() if before[k] != value}
        if changed:
            base = self._bump(v, self.now)
            self._queue("visit", v.id, "reschedule", changed, base)
        self.session.flush()
        return bool(changed)

    def cancel(self, visit: Visit | str) -> None:
        """Remove a planned visit or an abandoned draft."""
        v = self._visit(visit)
        self._queue("visit", v.id, "cancel", {"prospect_id": v.prospect_id}, v.version)
        self.session.delete(v)

    # -- drafts (local until finalized) ------------------------------------------------------

    def start_record(
        self,
        prospect: Prospect | str,
        rm_id: str | None,
        draft: VisitDraft,
        visit_id: str | None = None,
    ) -> str:
        """A new record as a draft (a site visit at the prospect's address unless the draft
        names a place), with the id a form gave it when given; returns its id."""
        p = self._prospect(prospect)
        v = self._new(p.id, rm_id, DRAFT, visit_id)
        apply_draft(v, draft)
        if draft.kind == VisitKind.SITE.value and not v.place:
            v.place = p.address
        self.session.add(v)
        self.session.flush()
        hold(self.session, v)
        return v.id

    def save_draft(self, visit: Visit | str, draft: VisitDraft) -> None:
        """Keep what the form holds (a planned visit becomes a draft)."""
        v = self._visit(visit)
        apply_draft(v, draft)
        v.status = DRAFT
        self._bump(v, self.now)
        self.session.flush()

    def start_amendment(self, visit: Visit | str, root_id: str, content: VisitDraft) -> str:
        """A draft correcting the finalized record ``root_id`` (of which ``visit`` is the
        record or an amendment), filled with ``content``; returns its id."""
        original = self._visit(visit)
        a = self._new(original.prospect_id, original.rm_id, DRAFT, amends_id=root_id)
        apply_draft(a, content)
        self.session.add(a)
        self.session.flush()
        hold(self.session, a)
        return a.id

    # -- finalizing --------------------------------------------------------------------------

    def finalize(self, visit: Visit | str, draft: VisitDraft) -> None:
        """Make the record final: its content, its place in the prospect's hash chain, its
        op (``finalize``, or ``amend`` for an amendment), the checklist items it covered,
        the prospect's last contact, the next visit it asks for and the due date."""
        s = self.session
        v = self._visit(visit)
        apply_draft(v, draft)
        previous = s.execute(
            select(Visit.content_hash, Visit.finalized_at)
            .where(Visit.prospect_id == v.prospect_id, Visit.status == FINAL)
            .order_by(Visit.finalized_at.desc(), Visit.id.desc())
            .limit(1)
        ).first()
        at = self.now.astimezone(UTC)
        if previous is not None and previous.finalized_at >= at:
            at = previous.finalized_at + MICROSECOND  # a clock set back keeps the order
        v.finalized_at = at
        v.finalized_by = self.actor_id
        v.prev_hash = previous.content_hash if previous is not None else ""
        v.content_hash = chain_hash(hashed_record(v), v.prev_hash)
        v.status = FINAL
        base = self._bump(v, at)
        s.flush()
        kind = "amend" if v.amends_id else "finalize"
        self._queue("visit", v.id, kind, final_payload(v), base)
        attachment_writer.queue_with_record(s, v.id, self._queue)
        self._tick(v)
        p = s.get(Prospect, v.prospect_id)
        assert p is not None  # a visit's prospect exists (foreign key)
        self._contact(p, v)
        if v.next_visit_on is not None:
            self._schedule_next(v)
        self._prospects.refresh_due([v.prospect_id])

    def _tick(self, v: Visit) -> None:
        """Checklist items covered in a finalized visit become the prospect's ticks."""
        s = self.session
        have = set(
            s.scalars(
                select(ChecklistTick.item_code).where(ChecklistTick.prospect_id == v.prospect_id)
            )
        )
        for code in codes_of(v.checklist_items):
            if code in have:
                continue
            assert v.finalized_at is not None
            s.add(
                ChecklistTick(
                    prospect_id=v.prospect_id,
                    item_code=code,
                    visit_id=v.id,
                    ticked_at=v.finalized_at,
                    ticked_by=self.actor_id,
                )
            )
            self._queue(
                "checklist_tick",
                v.prospect_id,
                "tick",
                {
                    "prospect_id": v.prospect_id,
                    "item_code": code,
                    "visit_id": v.id,
                    "ticked_at": wire(v.finalized_at),
                },
                None,
            )
        s.flush()

    def _contact(self, p: Prospect, v: Visit) -> None:
        """The prospect's last contact: the latest day of its effective finalized records."""
        s = self.session
        original = s.get(Visit, v.amends_id) if v.amends_id else None
        if original is not None and p.last_contact_on == original.visit_on:
            # The amendment may move the day this prospect was last contacted: recount.
            amended = aliased(Visit)
            newer = (
                select(amended.id)
                .where(
                    amended.amends_id == func.coalesce(Visit.amends_id, Visit.id),
                    amended.status == FINAL,
                    amended.finalized_at > Visit.finalized_at,
                )
                .exists()
            )
            latest = s.scalar(
                select(func.max(Visit.visit_on)).where(
                    Visit.prospect_id == p.id, Visit.status == FINAL, ~newer
                )
            )
            self._prospects.touch_contact(p, latest)
        elif p.last_contact_on is None or v.visit_on > p.last_contact_on:
            self._prospects.touch_contact(p, v.visit_on)
        s.flush()

    def _schedule_next(self, v: Visit) -> None:
        """The record's next visit date becomes a planned visit (moving the next planned one
        if there is one already)."""
        assert v.next_visit_on is not None
        s = self.session
        today = self.today
        planned = s.scalar(
            select(Visit)
            .where(
                Visit.prospect_id == v.prospect_id,
                Visit.status == PLANNED,
                Visit.visit_on >= today,
                Visit.id != v.id,
            )
            .order_by(Visit.visit_on)
            .limit(1)
        )
        if planned is not None:
            if planned.visit_on != v.next_visit_on:
                planned.visit_on = v.next_visit_on
                base = self._bump(planned, self.now)
                payload = {"visit_on": wire(planned.visit_on)}
                self._queue("visit", planned.id, "reschedule", payload, base)
            return
        if v.next_visit_on < today:
            return
        n = self._new(
            v.prospect_id,
            v.rm_id,
            PLANNED,
            kind=v.kind,
            visit_on=v.next_visit_on,
            start_time="",
            place=v.place,
            purpose=v.next_steps[:500],
            companions="",
        )
        s.add(n)
        s.flush()
        self._queue("visit", n.id, "plan", plan_payload(n), None)
