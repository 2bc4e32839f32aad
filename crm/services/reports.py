"""Reports as PDF: a visit report, a batch of them, and the pipeline report.

What the UI (preview, print, save, batch export in a worker) and the `crm report` command
call. Every method returns the PDF's bytes (or named files of bytes); `save_report` writes
them to a temporary file beside the target and renames it when complete, so a failed or
cancelled export never leaves half a PDF where the user looks.

Identifiers (resident ID and phone numbers, in the customer's fields and in the record's
text) are masked unless the caller asks to show them; printing them in full is recorded in
the book (`disclosures`), and the report itself says who asked and when.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from crm import resources
from crm.domain.errors import DomainError, Message
from crm.domain.ids import new_id
from crm.domain.masking import mask_identifiers
from crm.domain.matching import MatchResult, Status
from crm.domain.pipeline_metrics import PipelineFigures
from crm.domain.visits import HASHED_FIELDS, ChainProblem, VisitDraft, verify_chain
from crm.i18n import language
from crm.reports.model import (
    AmendmentLine,
    ChainState,
    ChainStatus,
    CheckedItem,
    ContactLine,
    Disclosure,
    ItemGroup,
    Letterhead,
    Photo,
    PipelineReportData,
    PreAssessment,
    ProductLine,
    ProspectSummary,
    VisitRecordData,
    VisitReportData,
)
from crm.reports.text import ReportText
from crm.services import visit_rules
from crm.services.acting import acting_in
from crm.services.audit import Action, AuditService
from crm.services.context import Context
from crm.services.detail_records import ProspectDetail
from crm.services.users import UserService
from crm.services.visit_reading import VisitDetail
from crm.store import report_queries, user_queries
from crm.store.unit_of_work import Session

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ReportCancelled(DomainError):
    """The user stopped a batch export; nothing was written."""

    def __init__(self) -> None:
        text = Message("the export was cancelled; no file was written")
        super().__init__("report.cancelled", text.template)


@dataclass(frozen=True)
class ReportFile:
    """One PDF of a batch: the file name it is suggested under, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class DisclosureRecord:
    """A report printed with identifiers in full (from the book's record)."""

    id: str
    kind: str
    subject_id: str
    user_id: str | None
    user: str
    at: datetime


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def report_file_name(day: date, customer: str, visit_id: str) -> str:
    """``2026-02-02_佛山市华兴五金制品厂_0190f0ab.pdf``: sorts by day, safe on every system."""
    name = _UNSAFE.sub("_", customer).strip("._")[:60] or "visit"
    return f"{day.isoformat()}_{name}_{visit_id.replace('-', '')[-8:]}.pdf"


