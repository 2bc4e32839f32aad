"""The RM scorecard as data: which measures count, their weights and targets, published by
head office (reference ``scorecard``), and the score of each RM over a period's figures.

What a scorecard may hold follows the regulators: credit loans and first-loan customers
weigh most (Nanyang notice 十一: 适当提高信用贷款、首贷户等指标权重), visit discipline counts, and
the small-micro line carries no deposit, profit or fee-income measure (不设存款、利润、中间业务
指标): publishing one is refused with that reason. Scores are integers: attainment in basis
points (capped at 100 %, so one measure cannot make up for another), points in hundredths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from crm.domain.errors import DomainError

# The measures a scorecard may name, each over one RM's figures for the period.
CREDIT_LOANS: Final = "credit_loans"  # credit loans granted (count)
CREDIT_AMOUNT: Final = "credit_loan_amount"  # credit loans granted (yuan)
FIRST_LOANS: Final = "first_loan_customers"  # customers who became first-loan customers
STRATEGIC: Final = "strategic_clients"  # first-loan customers who became strategic clients
VISITS: Final = "visit_discipline"  # contacts done of those due (basis points)
MEASURES: Final = (CREDIT_LOANS, CREDIT_AMOUNT, FIRST_LOANS, STRATEGIC, VISITS)
# The measures that must weigh at least as much as any other.
HEAVIEST: Final = (CREDIT_LOANS, FIRST_LOANS)
TOTAL_WEIGHT: Final = 100
# Targets are set for this many days (a month) and scale with the period scored.
MONTH_DAYS: Final = 30
FULL_BP: Final = 10_000
# Deposit, profit and fee-income (intermediate business) measures, by code or by name.
_FORBIDDEN: Final = re.compile(
    r"deposit|profit|fee|intermediate|commission|中间业务|存款|利润|手续费|中收",
    re.IGNORECASE,
)


class InvalidScorecard(DomainError):
    """A scorecard head office cannot publish (or a device cannot use), saying why."""


@dataclass(frozen=True)
class Measure:
    code: str
    weight: int  # points of 100
    # What earns the full weight in 30 days: a count, yuan, or basis points (visits).
    target: int


@dataclass(frozen=True)
class Scorecard:
    measures: tuple[Measure, ...]
    name: str = ""

    def weight(self, code: str) -> int:
        return next((m.weight for m in self.measures if m.code == code), 0)


@dataclass(frozen=True)
class RmFigures:
    """One RM's figures for the period, as the pipeline counts them."""

    rm_id: str
    rm: str
    credit_loans: int
    credit_loan_amount_fen: int
    first_loan_customers: int
    strategic_clients: int
    visits_done: int
    visits_due: int

    def actual(self, code: str) -> int:
        """The figure a measure reads (yuan for amounts, basis points for visits)."""
        if code == CREDIT_LOANS:
            return self.credit_loans
        if code == CREDIT_AMOUNT:
            return self.credit_loan_amount_fen // 100
        if code == FIRST_LOANS:
            return self.first_loan_customers
        if code == STRATEGIC:
            return self.strategic_clients
        if code == VISITS:
            # Nothing due in the period: nothing was missed.
            if self.visits_due == 0:
                return FULL_BP
            return self.visits_done * FULL_BP // self.visits_due
        raise KeyError(code)


@dataclass(frozen=True)
class MeasureScore:
    code: str
    actual: int
    target: int  # over the period scored
    weight: int
    attainment_bp: int  # of the target, capped at 100 %
    points_centi: int  # hundredths of a point


@dataclass(frozen=True)
class RmScore:
    rm_id: str
    rm: str
    measures: tuple[MeasureScore, ...]
    total_centi: int  # hundredths of a point, of 100 points

    @property
    def total(self) -> float:
        return self.total_centi / 100


