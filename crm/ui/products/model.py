"""What the product widgets show, as plain values: catalogue entries, a prospect's match,
its facts and the services it holds.

``crm.ui.products.source`` fills these from the products service (on a worker); the widgets
only draw them, so they can be tested and rendered with values made by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
UNKNOWN = "unknown"

PASS = "pass"
FAIL = "fail"
MISSING = "missing"


@dataclass(frozen=True)
class CriterionResult:
    key: str  # the fact it reads
    status: str  # pass / fail / missing
    message: str  # in the user's language: "年开票额 82 万元 < 100 万元"


@dataclass(frozen=True)
class ProductResult:
    code: str
    name: str
    status: str  # eligible / not_eligible / unknown
    criteria: tuple[CriterionResult, ...]
    amount_min_fen: int | None = None
    amount_max_fen: int | None = None
    rate_bp: int | None = None
    term_months_min: int | None = None
    term_months_max: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class OverlayResult:
    code: str
    name: str
    applies: bool
    detail: str  # what it gives: "up to 200万元 at ≤ LPR + 50 bp"


@dataclass(frozen=True)
class MatchView:
    products: tuple[ProductResult, ...]
    overlays: tuple[OverlayResult, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactView:
    key: str
    value: Any  # None when missing
    confirmed_on: date | None = None
    confirmed_by: str | None = None


@dataclass(frozen=True)
class HeldView:
    code: str
    name: str
    since: date | None


@dataclass(frozen=True)
class ServicesView:
    held: tuple[HeldView, ...]
    next_offer: HeldView | None  # the service to offer next (since is None)
    # Every non-credit service of the catalogue (since is None), in catalogue order.
    offered: tuple[HeldView, ...] = ()


@dataclass(frozen=True)
class ProspectProducts:
    """Everything the products tab of a prospect page shows."""

    match: MatchView
    facts: dict[str, FactView]
    services: ServicesView
    stage: str = ""


@dataclass(frozen=True)
class CatalogueEntry:
    """A product or service of the catalogue as the Products page lists it."""

    code: str
    name: str
    kind: str  # credit / service / overlay
    description: str = ""
    customer_kinds: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()  # each in words: "Tax credit grade B or better"
    amount: str = ""
    rate: str = ""
    term: str = ""
    repayment: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    extra: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CatalogueView:
    """The catalogue as the Products page shows it."""

    version: str
    published_on: date | None
    lpr: str  # "1-year LPR 3.00% (as of 2025-05-20)"
    entries: tuple[CatalogueEntry, ...]
    # Where it comes from: "headoffice" (published, received by sync) or "bundled".
    source: str = ""
