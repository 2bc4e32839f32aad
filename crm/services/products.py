"""Products and matching for a book: the catalogue in force, a prospect's business facts
and held services, and the pre-assessment (预授信参考) of one prospect or of all of them.

The catalogue in force is the last good one head office published (the sync download keeps
it in the book's ``app_meta``), else the one bundled with the app. A malformed catalogue is
never put in force: it is logged and the last good one stays. Facts are stored in their
JSON form (amounts in yuan, dates ISO) and parsed by the domain's vocabulary
(``crm.domain.facts``) on the way in and out; a prospect's kind, industry and date of
establishment are its own fields, read from its row, never facts of their own.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Final

from crm import resources
from crm.domain.catalogue import Catalogue, InvalidCatalogue, Product, parse_catalogue
from crm.domain.errors import DomainError
from crm.domain.facts import FACTS, Facts, FactType, FactValue, fact_to_json, parse_fact
from crm.domain.matching import MatchResult, match
from crm.services.acting import check_prospect_in
from crm.services.context import Context, NotFound
from crm.store import fact_queries, meta
from crm.store.fact_queries import ProspectBasics
from crm.store.fact_writer import FactWriter
from crm.store.replica import CATALOGUE_KEY
from crm.store.unit_of_work import Session

log = logging.getLogger("crm.products")

# Facts a prospect's own row gives (edited on the prospect, never stored as facts).
OWN_FIELDS: Final = ("kind", "industry", "established_on")


@dataclass(frozen=True)
class FactView:
    """A stored fact: its domain value (fen for amounts, a date for dates), its JSON form,
    when it was last confirmed and by whom."""

    key: str
    value: FactValue
    json_value: object
    confirmed_on: date | None
    confirmed_by: str | None
    confirmed_by_name: str | None


@dataclass(frozen=True)
class HeldView:
    """A non-credit service the customer holds (its catalogue entry, when it has one)."""

    code: str
    since: date | None
    product: Product | None


@dataclass(frozen=True)
class CatalogueInForce:
    catalogue: Catalogue
    # "headoffice" (published and received by sync) or "bundled" (shipped with the app).
    source: str


@dataclass
class BookMatch:
    """Matching every prospect of the book: how many, per product how many of each status,
    and how long reading and matching took."""

    prospects: int = 0
    by_product: dict[str, dict[str, int]] = field(default_factory=dict)
    overlays: dict[str, int] = field(default_factory=dict)
    read_seconds: float = 0.0
    match_seconds: float = 0.0


# -- the catalogue --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def catalogue_schema() -> Mapping[str, Any]:
    return resources.catalogue_schema()


def check_catalogue(document: object) -> Catalogue:
    """The catalogue a document describes, checked against the schema and the rules;
    ``InvalidCatalogue`` names the entry and field of the first problem."""
    return parse_catalogue(document, catalogue_schema())


@lru_cache(maxsize=1)
def bundled_catalogue() -> Catalogue:
    """The catalogue shipped with the app (resources/data/catalogue.json)."""
    return check_catalogue(resources.catalogue_document())


@lru_cache(maxsize=4)
def _published(text: str) -> Catalogue | None:
    """A catalogue kept by the sync download, parsed once per distinct text; None (and a
    log line) when it is not a good one."""
    try:
        return check_catalogue(json.loads(text))
    except (InvalidCatalogue, ValueError) as exc:
        log.warning("the catalogue received from head office is ignored: %s", exc)
        return None


def in_force(text: str | None) -> CatalogueInForce:
    """The catalogue in force given what the book keeps (``app_meta``), if anything."""
    published = _published(text) if text else None
    if published is not None:
        return CatalogueInForce(published, "headoffice")
    return CatalogueInForce(bundled_catalogue(), "bundled")


# -- facts ----------------------------------------------------------------------------------


def _industry_fact(code: str | None) -> str | None:
    return _industry_of(code) if code else None


@lru_cache(maxsize=256)
def _industry_of(code: str) -> str | None:
    try:
        value = parse_fact("industry", code)
    except DomainError:
        return None
    return value if isinstance(value, str) else None


def own_facts(p: ProspectBasics) -> dict[str, FactValue]:
    """The facts a prospect's own row gives: its kind, industry and date of establishment."""
    found: dict[str, FactValue] = {}
    if p.kind in ("enterprise", "individual"):
        found["kind"] = p.kind
    industry = _industry_fact(p.industry_code)
    if industry is not None:
        found["industry"] = industry
    if p.established_on is not None:
        found["established_on"] = p.established_on
    return found


