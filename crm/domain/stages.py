"""The cultivation stages (无贷户 → 首贷户 → 战略客户, or dropped 退出) and which moves are allowed.

The same rules run on the device (to explain a refusal before the RM saves) and on the head
office server (which validates every stage-change command against its current state).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from crm.domain.errors import DomainError, Message
from crm.domain.money import format_yuan


class Stage(StrEnum):
    NO_LOAN = "no_loan"
    FIRST_LOAN = "first_loan"
    STRATEGIC = "strategic"
    DROPPED = "dropped"

    @property
    def order(self) -> int | None:
        """Position in the pipeline; None for dropped, which is neither ahead nor behind."""
        return _ORDER.get(self)


_ORDER = {Stage.NO_LOAN: 0, Stage.FIRST_LOAN: 1, Stage.STRATEGIC: 2}


class DropReason(StrEnum):
    NO_NEED = "no_need"
    INELIGIBLE = "ineligible"
    OTHER_BANK = "other_bank"
    CLOSED = "closed"
    RISK = "risk"
    OTHER = "other"


_DROP_CODES = frozenset(reason.value for reason in DropReason)


@dataclass(frozen=True)
class StrategicCriteria:
    """What head office requires of a first-loan customer to count as strategic."""

    min_months_as_customer: int
    min_loans: int
    min_total_credit_fen: int


@dataclass(frozen=True)
class StageFacts:
    """What the gates look at, gathered by the caller from the prospect's loans."""

    loan_count: int
    first_loan_date: date | None
    total_credit_fen: int
    today: date
    # Loans still outstanding (active or overdue): a customer with one stays in post-loan
    # care and is not dropped without a team lead's confirmation.
    active_loans: int = 0
    # The customer has a service plan in force (crm.domain.service_plans.counts_for_gate):
    # a strategic client is served by one (Foshan notice 三(五)).
    active_plan: bool = False


class StageMoveRefused(DomainError):
    """A stage change that the rules refuse; `gate` names the rule, for the UI to point at."""

    gate: str

    def __init__(self, code: str, template: str, /, *, gate: str, **params: object) -> None:
        super().__init__(code, template, **params)
        self.gate = gate


# Gates: the rule that refused a move.
GATE_SAME = "same"
GATE_PATH = "path"
GATE_LOAN = "loan"
GATE_STRATEGIC = "strategic"
GATE_REASON = "reason"
GATE_DROP_REASON = "drop_reason"
GATE_ACTIVE_LOAN = "active_loan"

# Moves never allowed whatever the facts: the customer must pass through first-loan.
_SKIPS = frozenset({(Stage.NO_LOAN, Stage.STRATEGIC), (Stage.DROPPED, Stage.STRATEGIC)})


def is_backward(current: Stage, target: Stage) -> bool:
    now, then = current.order, target.order
    return now is not None and then is not None and then < now


def allowed_targets(current: Stage) -> tuple[Stage, ...]:
    """Stages reachable from `current` when the facts and reasons are right."""
    return tuple(
        target for target in Stage if target != current and (current, target) not in _SKIPS
    )


def needs_reason(current: Stage, target: Stage) -> bool:
    """Whether the move must be explained: moving back, dropping, or reactivating."""
    if target not in allowed_targets(current):
        return False
    return is_backward(current, target) or Stage.DROPPED in (current, target)


