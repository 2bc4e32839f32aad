"""What a team lead measures (BRIEF "What team leads and regulators measure"): the figures of
the pipeline report, as pure rules over plain rows.

The store counts what volume needs counted in SQL; the rules here decide what the counts
mean: conversion and growth in basis points, medians, the same period last year, maturity
windows, visit discipline per RM, and the "two increases" (两增). They are kept apart from
any report so the team page (issue #17) can show the same figures.

Definitions (where the brief leaves a choice):

- **Funnel**: every prospect in scope that had entered the pool by the period's end, and of
  them those that had become first-loan customers, and strategic clients, by then (a
  prospect that reached a stage and later moved on or out still counts as having reached
  it). Rates are each step over the one before; median days run from entering the pool to
  the first loan, and from the first loan to strategic. The period's own moves (entered,
  to first loan, to strategic, dropped) are given beside.
- **New first-loan customers**: prospects whose *first* move to 首贷户 falls in the period,
  against the same days a year before (29 February → 28 February).
- **Visits done vs due** per RM, over the RM's own prospects: *done* = prospects contacted
  (a finalized visit record) in the period; *due* = those, plus prospects whose next contact
  was due by the period's end and is still open. A prospect due and met counts in both.
- **Conversion by source list**: of the prospects in scope on a list that had entered the
  pool by the period's end, those that had become first-loan customers by then, against
  the list's ``conversion_target_bp`` (None: the list has no target).
- **Stalled**: prospects not dropped whose stage has not changed, and who have not been
  contacted, for at least the stalled days of the stage rules (the pipeline board's mark).
- **Share of new loan customers**: new loan customers are the customers whose first loan
  in the book starts in the period; the share is those of them recorded as first-loan
  customers (moved to 首贷户 or on to strategic) over them all.
- **Two increases**: inclusive small-micro loans are those of a customer whose credit in
  total (credit lines, else amounts, of its outstanding loans) is at most 10,000,000 CNY;
  bill discounting and rediscounting are left out of every figure. Met when the inclusive
  balance grew at least as fast as the balance of all loans since the start of the year,
  and the inclusive borrowers with a balance are at least as many as then.
- **Non-performing ratio** (不良率): the balance of loans classified substandard, doubtful
  or loss (crm.domain.loan_classes) over the balance outstanding now, for the inclusive
  loans (as in the two increases: customers whose credit in total is at most the cap) and
  for all loans, bill discounting left out of both as of every figure here. Met when the
  inclusive ratio is at most the all-loan ratio plus the tolerance, 3 percentage points.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from crm.domain.loan_classes import NON_PERFORMING

BP: Final = 10_000
# 单户授信总额 1000 万元及以下 (in fen).
INCLUSIVE_CREDIT_CAP_FEN: Final = 10_000_000 * 100
# 普惠型小微企业贷款不良率不高于各项贷款不良率 3 个百分点 (in basis points of the ratio).
NPL_TOLERANCE_BP: Final = 300
MATURITY_WINDOWS: Final = (30, 60, 90)
STAGE_ORDER: Final = ("no_loan", "first_loan", "strategic", "dropped")


@dataclass(frozen=True)
class Period:
    """Calendar days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def a_year_before(self) -> Period:
        return Period(year_before(self.start), year_before(self.end))


