"""What a report is made of: plain data the services fill in and the documents lay out.

Nothing here imports ReportLab, so a service builds these without paying for it. Labels
that come from data (stage names, checklist items, product names) arrive already in the
report's language; the documents translate only their own fixed wording. Identifiers
arrive masked unless the user chose to show them (``Disclosure`` says who chose, when).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from crm.domain.pipeline_metrics import PipelineFigures


@dataclass(frozen=True)
class Letterhead:
    """Who issues the report: the bank, and the branch of the RM or team it is about."""

    bank: str
    branch: str


@dataclass(frozen=True)
class Disclosure:
    """Identifiers printed unmasked: who asked, when, and the book's record of it."""

    by: str
    at: datetime
    record_id: str


@dataclass(frozen=True)
class ContactLine:
    name: str
    title: str
    phone: str  # masked unless disclosed


@dataclass(frozen=True)
class ProspectSummary:
    name: str
    uscc: str
    kind: str  # label in the report's language
    owner_name: str
    phone: str  # masked unless disclosed
    address: str
    district: str
    industry: str
    stage: str  # label
    rm_name: str
    established_on: date | None
    registered_capital_fen: int | None
    sources: tuple[str, ...] = ()
    contacts: tuple[ContactLine, ...] = ()
    # Said when the customer was removed from the book (its records are kept).
    archived: str = ""


@dataclass(frozen=True)
class CheckedItem:
    """A due-diligence or checklist item and whether it was covered."""

    text: str
    checked: bool
    # A checklist item covered in an earlier visit with this customer, and when.
    before: date | None = None


@dataclass(frozen=True)
class ItemGroup:
    """Items under one heading: a due-diligence phase or a checklist area."""

    title: str
    items: tuple[CheckedItem, ...]


@dataclass(frozen=True)
class ProductLine:
    """One product of the pre-assessment (预授信参考), in words."""

    name: str
    status: str  # eligible / not_eligible / unknown
    amount_min_fen: int | None
    amount_max_fen: int | None
    rate_bp: int | None
    term_months_max: int | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PreAssessment:
    as_of: date
    notice: str
    products: tuple[ProductLine, ...]
    warnings: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # facts that would settle an undecided product


@dataclass(frozen=True)
class Photo:
    """An attachment shown as a thumbnail: the image's bytes (JPEG or PNG), when it was
    taken (EXIF) or else attached, and a caption (what it shows, its file name)."""

    data: bytes
    taken_at: datetime | None
    caption: str


class ChainState(StrEnum):
    INTACT = "intact"  # the record's hash and every link of its prospect's chain check out
    CHANGED = "changed"  # this record's content no longer gives its hash
    BROKEN = "broken"  # a record of the chain was removed, inserted or reordered
    NOT_FINAL = "not_final"  # a draft or plan: not hashed yet
    # Head office confirmed a last record this book does not hold as it was finalized.
    SHORT = "short"


@dataclass(frozen=True)
class ChainStatus:
    state: ChainState
    content_hash: str
    prev_hash: str
    position: int  # 1-based place of this record in its prospect's chain (0: not in it)
    length: int  # finalized records in the chain
    problems: int = 0  # findings anywhere in the chain
    held: int = 0  # records head office holds of the chain, when it is SHORT
    missing_id: str = ""  # the last record head office confirmed, missing here


@dataclass(frozen=True)
class AmendmentLine:
    id: str
    status: str  # label
    visit_on: date
    reason: str


@dataclass(frozen=True)
class VisitRecordData:
    """Every field of the record, as it stands."""

    id: str
    status: str  # planned / draft / final
    kind: str  # label
    visit_on: date
    start_time: str
    place: str
    purpose: str
    companions: str
    people_met: str
    operating_state: str
    repayment_source: str
    growth_prospects: str
    need_amount_fen: int | None
    need_purpose: str
    need_timing: str
    credit_auth: bool | None
    credit_auth_on: date | None
    next_steps: str
    next_visit_on: date | None
    rm_name: str
    created_at: datetime
    updated_at: datetime
    finalized_at: datetime | None
    finalized_by: str
    amends_id: str | None = None
    amend_reason: str = ""
    amendments: tuple[AmendmentLine, ...] = ()

    @property
    def is_final(self) -> bool:
        return self.status == "final"


@dataclass(frozen=True)
class VisitReportData:
    letterhead: Letterhead
    prospect: ProspectSummary
    visit: VisitRecordData
    due_diligence: tuple[ItemGroup, ...]
    checklist: tuple[ItemGroup, ...]
    chain: ChainStatus
    generated_at: datetime  # in the user's zone
    generated_by: str
    pre_assessment: PreAssessment | None = None
    photos: tuple[Photo, ...] = ()
    disclosure: Disclosure | None = None


@dataclass(frozen=True)
class PipelineReportData:
    """A pipeline report: the figures of a scope and period, and the words for its codes."""

    letterhead: Letterhead
    scope: str  # "普惠金融一部", "王芳", or the whole book, in words
    figures: PipelineFigures
    generated_at: datetime  # in the user's zone
    generated_by: str
    stage_labels: dict[str, str]
    product_labels: dict[str, str]
    list_limit: int
