"""Reading visits: the calendar's ranges, day plans, a prospect's visits, checklist
progress, and the hash chain's verification. ``VisitService`` (visits.py) adds the writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from crm.domain.cadence import overdue_days
from crm.domain.holidays import DayInfo, HolidayCalendar
from crm.domain.ids import new_id
from crm.domain.visits import (
    HASHED_FIELDS,
    ChainFinding,
    ChainProblem,
    ChecklistProgress,
    ChecklistTemplate,
    DueDiligenceItem,
    VisitDraft,
    VisitKind,
    VisitStatus,
    checklist_progress,
    verify_chain,
)
from crm.services import visit_rules
from crm.services.acting import acting_in, check_prospect_in
from crm.services.context import Context, NotFound
from crm.store import attachment_queries, user_queries, visit_queries
from crm.store.unit_of_work import Session
from crm.store.visit_queries import ArchiveEntry, VisitedProspect, VisitRecord

FINAL = VisitStatus.FINAL.value
OPEN_STATUSES = (VisitStatus.PLANNED.value, VisitStatus.DRAFT.value)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class VisitLine:
    """One visit as calendars and lists show it."""

    id: str
    prospect_id: str
    prospect_name: str
    district_code: str | None
    district_name: str | None
    street: str
    address: str
    rm_id: str | None
    rm_name: str | None
    status: str
    kind: str
    visit_on: date
    start_time: str
    place: str
    purpose: str
    companions: str
    amends_id: str | None
    version: int
    # The prospect's short name (简称) where space is tight; "" for an archived prospect.
    short_name: str = ""

    @property
    def is_final(self) -> bool:
        return self.status == FINAL


@dataclass(frozen=True)
class VisitDetail:
    line: VisitLine
    draft: VisitDraft
    content_hash: str
    prev_hash: str
    finalized_at: datetime | None
    finalized_by: str | None
    created_at: datetime
    updated_at: datetime
    # The original record (this one unless it is an amendment) and its amendments in order.
    original_id: str
    amendments: tuple[VisitLine, ...]
    prospect_stage: str
    prospect_due: date | None
    # Checklist items covered with this prospect in other visits: code -> day covered.
    covered_before: dict[str, date]
    # The prospect as archived when it went (deleted, merged, …): its visits outlive it.
    archive: ArchiveEntry | None = None
    # False for a new record a form shows before anything is entered (``blank_record``):
    # nothing is stored until its first save.
    stored: bool = True

    @property
    def id(self) -> str:
        return self.line.id

    @property
    def status(self) -> str:
        return self.line.status

    @property
    def is_final(self) -> bool:
        return self.line.status == FINAL

    @property
    def is_amendment(self) -> bool:
        return self.line.amends_id is not None


@dataclass(frozen=True)
class FormReference:
    """What a visit form needs besides the record: checklists, due-diligence items, days."""

    checklists: ChecklistTemplate
    due_diligence: tuple[DueDiligenceItem, ...]
    calendar: HolidayCalendar


@dataclass(frozen=True)
class ProspectBrief:
    """A prospect as a planning dialog shows it."""

    id: str
    name: str
    address: str
    district_name: str | None
    stage: str
    rm_name: str | None
    last_contact_on: date | None
    next_visit_due: date | None
    # The code, so a dialog names the district in the user's language, not the stored one.
    district_code: str | None = None


@dataclass(frozen=True)
class CalendarRange:
    """A calendar's range: the visits shown and each day's number of visits in all."""

    start: date
    end: date
    visits: list[VisitLine]
    counts: dict[date, int]


@dataclass(frozen=True)
class DistrictGroup:
    code: str | None
    name: str | None
    visits: tuple[VisitLine, ...]


@dataclass(frozen=True)
class ProspectVisits:
    """What the prospect page shows about contact: rhythm, plans, history, checklist."""

    prospect_id: str
    stage: str
    last_contact_on: date | None
    next_visit_due: date | None
    overdue_days: int
    next_planned: VisitLine | None
    history: tuple[VisitLine, ...]  # newest first, amendments included
    checklist: ChecklistProgress
    checklist_ticks: dict[str, date]


# A problem ``verify`` finds beside the chain's own (``ChainProblem``): the chain's last
# record as head office confirmed it is not in this book as it was finalized.
MISSING = "missing"


@dataclass(frozen=True)
class VerifyFinding:
    visit_id: str
    prospect_id: str
    prospect_name: str
    visit_on: date | None
    problem: str
    # For a chain short of head office's head: the records head office holds of the
    # prospect, and those finalized in this book.
    held: int | None = None
    here: int | None = None


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    chains: int
    findings: tuple[VerifyFinding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings


# -- reading helpers ------------------------------------------------------------------------


def to_line(row: Sequence[Any]) -> VisitLine:
    """A visit line as the store reads it (``visit_queries.line_select``)."""
    return VisitLine(*row)


class VisitReading:
    """The read-only use cases over visits (and the lookups the writes share)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- reference --------------------------------------------------------------------------

    def calendar(self) -> HolidayCalendar:
        with self.ctx.db.reading() as s:
            return visit_rules.holiday_calendar(s)

    def day_info(self, day: date) -> DayInfo:
        return self.calendar().info(day)

    def checklist_template(self) -> ChecklistTemplate:
        with self.ctx.db.reading() as s:
            return visit_rules.checklists(s)

    def form_reference(self) -> FormReference:
        with self.ctx.db.reading() as s:
            return FormReference(
                visit_rules.checklists(s),
                visit_rules.due_diligence_items(),
                visit_rules.holiday_calendar(s),
            )

    # -- reading ----------------------------------------------------------------------------

    def get(self, visit_id: str) -> VisitDetail:
        with self.ctx.db.reading() as s:
            return self._detail(s, visit_id)

    def blank_record(
        self, prospect_id: str, day: date | None = None, kind: str = VisitKind.SITE.value
    ) -> VisitDetail:
        """A new record of a visit that was not planned (or a call), as a form shows it
        before anything is entered: nothing is stored (``VisitService.record`` stores it,
        under the id given here, once there is something to keep)."""
        with self.ctx.db.reading() as s:
            found = visit_queries.prospect_line(s, prospect_id)
            if found is None:
                raise NotFound("prospect", prospect_id)
            name, district, district_name, street, address, rm_id, rm_name = found
            p = self._prospect(s, prospect_id)
            if rm_id is None and self.ctx.actor_id is not None:
                rm_id = self.ctx.actor_id
                actor = user_queries.person(s, rm_id)
                rm_name = actor.display_name if actor else None
            day = day or self.ctx.today()
            place = address if kind == VisitKind.SITE.value else ""
            draft = VisitDraft(visit_on=day, kind=kind, place=place)
            visit_id = new_id()
            now = self.ctx.now()
            line = VisitLine(
                visit_id, prospect_id, name, district, district_name, street, address, rm_id,
                rm_name, VisitStatus.DRAFT.value, kind, day, "", place, "", "", None, 0,
            )  # fmt: skip
            return VisitDetail(
                line=line,
                draft=draft,
                content_hash="",
                prev_hash="",
                finalized_at=None,
                finalized_by=None,
                created_at=now,
                updated_at=now,
                original_id=visit_id,
                amendments=(),
                prospect_stage=p.stage,
                prospect_due=p.next_visit_due,
                covered_before=self._ticks(s, prospect_id),
                stored=False,
            )

    def between(
        self, start: date, end: date, rm_ids: Sequence[str] | None = None
    ) -> list[VisitLine]:
        """Visits from ``start`` to ``end`` inclusive (originals only; amendments are part
        of the record they amend), in day and time order. Within the acting user's scope
        (crm.domain.roles): another RM's are refused, none named is the whole scope."""
        with self.ctx.db.reading() as s:
            rm_ids = acting_in(s, self.ctx.actor_id).rm_ids(rm_ids)
            return [to_line(r) for r in visit_queries.lines_between(s, start, end, rm_ids)]

    def calendar_range(
        self, start: date, end: date, rm_ids: Sequence[str] | None = None, per_day: int = 8
    ) -> CalendarRange:
        """What a calendar shows of a range: each day's first ``per_day`` visits (untimed
        last) and how many there are in all. A team's month can hold tens of thousands of
        visits; the day counts and the few shown are read from the covering index
        (rm_id, visit_on, start_time, amends_id, id), and only the shown get details."""
        with self.ctx.db.reading() as s:
            rm_ids = acting_in(s, self.ctx.actor_id).rm_ids(rm_ids)
            picked = visit_queries.calendar_picks(s, start, end, rm_ids, per_day)
            counts = {day: n for _, day, n in picked}
            ids = [vid for vid, _, _ in picked]
            lines = [to_line(r) for r in visit_queries.lines_of(s, ids)]
        lines.sort(key=lambda v: (v.visit_on, v.start_time == "", v.start_time, v.prospect_name))
        return CalendarRange(start, end, lines, counts)

    def day_plan(self, day: date, rm_ids: Sequence[str] | None = None) -> list[DistrictGroup]:
        """A day's visits grouped by district (then street), so one trip covers an area;
        districts in the order of their first visit of the day."""
        lines = self.between(day, day, rm_ids)
        groups: dict[str | None, list[VisitLine]] = defaultdict(list)
        for line in lines:
            groups[line.district_code].append(line)

        def first_time(items: list[VisitLine]) -> str:
            return min((i.start_time for i in items if i.start_time), default="99:99")

        ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, first_time(kv[1]), kv[0]))
        return [
            DistrictGroup(
                code,
                items[0].district_name,
                tuple(
                    sorted(
                        items, key=lambda i: (i.street, i.start_time or "99:99", i.prospect_name)
                    )
                ),
            )
            for code, items in ordered
        ]

    def prospect_brief(self, prospect_id: str) -> ProspectBrief:
        return self.find_prospects(ids=[prospect_id])[0]

    def find_prospects(
        self, text: str = "", *, ids: Sequence[str] = (), limit: int = 30
    ) -> list[ProspectBrief]:
        """Prospects whose name, owner, address, USCC or pinyin initials match ``text``
        (or the given ids), for choosing whom to visit."""
        from crm.domain.query import ProspectFilter, Sort
        from crm.services.prospects import ProspectService

        wanted = list(ids)
        if not wanted:
            rows = ProspectService(self.ctx).page(ProspectFilter(text=text), Sort(), 0, limit)
            wanted = [r.id for r in rows]
        if not wanted:
            return []
        with self.ctx.db.reading() as s:
            if ids:  # a page of a search is scoped already; ids given are checked here
                for pid in wanted:
                    check_prospect_in(s, self.ctx.actor_id, pid)
            found = {r[0]: ProspectBrief(*r) for r in visit_queries.prospect_briefs(s, wanted)}
        if not found and ids:
            raise NotFound("prospect", wanted[0])
        return [found[i] for i in wanted if i in found]

    def for_prospect(self, prospect_id: str) -> ProspectVisits:
        """The prospect page's visits panel: rhythm, next plan, history and checklist."""
        with self.ctx.db.reading() as s:
            p = self._prospect(s, prospect_id)
            history = [to_line(r) for r in visit_queries.prospect_history(s, prospect_id)]
            today = self.ctx.today()
            upcoming = [h for h in history if h.status in OPEN_STATUSES and h.amends_id is None]
            ahead = [h for h in upcoming if h.visit_on >= today]
            next_planned = min(ahead or upcoming, key=lambda h: h.visit_on, default=None)
            ticks = self._ticks(s, prospect_id)
            template = visit_rules.checklists(s)
            return ProspectVisits(
                prospect_id=p.id,
                stage=p.stage,
                last_contact_on=p.last_contact_on,
                next_visit_due=p.next_visit_due,
                overdue_days=overdue_days(p.next_visit_due, today),
                next_planned=next_planned,
                history=tuple(history),
                checklist=checklist_progress(template, ticks),
                checklist_ticks=ticks,
            )

    def checklist_progress(self, prospect_id: str) -> ChecklistProgress:
        with self.ctx.db.reading() as s:
            return checklist_progress(visit_rules.checklists(s), self._ticks(s, prospect_id))

    def checklist_progress_many(self, prospect_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """(items covered, items in all) for each prospect: one query for a page of cards."""
        with self.ctx.db.reading() as s:
            template = visit_rules.checklists(s)
            codes = template.codes()
            total = len(codes)
            done: dict[str, int] = dict.fromkeys(prospect_ids, 0)
            for pid, code in visit_queries.ticked_codes(s, prospect_ids):
                if code in codes:
                    done[pid] += 1
            return {pid: (n, total) for pid, n in done.items()}

    # -- integrity --------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Walk every prospect's chain of finalized records and report what does not match."""
        names = (*HASHED_FIELDS, "content_hash", "prev_hash")
        findings: list[ChainFinding] = []
        checked = chains = 0
        with self.ctx.db.reading() as s:
            conn = s.connection()
            current: str | None = None
            chain: list[dict[str, object]] = []
            # The hashes of the files each record holds, of the bytes as they are now.
            files = attachment_queries.held_hashes(conn)
            for raw in visit_queries.finalized_in_chain_order(conn, HASHED_FIELDS):
                row = dict(zip(names, raw, strict=True))
                row["attachments"] = files.get(str(row["id"]), "")
                if row["prospect_id"] != current:
                    findings.extend(verify_chain(chain))
                    chains += 1 if chain else 0
                    chain, current = [], str(row["prospect_id"])
                chain.append(row)
                checked += 1
            findings.extend(verify_chain(chain))
            chains += 1 if chain else 0
            for vid, pid in visit_queries.reopened_visits(conn):
                findings.append(ChainFinding(vid, pid, ChainProblem.REOPENED))
            described = self._describe(s, findings)
            described.extend(self._gaps(s, {(f.visit_id, f.problem) for f in described}))
            return VerifyReport(checked, chains, tuple(described))

    def _gaps(self, s: Session, known: set[tuple[str, str]]) -> list[VerifyFinding]:
        """Chains short of the head head office last confirmed: its last record is missing
        here, or is here changed (hash and all) or reopened, which the chain alone cannot
        show of its last record. Not repeated when the chain check found it already."""
        found: list[VerifyFinding] = []
        for gap in visit_queries.chain_gaps(s.connection()):
            if gap.here_hash is None and (gap.head_id, ChainProblem.REOPENED.value) in known:
                continue
            if gap.here_hash is not None and (gap.head_id, ChainProblem.CHANGED.value) in known:
                continue
            row = visit_queries.visit_day_and_prospect_name(s, gap.head_id)
            found.append(
                VerifyFinding(
                    gap.head_id,
                    gap.prospect_id,
                    row[0] if row else visit_queries.prospect_name(s, gap.prospect_id),
                    row[1] if row else None,
                    MISSING if row is None else ChainProblem.CHANGED.value,
                    held=gap.held,
                    here=gap.here,
                )
            )
        return found

    def _describe(self, s: Session, findings: list[ChainFinding]) -> list[VerifyFinding]:
        result: list[VerifyFinding] = []
        for f in findings:
            row = visit_queries.visit_day_and_prospect_name(s, f.visit_id)
            result.append(
                VerifyFinding(
                    f.visit_id,
                    f.prospect_id,
                    row[0] if row else "",
                    row[1] if row else None,
                    f.problem.value,
                )
            )
        return result

    # -- internals --------------------------------------------------------------------------

    def _prospect(self, s: Session, prospect_id: str) -> VisitedProspect:
        p = visit_queries.visited_prospect(s, prospect_id)
        if p is None:
            raise NotFound("prospect", prospect_id)
        acting_in(s, self.ctx.actor_id).check_sees(p.assigned_rm_id)
        return p

    def _visit(self, s: Session, visit_id: str) -> VisitRecord:
        """The visit as it is now in this transaction (read again after each write)."""
        v = visit_queries.visit_record(s, visit_id)
        if v is None:
            raise NotFound("visit", visit_id)
        return v

    def _effective(self, s: Session, root_id: str) -> VisitRecord:
        """The latest finalized version of a record: its last amendment, or itself."""
        latest = visit_queries.latest_final_amendment(s, root_id)
        return latest or self._visit(s, root_id)

    def _ticks(
        self, s: Session, prospect_id: str, *, except_visit: str | None = None
    ) -> dict[str, date]:
        rows = visit_queries.checklist_ticks(s, prospect_id)
        return {
            code: visit_rules.local_day(at, self.ctx.zone)
            for code, at, vid in rows
            if except_visit is None or vid != except_visit
        }

    def _detail(self, s: Session, visit_id: str) -> VisitDetail:
        """The visit as it is now in this transaction, with its amendments and prospect."""
        v = self._visit(s, visit_id)
        line = to_line(visit_queries.line_of(s, v.id))
        root_id = v.amends_id or v.id
        amendments = tuple(to_line(r) for r in visit_queries.amendment_lines(s, root_id))
        p = visit_queries.visited_prospect(s, v.prospect_id)
        acting_in(s, self.ctx.actor_id).check_sees(p.assigned_rm_id if p else line.rm_id)
        archive = visit_queries.archive_entry(s, v.prospect_id) if p is None else None
        finalizer = user_queries.person(s, v.finalized_by) if v.finalized_by else None
        return VisitDetail(
            line=line,
            draft=v.draft,
            content_hash=v.content_hash,
            prev_hash=v.prev_hash,
            finalized_at=v.finalized_at,
            finalized_by=finalizer.display_name if finalizer else None,
            created_at=v.created_at,
            updated_at=v.updated_at,
            original_id=root_id,
            amendments=amendments,
            prospect_stage=p.stage if p else archive.stage if archive else "",
            prospect_due=p.next_visit_due if p else None,
            covered_before=self._ticks(s, v.prospect_id, except_visit=v.id),
            archive=archive,
        )
