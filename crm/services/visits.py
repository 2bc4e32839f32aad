"""Visit use cases: plan, reschedule, record (drafts autosave), finalize, amend, verify.

Every write that head office must see (a plan, a move, a cancellation, a finalized record,
an amendment, a checklist tick) writes its outbox row in the same transaction. Drafts stay
on the device until they are finalized: a half-written record is not evidence of anything.

A finalized record never changes (the service refuses, and a trigger in the database
refuses too); its hash chains it to the previous finalized record of the same prospect,
and ``verify`` walks every chain.
"""

from __future__ import annotations

from datetime import date

from crm.domain.visits import (
    InvalidVisit,
    VisitDraft,
    VisitKind,
    VisitRefused,
    VisitStatus,
    check_draft,
    finalize_problems,
)
from crm.services import visit_rules
from crm.services.visit_reading import (
    FINAL,
    OPEN_STATUSES,
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
    to_line,
)
from crm.store import visit_queries
from crm.store.unit_of_work import Session
from crm.store.visit_queries import VisitRecord
from crm.store.visit_writer import VisitWriter

__all__ = [
    "FINAL",
    "OPEN_STATUSES",
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
    "to_line",
]


class VisitService(VisitReading):
    """Every visit use case: the reads of ``VisitReading`` and the writes below."""

    # -- planning ---------------------------------------------------------------------------

    def plan(self, prospect_id: str, draft: VisitDraft, rm_id: str | None = None) -> VisitDetail:
        """Schedule a visit (date, time, place, purpose, companions)."""
        clean = check_draft(draft)
        with self.ctx.db.transaction() as s:
            visit_rules.seed_defaults(s)
            p = self._prospect(s, prospect_id)
            writer = self._writer(s)
            visit_id = writer.plan(p.id, rm_id or p.assigned_rm_id or self.ctx.actor_id, clean)
            writer.finish()
            return self._detail(s, visit_id)

    def update_plan(
        self, visit_id: str, draft: VisitDraft, expected_version: int | None = None
    ) -> VisitDetail:
        """Change when, where and why of a visit not yet finalized."""
        clean = check_draft(draft)
        with self.ctx.db.transaction() as s:
            v = self._open_visit(s, visit_id, expected_version)
            writer = self._writer(s)
            writer.update_plan(v.id, clean)
            writer.finish()
            return self._detail(s, v.id)

    def reschedule(
        self,
        visit_id: str,
        day: date,
        start_time: str | None = None,
        expected_version: int | None = None,
    ) -> VisitDetail:
        """Move a visit to another day (and time): what a drag in the calendar does."""
        with self.ctx.db.reading() as s:
            current = self._visit(s, visit_id).draft
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
            writer = self._writer(s)
            writer.cancel(v.id)
            writer.finish()

    # -- recording --------------------------------------------------------------------------

    def start_record(
        self, prospect_id: str, day: date | None = None, kind: str = VisitKind.SITE.value
    ) -> VisitDetail:
        """A new record of a visit that was not planned (or a call), as a draft."""
        with self.ctx.db.transaction() as s:
            p = self._prospect(s, prospect_id)
            clean = check_draft(VisitDraft(visit_on=day or self.ctx.today(), kind=kind))
            writer = self._writer(s)
            visit_id = writer.start_record(p.id, p.assigned_rm_id or self.ctx.actor_id, clean)
            writer.finish()
            return self._detail(s, visit_id)

    def record(
        self, prospect_id: str, draft: VisitDraft, visit_id: str | None = None
    ) -> VisitDetail:
        """Store a new record of a visit that was not planned as a draft with what it says
        (under ``visit_id``, the id ``blank_record`` gave the form, when given)."""
        with self.ctx.db.transaction() as s:
            p = self._prospect(s, prospect_id)
            clean = check_draft(
                draft, visit_rules.due_diligence_codes(), visit_rules.checklists(s).codes()
            )
            writer = self._writer(s)
            made = writer.start_record(p.id, p.assigned_rm_id or self.ctx.actor_id, clean, visit_id)
            writer.finish()
            return self._detail(s, made)

    def save_draft(
        self, visit_id: str, draft: VisitDraft, expected_version: int | None = None
    ) -> VisitDetail:
        """Autosave: keep what the form holds (a planned visit becomes a draft)."""
        with self.ctx.db.transaction() as s:
            v = self._open_visit(s, visit_id, expected_version)
            clean = check_draft(
                draft, visit_rules.due_diligence_codes(), visit_rules.checklists(s).codes()
            )
            if v.draft == clean and v.status == VisitStatus.DRAFT.value:
                return self._detail(s, v.id)
            writer = self._writer(s)
            writer.save_draft(v.id, clean)
            writer.finish()
            return self._detail(s, v.id)

    def finalize(self, visit_id: str, draft: VisitDraft | None = None) -> VisitDetail:
        """Make the record final: complete, hashed into the chain, and never edited again."""
        with self.ctx.db.transaction() as s:
            visit_rules.seed_defaults(s)
            v = self._open_visit(s, visit_id, None)
            template = visit_rules.checklists(s)
            clean = check_draft(
                draft or v.draft, visit_rules.due_diligence_codes(), template.codes()
            )
            problems = finalize_problems(clean, self.ctx.today(), amendment=v.amends_id is not None)
            if problems:
                raise InvalidVisit(problems)
            writer = self._writer(s)
            writer.finalize(v.id, clean)
            writer.finish()
            return self._detail(s, v.id)

    def amend(self, visit_id: str) -> VisitDetail:
        """A draft correcting a finalized record, filled with what the record says now."""
        with self.ctx.db.transaction() as s:
            v = self._visit(s, visit_id)
            if v.status != FINAL:
                raise VisitRefused(
                    "visit.amend_open", "only a finalized record is amended; edit this one instead"
                )
            if visit_queries.visited_prospect(s, v.prospect_id) is None:
                raise VisitRefused(
                    "visit.archived",
                    "this record's prospect is no longer in the book: the record is kept as "
                    "it was finalized and can no longer be amended",
                )
            root_id = v.amends_id or v.id
            open_one = visit_queries.open_amendment_id(s, root_id)
            if open_one is not None:
                return self._detail(s, open_one)
            latest = self._effective(s, root_id)
            content = latest.draft
            content.amend_reason = ""
            writer = self._writer(s)
            amendment_id = writer.start_amendment(v.id, root_id, content)
            writer.finish()
            return self._detail(s, amendment_id)

    # -- internals of the writes -----------------------------------------------------------

    def _open_visit(self, s: Session, visit_id: str, expected_version: int | None) -> VisitRecord:
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

    def _writer(self, s: Session) -> VisitWriter:
        """The one writer of visits, over this transaction's session and clock."""
        return VisitWriter(s, self.ctx.now(), self.ctx.actor_id, self.ctx.zone)