def check_move(
    current: Stage,
    target: Stage,
    facts: StageFacts,
    criteria: StrategicCriteria,
    reason_code: str | None = None,
    reason_text: str = "",
    lead_confirmed: bool = False,
) -> None:
    """Raise `StageMoveRefused` unless moving from `current` to `target` is allowed now.

    ``lead_confirmed``: a team lead confirmed dropping a customer whose loans are still
    outstanding (the caller checks that the one confirming is a lead)."""
    if current == target:
        raise StageMoveRefused(
            "stage.same", "the prospect is already at stage {stage}", gate=GATE_SAME, stage=current
        )
    if (current, target) in _SKIPS:
        raise StageMoveRefused(
            "stage.skip",
            "cannot move from {current} to {target} directly: move to first-loan first",
            gate=GATE_PATH,
            current=current,
            target=target,
        )
    has_text = bool(reason_text.strip())
    if target == Stage.DROPPED:
        _check_drop_reason(reason_code, has_text)
        if facts.active_loans > 0 and not lead_confirmed:
            raise StageMoveRefused(
                "stage.drop_active_loan",
                "a customer with {count} loan(s) outstanding stays in post-loan care: close "
                "the loans first, or have a team lead confirm the drop",
                gate=GATE_ACTIVE_LOAN,
                count=facts.active_loans,
            )
        return
    if is_backward(current, target) and not has_text:
        raise StageMoveRefused("stage.reason_back", "moving back needs a reason", gate=GATE_REASON)
    if current == Stage.DROPPED and not has_text:
        raise StageMoveRefused(
            "stage.reason_reactivate",
            "reactivating a dropped prospect needs a reason",
            gate=GATE_REASON,
        )
    if target == Stage.FIRST_LOAN and current != Stage.STRATEGIC and facts.loan_count < 1:
        raise StageMoveRefused(
            "stage.loan_required", "a first-loan customer needs a recorded loan", gate=GATE_LOAN
        )
    if target == Stage.STRATEGIC:
        shortfalls = strategic_shortfalls(facts, criteria)
        if shortfalls:
            raise StageMoveRefused(
                "stage.strategic_criteria",
                "not yet a strategic client: {shortfalls}",
                gate=GATE_STRATEGIC,
                shortfalls=shortfalls,
            )


def _check_drop_reason(reason_code: str | None, has_text: bool) -> None:
    if not reason_code:
        raise StageMoveRefused(
            "stage.drop_reason_required",
            "dropping a prospect needs a drop reason",
            gate=GATE_DROP_REASON,
        )
    if reason_code not in _DROP_CODES:
        raise StageMoveRefused(
            "stage.drop_reason_unknown",
            "'{code}' is not a drop reason",
            gate=GATE_DROP_REASON,
            code=reason_code,
        )
    if reason_code == DropReason.OTHER and not has_text:
        raise StageMoveRefused(
            "stage.drop_other_needs_text",
            "the drop reason 'other' needs an explanation",
            gate=GATE_REASON,
        )


def strategic_shortfalls(facts: StageFacts, criteria: StrategicCriteria) -> tuple[Message, ...]:
    """Every strategic criterion the facts miss, each with the numbers, for one message."""
    shortfalls: list[Message] = []
    if criteria.min_months_as_customer > 0:
        if facts.first_loan_date is None:
            shortfalls.append(
                Message(
                    "no first-loan date recorded ({required} months as customer required)",
                    required=criteria.min_months_as_customer,
                )
            )
        else:
            months = months_between(facts.first_loan_date, facts.today)
            if months < criteria.min_months_as_customer:
                shortfalls.append(
                    Message(
                        "months as customer {actual} of {required} required",
                        actual=months,
                        required=criteria.min_months_as_customer,
                    )
                )
    if facts.loan_count < criteria.min_loans:
        shortfalls.append(
            Message(
                "loans {actual} of {required} required",
                actual=facts.loan_count,
                required=criteria.min_loans,
            )
        )
    if facts.total_credit_fen < criteria.min_total_credit_fen:
        shortfalls.append(
            Message(
                "total credit {actual} of {required} required",
                actual=format_yuan(facts.total_credit_fen),
                required=format_yuan(criteria.min_total_credit_fen),
            )
        )
    if not facts.active_plan:
        shortfalls.append(Message("no active service plan"))
    return tuple(shortfalls)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(d1: date, d2: date) -> int:
    """Whole months from `d1` to `d2` (negative if `d2` is earlier)."""
    if d2 < d1:
        return -months_between(d2, d1)
    months = (d2.year - d1.year) * 12 + d2.month - d1.month
    if add_months(d1, months) > d2:
        months -= 1
    return months
