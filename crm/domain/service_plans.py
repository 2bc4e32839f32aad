"""A strategic client's service plan (配套金融服务方案, Foshan notice 三(五)): the products and
services the bank means to provide, who owns it, when it is next reviewed, and its status.

A first-loan customer becomes a strategic client ("伙伴银行") only with an active plan; the
plan then comes up for review on its own date, like a renewal reminder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from crm.domain.errors import DomainError
from crm.domain.stages import add_months


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    CLOSED = "closed"


# What a plan provides: the full-process services the notice names (settlement, credit,
# wealth management, supply-chain finance) and the usual companions of a business account.
# A product of the catalogue may be named too, by its code.
SERVICE_AREAS: Final = (
    "settlement",
    "credit",
    "wealth_management",
    "supply_chain_finance",
    "payroll",
    "cash_management",
    "trade_finance",
    "online_banking",
)
# How long a plan runs before it is reviewed when the user names no date.
REVIEW_MONTHS: Final = 6
MAX_NOTES: Final = 4000
MAX_ITEMS: Final = 30
_CODE: Final = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class PlanRefused(DomainError):
    """A plan that cannot be saved as given (no item, an unknown status, a past date)."""


@dataclass(frozen=True)
class PlanDraft:
    """What a user fills in; ``items`` are codes (service areas or catalogue products)."""

    items: tuple[str, ...]
    owner_id: str | None
    review_on: date
    status: str = PlanStatus.DRAFT.value
    notes: str = ""


def check_draft(draft: PlanDraft, today: date, product_codes: frozenset[str]) -> PlanDraft:
    """The draft, cleaned (items once each, in order; notes trimmed); PlanRefused naming
    what is wrong otherwise."""
    items: list[str] = []
    for item in draft.items:
        code = item.strip()
        if not code:
            continue
        if not _CODE.match(code) or (code not in SERVICE_AREAS and code not in product_codes):
            raise PlanRefused(
                "plan.item_unknown", "'{code}' is neither a service nor a product", code=code
            )
        if code not in items:
            items.append(code)
    if not items:
        raise PlanRefused(
            "plan.no_items", "a service plan names at least one product or service to provide"
        )
    if len(items) > MAX_ITEMS:
        raise PlanRefused(
            "plan.too_many_items", "a service plan names at most {count} items", count=MAX_ITEMS
        )
    if draft.status not in {s.value for s in PlanStatus}:
        raise PlanRefused(
            "plan.status_unknown", "'{status}' is not a plan status", status=draft.status
        )
    if draft.status != PlanStatus.CLOSED and draft.review_on < today:
        raise PlanRefused(
            "plan.review_past",
            "the review date {day} has passed: choose today or a later day",
            day=draft.review_on.isoformat(),
        )
    notes = draft.notes.strip()
    if len(notes) > MAX_NOTES:
        raise PlanRefused(
            "plan.notes_long", "the notes are longer than {count} characters", count=MAX_NOTES
        )
    if draft.status == PlanStatus.ACTIVE and not draft.owner_id:
        raise PlanRefused("plan.no_owner", "an active service plan needs an owner")
    return PlanDraft(tuple(items), draft.owner_id, draft.review_on, draft.status, notes)


def next_review(day: date, months: int = REVIEW_MONTHS) -> date:
    """The review after one held on ``day``."""
    return add_months(day, months)


def review_is_due(status: str, review_on: date | None, today: date) -> bool:
    """An open plan (not closed) whose review date has come."""
    return status != PlanStatus.CLOSED and review_on is not None and review_on <= today


def counts_for_gate(status: str | None) -> bool:
    """Whether a plan in ``status`` lets its customer be a strategic client: an active one,
    or one being reviewed (a review does not take the customer's status away)."""
    return status in (PlanStatus.ACTIVE, PlanStatus.UNDER_REVIEW)