def year_before(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def ratio_bp(part: int, whole: int) -> int | None:
    """``part`` over ``whole`` in basis points, rounded half up; None when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (part * BP * 2 + whole) // (whole * 2)


def growth_bp(start: int, now: int) -> int | None:
    """Growth from ``start`` to ``now`` in basis points (may be negative); None from 0."""
    if start <= 0:
        return None
    change = now - start
    sign = -1 if change < 0 else 1
    return sign * ((abs(change) * BP * 2 + start) // (start * 2))


def median_days(values: Iterable[float]) -> float | None:
    """The median of day counts (a half when the count is even), None when there are none."""
    items = list(values)
    return float(statistics.median(items)) if items else None


# -- the funnel ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    reached: int
    rate_bp: int | None  # of the step before; None for the first step
    median_days: float | None  # from the step before


@dataclass(frozen=True)
class Funnel:
    steps: tuple[FunnelStep, ...]
    entered: int  # entered the pool in the period
    to_first_loan: int  # moved to first-loan in the period
    to_strategic: int
    dropped: int


def funnel(
    in_pool: int,
    first_loan_days: Sequence[float],
    strategic_days: Sequence[float],
    moves: Mapping[str, int],
) -> Funnel:
    """The funnel from the number in the pool, the days each first-loan customer took from
    entering (one value per customer reached) and the days each strategic client took from
    its first loan; ``moves`` counts the period's moves by stage entered (``no_loan`` for
    entries)."""
    reached_first = len(first_loan_days)
    reached_strategic = len(strategic_days)
    return Funnel(
        steps=(
            FunnelStep("no_loan", in_pool, None, None),
            FunnelStep(
                "first_loan",
                reached_first,
                ratio_bp(reached_first, in_pool),
                median_days(first_loan_days),
            ),
            FunnelStep(
                "strategic",
                reached_strategic,
                ratio_bp(reached_strategic, reached_first),
                median_days(strategic_days),
            ),
        ),
        entered=moves.get("no_loan", 0),
        to_first_loan=moves.get("first_loan", 0),
        to_strategic=moves.get("strategic", 0),
        dropped=moves.get("dropped", 0),
    )


# -- first loans --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstLoans:
    this_period: int
    same_period_last_year: int

    @property
    def growth_bp(self) -> int | None:
        return growth_bp(self.same_period_last_year, self.this_period)


def first_loans(first_days: Iterable[date], period: Period) -> FirstLoans:
    """Count the customers whose first move to first-loan (one day each) fell in ``period``,
    and in the same days a year before."""
    before = period.a_year_before()
    this = last = 0
    for day in first_days:
        if period.contains(day):
            this += 1
        elif before.contains(day):
            last += 1
    return FirstLoans(this, last)


@dataclass(frozen=True)
class NewLoanCustomers:
    """Customers whose first loan in the book started in the period, and of them the
    first-loan customers (their share: ``share_bp``)."""

    new_loan_customers: int
    first_loan_customers: int

    @property
    def share_bp(self) -> int | None:
        return ratio_bp(self.first_loan_customers, self.new_loan_customers)


# -- source lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceConversion:
    source: str
    prospects: int
    first_loans: int
    target_bp: int | None

    @property
    def rate_bp(self) -> int | None:
        return ratio_bp(self.first_loans, self.prospects)

    @property
    def met(self) -> bool | None:
        """The rate reached the list's target; None without a target or prospects."""
        if self.target_bp is None or self.rate_bp is None:
            return None
        return self.rate_bp >= self.target_bp


def by_source(
    counts: Mapping[str, tuple[int, int]], targets: Mapping[str, int | None]
) -> tuple[SourceConversion, ...]:
    """Each list with prospects, or with a target, in the lists' order (``targets``), then
    any list no longer known; ``counts`` maps a list to (prospects, first-loan customers)."""
    order = list(targets) + sorted(set(counts) - set(targets))
    return tuple(
        SourceConversion(code, *counts.get(code, (0, 0)), targets.get(code))
        for code in order
        if code in counts or targets.get(code) is not None
    )


# -- stalled --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stalled:
    after_days: int  # no stage change and no contact for at least this many days
    by_stage: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())


# -- visit discipline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RmVisits:
    rm_id: str
    rm: str
    visits: int  # finalized visit records of the period (the RM's own)
    done: int  # the RM's prospects contacted in the period
    due: int  # contacted in the period, or due by its end and still open
    overdue_prospects: int  # the RM's prospects overdue for contact on the report's day

    @property
    def done_bp(self) -> int | None:
        return ratio_bp(self.done, self.due)


# -- lists ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueContact:
    prospect_id: str
    name: str
    rm: str
    stage: str
    due_on: date
    days_overdue: int


