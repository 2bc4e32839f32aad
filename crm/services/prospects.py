"""Prospect use cases: create, edit, assign, move between stages, list and search.

Each public method is one transaction that also queues the change for head office.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import date
from typing import Any

from crm.domain.errors import DomainError
from crm.domain.ids import new_id
from crm.domain.prospect import EDITABLE_FIELDS, CleanProspect, ProspectDraft, validate
from crm.domain.query import ProspectFilter, Sort
from crm.domain.roles import Acting, Permission
from crm.domain.service_plans import counts_for_gate
from crm.domain.short_name import SHORT_NAME_MAX
from crm.domain.stages import DropReason, Stage, StageFacts, check_move
from crm.domain.text import squeeze_spaces
from crm.services import reference
from crm.services.acting import acting_in
from crm.services.context import Context, NotFound
from crm.services.detail_records import (
    ContactInfo,
    LoanInfo,
    ProspectDetail,
    SourceInfo,
    StageChange,
)
from crm.services.records import DuplicateUSCC, ProspectRow, StaleEdit
from crm.store import (
    contact_writer,
    prospect_reads,
    queries,
    service_plan_queries,
    user_queries,
)
from crm.store.contact_writer import NewContact
from crm.store.models import (
    Prospect,
)
from crm.store.prospect_writer import NewProspect, ProspectWriter
from crm.store.unit_of_work import Connection, Session

PAGE_SIZE = 200
# Loan statuses of money still owed: the customer stays in post-loan care.
OUTSTANDING = ("active", "overdue")
EDITABLE = EDITABLE_FIELDS


def _row(r: Any) -> ProspectRow:
    return ProspectRow(
        **{f.name: getattr(r, _ROW_COLUMNS.get(f.name, f.name)) for f in fields(ProspectRow)}
    )


_ROW_COLUMNS = {"rm_id": "assigned_rm_id"}


def _detail(p: Prospect) -> ProspectDetail:
    rm = p.assigned_rm
    return ProspectDetail(
        id=p.id,
        version=p.version,
        name=p.name,
        kind=p.kind,
        uscc=p.uscc,
        owner_name=p.owner_name,
        phone=p.phone,
        address=p.address,
        district_code=p.district_code,
        street=p.street,
        industry_code=p.industry_code,
        registered_capital_fen=p.registered_capital_fen,
        established_on=p.established_on,
        notes=p.notes,
        stage=p.stage,
        stage_changed_at=p.stage_changed_at,
        rm_id=p.assigned_rm_id,
        rm_name=rm.display_name if rm else None,
        last_contact_on=p.last_contact_on,
        created_at=p.created_at,
        updated_at=p.updated_at,
        tags=tuple(t.tag_code for t in p.tags),
        sources=tuple(SourceInfo(s.source_code, s.added_at) for s in p.sources),
        contacts=tuple(
            ContactInfo(c.id, c.name, c.title, c.phone, c.is_primary) for c in p.contacts
        ),
        history=tuple(
            StageChange(
                e.from_stage,
                e.to_stage,
                e.reason_code,
                e.reason_text,
                e.user.display_name if e.user else None,
                e.changed_at,
                e.id,
            )
            for e in p.stage_events
        ),
        loans=tuple(
            LoanInfo(
                lo.id,
                lo.product_code,
                lo.amount_fen,
                lo.rate_bp,
                lo.start_date,
                lo.maturity_date,
                lo.status,
            )
            for lo in p.loans
        ),
        short_name=p.short_name or p.name,
    )


class ProspectService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- reading ---------------------------------------------------------------------------

    def page(
        self,
        flt: ProspectFilter,
        sort: Sort,
        offset: int = 0,
        limit: int = PAGE_SIZE,
        after: tuple[str, str] | None = None,
    ) -> list[ProspectRow]:
        """A page of the list. ``after`` (sorted by name only): the name and id of the last
        row already shown; the page then starts right after it, found by an index seek
        however deep it lies. Only the acting user's scope is listed (crm.domain.roles)."""
        with self.ctx.db.reading() as s:
            rows = queries.page(
                s,
                self._scoped(s, flt),
                sort,
                offset,
                limit,
                self.ctx.today(),
                reference.industry_codes_for(flt.industries),
                after,
            )
            return [_row(r) for r in rows]

    def prepare_search(self) -> None:
        """Build and cache the search statements once (SQLAlchemy compiles each shape on
        first use, which would otherwise land on the user's first keystroke)."""
        probe = ProspectFilter(text="佛山")
        self.page(probe, Sort(), 0, 1)
        self.count(probe)
        self.page(ProspectFilter(text="f"), Sort(), 0, 1)

    def count(self, flt: ProspectFilter) -> int:
        with self.ctx.db.reading() as s:
            return queries.count(
                s,
                self._scoped(s, flt),
                self.ctx.today(),
                reference.industry_codes_for(flt.industries),
            )

    def stage_counts(self, flt: ProspectFilter) -> dict[str, int]:
        with self.ctx.db.reading() as s:
            return queries.stage_counts(
                s,
                self._scoped(s, flt),
                self.ctx.today(),
                reference.industry_codes_for(flt.industries),
            )

    def get(self, prospect_id: str) -> ProspectDetail:
        with self.ctx.db.reading() as s:
            return _detail(self._load(s, prospect_id))

    def acting(self) -> Acting:
        """The acting user's role and scope (what the pages offer follows it)."""
        with self.ctx.db.reading() as s:
            return acting_in(s, self.ctx.actor_id)

    def find_by_uscc(self, uscc: str) -> str | None:
        with self.ctx.db.reading() as s:
            return prospect_reads.id_by_uscc(s, uscc)

    def drop_notes(self, prospect_ids: Sequence[str]) -> dict[str, tuple[str, date | None]]:
        """Of the dropped prospects among these: the drop reason's code and the revisit
        day, by id (for the board's cards)."""
        with self.ctx.db.reading() as s:
            return prospect_reads.drop_notes(s, list(prospect_ids))

    def set_short_name(self, prospect_id: str, short: str) -> ProspectDetail:
        """Give a prospect the short name an RM wrote (empty: the one made from its name)."""
        text = squeeze_spaces(short)
        if len(text) > SHORT_NAME_MAX:
            raise DomainError(
                "prospect.short_name_long",
                "a short name has at most {max} characters",
                max=SHORT_NAME_MAX,
            )
        with self.ctx.db.transaction() as s:
            p = self._load(s, prospect_id)
            self._writer(s).rename_short(p, text)
            s.flush()
            return _detail(p)

    # -- writing ---------------------------------------------------------------------------

    def create(self, draft: ProspectDraft, rm_id: str | None = None) -> ProspectDetail:
        with self.ctx.db.transaction() as s:
            clean = self._validate(s, draft)
            owner = rm_id or self.ctx.actor_id
            if owner is not None:
                self._acting(s).check_owner_of_new(owner, self._team_of(s, owner))
            self._refuse_duplicate(s, clean.uscc, None)
            writer = self._writer(s)
            pid = new_id()
            writer.create(
                [
                    NewProspect(
                        clean,
                        pid,
                        owner,
                        sources=[(c, "") for c in clean.sources],
                        tags=sorted(clean.tags),
                    )
                ]
            )
            writer.finish()
            return _detail(self._load(s, pid))

    def update(
        self, prospect_id: str, draft: ProspectDraft, expected_version: int | None = None
    ) -> ProspectDetail:
        """Save a form; only the fields that changed are sent, and remembered as hand-edited."""
        with self.ctx.db.transaction() as s:
            p = self._load(s, prospect_id)
            if expected_version is not None and p.version != expected_version:
                raise StaleEdit(p.name)
            clean = self._validate(s, draft)
            self._refuse_duplicate(s, clean.uscc, p.id)
            writer = self._writer(s)
            if not writer.edit(p, clean, clean.tags, clean.sources):
                return _detail(p)
            writer.finish()
            s.flush()
            return _detail(self._load(s, p.id))

    def assign(self, prospect_ids: Sequence[str], rm_id: str | None, note: str = "") -> int:
        """Give prospects to an RM (None: unassign); returns how many changed hands.

        A team lead gives to the team's RMs; only head office returns to the shared pool
        or gives across teams (as head office checks the op when it arrives)."""
        with self.ctx.db.transaction() as s:
            if rm_id is not None and not prospect_reads.user_exists(s, rm_id):
                raise NotFound("user", rm_id)
            who = self._acting(s)
            who.check_assign(rm_id, self._team_of(s, rm_id) if rm_id else None)
            writer = self._writer(s)
            moved = 0
            for p in prospect_reads.many(s, prospect_ids):
                who.check_sees(p.assigned_rm_id)
                moved += writer.assign(p, rm_id, note)
            writer.finish()
            return moved

    def add_tag(self, prospect_ids: Sequence[str], tag: str) -> int:
        if tag not in reference.tag_codes():
            raise DomainError("prospect.unknown_tag", "unknown tag {tag}", tag=tag)
        with self.ctx.db.transaction() as s:
            writer = self._writer(s)
            who = self._acting(s)
            added = 0
            for p in prospect_reads.many(s, prospect_ids, tags=True):
                who.check_sees(p.assigned_rm_id)
                added += writer.tag(p, tag)
            writer.finish()
            return added

    def change_stage(
        self,
        prospect_id: str,
        target: str,
        reason_code: str | None = None,
        reason_text: str = "",
        lead_confirmed: bool = False,
    ) -> ProspectDetail:
        """Ask for a stage move; the gates decide, and a refusal says which gate failed.

        ``lead_confirmed``: the acting user, a team lead, confirms dropping a customer whose
        loans are still outstanding (it stays in post-loan care)."""
        with self.ctx.db.transaction() as s:
            self._check_lead(s, lead_confirmed)
            p = self._load(s, prospect_id)
            writer = self._writer(s)
            self._move(writer, p, target, reason_code, reason_text, lead_confirmed)
            writer.finish()
            s.flush()
            writer.refresh_due([p.id])
            return _detail(self._load(s, p.id))

    def change_stages(
        self,
        prospect_ids: Sequence[str],
        target: str,
        reason_code: str | None = None,
        reason_text: str = "",
        lead_confirmed: bool = False,
    ) -> tuple[list[str], dict[str, DomainError]]:
        """A bulk move: each prospect passes its own gates. Returns (moved, refused by id)."""
        moved: list[str] = []
        refused: dict[str, DomainError] = {}
        with self.ctx.db.transaction() as s:
            self._check_lead(s, lead_confirmed)
            writer = self._writer(s)
            for pid in prospect_ids:
                try:
                    p = self._load(s, pid)
                    self._move(writer, p, target, reason_code, reason_text, lead_confirmed)
                    moved.append(pid)
                except DomainError as exc:
                    refused[pid] = exc
            writer.finish()
            s.flush()
            # The cadence follows the stage: a new stage may bring the next visit forward.
            writer.refresh_due(moved)
        return moved, refused

    def delete(self, prospect_id: str, reason: str = "") -> None:
        """Remove a prospect entered by mistake (or a duplicate); head office removes it too.

        Deletion wins over edits made elsewhere meanwhile (DESIGN.md): use dropping, not
        deleting, for a real enterprise that leaves the pipeline.
        """
        with self.ctx.db.transaction() as s:
            p = self._load(s, prospect_id)
            writer = self._writer(s)
            writer.delete(p, reason.strip())
            writer.finish()

    # -- internals -------------------------------------------------------------------------

    def _writer(self, s: Session) -> ProspectWriter:
        return ProspectWriter(s, self.ctx.now(), self.ctx.actor_id, self.ctx.zone)

    def _move(
        self,
        writer: ProspectWriter,
        p: Prospect,
        target: str,
        reason_code: str | None,
        reason_text: str,
        lead_confirmed: bool = False,
    ) -> None:
        check_move(
            Stage(p.stage),
            Stage(target),
            self._facts(p, writer.conn),
            reference.strategic_criteria(writer.session),
            reason_code=reason_code,
            reason_text=reason_text.strip(),
            lead_confirmed=lead_confirmed,
        )
        writer.move(p, Stage(target).value, reason_code, reason_text.strip())

    def _facts(self, p: Prospect, conn: Connection) -> StageFacts:
        active = [lo for lo in p.loans]
        first = min((lo.start_date for lo in active), default=None)
        return StageFacts(
            loan_count=len(active),
            first_loan_date=first,
            total_credit_fen=sum(lo.amount_fen for lo in active),
            today=self.ctx.today(),
            active_loans=sum(lo.status in OUTSTANDING for lo in p.loans),
            active_plan=counts_for_gate(service_plan_queries.status_of(conn, p.id)),
        )

    def _check_lead(self, s: Session, lead_confirmed: bool) -> None:
        """Only a team lead (or an administrator) confirms dropping a customer with a loan."""
        if not lead_confirmed:
            return
        who = self._acting(s)
        if not who.signed_in or not who.may(Permission.CONFIRM_DROP_WITH_LOAN):
            raise DomainError(
                "stage.lead_only",
                "only a team lead can confirm dropping a customer whose loans are outstanding",
            )

    def _load(self, s: Session, prospect_id: str) -> Prospect:
        """The prospect, if the acting user's role reaches it (else refused)."""
        p = prospect_reads.load(s, prospect_id)
        if p is None:
            raise NotFound("prospect", prospect_id)
        self._acting(s).check_sees(p.assigned_rm_id)
        return p

    def _acting(self, s: Session) -> Acting:
        return acting_in(s, self.ctx.actor_id)

    def _scoped(self, s: Session, flt: ProspectFilter) -> ProspectFilter:
        """The list's filter within the acting user's scope: an RM filter naming someone
        outside it is refused, none asked is the whole scope (a condition in SQL)."""
        rm_ids = self._acting(s).rm_filter(flt.rm_ids)
        return flt if rm_ids == flt.rm_ids else replace(flt, rm_ids=rm_ids)

    @staticmethod
    def _team_of(s: Session, user_id: str) -> str | None:
        person = user_queries.person(s, user_id)
        return person.team_id if person is not None else None

    def _validate(self, s: Session, draft: ProspectDraft) -> CleanProspect:
        return validate(draft, reference.catalogues(reference.district_codes(s)), self.ctx.today())

    def _refuse_duplicate(self, s: Session, uscc: str | None, own_id: str | None) -> None:
        if uscc is None:
            return
        other = prospect_reads.holder_of_uscc(s, uscc)
        if other is not None and other[0] != own_id:
            raise DuplicateUSCC(uscc, other[0], other[1])


def drop_reason_codes() -> tuple[str, ...]:
    return tuple(r.value for r in DropReason)


def add_contact(
    ctx: Context,
    prospect_id: str,
    name: str,
    title: str = "",
    phone: str = "",
    primary: bool = False,
) -> ContactInfo:
    """Add a person to a prospect (used by the detail page and by imports)."""
    from crm.domain.prospect import check_phone

    clean_phone = check_phone(phone, "contact_phone")
    with ctx.db.transaction() as s:
        p = prospect_reads.plain(s, prospect_id)
        if p is None:
            raise NotFound("prospect", prospect_id)
        info = NewContact(p.id, name.strip(), title.strip(), clean_phone, primary)
        contact_id = contact_writer.add(s, ctx.now(), info)
        return ContactInfo(contact_id, info.name, info.title, info.phone, info.is_primary)