def period_target(measure: Measure, days: int) -> int:
    """A measure's target over a period of ``days``: targets are set for 30 days and scale
    with the period (rounded up, at least 1); a share (visit discipline) does not scale."""
    if measure.code == VISITS:
        return measure.target
    return max(1, -(-measure.target * days // MONTH_DAYS))


def score(card: Scorecard, figures: Iterable[RmFigures], days: int) -> tuple[RmScore, ...]:
    """Each RM's score over a period of ``days``, the highest first (then by name)."""
    rows = []
    for f in figures:
        lines = []
        for m in card.measures:
            actual = f.actual(m.code)
            target = period_target(m, days)
            attainment = min(FULL_BP, max(0, actual) * FULL_BP // target)
            lines.append(
                MeasureScore(
                    m.code, actual, target, m.weight, attainment, m.weight * attainment // 100
                )
            )
        rows.append(RmScore(f.rm_id, f.rm, tuple(lines), sum(line.points_centi for line in lines)))
    return tuple(sorted(rows, key=lambda r: (-r.total_centi, r.rm, r.rm_id)))


# -- the published document ---------------------------------------------------------------


def parse_scorecard(document: object, schema: Mapping[str, Any] | None = None) -> Scorecard:
    """The scorecard in ``document``; InvalidScorecard saying what is wrong otherwise.

    A deposit, profit or fee-income measure is refused first, by its own reason; then the
    JSON schema (when given); then the rules: known measures once each, weights adding up
    to 100, credit loans and first-loan customers weighing most, visit discipline counted.
    """
    if isinstance(document, Mapping):
        for item in document.get("measures") or ():
            if isinstance(item, Mapping):
                label = " ".join(str(item.get(k, "")) for k in ("measure", "name_zh", "name_en"))
                if _FORBIDDEN.search(label):
                    raise InvalidScorecard(
                        "scorecard.forbidden",
                        "'{measure}' is a deposit, profit or fee-income measure: the small-micro "
                        "line is not assessed on these (Nanyang notice 十一)",
                        measure=str(item.get("measure") or item.get("name_zh") or ""),
                    )
    if schema is not None:
        _check_schema(document, schema)
    if not isinstance(document, Mapping) or not isinstance(document.get("measures"), list):
        raise InvalidScorecard(
            "scorecard.shape", "a scorecard is an object with a list of measures"
        )
    measures: list[Measure] = []
    for index, item in enumerate(document["measures"]):
        measures.append(_measure(item, index))
    codes = [m.code for m in measures]
    if len(set(codes)) != len(codes):
        twice = next(c for c in codes if codes.count(c) > 1)
        raise InvalidScorecard(
            "scorecard.twice", "the measure {measure} is named twice", measure=twice
        )
    total = sum(m.weight for m in measures)
    if total != TOTAL_WEIGHT:
        raise InvalidScorecard(
            "scorecard.total",
            "the weights add up to {total}, not {required}",
            total=total,
            required=TOTAL_WEIGHT,
        )
    card = Scorecard(tuple(measures), str(document.get("name") or ""))
    heaviest = max(m.weight for m in measures)
    for code in HEAVIEST:
        if card.weight(code) < heaviest:
            raise InvalidScorecard(
                "scorecard.weights",
                "credit loans and first-loan customers must weigh most: {measure} weighs "
                "{weight}, another measure {heaviest}",
                measure=code,
                weight=card.weight(code),
                heaviest=heaviest,
            )
    if card.weight(VISITS) <= 0:
        raise InvalidScorecard(
            "scorecard.visits", "visit discipline must count (a measure visit_discipline)"
        )
    return card


def _measure(item: object, index: int) -> Measure:
    if not isinstance(item, Mapping):
        raise InvalidScorecard(
            "scorecard.item", "measure {index} is not an object", index=index + 1
        )
    code = item.get("measure")
    if code not in MEASURES:
        raise InvalidScorecard(
            "scorecard.unknown",
            "'{measure}' is not a measure (one of {choices})",
            measure=str(code),
            choices=", ".join(MEASURES),
        )
    values: dict[str, int] = {}
    for field in ("weight", "target"):
        value = item.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidScorecard(
                "scorecard.number",
                "the {field} of {measure} must be a whole number of 1 or more (got {value})",
                field=field,
                measure=code,
                value=repr(value),
            )
        values[field] = value
    return Measure(str(code), values["weight"], values["target"])


def _check_schema(document: object, schema: Mapping[str, Any]) -> None:
    from jsonschema import Draft202012Validator  # only when a scorecard is checked

    errors = sorted(
        Draft202012Validator(schema).iter_errors(document),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    if errors:
        error = errors[0]
        where = "/".join(str(p) for p in error.absolute_path) or "(the document)"
        raise InvalidScorecard(
            "scorecard.schema",
            "the scorecard does not fit its schema at {where}: {problem}",
            where=where,
            problem=error.message,
        )