@dataclass(frozen=True)
class MaturingLoan:
    prospect_id: str
    name: str
    rm: str
    product_code: str
    balance_fen: int
    maturity_date: date
    days_left: int


@dataclass(frozen=True)
class MaturityWindow:
    days: int  # 30, 60 or 90: maturing within this many days (and after the window before)
    loans: int
    balance_fen: int


@dataclass(frozen=True)
class Maturities:
    windows: tuple[MaturityWindow, ...]
    listed: tuple[MaturingLoan, ...]  # the soonest, at most the report's limit
    total: int

    def within(self, days: int) -> int:
        """Loans maturing within ``days`` (30, 60 or 90), cumulative."""
        return sum(w.loans for w in self.windows if w.days <= days)


def maturity_windows(loans: Iterable[tuple[int, int]]) -> tuple[MaturityWindow, ...]:
    """Count (days left, balance) pairs into 0–30, 31–60 and 61–90 days."""
    counts = dict.fromkeys(MATURITY_WINDOWS, 0)
    sums = dict.fromkeys(MATURITY_WINDOWS, 0)
    for days_left, balance in loans:
        for window in MATURITY_WINDOWS:
            if days_left <= window:
                counts[window] += 1
                sums[window] += balance
                break
    return tuple(MaturityWindow(w, counts[w], sums[w]) for w in MATURITY_WINDOWS)


def days_between(start: date, end: date) -> int:
    return (end - start) // timedelta(days=1)


# -- two increases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerLoans:
    """One customer's loans summed at the start of the year and now (discounting left out):
    credit (lines, else amounts) and balances of the loans outstanding at each moment."""

    credit_start_fen: int
    balance_start_fen: int
    credit_now_fen: int
    balance_now_fen: int


@dataclass(frozen=True)
class TwoIncreases:
    year_start: date
    as_of: date
    inclusive_balance_start_fen: int
    inclusive_balance_now_fen: int
    all_balance_start_fen: int
    all_balance_now_fen: int
    borrowers_start: int
    borrowers_now: int
    inclusive_growth_bp: int | None = field(init=False)
    all_growth_bp: int | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "inclusive_growth_bp",
            growth_bp(self.inclusive_balance_start_fen, self.inclusive_balance_now_fen),
        )
        object.__setattr__(
            self, "all_growth_bp", growth_bp(self.all_balance_start_fen, self.all_balance_now_fen)
        )

    @property
    def growth_met(self) -> bool:
        """Inclusive loans grew at least as fast as all loans (from nothing, any growth
        meets it only if all loans did not grow faster from nothing either)."""
        if self.inclusive_growth_bp is None or self.all_growth_bp is None:
            return self.inclusive_balance_now_fen >= self.inclusive_balance_start_fen
        return self.inclusive_growth_bp >= self.all_growth_bp

    @property
    def borrowers_met(self) -> bool:
        return self.borrowers_now >= self.borrowers_start

    @property
    def met(self) -> bool:
        return self.growth_met and self.borrowers_met


def two_increases(
    customers: Iterable[CustomerLoans],
    year_start: date,
    as_of: date,
    cap_fen: int = INCLUSIVE_CREDIT_CAP_FEN,
) -> TwoIncreases:
    """The two increases over each customer's loans (discounting already left out).

    A whole book's customers are summed by SQLite by this same rule
    (crm.store.pipeline_queries.loan_totals); keep the two in step."""
    inc_start = inc_now = all_start = all_now = borrowers_start = borrowers_now = 0
    for c in customers:
        all_start += c.balance_start_fen
        all_now += c.balance_now_fen
        if c.balance_start_fen > 0 and c.credit_start_fen <= cap_fen:
            inc_start += c.balance_start_fen
            borrowers_start += 1
        if c.balance_now_fen > 0 and c.credit_now_fen <= cap_fen:
            inc_now += c.balance_now_fen
            borrowers_now += 1
    return TwoIncreases(
        year_start, as_of, inc_start, inc_now, all_start, all_now, borrowers_start, borrowers_now
    )


