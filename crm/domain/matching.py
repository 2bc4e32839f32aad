"""Matching a prospect's facts against the catalogue: which products fit, and why.

A pre-assessment (预授信参考) that guides the RM, never a credit decision. For every product
the result is ``eligible`` (every criterion passes), ``not_eligible`` (one fails) or
``unknown`` (none fails but data is missing); each criterion says ``pass``, ``fail`` with
the gap in words ("annual VAT invoicing CNY 820,000 < CNY 1,000,000", in Chinese "年开票额
82 万元 < 100 万元") or ``missing``. Products the customer could have come with their
indicative amount range, rate and longest term; overlays say whether they apply; warnings
name the signs the notices list (recently established, recently taken over, turnover out
of line with invoicing).

Pure: the day is given (``today``), nothing is read or written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Final

from crm.domain.catalogue import (
    BP_PER_UNIT,
    AnyOf,
    Catalogue,
    Criterion,
    Overlay,
    Product,
    Rule,
    months_before,
)
from crm.domain.errors import Message
from crm.domain.facts import (
    CUSTOMER_KINDS,
    FACTS,
    FactType,
    FactValue,
    Shown,
    industry_matches,
    shown,
    yuan,
)

PRE_ASSESSMENT: Final = Message(
    "Pre-assessment for reference only (预授信参考), not a credit decision"
)


class Status(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"


class Check(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    MISSING = "missing"


class CriterionResult:
    """One criterion's outcome. ``key`` is the fact (kind, industry, annual_invoicing, …) or,
    for a group, its facts joined by "|" ("green|tech_enterprise"). The message is worked
    out when first read: a whole book is matched for counts, and most are never shown."""

    __slots__ = ("_message", "_why", "key", "status")

    def __init__(
        self,
        key: str,
        status: Check,
        message: Message | None = None,
        *,
        why: Callable[[], Message] | None = None,
    ) -> None:
        assert message is not None or why is not None
        self.key = key
        self.status = status
        self._message = message
        self._why = why

    @property
    def message(self) -> Message:
        if self._message is None:
            assert self._why is not None
            self._message = self._why()
            self._why = None
        return self._message

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CriterionResult):
            return NotImplemented
        return (self.key, self.status, self.message) == (other.key, other.status, other.message)

    def __hash__(self) -> int:
        return hash((self.key, self.status))

    def __repr__(self) -> str:
        return f"CriterionResult({self.key!r}, {self.status.value!r}, {self.message!r})"


@dataclass(frozen=True)
class ProductResult:
    product: Product
    status: Status
    criteria: tuple[CriterionResult, ...]
    amount_min_fen: int | None = None
    amount_max_fen: int | None = None
    rate_bp: int | None = None
    term_months_min: int | None = None
    term_months_max: int | None = None

    @property
    def code(self) -> str:
        return self.product.code

    @property
    def missing(self) -> tuple[str, ...]:
        """Facts whose data would settle this product (for "missing data" prompts)."""
        return tuple(c.key for c in self.criteria if c.status is Check.MISSING)


@dataclass(frozen=True)
class OverlayResult:
    overlay: Overlay
    applies: bool
    criteria: tuple[CriterionResult, ...]

    @property
    def code(self) -> str:
        return self.overlay.code


@dataclass(frozen=True)
class MatchWarning:
    code: str  # established_recently, ownership_changed_recently, turnover_out_of_line
    message: Message


@dataclass(frozen=True)
class MatchResult:
    products: tuple[ProductResult, ...]
    overlays: tuple[OverlayResult, ...]
    warnings: tuple[MatchWarning, ...]
    notice: Message = PRE_ASSESSMENT

    def product(self, code: str) -> ProductResult | None:
        return next((p for p in self.products if p.code == code), None)

    def overlay(self, code: str) -> OverlayResult | None:
        return next((o for o in self.overlays if o.code == code), None)

    def missing_facts(self) -> tuple[str, ...]:
        """Every fact an undecided product or an overlay waits for, in the vocabulary's
        order (a product already ruled out waits for nothing)."""
        checks = [c for p in self.products if p.status is Status.UNKNOWN for c in p.criteria]
        checks += [c for o in self.overlays for c in o.criteria]
        wanted = {k for c in checks if c.status is Check.MISSING for k in c.key.split("|")}
        # The facts an indicative amount is worked out from, where it could not be.
        wanted.update(
            key
            for p in self.products
            if p.product.amount is not None
            and p.status is not Status.NOT_ELIGIBLE
            and p.amount_max_fen is None
            for key in p.product.amount.basis
        )
        return tuple(key for key in FACTS if key in wanted)

    def next_service(self, held: Collection[str]) -> ProductResult | None:
        """The first non-credit service in catalogue order the customer does not hold (by
        code or kind) and is not ruled out of: what to offer a no-loan prospect next."""
        return next(
            (
                p
                for p in self.products
                if not p.product.credit
                and p.status is not Status.NOT_ELIGIBLE
                and p.product.code not in held
                and p.product.kind not in held
            ),
            None,
        )


def match(facts: Mapping[str, FactValue], catalogue: Catalogue, today: date) -> MatchResult:
    """Every product and overlay of ``catalogue`` against ``facts`` (fen), on ``today``."""
    values = dict(facts)  # a plain dict: many look-ups, most of absent keys
    return MatchResult(
        products=tuple(_product(p, values, today) for p in catalogue.products),
        overlays=tuple(_overlay(o, values, today) for o in catalogue.overlays),
        warnings=_warnings(catalogue, values, today),
    )


# --------------------------------------------------------------------------- products


def _product(product: Product, facts: Mapping[str, FactValue], today: date) -> ProductResult:
    checks: list[CriterionResult] = []
    kind = facts.get("kind")
    industry = facts.get("industry")
    if len(product.customer_kinds) < len(CUSTOMER_KINDS):
        checks.append(_listed("kind", kind, product.customer_kinds, kind in product.customer_kinds))
    if product.industries:
        inside = isinstance(industry, str) and industry_matches(industry, product.industries)
        checks.append(_listed("industry", industry, product.industries, inside))
    checks.extend(_rules(product.criteria, facts, today))
    status = _status(checks)
    if not product.credit:
        return ProductResult(product, status, tuple(checks))
    low = high = None
    if product.amount is not None and status is not Status.NOT_ELIGIBLE:
        low, high = _amounts(product, facts)
    term = product.term
    return ProductResult(
        product,
        status,
        tuple(checks),
        amount_min_fen=low,
        amount_max_fen=high,
        rate_bp=product.rate_bp,
        term_months_min=None if term is None else term.min_months,
        term_months_max=None
        if term is None
        else term.max_for(industry if isinstance(industry, str) else None),
    )


def _status(checks: list[CriterionResult]) -> Status:
    status = Status.ELIGIBLE
    for check in checks:
        if check.status is Check.FAIL:
            return Status.NOT_ELIGIBLE
        if check.status is Check.MISSING:
            status = Status.UNKNOWN
    return status


def _amounts(product: Product, facts: Mapping[str, FactValue]) -> tuple[int | None, int | None]:
    rule = product.amount
    assert rule is not None
    basis = 1
    for key in rule.basis:
        value = facts.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            return None, None
        basis *= value
    # Whole yuan, rounded down: an indication, not an offer.
    high = min(basis * rule.ratio_max_bp // BP_PER_UNIT, rule.cap_fen) // 100 * 100
    low = min(basis * rule.ratio_min_bp // BP_PER_UNIT // 100 * 100, high)
    return low, high


# --------------------------------------------------------------------------- overlays


def _overlay(overlay: Overlay, facts: Mapping[str, FactValue], today: date) -> OverlayResult:
    checks = tuple(_rules(overlay.criteria, facts, today))
    return OverlayResult(overlay, all(c.status is Check.PASS for c in checks), checks)


# --------------------------------------------------------------------------- criteria

_SIGNS: Final = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}
_FAILED_SIGNS: Final = {">=": "<", "<=": ">", ">": "≤", "<": "≥", "==": "≠"}


def _label(key: str) -> Message:
    return FACTS[key].label


def _rules(
    rules: tuple[Rule, ...], facts: Mapping[str, FactValue], today: date
) -> list[CriterionResult]:
    kind = facts.get("kind")
    results: list[CriterionResult] = []
    for rule in rules:
        if rule.customer_kinds and kind not in rule.customer_kinds:
            if kind is None:
                first = rule.options[0].fact if isinstance(rule, AnyOf) else rule.fact
                why = partial(_kinded, first)
                results.append(CriterionResult(rule.key, Check.MISSING, why=why))
            continue
        results.append(
            _any(rule, facts, today) if isinstance(rule, AnyOf) else _one(rule, facts, today)
        )
    return results


def _kinded(key: str) -> Message:
    return Message("{fact}: depends on the customer kind, which is not known", fact=_label(key))


def _no_data(key: str) -> Message:
    return Message("{fact}: no data", fact=_label(key))


def _any(group: AnyOf, facts: Mapping[str, FactValue], today: date) -> CriterionResult:
    results = [_one(option, facts, today) for option in group.options]
    passed = next((r for r in results if r.status is Check.PASS), None)
    if passed is not None:
        return CriterionResult(group.key, Check.PASS, why=lambda: passed.message)
    if any(r.status is Check.MISSING for r in results):
        return CriterionResult(
            group.key,
            Check.MISSING,
            why=lambda: Message("none passes yet: {checks}", checks=[r.message for r in results]),
        )
    return CriterionResult(
        group.key,
        Check.FAIL,
        why=lambda: Message("none of: {checks}", checks=[r.message for r in results]),
    )


def _one(criterion: Criterion, facts: Mapping[str, FactValue], today: date) -> CriterionResult:
    key = criterion.fact
    value = facts.get(key)
    if value is None:
        return CriterionResult(key, Check.MISSING, why=partial(_no_data, key))
    ok = criterion.holds(value, today)
    status = Check.PASS if ok else Check.FAIL
    return CriterionResult(key, status, why=partial(_explain, criterion, value, ok))


def _explain(criterion: Criterion, value: FactValue, ok: bool) -> Message:
    key, op, threshold = criterion.fact, criterion.op, criterion.value
    fact = _label(key)
    if op in _SIGNS and FACTS[key].numeric:
        money = FACTS[key].type is FactType.MONEY
        assert isinstance(threshold, int | float)
        return Message(
            "{fact} {actual} {sign} {threshold}",
            fact=fact,
            actual=Shown(value, money=money),
            sign=(_SIGNS if ok else _FAILED_SIGNS)[op],
            threshold=Shown(threshold, money=money),
        )
    if op == "is_true":
        return (
            Message("{fact}: yes", fact=fact)
            if ok
            else Message("{fact}: no, yes required", fact=fact)
        )
    if op == "is_false":
        return (
            Message("{fact}: no", fact=fact)
            if ok
            else Message("{fact}: yes, no required", fact=fact)
        )
    if op in ("before_months_ago", "after_months_ago"):
        params = {"fact": fact, "actual": Shown(value), "months": threshold}
        if op == "before_months_ago":
            if ok:
                return Message("{fact} {actual}: {months} months ago or earlier", **params)
            return Message("{fact} {actual}: less than {months} months ago", **params)
        if ok:
            return Message("{fact} {actual}: within the last {months} months", **params)
        return Message("{fact} {actual}: more than {months} months ago", **params)
    if op == "not_in":
        return _excluded(key, value, ok)
    allowed = threshold if isinstance(threshold, tuple) else (str(threshold),)
    return _listed_message(key, value, allowed, ok)


def _listed(
    key: str, value: FactValue | None, allowed: tuple[str, ...], ok: bool
) -> CriterionResult:
    """A coded fact (kind, industry, grade, proof) that must be one of ``allowed``."""
    if value is None:
        return CriterionResult(key, Check.MISSING, why=partial(_no_data, key))
    status = Check.PASS if ok else Check.FAIL
    return CriterionResult(key, status, why=partial(_listed_message, key, value, allowed, ok))


def _listed_message(key: str, value: FactValue, allowed: tuple[str, ...], ok: bool) -> Message:
    fact, actual = _label(key), shown(key, value)
    if ok:
        return Message("{fact}: {actual}", fact=fact, actual=actual)
    return Message(
        "{fact}: {actual}, not one of {allowed}",
        fact=fact,
        actual=actual,
        allowed=[shown(key, a) for a in allowed],
    )


def _excluded(key: str, value: FactValue, ok: bool) -> Message:
    fact, actual = _label(key), shown(key, value)
    if ok:
        return Message("{fact}: {actual}", fact=fact, actual=actual)
    return Message("{fact}: {actual} is excluded", fact=fact, actual=actual)


# --------------------------------------------------------------------------- warnings


def _warnings(
    catalogue: Catalogue, facts: Mapping[str, FactValue], today: date
) -> tuple[MatchWarning, ...]:
    rules = catalogue.warnings
    found: list[MatchWarning] = []
    established = facts.get("established_on")
    months = rules.established_within_months
    if months and isinstance(established, date) and established > months_before(today, months):
        found.append(
            MatchWarning(
                "established_recently",
                Message(
                    "established on {day}, less than {months} months ago: check that the "
                    "business really operates",
                    day=established.isoformat(),
                    months=months,
                ),
            )
        )
    changed = facts.get("ownership_changed_on")
    months = rules.ownership_changed_within_months
    if months and isinstance(changed, date) and changed > months_before(today, months):
        found.append(
            MatchWarning(
                "ownership_changed_recently",
                Message(
                    "ownership changed on {day}, less than {months} months ago: a recent "
                    "takeover, check who runs the business",
                    day=changed.isoformat(),
                    months=months,
                ),
            )
        )
    turnover = facts.get("avg_monthly_turnover")
    invoicing = facts.get("annual_invoicing")
    low, high = rules.turnover_min_bp, rules.turnover_max_bp
    if (
        isinstance(turnover, int)
        and isinstance(invoicing, int)
        and low is not None
        and high is not None
    ):
        yearly = turnover * 12
        if invoicing == 0:
            if yearly > 0:
                found.append(
                    MatchWarning(
                        "turnover_out_of_line",
                        Message(
                            "turnover of {turnover} in 12 months but no VAT invoicing: check "
                            "that the business is real and where the money goes",
                            turnover=Shown(yearly, money=True),
                        ),
                    )
                )
        elif not low * invoicing <= yearly * BP_PER_UNIT <= high * invoicing:
            found.append(
                MatchWarning(
                    "turnover_out_of_line",
                    Message(
                        "turnover of {turnover} in 12 months is {ratio} times the annual VAT "
                        "invoicing of {invoicing}, outside {low} to {high}: check that the "
                        "business is real and where the money goes",
                        turnover=Shown(yearly, money=True),
                        invoicing=Shown(invoicing, money=True),
                        ratio=_ratio(yearly * BP_PER_UNIT // invoicing),
                        low=_ratio(low),
                        high=_ratio(high),
                    ),
                )
            )
    return tuple(found)


def _ratio(bp: int) -> str:
    return f"{(Decimal(bp) / BP_PER_UNIT).quantize(Decimal('0.01')).normalize():f}"


# --------------------------------------------------------------------------- JSON


def percent(bp: int) -> int | float:
    """Basis points as a JSON number of percent: 380 → 3.8."""
    return bp // 100 if bp % 100 == 0 else float(Decimal(bp) / 100)


def as_json(
    result: MatchResult, render: Callable[[Message], str] = Message.render
) -> dict[str, object]:
    """The result as `crm match --json` prints it (issue #15): amounts in yuan, rates in
    percent, messages rendered by ``render`` (pass crm.i18n.describe for the user's
    language)."""

    def money(fen: int | None) -> int | float | None:
        return None if fen is None else yuan(fen)

    products = [
        {
            "code": p.code,
            "status": p.status.value,
            "criteria": [
                {"key": c.key, "status": c.status.value, "message": render(c.message)}
                for c in p.criteria
            ],
            "amount_min": money(p.amount_min_fen),
            "amount_max": money(p.amount_max_fen),
            "rate": None if p.rate_bp is None else percent(p.rate_bp),
            "term_months_max": p.term_months_max,
        }
        for p in result.products
    ]
    overlays: list[dict[str, object]] = []
    for o in result.overlays:
        entry: dict[str, object] = {"code": o.code, "applies": o.applies}
        terms = o.overlay
        if terms.amount_max_fen is not None:
            entry["amount_max"] = yuan(terms.amount_max_fen)
        if terms.rate_cap_bp is not None:
            entry["rate_cap"] = percent(terms.rate_cap_bp)
        if terms.share_bp is not None:
            entry["share"] = float(Decimal(terms.share_bp) / BP_PER_UNIT)
        if terms.cap_per_year_fen is not None:
            entry["cap_per_year"] = yuan(terms.cap_per_year_fen)
        overlays.append(entry)
    warnings = [{"code": w.code, "message": render(w.message)} for w in result.warnings]
    return {"products": products, "overlays": overlays, "warnings": warnings}
