"""A prospect's whole record as the use cases hand it out (the prospect page, reports):
plain frozen dataclasses with no SQLAlchemy behind them. The list's records are in
``crm.services.records``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from crm.domain.prospect import ProspectDraft


@dataclass(frozen=True)
class ContactInfo:
    id: str
    name: str
    title: str
    phone: str
    is_primary: bool


@dataclass(frozen=True)
class StageChange:
    from_stage: str | None
    to_stage: str
    reason_code: str
    reason_text: str
    changed_by: str | None
    changed_at: datetime
    id: str = ""


@dataclass(frozen=True)
class SourceInfo:
    code: str
    added_at: datetime


@dataclass(frozen=True)
class LoanInfo:
    id: str
    product_code: str
    amount_fen: int
    rate_bp: int
    start_date: date
    maturity_date: date
    status: str


@dataclass(frozen=True)
class ProspectDetail:
    id: str
    version: int
    name: str
    kind: str
    uscc: str | None
    owner_name: str
    phone: str
    address: str
    district_code: str | None
    street: str
    industry_code: str | None
    registered_capital_fen: int | None
    established_on: date | None
    notes: str
    stage: str
    stage_changed_at: datetime
    rm_id: str | None
    rm_name: str | None
    last_contact_on: date | None
    created_at: datetime
    updated_at: datetime
    tags: tuple[str, ...]
    sources: tuple[SourceInfo, ...]
    contacts: tuple[ContactInfo, ...]
    history: tuple[StageChange, ...]
    loans: tuple[LoanInfo, ...]
    # The short name (简称) shown where space is tight; an RM may write their own.
    short_name: str = ""

    def draft(self) -> ProspectDraft:
        """The editable part, as a form starts it."""
        return ProspectDraft(
            name=self.name,
            kind=self.kind,
            uscc=self.uscc or "",
            owner_name=self.owner_name,
            phone=self.phone,
            address=self.address,
            district_code=self.district_code or "",
            street=self.street,
            industry_code=self.industry_code or "",
            registered_capital_fen=self.registered_capital_fen,
            established_on=self.established_on,
            notes=self.notes,
            tags=list(self.tags),
            sources=[s.code for s in self.sources],
        )