# -- non-performing ratio ------------------------------------------------------------------------


@dataclass(frozen=True)
class NonPerforming:
    """The non-performing balances now against what is outstanding, for the inclusive
    loans and for all loans; ratios in basis points (None with nothing outstanding)."""

    inclusive_npl_fen: int
    inclusive_balance_fen: int
    all_npl_fen: int
    all_balance_fen: int
    tolerance_bp: int = NPL_TOLERANCE_BP

    @property
    def inclusive_ratio_bp(self) -> int | None:
        return ratio_bp(self.inclusive_npl_fen, self.inclusive_balance_fen)

    @property
    def all_ratio_bp(self) -> int | None:
        return ratio_bp(self.all_npl_fen, self.all_balance_fen)

    @property
    def met(self) -> bool:
        """The inclusive ratio is at most the all-loan ratio plus the tolerance, compared
        exactly (inc_npl / inc_bal <= all_npl / all_bal + tol / 10,000, cross-multiplied),
        so rounding the shown ratios never moves the verdict. No inclusive balance: met."""
        if self.inclusive_balance_fen <= 0:
            return True
        if self.all_balance_fen <= 0:
            return self.inclusive_npl_fen * BP <= self.tolerance_bp * self.inclusive_balance_fen
        return self.inclusive_npl_fen * self.all_balance_fen * BP <= (
            self.all_npl_fen * self.inclusive_balance_fen * BP
            + self.tolerance_bp * self.inclusive_balance_fen * self.all_balance_fen
        )


@dataclass(frozen=True)
class ClassifiedLoan:
    """One outstanding loan as the non-performing ratio sees it (discounting left out)."""

    customer: str
    balance_fen: int
    credit_fen: int  # its credit line, else its amount
    classification: str


def non_performing(
    loans: Iterable[ClassifiedLoan],
    cap_fen: int = INCLUSIVE_CREDIT_CAP_FEN,
    tolerance_bp: int = NPL_TOLERANCE_BP,
) -> NonPerforming:
    """The ratio over outstanding loans: a customer's loans are inclusive when its credit in
    total is at most ``cap_fen``. A whole book is summed by SQLite by this same rule
    (crm.store.pipeline_queries.loan_totals); keep the two in step."""
    credit: dict[str, int] = {}
    balance: dict[str, int] = {}
    npl: dict[str, int] = {}
    for loan in loans:
        credit[loan.customer] = credit.get(loan.customer, 0) + loan.credit_fen
        balance[loan.customer] = balance.get(loan.customer, 0) + loan.balance_fen
        bad = loan.balance_fen if loan.classification in NON_PERFORMING else 0
        npl[loan.customer] = npl.get(loan.customer, 0) + bad
    inc_npl = inc_balance = 0
    for customer, owed in balance.items():
        if owed > 0 and credit[customer] <= cap_fen:
            inc_npl += npl[customer]
            inc_balance += owed
    return NonPerforming(
        inc_npl, inc_balance, sum(npl.values()), sum(balance.values()), tolerance_bp
    )


# -- all of it ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueList:
    total: int
    listed: tuple[OverdueContact, ...]


@dataclass(frozen=True)
class PipelineFigures:
    """The pipeline of a scope (the book, a team, an RM) over a period, on a day."""

    period: Period
    as_of: date  # the day lists and balances are taken on (today)
    stages: dict[str, int]  # the book in scope now, by stage
    funnel: Funnel
    first_loans: FirstLoans
    visits: tuple[RmVisits, ...]
    overdue: OverdueList
    maturities: Maturities
    two_increases: TwoIncreases
    by_source: tuple[SourceConversion, ...] = ()
    stalled: Stalled = field(default_factory=lambda: Stalled(0, {}))
    new_loans: NewLoanCustomers = field(default_factory=lambda: NewLoanCustomers(0, 0))
    npl: NonPerforming = field(default_factory=lambda: NonPerforming(0, 0, 0, 0))

    @property
    def prospects(self) -> int:
        return sum(self.stages.values())