def _decoded(key: str, raw: object) -> FactValue | None:
    """A stored fact's domain value; None (logged) for one the vocabulary no longer takes."""
    try:
        return parse_fact(key, raw)
    except DomainError as exc:
        log.warning("a stored fact is ignored: %s", exc)
        return None


def _quick(key: str, raw: object) -> FactValue | None:
    """A stored fact's domain value, the common forms read directly (a whole book has a
    million facts); anything else through the vocabulary's parser."""
    spec = FACTS.get(key)
    if spec is not None:
        kind = spec.type
        if type(raw) is int and raw >= 0 and kind in (FactType.MONEY, FactType.COUNT):
            return raw * 100 if kind is FactType.MONEY else raw
        if type(raw) is bool and kind is FactType.FLAG:
            return raw
        if type(raw) is str and kind is FactType.CHOICE and raw in spec.choices:
            return raw
    return _decoded(key, raw)


def _own_field(key: str) -> DomainError:
    return DomainError(
        "facts.own_field", "'{key}' is the prospect's own field: change it on the prospect", key=key
    )


class ProductService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- the catalogue ------------------------------------------------------------------------

    def catalogue(self) -> Catalogue:
        """The catalogue in force on this device."""
        return self.catalogue_in_force().catalogue

    def catalogue_in_force(self) -> CatalogueInForce:
        with self.ctx.db.reading() as s:
            return in_force(meta.get(s, CATALOGUE_KEY))

    # -- facts --------------------------------------------------------------------------------

    def facts(self, prospect_id: str) -> list[FactView]:
        """The prospect's stored facts, in the vocabulary's order."""
        with self.ctx.db.reading() as s:
            self._require(s, prospect_id)
            rows = fact_queries.facts(s, prospect_id)
        views = []
        for r in rows:
            value = _decoded(r.key, r.value)
            if value is not None:
                views.append(
                    FactView(
                        r.key, value, r.value, r.confirmed_on, r.confirmed_by, r.confirmed_by_name
                    )
                )
        order = list(FACTS)
        views.sort(key=lambda v: order.index(v.key))
        return views

    def set_fact(
        self, prospect_id: str, key: str, value: object, *, confirmed_on: date | None = None
    ) -> list[FactView]:
        """Set one fact (its JSON form: yuan for amounts, ISO text or a date for dates); None
        clears it. Returns the prospect's facts."""
        return self.set_facts(prospect_id, {key: value}, confirmed_on=confirmed_on)

    def set_facts(
        self,
        prospect_id: str,
        values: Mapping[str, object],
        *,
        confirmed_on: date | None = None,
    ) -> list[FactView]:
        """Set (and confirm, by the acting user, on ``confirmed_on`` or today) several facts
        at once; a None value clears that fact. Every value is checked first: an unknown key,
        a value of the wrong type or one of the prospect's own fields is refused naming the
        key, and nothing is written."""
        stored: dict[str, object] = {}
        cleared: list[str] = []
        for key, raw in values.items():
            if key in OWN_FIELDS:
                raise _own_field(key)
            plain = raw.isoformat() if isinstance(raw, date) else raw
            parsed = parse_fact(key, plain)
            if parsed is None:
                cleared.append(key)
            else:
                stored[key] = fact_to_json(key, parsed)
        day = confirmed_on or self.ctx.today()
        with self.ctx.db.transaction() as s:
            self._require(s, prospect_id)
            writer = FactWriter(s, self.ctx.now(), self.ctx.actor_id)
            if stored:
                writer.set(prospect_id, stored, day)
            if cleared:
                writer.clear(prospect_id, cleared)
        return self.facts(prospect_id)

    def clear_fact(self, prospect_id: str, key: str) -> bool:
        """Forget a fact (it becomes missing); False when it was not set."""
        if key in OWN_FIELDS:
            raise _own_field(key)
        parse_fact(key, None)  # an unknown key is refused, naming it
        with self.ctx.db.transaction() as s:
            self._require(s, prospect_id)
            return bool(FactWriter(s, self.ctx.now(), self.ctx.actor_id).clear(prospect_id, [key]))

    # -- held services ------------------------------------------------------------------------

    def held_services(self, prospect_id: str) -> list[HeldView]:
        catalogue = self.catalogue()
        with self.ctx.db.reading() as s:
            self._require(s, prospect_id)
            rows = fact_queries.held(s, prospect_id)
        return [HeldView(r.service_code, r.since, catalogue.product(r.service_code)) for r in rows]

    def add_service(self, prospect_id: str, service_code: str, since: date | None = None) -> bool:
        """Record a non-credit service of the catalogue the customer holds; False when it
        was recorded already."""
        product = self.catalogue().product(service_code)
        if product is None or product.credit:
            raise DomainError(
                "products.not_a_service",
                "'{code}' is not a non-credit service of the catalogue",
                code=service_code,
            )
        with self.ctx.db.transaction() as s:
            self._require(s, prospect_id)
            writer = FactWriter(s, self.ctx.now(), self.ctx.actor_id)
            return writer.add_service(prospect_id, service_code, since)

    def remove_service(self, prospect_id: str, service_code: str) -> bool:
        """The customer no longer holds the service; False when it was not recorded."""
        with self.ctx.db.transaction() as s:
            self._require(s, prospect_id)
            writer = FactWriter(s, self.ctx.now(), self.ctx.actor_id)
            return writer.remove_service(prospect_id, service_code)

    def next_service(self, prospect_id: str) -> Product | None:
        """The next non-credit service to offer the customer: the first in catalogue order
        it does not hold and is not ruled out of."""
        result = self.match(prospect_id)
        with self.ctx.db.reading() as s:
            held = [r.service_code for r in fact_queries.held(s, prospect_id)]
        found = result.next_service(held)
        return None if found is None else found.product

    # -- matching -----------------------------------------------------------------------------

    def facts_for_matching(self, prospect_id: str) -> Facts:
        """The prospect's own fields and stored facts, as matching reads them."""
        with self.ctx.db.reading() as s:
            self._require(s, prospect_id)
            basics = fact_queries.basics(s, prospect_id)
            if basics is None:
                raise NotFound("prospect", prospect_id)
            rows = fact_queries.facts(s, prospect_id)
        values: dict[str, FactValue] = {}
        for r in rows:
            value = _decoded(r.key, r.value)
            if value is not None and r.key not in OWN_FIELDS:
                values[r.key] = value
        values.update(own_facts(basics))
        return Facts(values)

    def match(self, prospect_id: str) -> MatchResult:
        """The pre-assessment of a stored prospect against the catalogue in force."""
        facts = self.facts_for_matching(prospect_id)
        return match(facts, self.catalogue(), self.ctx.today())

    def match_facts(self, facts: Mapping[str, FactValue]) -> MatchResult:
        """The pre-assessment of facts given directly (already parsed)."""
        return match(facts, self.catalogue(), self.ctx.today())

    def match_all(self, each: Callable[[str, MatchResult], None] | None = None) -> BookMatch:
        """Match every prospect of the book: their rows and facts read in one query each,
        then each matched; ``each`` is given every result as it is made."""
        started = time.perf_counter()
        catalogue = self.catalogue()
        today = self.ctx.today()
        with self.ctx.db.reading() as s:
            everyone = fact_queries.all_basics(s)
            stored = fact_queries.all_facts(s)
        decoded: dict[str, dict[str, FactValue]] = {}
        for pid, raw in stored.items():
            values: dict[str, FactValue] = {}
            for key, value in raw.items():
                if key not in OWN_FIELDS and (parsed := _quick(key, value)) is not None:
                    values[key] = parsed
            decoded[pid] = values
        read = time.perf_counter()
        summary = BookMatch(
            prospects=len(everyone),
            by_product={p.code: {} for p in catalogue.products},
            overlays={o.code: 0 for o in catalogue.overlays},
            read_seconds=read - started,
        )
        by_product, overlays = summary.by_product, summary.overlays
        for p in everyone:
            facts = decoded.get(p.id) or {}
            facts.update(own_facts(p))
            result = match(facts, catalogue, today)
            for r in result.products:
                counts = by_product[r.code]
                counts[r.status.value] = counts.get(r.status.value, 0) + 1
            for o in result.overlays:
                if o.applies:
                    overlays[o.code] += 1
            if each is not None:
                each(p.id, result)
        summary.match_seconds = time.perf_counter() - read
        return summary

    # -- helpers ------------------------------------------------------------------------------

    def _require(self, s: Session, prospect_id: str) -> None:
        check_prospect_in(s, self.ctx.actor_id, prospect_id)