def save_report(data: bytes, target: Path) -> None:
    """Write ``data`` to ``target`` whole or not at all: a temporary file beside it, synced,
    then renamed over it. An error (no such folder, no permission, disk full) leaves nothing
    behind and is raised as the OSError it is, naming ``target``."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def letterhead_bank(lang: str) -> str:
    data = resources.load_json("data", "bank.json")
    key = "name_zh" if lang.startswith("zh") else "name_en"
    return str(data.get(key) or data.get("name_zh") or "")


class ReportService:
    """Visit and pipeline reports over one book."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- visit reports ------------------------------------------------------------------------

    def visit_pdf(
        self, visit_id: str, *, show_identifiers: bool = False, lang: str | None = None
    ) -> bytes:
        """The visit report of one visit (a draft carries a DRAFT watermark)."""
        from crm.reports.visit_report import render_visit_report

        lang = lang or language()
        data = self.visit_report_data(visit_id, show_identifiers=show_identifiers, lang=lang)
        pdf = render_visit_report(data, lang)
        self._made(visit_id, report="visit", visits=1, identifiers=show_identifiers)
        return pdf

    def recorded_visits(
        self, start: date, end: date, rm_ids: Sequence[str] | None = None
    ) -> list[str]:
        """The visits a batch from ``start`` to ``end`` would print: recorded (drafted or
        finalized) originals, by day and time."""
        _check_period(start, end)
        with self.ctx.db.reading() as s:
            rm_ids = acting_in(s, self.ctx.actor_id).rm_ids(rm_ids)
            return report_queries.recorded_visit_ids(s, start, end, rm_ids)

    def visits_pdf(
        self,
        start: date,
        end: date,
        *,
        per_visit: bool = False,
        rm_ids: Sequence[str] | None = None,
        show_identifiers: bool = False,
        lang: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> list[ReportFile]:
        """The reports of the visits recorded from ``start`` to ``end``: one PDF holding all
        (each report numbered on its own), or one PDF per visit. ``progress(done, total)``
        is called after each visit; ``cancelled()`` is asked before each and, when it says
        so, ReportCancelled is raised and nothing is returned."""
        lang = lang or language()
        ids = self.recorded_visits(start, end, rm_ids)
        if not ids:
            raise DomainError(
                "report.no_visits",
                "no visit was recorded from {start} to {end}",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        name = f"visits_{start.isoformat()}_{end.isoformat()}.pdf"
        return self.visit_reports(
            ids,
            per_visit=per_visit,
            show_identifiers=show_identifiers,
            lang=lang,
            progress=progress,
            cancelled=cancelled,
            name=name,
        )

    def visit_reports(
        self,
        visit_ids: Sequence[str],
        *,
        per_visit: bool = False,
        show_identifiers: bool = False,
        lang: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        name: str = "visits.pdf",
    ) -> list[ReportFile]:
        """The reports of these visits (those chosen in a list): as ``visits_pdf``."""
        from crm.reports.document import LayoutStopped
        from crm.reports.visit_report import render_visit_report, render_visit_reports

        lang = lang or language()
        total = len(visit_ids)
        files: list[ReportFile] = []
        gathered: list[VisitReportData] = []
        for n, vid in enumerate(visit_ids):
            if cancelled is not None and cancelled():
                raise ReportCancelled()
            data = self.visit_report_data(vid, show_identifiers=show_identifiers, lang=lang)
            if per_visit:
                file_name = report_file_name(data.visit.visit_on, data.prospect.name, vid)
                files.append(ReportFile(file_name, render_visit_report(data, lang)))
            else:
                gathered.append(data)
            if progress is not None:
                progress(n + 1, total)
        if per_visit:
            self._made(
                report="visits", visits=total, files=len(files), identifiers=show_identifiers
            )
            return files
        if cancelled is not None and cancelled():
            raise ReportCancelled()
        try:
            pdf = render_visit_reports(gathered, lang, stop=cancelled)
        except LayoutStopped:
            raise ReportCancelled() from None
        self._made(report="visits", visits=total, files=1, identifiers=show_identifiers)
        return [ReportFile(name, pdf)]

    # -- pipeline reports -----------------------------------------------------------------------

    def pipeline_figures(
        self, start: date, end: date, *, team: str | None = None, rm: str | None = None
    ) -> PipelineFigures:
        """The figures of the pipeline report (the whole book, a team by name or id, or an
        RM by username) from ``start`` to ``end``."""
        from crm.services.pipeline_figures import PipelineFiguresService

        service = PipelineFiguresService(self.ctx)
        return service.figures(start, end, service.scope(team=team, rm=rm))

    def pipeline_pdf(
        self,
        start: date,
        end: date,
        *,
        team: str | None = None,
        rm: str | None = None,
        lang: str | None = None,
    ) -> bytes:
        """The pipeline report of the whole book, a team or an RM, from ``start`` to ``end``."""
        from crm.reports.pipeline_report import render_pipeline_report

        lang = lang or language()
        pdf = render_pipeline_report(
            self.pipeline_report_data(start, end, team=team, rm=rm, lang=lang), lang
        )
        self._made(report="pipeline", days=(end - start).days + 1)
        return pdf

    def _made(self, target_id: str = "", **detail: object) -> None:
        """The audit line of a PDF made of the book's data (ids and counts only)."""
        AuditService(self.ctx).record(Action.PDF, target_id, detail)

    def pipeline_report_data(
        self,
        start: date,
        end: date,
        *,
        team: str | None = None,
        rm: str | None = None,
        lang: str | None = None,
    ) -> PipelineReportData:
        from crm.services.pipeline_figures import LIST_LIMIT, PipelineFiguresService
        from crm.services.products import ProductService

        t = ReportText(lang or language())
        service = PipelineFiguresService(self.ctx)
        scope = service.scope(team=team, rm=rm)
        figures = service.figures(start, end, scope)
        with self.ctx.db.reading() as s:
            actor = self._actor_name(s)
            branch = ""
            lead = scope.rm_ids[0] if scope.rm_ids else self.ctx.actor_id
            found = report_queries.team_of_user(s, lead) if lead else None
            if found is not None:
                branch = found.branch or found.team_name
        if scope.kind == "team":
            words = t.tr("Team: {name}", name=scope.name)
        elif scope.kind == "rm":
            words = t.tr("Relationship manager: {name}", name=scope.name)
        else:
            words = t.tr("The whole book")
        products = {
            p.code: (p.name_zh if t.chinese else p.name_en)
            for p in ProductService(self.ctx).catalogue().products
        }
        return PipelineReportData(
            letterhead=Letterhead(letterhead_bank(t.lang), branch),
            scope=words,
            figures=figures,
            generated_at=self.ctx.now().astimezone(self.ctx.zone),
            generated_by=actor,
            stage_labels={s.code: resources.label(s, t.lang) for s in resources.stage_labels()},
            product_labels=products,
            list_limit=LIST_LIMIT,
        )

    # -- samples ----------------------------------------------------------------------------------

    def samples(self, *, lang: str | None = None) -> list[ReportFile]:
        """Sample reports of this book, to see what reports look like: the fullest finalized
        visit, a draft, the visits of that visit's RM on its day in one file, and the
        pipeline of the whole book and of each team for the month to date."""
        lang = lang or language()
        t = ReportText(lang)
        with self.ctx.db.reading() as s:
            found = report_queries.samples(s)
        files: list[ReportFile] = []
        for visit_id, what in ((found.final_id, "final"), (found.draft_id, "draft")):
            if visit_id is not None:
                files.append(
                    ReportFile(f"visit-{what}-{t.lang}.pdf", self.visit_pdf(visit_id, lang=lang))
                )
        if found.final_id is not None:
            from crm.services.visits import VisitService

            line = VisitService(self.ctx).get(found.final_id).line
            day = line.visit_on
            if line.rm_id is not None:
                [batch] = self.visits_pdf(day, day, rm_ids=[line.rm_id], lang=lang)
                files.append(ReportFile(f"visits-{day.isoformat()}-{t.lang}.pdf", batch.data))
        today = self.ctx.today()
        start = today.replace(day=1)
        files.append(
            ReportFile(f"pipeline-book-{t.lang}.pdf", self.pipeline_pdf(start, today, lang=lang))
        )
        for n, team in enumerate(UserService(self.ctx).teams(), 1):
            data = self.pipeline_pdf(start, today, team=team.id, lang=lang)
            files.append(ReportFile(f"pipeline-team{n}-{t.lang}.pdf", data))
        return files

    def disclosures(self) -> list[DisclosureRecord]:
        """Every report printed with identifiers in full, oldest first."""
        with self.ctx.db.reading() as s:
            return [
                DisclosureRecord(
                    id=rid,
                    kind=str(entry.get("kind", "")),
                    subject_id=str(entry.get("subject_id", "")),
                    user_id=entry.get("user_id"),
                    user=str(entry.get("user", "")),
                    at=datetime.fromisoformat(str(entry["at"])),
                )
                for rid, entry in report_queries.disclosures(s)
            ]

    # -- the data of a visit report -------------------------------------------------------------

    def visit_report_data(
        self, visit_id: str, *, show_identifiers: bool = False, lang: str | None = None
    ) -> VisitReportData:
        """Everything a visit report prints, in ``lang`` (the user's by default); asking to
        show identifiers records the disclosure in the book first."""
        from crm.services.prospects import ProspectService
        from crm.services.visits import VisitService

        t = ReportText(lang or language())
        visits = VisitService(self.ctx)
        detail = visits.get(visit_id)
        reasons = {
            a.id: visits.get(a.id).draft.amend_reason for a in detail.amendments if a.id != visit_id
        }
        # A customer removed from the book (deleted, merged) is read from its archive entry:
        # its finalized records outlive it, and so do their reports.
        archive = detail.archive
        prospect = None if archive else ProspectService(self.ctx).get(detail.line.prospect_id)
        now = self.ctx.now().astimezone(self.ctx.zone)
        with self.ctx.db.reading() as s:
            actor = self._actor_name(s)
            rm_id = detail.line.rm_id or (prospect.rm_id if prospect else None)
            team = report_queries.team_of_user(s, rm_id) if rm_id else None
            district = (
                report_queries.district_names(s, prospect.district_code)
                if prospect is not None and prospect.district_code
                else None
            )
            template = visit_rules.checklists(s)
            chain = self._chain(s, detail)
        disclosure = None
        if show_identifiers:
            disclosure = self._disclose("visit_report", visit_id, actor, now)
        mask = (lambda text: text) if show_identifiers else mask_identifiers
        if prospect is not None:
            summary = self._prospect(prospect, district, t, mask)
            pre_assessment: PreAssessment | None = self._pre_assessment(prospect.id, t)
        else:
            summary = self._archived(detail, team.user_name if team else "", t, mask)
            pre_assessment = None
        draft = detail.draft
        covered_here = set(draft.checklist_items)
        checklist = tuple(
            ItemGroup(
                resources.label(area, t.lang),
                tuple(
                    CheckedItem(
                        item.text_zh if t.chinese else item.text_en,
                        item.code in covered_here,
                        detail.covered_before.get(item.code),
                    )
                    for item in template.items_of(area.code)
                ),
            )
            for area in template.areas
        )
        return VisitReportData(
            letterhead=Letterhead(
                letterhead_bank(t.lang), (team.branch or team.team_name) if team else ""
            ),
            prospect=summary,
            visit=self._record(detail, reasons, t, mask),
            due_diligence=_due_diligence(draft, t),
            checklist=checklist,
            chain=chain,
            generated_at=now,
            generated_by=actor,
            pre_assessment=pre_assessment,
            photos=self._photos(visit_id, t),
            disclosure=disclosure,
        )

    def _photos(self, visit_id: str, t: ReportText) -> tuple[Photo, ...]:
        """The record's photos as thumbnails: their previews, when taken (or attached), and
        their caption after what they show."""
        from crm.services.attachments import AttachmentService

        kinds = {
            "premises": t.tr("Premises"),
            "signboard": t.tr("Signboard"),
            "licence": t.tr("Business licence"),
            "authorisation": t.tr("Signed authorisation"),
            "other": t.tr("Other"),
        }
        photos = []
        for image in AttachmentService(self.ctx).images_for_visit(visit_id):
            what = kinds.get(image.kind, image.kind)
            sep = "：" if t.chinese else ": "
            caption = f"{what}{sep}{image.caption}" if image.caption else what
            taken = image.taken_at
            if taken is not None and taken.tzinfo is not None:
                taken = taken.astimezone(self.ctx.zone)
            photos.append(Photo(image.image, taken, caption))
        return tuple(photos)

    def _actor_name(self, s: Session) -> str:
        if self.ctx.actor_id is None:
            return "—"
        person = user_queries.person(s, self.ctx.actor_id)
        return person.display_name if person is not None else "—"

    def _disclose(self, kind: str, subject_id: str, user: str, now: datetime) -> Disclosure:
        record_id = new_id()
        with self.ctx.db.transaction() as s:
            report_queries.record_disclosure(
                s,
                record_id,
                {
                    "kind": kind,
                    "subject_id": subject_id,
                    "user_id": self.ctx.actor_id,
                    "user": user,
                    "at": now.isoformat(timespec="seconds"),
                },
            )
            AuditService(self.ctx).record_in(
                s, Action.UNMASK, subject_id, {"report": kind, "disclosure": record_id}
            )
        return Disclosure(user, now, record_id)

    def _prospect(
        self,
        p: ProspectDetail,
        district: tuple[str, str] | None,
        t: ReportText,
        mask: Callable[[str], str],
    ) -> ProspectSummary:
        stages = {s.code: resources.label(s, t.lang) for s in resources.stage_labels()}
        ind = resources.industry(p.industry_code) if p.industry_code else None
        sources = []
        for membership in p.sources:
            found = resources.source(membership.code)
            if found is None:
                sources.append(membership.code)
            else:
                sources.append(found.short_zh if t.chinese else found.short_en)
        return ProspectSummary(
            name=p.name,
            uscc=p.uscc or "",
            kind=t.tr("individual business") if p.kind == "individual" else t.tr("enterprise"),
            owner_name=p.owner_name,
            phone=mask(p.phone),
            address=mask(p.address),
            district=(district[0] if t.chinese else district[1]) if district else "",
            industry=f"{ind.code} {resources.label(ind, t.lang)}" if ind else "",
            stage=stages.get(p.stage, p.stage),
            rm_name=p.rm_name or "",
            established_on=p.established_on,
            registered_capital_fen=p.registered_capital_fen,
            sources=tuple(sources),
            contacts=tuple(ContactLine(c.name, c.title, mask(c.phone)) for c in p.contacts),
        )

    def _archived(
        self, d: VisitDetail, rm_name: str, t: ReportText, mask: Callable[[str], str]
    ) -> ProspectSummary:
        a = d.archive
        assert a is not None
        stages = {s.code: resources.label(s, t.lang) for s in resources.stage_labels()}
        return ProspectSummary(
            name=a.name,
            uscc=a.uscc or "",
            kind="",
            owner_name=a.owner_name,
            phone="",
            address=mask(a.address),
            district="",
            industry="",
            stage=stages.get(a.stage, a.stage),
            rm_name=rm_name,
            established_on=None,
            registered_capital_fen=None,
            archived=t.tr(
                "This customer was removed from the book on {day} ({reason}); its finalized "
                "records are kept.",
                day=t.day(a.archived_at.astimezone(self.ctx.zone).date()),
                reason=a.reason or "—",
            ),
        )

    def _record(
        self,
        d: VisitDetail,
        reasons: dict[str, str],
        t: ReportText,
        mask: Callable[[str], str],
    ) -> VisitRecordData:
        draft = d.draft
        statuses = {
            "final": t.tr("finalized"),
            "draft": t.tr("draft, not finalized"),
            "planned": t.tr("planned, not yet recorded"),
        }
        return VisitRecordData(
            id=d.id,
            status=d.status,
            kind=_kind(draft.kind, t),
            visit_on=draft.visit_on,
            start_time=draft.start_time,
            place=mask(draft.place),
            purpose=mask(draft.purpose),
            companions=mask(draft.companions),
            people_met=mask(draft.people_met),
            operating_state=mask(draft.operating_state),
            repayment_source=mask(draft.repayment_source),
            growth_prospects=mask(draft.growth_prospects),
            need_amount_fen=draft.need_amount_fen,
            need_purpose=mask(draft.need_purpose),
            need_timing=mask(draft.need_timing),
            credit_auth=draft.credit_auth,
            credit_auth_on=draft.credit_auth_on,
            next_steps=mask(draft.next_steps),
            next_visit_on=draft.next_visit_on,
            rm_name=d.line.rm_name or "",
            created_at=d.created_at.astimezone(self.ctx.zone),
            updated_at=d.updated_at.astimezone(self.ctx.zone),
            finalized_at=d.finalized_at.astimezone(self.ctx.zone) if d.finalized_at else None,
            finalized_by=d.finalized_by or "",
            amends_id=d.line.amends_id,
            amend_reason=mask(draft.amend_reason),
            amendments=tuple(
                AmendmentLine(
                    a.id, statuses.get(a.status, a.status), a.visit_on, mask(reasons.get(a.id, ""))
                )
                for a in d.amendments
                if a.id != d.id
            ),
        )

    def _chain(self, s: Session, d: VisitDetail) -> ChainStatus:
        """Where the record stands in its customer's chain, checked link by link."""
        if not d.is_final:
            return ChainStatus(ChainState.NOT_FINAL, "", "", 0, 0)
        rows = report_queries.chain_rows(s, d.line.prospect_id, HASHED_FIELDS)
        findings = verify_chain(rows)
        position = next((n for n, r in enumerate(rows, 1) if r["id"] == d.id), 0)
        own = [f for f in findings if f.visit_id == d.id]
        state = ChainState.INTACT
        if any(f.problem is ChainProblem.CHANGED for f in own):
            state = ChainState.CHANGED
        elif own:
            state = ChainState.BROKEN
        held, missing = 0, ""
        head = report_queries.confirmed_head(s, d.line.prospect_id)
        here = {str(r["id"]): str(r["content_hash"]) for r in rows}
        if head is not None and here.get(head.head_id) != head.head_hash:
            # The chain checks link by link but ends short of what head office confirmed:
            # its last record went (or changed) behind the app's back.
            held, missing = head.count, head.head_id
            if state is ChainState.INTACT:
                state = ChainState.SHORT
        return ChainStatus(
            state,
            d.content_hash,
            d.prev_hash,
            position,
            len(rows),
            problems=len(findings),
            held=held,
            missing_id=missing,
        )

    def _pre_assessment(self, prospect_id: str, t: ReportText) -> PreAssessment:
        from crm.domain.facts import FACTS
        from crm.services.products import ProductService

        result: MatchResult = ProductService(self.ctx).match(prospect_id)
        lines = []
        for p in result.products:
            if not p.product.credit:
                continue
            reasons = tuple(
                t.message(c.message)
                for c in p.criteria
                if p.status is Status.ELIGIBLE or c.status.value != "pass"
            )
            lines.append(
                ProductLine(
                    name=p.product.name_zh if t.chinese else p.product.name_en,
                    status=p.status.value,
                    amount_min_fen=p.amount_min_fen,
                    amount_max_fen=p.amount_max_fen,
                    rate_bp=p.rate_bp,
                    term_months_max=p.term_months_max,
                    reasons=reasons[:4],
                )
            )
        return PreAssessment(
            as_of=self.ctx.today(),
            notice=t.message(result.notice),
            products=tuple(lines),
            warnings=tuple(t.message(w.message) for w in result.warnings),
            missing=tuple(t.message(FACTS[key].label) for key in result.missing_facts()),
        )


def _kind(kind: str, t: ReportText) -> str:
    return {
        "site": t.tr("site visit"),
        "phone": t.tr("phone call"),
        "online": t.tr("online meeting"),
    }.get(kind, kind)


def _due_diligence(draft: VisitDraft, t: ReportText) -> tuple[ItemGroup, ...]:
    checked = set(draft.due_diligence)
    phases = {
        "before": t.tr("Before the loan (pre-loan investigation)"),
        "during": t.tr("During the loan (review at granting)"),
        "after": t.tr("After the loan (post-loan checks)"),
    }
    groups: dict[str, list[CheckedItem]] = {}
    for item in visit_rules.due_diligence_items():
        text = item.text_zh if t.chinese else item.text_en
        groups.setdefault(item.phase, []).append(CheckedItem(text, item.code in checked))
    return tuple(ItemGroup(phases[p], tuple(items)) for p, items in groups.items())


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise DomainError(
            "report.period",
            "the period starts ({start}) after it ends ({end})",
            start=start.isoformat(),
            end=end.isoformat(),
        )
