"""The stage machine: every (current, target) pair, each gate with facts, and the reason rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.domain.errors import DomainError
from crm.domain.stages import (
    DropReason,
    Stage,
    StageFacts,
    StageMoveRefused,
    StrategicCriteria,
    add_months,
    allowed_targets,
    check_move,
    is_backward,
    months_between,
    needs_reason,
)

N, F, S, D = Stage.NO_LOAN, Stage.FIRST_LOAN, Stage.STRATEGIC, Stage.DROPPED
TODAY = date(2026, 6, 15)
CRITERIA = StrategicCriteria(
    min_months_as_customer=12, min_loans=2, min_total_credit_fen=1_000_000_00
)
STRONG = StageFacts(
    loan_count=3,
    first_loan_date=date(2024, 1, 10),
    total_credit_fen=5_000_000_00,
    today=TODAY,
    active_plan=True,
)
NEW = StageFacts(loan_count=0, first_loan_date=None, total_credit_fen=0, today=TODAY)


def refusal(
    current: Stage,
    target: Stage,
    facts: StageFacts = STRONG,
    reason_code: str | None = None,
    reason_text: str = "",
) -> StageMoveRefused:
    with pytest.raises(StageMoveRefused) as raised:
        check_move(current, target, facts, CRITERIA, reason_code, reason_text)
    return raised.value


ALLOWED = "allowed"

# With strong facts and a reason given, only structural refusals remain.
WITH_FACTS_AND_REASONS = {
    (N, N): ("same", "stage.same"),
    (N, F): ALLOWED,
    (N, S): ("path", "stage.skip"),
    (N, D): ALLOWED,
    (F, N): ALLOWED,
    (F, F): ("same", "stage.same"),
    (F, S): ALLOWED,
    (F, D): ALLOWED,
    (S, N): ALLOWED,
    (S, F): ALLOWED,
    (S, S): ("same", "stage.same"),
    (S, D): ALLOWED,
    (D, N): ALLOWED,
    (D, F): ALLOWED,
    (D, S): ("path", "stage.skip"),
    (D, D): ("same", "stage.same"),
}

# A brand-new prospect and no reason at all: the first rule each move runs into.
WITHOUT_FACTS_OR_REASONS = {
    (N, N): ("same", "stage.same"),
    (N, F): ("loan", "stage.loan_required"),
    (N, S): ("path", "stage.skip"),
    (N, D): ("drop_reason", "stage.drop_reason_required"),
    (F, N): ("reason", "stage.reason_back"),
    (F, F): ("same", "stage.same"),
    (F, S): ("strategic", "stage.strategic_criteria"),
    (F, D): ("drop_reason", "stage.drop_reason_required"),
    (S, N): ("reason", "stage.reason_back"),
    (S, F): ("reason", "stage.reason_back"),
    (S, S): ("same", "stage.same"),
    (S, D): ("drop_reason", "stage.drop_reason_required"),
    (D, N): ("reason", "stage.reason_reactivate"),
    (D, F): ("reason", "stage.reason_reactivate"),
    (D, S): ("path", "stage.skip"),
    (D, D): ("same", "stage.same"),
}


def test_the_tables_cover_all_16_pairs() -> None:
    pairs = {(current, target) for current in Stage for target in Stage}
    assert set(WITH_FACTS_AND_REASONS) == pairs
    assert set(WITHOUT_FACTS_OR_REASONS) == pairs


@pytest.mark.parametrize(("pair", "expected"), WITH_FACTS_AND_REASONS.items())
def test_every_pair_with_facts_and_reasons(
    pair: tuple[Stage, Stage], expected: str | tuple[str, str]
) -> None:
    current, target = pair
    if expected == ALLOWED:
        check_move(current, target, STRONG, CRITERIA, DropReason.NO_NEED, "customer asked")
    else:
        error = refusal(current, target, STRONG, DropReason.NO_NEED, "customer asked")
        assert (error.gate, error.code) == expected


@pytest.mark.parametrize(("pair", "expected"), WITHOUT_FACTS_OR_REASONS.items())
def test_every_pair_without_facts_or_reasons(
    pair: tuple[Stage, Stage], expected: tuple[str, str]
) -> None:
    error = refusal(*pair, facts=NEW)
    assert (error.gate, error.code) == expected


@pytest.mark.parametrize("current", list(Stage))
def test_allowed_targets_are_the_moves_not_refused_structurally(current: Stage) -> None:
    expected = tuple(
        target for target in Stage if WITH_FACTS_AND_REASONS[(current, target)] == ALLOWED
    )
    assert allowed_targets(current) == expected


def test_allowed_targets_examples() -> None:
    assert allowed_targets(N) == (F, D)
    assert allowed_targets(D) == (N, F)


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        ((N, F), False),
        ((F, S), False),
        ((F, N), True),
        ((S, F), True),
        ((S, N), True),
        ((N, D), True),
        ((S, D), True),
        ((D, N), True),
        ((D, F), True),
        ((N, S), False),  # refused anyway
        ((F, F), False),
    ],
)
def test_needs_reason(pair: tuple[Stage, Stage], expected: bool) -> None:
    assert needs_reason(*pair) is expected


def test_needs_reason_agrees_with_check_move() -> None:
    for current in Stage:
        for target in allowed_targets(current):
            code = DropReason.NO_NEED if target == D else None
            if needs_reason(current, target):
                error = refusal(current, target, STRONG, None)
                assert error.gate in {"reason", "drop_reason"}
            else:
                check_move(current, target, STRONG, CRITERIA, code)


def test_order_puts_the_pipeline_in_sequence_and_dropped_outside() -> None:
    assert [stage.order for stage in Stage] == [0, 1, 2, None]
    assert is_backward(S, F)
    assert not is_backward(F, S)
    assert not is_backward(S, D)
    assert not is_backward(D, N)


def test_same_stage_message_names_the_stage() -> None:
    assert str(refusal(F, F)) == "the prospect is already at stage first_loan"


def test_skipping_first_loan_says_move_to_first_loan_first() -> None:
    error = refusal(N, S)
    assert str(error) == "cannot move from no_loan to strategic directly: move to first-loan first"
    assert isinstance(error, DomainError)


def test_first_loan_needs_a_recorded_loan() -> None:
    error = refusal(N, F, facts=NEW)
    assert str(error) == "a first-loan customer needs a recorded loan"
    check_move(N, F, StageFacts(1, TODAY, 1, TODAY), CRITERIA)


def test_reactivating_into_first_loan_needs_reason_and_loan() -> None:
    error = refusal(D, F, facts=NEW, reason_text="came back for a loan")
    assert error.gate == "loan"
    check_move(D, F, StageFacts(1, TODAY, 1, TODAY), CRITERIA, reason_text="new loan")


def test_reactivating_into_no_loan_needs_only_a_reason() -> None:
    assert str(refusal(D, N, facts=NEW)) == "reactivating a dropped prospect needs a reason"
    check_move(D, N, NEW, CRITERIA, reason_text="new owner, new need")


def test_moving_back_needs_a_reason_that_is_not_blank() -> None:
    error = refusal(S, F, reason_text=" \u3000\n")
    assert str(error) == "moving back needs a reason"
    check_move(S, F, STRONG, CRITERIA, reason_text="credit line reduced")


def test_strategic_message_lists_every_failing_criterion_with_numbers() -> None:
    facts = StageFacts(
        loan_count=1,
        first_loan_date=date(2026, 2, 15),
        total_credit_fen=300_000_00,
        today=TODAY,
        active_plan=True,
    )
    error = refusal(F, S, facts=facts)
    assert error.gate == "strategic"
    assert str(error) == (
        "not yet a strategic client: months as customer 4 of 12 required; "
        "loans 1 of 2 required; total credit ¥300,000.00 of ¥1,000,000.00 required"
    )


def test_strategic_message_names_only_the_failing_criterion() -> None:
    facts = StageFacts(
        loan_count=5,
        first_loan_date=date(2020, 1, 1),
        total_credit_fen=999_999_99,
        today=TODAY,
        active_plan=True,
    )
    assert str(refusal(F, S, facts=facts)) == (
        "not yet a strategic client: total credit ¥999,999.99 of ¥1,000,000.00 required"
    )


def test_strategic_without_first_loan_date_says_so() -> None:
    facts = StageFacts(
        loan_count=2, first_loan_date=None, total_credit_fen=10**10, today=TODAY, active_plan=True
    )
    assert str(refusal(F, S, facts=facts)) == (
        "not yet a strategic client: no first-loan date recorded (12 months as customer required)"
    )


def test_strategic_needs_an_active_service_plan_whatever_the_loans() -> None:
    without = replace(STRONG, active_plan=False)
    error = refusal(F, S, facts=without)
    assert error.gate == "strategic"
    assert str(error) == "not yet a strategic client: no active service plan"
    check_move(F, S, STRONG, CRITERIA)
    # The plan is one shortfall among the others, in the same message.
    weak = StageFacts(1, date(2020, 1, 1), 10**10, TODAY)
    assert str(refusal(F, S, facts=weak)) == (
        "not yet a strategic client: loans 1 of 2 required; no active service plan"
    )


def test_strategic_criteria_met_exactly_is_enough() -> None:
    facts = StageFacts(
        loan_count=2,
        first_loan_date=add_months(TODAY, -12),
        total_credit_fen=CRITERIA.min_total_credit_fen,
        today=TODAY,
        active_plan=True,
    )
    check_move(F, S, facts, CRITERIA)
    one_day_short = StageFacts(
        2, date(2025, 6, 16), CRITERIA.min_total_credit_fen, TODAY, active_plan=True
    )
    assert "months as customer 11 of 12" in str(refusal(F, S, facts=one_day_short))


def test_strategic_shortfalls_translate_fragment_by_fragment() -> None:
    catalogue = {
        "not yet a strategic client: {shortfalls}": "尚未达到战略客户标准：{shortfalls}",
        "loans {actual} of {required} required": "贷款笔数 {actual}/{required}",
    }
    facts = StageFacts(1, date(2020, 1, 1), 10**10, TODAY, active_plan=True)
    error = refusal(F, S, facts=facts)
    assert error.render(lambda t: catalogue.get(t, t)) == "尚未达到战略客户标准：贷款笔数 1/2"


@pytest.mark.parametrize("code", [reason.value for reason in DropReason if reason != "other"])
def test_every_drop_reason_code_is_enough_to_drop(code: str) -> None:
    check_move(F, D, STRONG, CRITERIA, reason_code=code)


def test_unknown_drop_reason_is_refused() -> None:
    error = refusal(N, D, reason_code="bored")
    assert (error.gate, error.code) == ("drop_reason", "stage.drop_reason_unknown")
    assert str(error) == "'bored' is not a drop reason"


def test_drop_reason_other_needs_an_explanation() -> None:
    error = refusal(N, D, reason_code="other", reason_text="  ")
    assert (error.gate, error.code) == ("reason", "stage.drop_other_needs_text")
    check_move(N, D, NEW, CRITERIA, reason_code=DropReason.OTHER, reason_text="moved abroad")


def test_dropping_does_not_look_at_facts() -> None:
    check_move(S, D, NEW, CRITERIA, reason_code=DropReason.RISK)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 15), date(2026, 1, 15), 0),
        (date(2026, 1, 15), date(2026, 2, 14), 0),
        (date(2026, 1, 15), date(2026, 2, 15), 1),
        (date(2025, 6, 15), date(2026, 6, 15), 12),
        (date(2026, 1, 31), date(2026, 2, 28), 1),  # the month's end counts as the anniversary
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(2026, 3, 31), date(2026, 4, 30), 1),
        (date(2026, 2, 15), date(2026, 1, 15), -1),
    ],
)
def test_months_between_counts_whole_months(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@given(dates, st.integers(min_value=0, max_value=600))
def test_months_between_undoes_add_months(start: date, months: int) -> None:
    assert months_between(start, add_months(start, months)) == months


@given(dates, dates)
def test_months_between_never_overshoots(start: date, end: date) -> None:
    months = months_between(start, end)
    if start <= end:
        assert months >= 0
        assert add_months(start, months) <= end
        assert add_months(start, months + 1) > end
    else:
        # Backwards it counts whole months too, truncated towards zero.
        assert months == -months_between(end, start) <= 0
