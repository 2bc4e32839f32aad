"""Business facts, held services and loans for the demo book that follow the catalogue.

Most prospects get facts (some incomplete, some none); a customer's loans are of a credit
product its kind and industry allow, with the facts that product asks for, an amount within
the indicative range the matching engine gives (so within the product's cap), a term the
product allows and its rate. Each chunk draws with its own generator (seeded by seed and
chunk), apart from the book's other draws, so the same seed gives the same book.

Only customers are matched (against their one product): facts are drawn as JSON values and
turned into domain values for those alone, so a 100,000-prospect book stays fast.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any, Final

from crm import resources
from crm.domain.catalogue import AnyOf, Catalogue, Criterion, Product, Rule, parse_catalogue
from crm.domain.facts import FACTS, FactType, FactValue, industry_code, industry_matches
from crm.domain.matching import Status, match
from crm.store.fact_writer import FACT_COLUMNS, encode_value, service_id

__all__ = ["FACT_COLUMNS", "HELD_COLUMNS", "Offer", "ProductDrawer"]

HELD_COLUMNS: Final = ("id", "prospect_id", "service_code", "since", "created_at")
_MONEY: Final = frozenset(k for k, s in FACTS.items() if s.type is FactType.MONEY)
_OWN: Final = frozenset({"kind", "industry", "established_on"})
_GRADES: Final = (("A", 25), ("B", 35), ("M", 25), ("C", 10), ("D", 5))
# Divisions where most firms are technology enterprises (software, IT services, research).
_TECH_DIVISIONS: Final = frozenset({"63", "64", "65", "73", "75"})
_TERMS: Final = (6, 12, 12, 24, 36, 60)
_RATE_STEPS: Final = (-20, -10, 0, 0, 10, 20)
_WAN: Final = 10_000 * 100  # 1 万元 in fen
# A fact recorded at 09:30 in Shanghai.
_AT: Final = "T01:30:00.000000+00:00"


@cache
def catalogue() -> Catalogue:
    """The bundled catalogue, parsed once per process."""
    return parse_catalogue(resources.catalogue_document(), resources.catalogue_schema())


@dataclass(frozen=True)
class Offer:
    """What a customer could borrow of one product (fen, months)."""

    product: Product
    low_fen: int
    high_fen: int
    term_min: int
    term_max: int


class ProductDrawer:
    """Draws one chunk's facts, held services and loan terms."""

    def __init__(self, seed: int, chunk: int, today: date) -> None:
        self.rng = random.Random(f"{seed}:{chunk}:products")
        self.random = self.rng.random
        self.today = today
        self.catalogue = catalogue()
        self.credit = [p for p in self.catalogue.products if p.credit]
        self.services = [p for p in self.catalogue.products if not p.credit]
        self.strategic_total = int(resources.stage_rules()["strategic"]["min_total_credit_fen"])
        self._industries: dict[str, str | None] = {}
        self._candidates: dict[tuple[str, str | None], list[Product]] = {}
        self._alone: dict[str, Catalogue] = {}
        self._grades = [g for g, w in _GRADES for _ in range(w)]
        # Facts some products ask for, drawn where those products are offered.
        self._extra: dict[str, Callable[[dict[str, Any]], Any]] = {
            "insured_staff_stable_months": lambda f: int(self.random() * 48),
            "customer_rating": lambda f: round(3.8 + 1.2 * self.random(), 1),
            "monthly_wage_per_head": lambda f: 3500 + int(self.random() * 56) * 100,
            "platform_monthly_settlement": lambda f: (
                int(f["annual_invoicing"] / 12 * (0.2 + 0.8 * self.random())) // 100 * 100
            ),
        }

    # -- facts --------------------------------------------------------------------------------

    def industry(self, division: str) -> str | None:
        """The industry fact of a GB/T 4754 division ("33" → "C33")."""
        if division not in self._industries:
            self._industries[division] = industry_code(division)
        return self._industries[division]

    def facts(self, kind: str, division: str, *, customer: bool, strategic: bool) -> dict[str, Any]:
        """A prospect's facts as JSON values (yuan); a customer's are complete, a prospect's
        may lack some or all."""
        r = self.random
        if not customer and r() < 0.12:
            return {}
        individual = kind == "individual"
        mu = (13.3 if individual else 14.9) + (1.6 if strategic else 0.0)
        invoicing = max(int(self.rng.lognormvariate(mu, 0.9)) // 1000 * 1000, 50_000)
        ratio = 0.7 + 0.6 * r()
        if r() < 0.05:  # turnover out of line with invoicing: a warning sign
            ratio = 0.2 + 0.2 * r() if r() < 0.5 else 2.5 + r()
        f: dict[str, Any] = {
            "tax_credit_grade": self._grades[int(r() * len(self._grades))],
            "annual_invoicing": invoicing,
            "avg_monthly_turnover": int(invoicing * ratio / 12) // 100 * 100,
            "owner_serious_overdue": r() < 0.04,
            "insured_staff": int(r() * 6)
            if individual
            else max(1, int(self.rng.lognormvariate(2.5, 0.9))),
            "in_cultivation_pool": r() < 0.35,
            "green": r() < 0.1,
        }
        roll = r()
        if individual:
            proof = "lease" if roll < 0.55 else "utility_records" if roll < 0.8 else None
        else:
            proof = "lease" if roll < 0.5 else None
        f["proof_of_operation"] = proof or "property_certificate"
        tech = not individual and r() < (0.7 if division in _TECH_DIVISIONS else 0.03)
        f["tech_enterprise"] = tech
        if tech:
            f["annual_rd_spend"] = int(invoicing * (0.04 + 0.12 * r())) // 1000 * 1000
            f["ip_pledgeable"] = r() < 0.75
        if r() < 0.06:
            f["ownership_changed_on"] = (self.today - timedelta(days=int(r() * 1000))).isoformat()
        industry = self.industry(division)
        for product in self._candidates_for(kind, industry):
            if product.industries:  # a product for this industry: the facts it reads
                for key in _keys(product):
                    if key not in f and key in self._extra:
                        f[key] = self._extra[key](f)
        if not customer and r() < 0.3:  # incomplete: a few facts not collected yet
            keys = list(f)
            for _ in range(1 + int(r() * 4)):
                f.pop(keys[int(r() * len(keys))], None)
        return f

    def fact_rows(
        self, pid: str, facts: dict[str, Any], first: date, by: str | None
    ) -> list[tuple[Any, ...]]:
        """The rows of a prospect's facts, confirmed by its RM on a day since ``first``."""
        start = max(first, self.today - timedelta(days=400))
        day = start + timedelta(days=int(self.random() * ((self.today - start).days + 1)))
        text = day.isoformat()
        stamp = text + _AT
        return [(pid, k, encode_value(v), text, by, stamp) for k, v in facts.items()]

    # -- held services ------------------------------------------------------------------------

    def held_rows(
        self,
        pid: str,
        kind: str,
        division: str,
        facts: dict[str, Any],
        customer: bool,
        first: date,
        stamp: str,
    ) -> list[tuple[Any, ...]]:
        """Non-credit services the customer holds (customers hold more)."""
        r = self.random
        industry = self.industry(division)
        rows: list[tuple[Any, ...]] = []
        for n, service in enumerate(self.services):
            chance = (0.9 if n == 0 else 0.5) if customer else (0.3 if n == 0 else 0.12)
            if r() >= chance or not self._allows(service, kind, industry, facts):
                continue
            span = (self.today - first).days
            since = first + timedelta(days=int(r() * (span + 1)))
            rows.append(
                (service_id(pid, service.code), pid, service.code, since.isoformat(), stamp)
            )
        return rows

    def _allows(
        self, product: Product, kind: str, industry: str | None, facts: dict[str, Any]
    ) -> bool:
        if kind not in product.customer_kinds:
            return False
        if product.industries and not (industry and industry_matches(industry, product.industries)):
            return False
        if not product.criteria:
            return True
        values = _domain(facts)
        return all(_holds(rule, kind, values, self.today) is not False for rule in product.criteria)

    # -- loans --------------------------------------------------------------------------------

    def offer(
        self,
        facts: dict[str, Any],
        kind: str,
        division: str,
        established: date,
        strategic: bool,
    ) -> Offer:
        """A credit product the customer's kind and industry allow, its facts made to fit
        it (``facts`` is changed), and what it would lend them."""
        industry = self.industry(division)
        candidates = [
            p
            for p in self._candidates_for(kind, industry)
            if not any(_flag_refused(rule, facts) for rule in p.criteria)
            and (not strategic or p.amount is None or p.amount.cap_fen >= self.strategic_total)
        ] or self._candidates_for(kind, industry)
        weights = [3 if p.industries or _flag_asked(p) else 2 for p in candidates]
        pick = self.random() * sum(weights)
        product = candidates[-1]
        for p, w in zip(candidates, weights, strict=True):
            pick -= w
            if pick < 0:
                product = p
                break
        own: dict[str, FactValue] = {"kind": kind, "established_on": established}
        if industry:
            own["industry"] = industry
        for rule in product.criteria:
            self._fit(rule, kind, facts)
        self._basis(product, facts)
        _in_line(facts)
        offer = self._offer(product, facts, own)
        target = self.strategic_total if strategic else 0
        if offer is not None and offer.high_fen < target and product.amount is not None:
            self._scale(product, facts, math.ceil(target / max(offer.high_fen, 1) * 1.05))
            offer = self._offer(product, facts, own)
        if offer is None:  # the bundled catalogue never comes here: lend at the product's floor
            term = product.term
            low = 10 * _WAN if product.amount is None else min(10 * _WAN, product.amount.cap_fen)
            offer = Offer(
                product,
                low,
                max(low, target),
                term.min_months if term else 12,
                term.max_for(industry) if term else 12,
            )
        return offer

    def amount(self, offer: Offer, at_least: int = 0) -> int:
        """An amount in the offer's range (fen), in whole 万元 where the range allows."""
        low, high = offer.low_fen, offer.high_fen
        drawn = low + int(self.random() * (high - low + 1))
        step = _WAN if high >= 10 * _WAN else 1000 * 100
        drawn = max(drawn // step * step, low, at_least, 100 * 100)
        return min(drawn, max(high, at_least))

    def term(self, offer: Offer) -> int:
        fits = [t for t in _TERMS if offer.term_min <= t <= offer.term_max]
        return fits[int(self.random() * len(fits))] if fits else offer.term_max

    def rate(self, offer: Offer) -> int:
        base = offer.product.rate_bp or 0
        return max(base + _RATE_STEPS[int(self.random() * len(_RATE_STEPS))], 0)

    def repayment(self, offer: Offer) -> str:
        modes = offer.product.repayment
        return modes[int(self.random() * len(modes))].code if modes else ""

    # -- helpers ------------------------------------------------------------------------------

    def _candidates_for(self, kind: str, industry: str | None) -> list[Product]:
        key = (kind, industry)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = [
                p
                for p in self.credit
                if kind in p.customer_kinds
                and (
                    not p.industries
                    or (industry is not None and industry_matches(industry, p.industries))
                )
            ]
        return found

    def _offer(
        self, product: Product, facts: dict[str, Any], own: dict[str, FactValue]
    ) -> Offer | None:
        alone = self._alone.get(product.code)
        if alone is None:
            alone = self._alone[product.code] = replace(
                self.catalogue, products=(product,), overlays=()
            )
        result = match({**_domain(facts), **own}, alone, self.today).products[0]
        if result.status is not Status.ELIGIBLE:
            return None
        low, high = result.amount_min_fen, result.amount_max_fen
        if high is None or high <= 0:
            return None
        return Offer(
            product,
            low or 0,
            high,
            result.term_months_min or 12,
            result.term_months_max or 12,
        )

    def _fit(self, rule: Rule, kind: str, facts: dict[str, Any]) -> None:
        """Make ``facts`` pass one criterion (the customer was lent this product)."""
        if rule.customer_kinds and kind not in rule.customer_kinds:
            return
        if isinstance(rule, AnyOf):
            values = _domain(facts)
            if not any(_check(c, values, self.today) for c in rule.options):
                self._fit(rule.options[0], kind, facts)
            return
        if rule.fact in _OWN or _check(rule, _domain(facts), self.today):
            return
        facts[rule.fact] = self._passing(rule)

    def _passing(self, c: Criterion) -> Any:
        r = self.random
        spec = FACTS[c.fact]
        if c.op == "is_true":
            return True
        if c.op == "is_false":
            return False
        if c.op in ("before_months_ago", "after_months_ago"):
            assert isinstance(c.value, int)
            months = c.value + 1 + int(r() * 24) if c.op == "before_months_ago" else 0
            return (self.today - timedelta(days=31 * months)).isoformat()
        if isinstance(c.value, tuple):
            allowed = c.value if c.op == "in" else [x for x in spec.choices if x not in c.value]
            return allowed[int(r() * len(allowed))]
        if c.op == "==":
            return c.value if spec.type is not FactType.MONEY else _yuan(c.value)
        assert isinstance(c.value, int | float)
        threshold = float(c.value) / 100 if spec.type is FactType.MONEY else float(c.value)
        if c.op in ("<", "<="):
            value = threshold * (0.4 + 0.5 * r())
        else:
            top = spec.maximum if spec.maximum is not None else max(threshold * 2.5, 10.0)
            value = threshold + (top - threshold) * (0.05 + 0.9 * r())
        if spec.type is FactType.MONEY:
            step = 1000 if value >= 10_000 else 100
            whole = math.floor(value / step) * step
            return whole + step if whole <= threshold and c.op != "<" else whole
        if spec.type is FactType.COUNT:
            return max(math.ceil(value), int(threshold) + (1 if c.op == ">" else 0))
        shown = round(value, 1)
        return shown if shown >= threshold or c.op in ("<", "<=") else round(value + 0.1, 1)

    def _basis(self, product: Product, facts: dict[str, Any]) -> None:
        """The facts its amount is reckoned from, positive (the loan was sized on them)."""
        if product.amount is None:
            return
        for key in product.amount.basis:
            if isinstance(facts.get(key), int | float) and facts[key] > 0:
                continue
            if key in self._extra:
                facts[key] = self._extra[key](facts) or 1
            elif key in _MONEY:
                facts[key] = max(int(facts["annual_invoicing"] / 12) // 100 * 100, 10_000)
            else:
                facts[key] = 1 + int(self.random() * 20)

    def _scale(self, product: Product, facts: dict[str, Any], factor: int) -> None:
        """Grow the facts an amount is reckoned from (a count first: more staff rather than
        higher wages), so a strategic client's first loan fits the strategic gate."""
        assert product.amount is not None
        basis = product.amount.basis
        counts = [k for k in basis if FACTS[k].type is FactType.COUNT]
        key = counts[0] if counts else basis[0]
        facts[key] = math.ceil(facts[key] * factor)
        if key == "avg_monthly_turnover":
            facts["annual_invoicing"] = max(facts["annual_invoicing"], facts[key] * 12)


def _yuan(fen: object) -> object:
    """Fen as a JSON number of yuan."""
    if not isinstance(fen, int):
        return fen
    return fen // 100 if fen % 100 == 0 else fen / 100


def _keys(product: Product) -> list[str]:
    keys: list[str] = []
    for rule in product.criteria:
        options = rule.options if isinstance(rule, AnyOf) else (rule,)
        keys.extend(c.fact for c in options)
    if product.amount is not None:
        keys.extend(product.amount.basis)
    return keys


def _domain(facts: dict[str, Any]) -> dict[str, FactValue]:
    """JSON values as the engine reads them (fen, dates)."""
    out: dict[str, FactValue] = {}
    for key, value in facts.items():
        if key in _MONEY:
            out[key] = round(value * 100)
        elif key == "ownership_changed_on":
            out[key] = date.fromisoformat(value)
        else:
            out[key] = value
    return out


def _check(c: Criterion, values: dict[str, FactValue], today: date) -> bool:
    value = values.get(c.fact)
    return value is not None and c.holds(value, today)


def _holds(rule: Rule, kind: str, values: dict[str, FactValue], today: date) -> bool | None:
    """Whether a criterion passes; None when its fact is not known."""
    if rule.customer_kinds and kind not in rule.customer_kinds:
        return True
    options = rule.options if isinstance(rule, AnyOf) else (rule,)
    known = [c for c in options if c.fact in values]
    if not known:
        return None
    return any(_check(c, values, today) for c in known)


def _flag_refused(rule: Rule, facts: dict[str, Any]) -> bool:
    """A quality the product asks for (a flag that must be true) the customer lacks: the
    demo does not make a ceramics works a technology enterprise to lend it a tech loan."""
    options = rule.options if isinstance(rule, AnyOf) else (rule,)
    return all(c.op == "is_true" and facts.get(c.fact) is not True for c in options)


def _flag_asked(product: Product) -> bool:
    return any(isinstance(rule, Criterion) and rule.op == "is_true" for rule in product.criteria)


def _in_line(facts: dict[str, Any]) -> None:
    """A borrower's turnover in line with its invoicing (a lender would ask otherwise)."""
    invoicing, turnover = facts.get("annual_invoicing"), facts.get("avg_monthly_turnover")
    if not invoicing or not turnover:
        return
    ratio = turnover * 12 / invoicing
    if ratio > 1.6:
        facts["annual_invoicing"] = int(turnover * 12 / 1.1) // 1000 * 1000 + 1000
    elif ratio < 0.6:
        facts["avg_monthly_turnover"] = int(invoicing * 0.9 / 12) // 100 * 100
