"""Visit use cases: plan, reschedule, record (drafts autosave), finalize, amend, verify.

Every write that head office must see (a plan, a move, a cancellation, a finalized record,
an amendment, a checklist tick) writes its outbox row in the same transaction. Drafts stay
on the device until they are finalized: a half-written record is not evidence of anything.

A finalized record never changes (the service refuses, and a trigger in the database
refuses too); its hash chains it to the previous finalized record of the same prospect,
and ``verify`` walks every chain.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from crm.domain.ids import new_id
from crm.domain.visits import (
    HASHED_FIELDS,
    InvalidVisit,
    VisitDraft,
    VisitKind,
    VisitRefused,
    VisitStatus,
    chain_hash,
    check_draft,
    codes_of,
    codes_text,
    finalize_problems,
)
from crm.services import visit_rules
from crm.services.outbox import record
from crm.services.visit_reading import (
    FINAL,
    MICROSECOND,
    OPEN_STATUSES,
    OPEN_VISIT,
    CalendarRange,
    DistrictGroup,
    FormReference,
    ProspectBrief,
    ProspectVisits,
    VerifyFinding,
    VerifyReport,
    VisitDetail,
    VisitLine,
    VisitReading,
    draft_of,
    line_select,
    open_visits_of,
    scoped,
    to_line,
)
from crm.store.models_visit import ChecklistTick, Visit

__all__ = [
    "FINAL",
    "OPEN_STATUSES",
    "OPEN_VISIT",
    "CalendarRange",
    "DistrictGroup",
    "FormReference",
    "ProspectBrief",
    "ProspectVisits",
    "VerifyFinding",
    "VerifyReport",
    "VisitDetail",
    "VisitLine",
    "VisitService",
    "line_select",
    "open_visits_of",
    "scoped",
    "to_line",
]


def _apply(v: Visit, d: VisitDraft) -> None:
    for f in fields(d):
        value = getattr(d, f.name)
        if f.name in ("due_diligence", "checklist_items"):
            value = codes_text(value)
        setattr(v, f.name, value)


def hashed_record(v: Visit) -> dict[str, object]:
    return {name: getattr(v, name) for name in HASHED_FIELDS}


def _wire(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plan_payload(v: Visit) -> dict[str, Any]:
    return {
        name: _wire(getattr(v, name))
        for name in (
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
    }


def _final_payload(v: Visit) -> dict[str, Any]:
    data = {name: _wire(value) for name, value in hashed_record(v).items()}
    data.update(content_hash=v.content_hash, prev_hash=v.prev_hash, status=v.status)
    return data


class VisitService(VisitReading):
    """Every visit use case: the reads of ``VisitReading`` and the writes below."""

    # -- planning ---------------------------------------------------------------------------

    def plan(self, prospect_id: str, draft: VisitDraft, rm_id: str | None = None) -> VisitDetail:
        """Schedule a visit (date, time, place, purpose, companions)."""
        clean = check_draft(draft)
        with self.ctx.db.transaction() as s:
            visit_rules.seed_defaults(s)
            p = self._prospect(s, prospect_id)
            now = self.ctx.now()
            v = Visit(
                id=new_id(),
                prospect_id=p.id,
                rm_id=rm_id or p.assigned_rm_id or self.ctx.actor_id,
                status=VisitStatus.PLANNED.value,
                created_at=now,
                updated_at=now,
                version=1,
                content_hash="",
                prev_hash="",
            )
            _apply(v, clean)
            if not v.place:
                v.place = p.address
            s.add(v)
            s.flush()
            record(
                s,
                self.ctx,
                entity="visit",
                entity_id=v.id,
                kind="plan",
                payload=_plan_payload(v),
                base_version=None,
            )
            return self._detail(s, v)

    def update_plan(
        self, visit_id: str, draft: VisitDraft, expected_version: int | None = None
    ) -> VisitDetail:
        """Change when, where and why of a visit not yet finalized."""
        clean = check_draft(draft)
        with self.ctx.db.transaction() as s:
            v = self._open_visit(s, visit_id, expected_version)
            before = _plan_payload(v)
            for name in ("visit_on", "kind", "start_time", "place", "purpose", "companions"):
                setattr(v, name, getattr(clean, name))
            after = _plan_payload(v)
            changed = {k: val for k, val in after.items() if before[k] != val}
            if changed:
                base = v.version
                v.version += 1
                v.updated_at = self.ctx.now()
                record(
                    s,
                    self.ctx,
                    entity="visit",
                    entity_id=v.id,
                    kind="reschedule",
                    payload=changed,
                    base_version=base,
                )
            s.flush()
            return self._detail(s, v)

    def reschedule(
        self,
        visit_id: str,
        day: date,
        start_time: str | None = None,
        expected_version: int | None = None,
    ) -> VisitDetail:
        """Move a visit to another day (and time): what a drag in the calendar does."""
        with self.ctx.db.reading() as s:
            current = draft_of(self._visit(s, visit_id))
        current.visit_on = day
        if start_time is not None:
            current.start_time = start_time
        if current.next_visit_on is not None and current.next_visit_on <= day:
            current.next_visit_on = None
        return self.update_plan(visit_id, current, expected_version)

    def cancel(self, visit_id: str) -> None:
        """Remove a planned visit or an abandoned draft (never a finalized record)."""
        with self.ctx.db.transaction() as s:
            v = self._open_visit(s, visit_id, None)
            record(
                s,
                self.ctx,
                entity="visit",
                entity_id=v.id,
                kind="cancel",
                payload={"prospect_id": v.prospect_id},
                base_version=v.version,
            )
            s.delete(v)

    # -- recording --------------------------------------------------------------------------

    def start_record(
        self, prospect_id: str, day: date | None = None, kind: str = VisitKind.SITE.value
    ) -> VisitDetail:
        """A new record of a visit that was not planned (or a call), as a draft."""
        with self.ctx.db.transaction() as s:
            p = self._prospect(s, prospect_id)
            now = self.ctx.now()
            v = Visit(
                id=new_id(),
                prospect_id=p.id,
                rm_id=p.assigned_rm_id or self.ctx.actor_id,
                status=VisitStatus.DRAFT.value,
                created_at=now,
                updated_at=now,
                version=1,
                content_hash="",
                prev_hash="",
            )
            _apply(v, check_draft(VisitDraft(visit_on=day or self.ctx.today(), kind=kind)))
            if kind == VisitKind.SITE.value:
                v.place = p.address
            s.add(v)
            s.flush()
            return self._detail(s, v)

    def save_draft(
        self, visit_id: str, draft: VisitDraft, expected_version: int | None = None
    ) -> VisitDetail:
        """Autosave: keep what the form holds (a planned visit becomes a draft)."""
        with self.ctx.db.transaction() as s:
            v = self._open_visit(s, visit_id, expected_version)
            clean = check_draft(
                draft, visit_rules.due_diligence_codes(), visit_rules.checklists(s).codes()
            )
            if draft_of(v) == clean and v.status == VisitStatus.DRAFT.value:
                return self._detail(s, v)
            _apply(v, clean)
            v.status = VisitStatus.DRAFT.value
            v.version += 1
            v.updated_at = self.ctx.now()
            s.flush()
            return self._detail(s, v)

    def finalize(self, visit_id: str, draft: VisitDraft | None = None) -> VisitDetail:
        """Make the record final: complete, hashed into the chain, and never edited again."""
        with self.ctx.db.transaction() as s:
            visit_rules.seed_defaults(s)
            v = self._open_visit(s, visit_id, None)
            template = visit_rules.checklists(s)
            clean = check_draft(
                draft or draft_of(v), visit_rules.due_diligence_codes(), template.codes()
            )
            problems = finalize_problems(clean, self.ctx.today(), amendment=v.amends_id is not None)
            if problems:
                raise InvalidVisit(problems)
            _apply(v, clean)
            previous = s.execute(
                select(Visit.content_hash, Visit.finalized_at)
                .where(Visit.prospect_id == v.prospect_id, Visit.status == FINAL)
                .order_by(Visit.finalized_at.desc(), Visit.id.desc())
                .limit(1)
            ).first()
            now = self.ctx.now().astimezone(UTC)
            if previous is not None and previous.finalized_at >= now:
                now = previous.finalized_at + MICROSECOND  # a clock set back keeps the order
            v.finalized_at = now
            v.finalized_by = self.ctx.actor_id
            v.prev_hash = previous.content_hash if previous is not None else ""
            v.content_hash = chain_hash(hashed_record(v), v.prev_hash)
            v.status = FINAL
            base = v.version
            v.version += 1
            v.updated_at = now
            s.flush()
            record(
                s,
                self.ctx,
                entity="visit",
                entity_id=v.id,
                kind="amend" if v.amends_id else "finalize",
                payload=_final_payload(v),
                base_version=base,
            )
            self._tick(s, v)
            self._contact(s, v)
            if v.next_visit_on is not None:
                self._schedule_next(s, v)
            visit_rules.refresh_due(s, self.ctx, [v.prospect_id])
            return self._detail(s, v)

    def amend(self, visit_id: str) -> VisitDetail:
        """A draft correcting a finalized record, filled with what the record says now."""
        with self.ctx.db.transaction() as s:
            v = self._visit(s, visit_id)
            if v.status != FINAL:
                raise VisitRefused(
                    "visit.amend_open", "only a finalized record is amended; edit this one instead"
                )
            root_id = v.amends_id or v.id
            open_one = s.scalar(
                select(Visit.id).where(Visit.amends_id == root_id, Visit.status != FINAL)
            )
            if open_one is not None:
                return self._detail(s, self._visit(s, open_one))
            latest = self._effective(s, root_id)
            now = self.ctx.now()
            a = Visit(
                id=new_id(),
                prospect_id=v.prospect_id,
                rm_id=v.rm_id,
                status=VisitStatus.DRAFT.value,
                amends_id=root_id,
                created_at=now,
                updated_at=now,
                version=1,
                content_hash="",
                prev_hash="",
            )
            content = draft_of(latest)
            content.amend_reason = ""
            _apply(a, content)
            s.add(a)
            s.flush()
            return self._detail(s, a)

    # -- internals of the writes -----------------------------------------------------------

    def _open_visit(self, s: Session, visit_id: str, expected_version: int | None) -> Visit:
        v = self._visit(s, visit_id)
        if v.status == FINAL:
            raise VisitRefused(
                "visit.final",
                "this visit record is finalized and cannot be changed; record an amendment instead",
            )
        if expected_version is not None and v.version != expected_version:
            raise VisitRefused(
                "visit.stale",
                "this visit was changed elsewhere while you were editing it; reopen it",
            )
        return v

    def _tick(self, s: Session, v: Visit) -> None:
        """Checklist items covered in a finalized visit become the prospect's ticks."""
        have = set(self._ticks(s, v.prospect_id))
        for code in codes_of(v.checklist_items):
            if code in have:
                continue
            s.add(
                ChecklistTick(
                    prospect_id=v.prospect_id,
                    item_code=code,
                    visit_id=v.id,
                    ticked_at=v.finalized_at,
                    ticked_by=self.ctx.actor_id,
                )
            )
            record(
                s,
                self.ctx,
                entity="checklist_tick",
                entity_id=v.prospect_id,
                kind="tick",
                payload={
                    "prospect_id": v.prospect_id,
                    "item_code": code,
                    "visit_id": v.id,
                    "ticked_at": _wire(v.finalized_at),
                },
                base_version=None,
            )
        s.flush()

    def _contact(self, s: Session, v: Visit) -> None:
        """The prospect's last contact: the latest day of its effective finalized records."""
        p = self._prospect(s, v.prospect_id)
        original = self._visit(s, v.amends_id) if v.amends_id else None
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
            p.last_contact_on = latest
        elif p.last_contact_on is None or v.visit_on > p.last_contact_on:
            p.last_contact_on = v.visit_on
        s.flush()

    def _schedule_next(self, s: Session, v: Visit) -> None:
        """The record's next visit date becomes a planned visit (moving the next planned one
        if there is one already)."""
        assert v.next_visit_on is not None
        today = self.ctx.today()
        planned = s.scalar(
            select(Visit)
            .where(
                Visit.prospect_id == v.prospect_id,
                Visit.status == VisitStatus.PLANNED.value,
                Visit.visit_on >= today,
                Visit.id != v.id,
            )
            .order_by(Visit.visit_on)
            .limit(1)
        )
        now = self.ctx.now()
        if planned is not None:
            if planned.visit_on != v.next_visit_on:
                base = planned.version
                planned.visit_on = v.next_visit_on
                planned.version += 1
                planned.updated_at = now
                record(
                    s,
                    self.ctx,
                    entity="visit",
                    entity_id=planned.id,
                    kind="reschedule",
                    payload={"visit_on": planned.visit_on.isoformat()},
                    base_version=base,
                )
            return
        if v.next_visit_on < today:
            return
        n = Visit(
            id=new_id(),
            prospect_id=v.prospect_id,
            rm_id=v.rm_id,
            status=VisitStatus.PLANNED.value,
            kind=v.kind,
            visit_on=v.next_visit_on,
            start_time="",
            place=v.place,
            purpose=v.next_steps[:500],
            companions="",
            created_at=now,
            updated_at=now,
            version=1,
            content_hash="",
            prev_hash="",
        )
        s.add(n)
        s.flush()
        record(
            s,
            self.ctx,
            entity="visit",
            entity_id=n.id,
            kind="plan",
            payload=_plan_payload(n),
            base_version=None,
        )
