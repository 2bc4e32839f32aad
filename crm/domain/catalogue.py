"""The product catalogue head office publishes: its model, and parsing with validation.

The catalogue is data (resources/data/catalogue.json, schema beside it): credit products
with their entry criteria, amount rule, rate and term; non-credit relationship services
(settlement account, payroll agency, card acquiring, online banking); and policy overlays
(re-lending, interest subsidy). Amounts in the file are yuan, rates basis points; here
they are fen and basis points. Adding a product is adding an entry: no code knows codes.

``parse_catalogue`` checks the document against the JSON schema (when given one), then
what a schema cannot say (a criterion's fact exists and the comparison fits its type, a
rate refers to a product that exists, ranges are ordered, codes are unique), and refuses
the first problem with the entry and field named: "product tech: amount.cap must be a
number". Each criterion is compiled to a predicate here, once, so matching is cheap.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from crm.domain.errors import DomainError, Message
from crm.domain.facts import (
    CUSTOMER_KINDS,
    FACTS,
    FactType,
    FactValue,
    industry_code,
    industry_matches,
)
from crm.domain.money import FEN_PER_YUAN

CREDIT: Final = "credit"
SERVICE_KINDS: Final = ("settlement_account", "payroll_agency", "card_acquiring", "online_banking")
BP_PER_UNIT: Final = 10_000  # ratios and shares are kept in basis points: 0.3 → 3000

_COMPARISONS: Final[Mapping[str, Callable[[Any, Any], bool]]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}
_OPS_BY_TYPE: Final[Mapping[FactType, tuple[str, ...]]] = {
    FactType.MONEY: (">=", "<=", ">", "<", "=="),
    FactType.COUNT: (">=", "<=", ">", "<", "=="),
    FactType.NUMBER: (">=", "<=", ">", "<", "=="),
    FactType.FLAG: ("is_true", "is_false"),
    FactType.DATE: ("before_months_ago", "after_months_ago"),
    FactType.CHOICE: ("==", "in", "not_in"),
    FactType.INDUSTRY: ("in", "not_in"),
}

Predicate = Callable[[FactValue, date], bool]


class InvalidCatalogue(DomainError):
    """A catalogue that does not fit its schema or its rules; names the entry and field."""


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Criterion:
    """One entry criterion: ``fact op value``; with customer kinds, only for those kinds."""

    fact: str
    op: str
    # Typed threshold: fen for money, a number, months for dates, a code or codes, or None.
    value: int | float | str | tuple[str, ...] | None
    customer_kinds: tuple[str, ...] = ()
    holds: Predicate = field(default=lambda value, today: False, compare=False, repr=False)

    @property
    def key(self) -> str:
        return self.fact


@dataclass(frozen=True)
class AnyOf:
    """A group of criteria of which one passing is enough (green or tech, for the subsidy)."""

    options: tuple[Criterion, ...]
    customer_kinds: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return "|".join(option.fact for option in self.options)


Rule = Criterion | AnyOf


@dataclass(frozen=True)
class AmountRule:
    """Indicative amount: ratio × the product of the basis facts (an amount, then counts),
    at most the cap. Livelihood: monthly_wage_per_head × insured_staff × 12."""

    basis: tuple[str, ...]
    ratio_min_bp: int
    ratio_max_bp: int
    cap_fen: int


@dataclass(frozen=True)
class TermException:
    industries: tuple[str, ...]
    max_months: int


@dataclass(frozen=True)
class TermRule:
    min_months: int
    max_months: int
    exceptions: tuple[TermException, ...] = ()

    def max_for(self, industry: str | None) -> int:
        """The longest term for a customer in this industry (manufacturing may go longer)."""
        if industry:
            for exception in self.exceptions:
                if industry_matches(industry, exception.industries):
                    return exception.max_months
        return self.max_months


@dataclass(frozen=True)
class Repayment:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Document:
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Product:
    code: str
    name_zh: str
    name_en: str
    kind: str  # "credit" or one of SERVICE_KINDS
    customer_kinds: tuple[str, ...]
    industries: tuple[str, ...]  # sections ("C") and divisions ("C33"); empty: every industry
    criteria: tuple[Rule, ...]
    amount: AmountRule | None = None
    rate_bp: int | None = None
    term: TermRule | None = None
    repayment: tuple[Repayment, ...] = ()
    documents: tuple[Document, ...] = ()
    notes_zh: str = ""
    notes_en: str = ""

    @property
    def credit(self) -> bool:
        return self.kind == CREDIT


@dataclass(frozen=True)
class Overlay:
    """A policy overlay on credit: re-lending funds (amount, rate cap) or an interest
    subsidy (share of interest paid, at most so much a year)."""

    code: str
    name_zh: str
    name_en: str
    criteria: tuple[Rule, ...]
    amount_max_fen: int | None = None
    rate_cap_bp: int | None = None
    share_bp: int | None = None
    cap_per_year_fen: int | None = None


@dataclass(frozen=True)
class Lpr:
    one_year_bp: int
    five_year_bp: int
    as_of: date


@dataclass(frozen=True)
class WarningRules:
    established_within_months: int | None = None
    ownership_changed_within_months: int | None = None
    turnover_min_bp: int | None = None  # 12 months of turnover / a year's invoicing
    turnover_max_bp: int | None = None


@dataclass(frozen=True, eq=False)
class Catalogue:
    version: str
    published_on: date | None
    lpr: Lpr
    products: tuple[Product, ...]
    overlays: tuple[Overlay, ...]
    warnings: WarningRules

    def product(self, code: str) -> Product | None:
        return next((p for p in self.products if p.code == code), None)

    def overlay(self, code: str) -> Overlay | None:
        return next((o for o in self.overlays if o.code == code), None)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, or that month's last day (31 March − 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- parsing


def parse_catalogue(data: object, schema: Mapping[str, Any] | None = None) -> Catalogue:
    """A catalogue from its JSON document, checked against ``schema`` if given, then by rule.

    Raises InvalidCatalogue naming the first problem's entry and field.
    """
    if schema is not None:
        check_schema(data, schema)
    root = _Where(Message("catalogue"))
    doc = root.mapping(data, "")
    lpr_doc = root.mapping(doc.get("lpr"), "lpr")
    lpr = Lpr(
        one_year_bp=root.integer(lpr_doc.get("one_year_bp"), "lpr.one_year_bp", low=0),
        five_year_bp=root.integer(lpr_doc.get("five_year_bp"), "lpr.five_year_bp", low=0),
        as_of=root.day(lpr_doc.get("as_of"), "lpr.as_of"),
    )
    published = doc.get("published_on")
    unit = doc.get("money_unit")
    if unit != "yuan":
        raise root.fail("money_unit", Message("must be {value}", value="yuan"))
    products_doc = root.array(doc.get("products"), "products")
    overlays_doc = root.array(doc.get("overlays"), "overlays")
    products: list[Product] = []
    rates: dict[str, tuple[Mapping[str, Any], _Where]] = {}
    for index, item in enumerate(products_doc):
        where = _Where(Message("product {code}", code=_ident(item, index)))
        product, rate_doc = _product(item, where)
        if any(p.code == product.code for p in products):
            raise where.fail("code", Message("is used by another product"))
        products.append(product)
        if rate_doc is not None:
            rates[product.code] = (rate_doc, where)
    # LPR-priced products first: a relative rate refers to one of them (no chains).
    based = {
        code: bp
        for code, (rate_doc, where) in rates.items()
        if (bp := _rate(rate_doc, where, lpr, None)) is not None
    }
    for position, product in enumerate(products):
        if product.code in rates:
            rate_doc, where = rates[product.code]
            products[position] = replace(product, rate_bp=_rate(rate_doc, where, lpr, based))
    overlays: list[Overlay] = []
    for index, item in enumerate(overlays_doc):
        where = _Where(Message("overlay {code}", code=_ident(item, index)))
        overlay = _overlay(item, where, lpr, based)
        if any(o.code == overlay.code for o in overlays):
            raise where.fail("code", Message("is used by another overlay"))
        overlays.append(overlay)
    return Catalogue(
        version=root.text(doc.get("version"), "version"),
        published_on=None if published is None else root.day(published, "published_on"),
        lpr=lpr,
        products=tuple(products),
        overlays=tuple(overlays),
        warnings=_warnings(doc.get("warnings"), root),
    )


def check_schema(data: object, schema: Mapping[str, Any]) -> None:
    """Refuse ``data`` that does not fit the JSON schema, naming the entry and field."""
    from jsonschema import Draft202012Validator  # only when a catalogue is loaded

    errors = sorted(
        Draft202012Validator(schema).iter_errors(data),
        key=lambda e: [f"{p:08d}" if isinstance(p, int) else str(p) for p in e.absolute_path],
    )
    if errors:
        raise _schema_problem(data, errors[0])


def _schema_problem(data: object, error: Any) -> InvalidCatalogue:
    path: list[str | int] = list(error.absolute_path)
    where = _Where(Message("catalogue"))
    if len(path) >= 2 and path[0] in ("products", "overlays") and isinstance(path[1], int):
        entries = data.get(str(path[0])) if isinstance(data, dict) else None
        item = entries[path[1]] if isinstance(entries, list) else None
        subject = "product {code}" if path[0] == "products" else "overlay {code}"
        where = _Where(Message(subject, code=_ident(item, path[1])))
        path = path[2:]
    validator = error.validator
    value = error.validator_value
    instance = error.instance
    if validator == "required":
        missing = next(k for k in value if not isinstance(instance, dict) or k not in instance)
        return where.fail(_dotted([*path, missing]), Message("is required"))
    if validator == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        extra = sorted(k for k in instance if k not in known)
        return where.fail(_dotted([*path, extra[0]]), Message("is not a known field"))
    return where.fail(_dotted(path), _problem(validator, value, instance, error.message))


_TYPE_PROBLEMS: Final[Mapping[str, Message]] = {
    "number": Message("must be a number"),
    "integer": Message("must be a whole number"),
    "string": Message("must be a text"),
    "array": Message("must be a list"),
    "object": Message("must be an object"),
    "boolean": Message("must be true or false"),
}


def _problem(validator: str, value: Any, instance: Any, detail: str) -> Message:
    if validator == "type" and isinstance(value, str) and value in _TYPE_PROBLEMS:
        return _TYPE_PROBLEMS[value]
    if validator == "enum":
        return Message("must be one of {choices}", choices=", ".join(str(v) for v in value))
    if validator == "const":
        return Message("must be {value}", value=value)
    if validator == "minimum":
        return Message("must be at least {limit}", limit=value)
    if validator == "maximum":
        return Message("must be at most {limit}", limit=value)
    if validator in ("minItems", "minLength"):
        return Message("must have at least {count} entries", count=value)
    if validator == "uniqueItems":
        return Message("has an entry twice")
    if validator == "pattern":
        return Message("'{value}' is not in the expected form", value=instance)
    return Message("does not fit the schema: {detail}", detail=detail)


def _dotted(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(entry)"


def _ident(item: object, index: int) -> str:
    code = item.get("code") if isinstance(item, dict) else None
    return code if isinstance(code, str) and code else f"#{index + 1}"


class _Where:
    """The entry being read, to name it and the field in an error."""

    def __init__(self, subject: Message) -> None:
        self.subject = subject

    def fail(self, field_name: str, problem: Message) -> InvalidCatalogue:
        return InvalidCatalogue(
            "catalogue.invalid",
            "{subject}: {field} {problem}",
            subject=self.subject,
            field=field_name or "(entry)",
            problem=problem,
        )

    def mapping(self, value: object, name: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(name, _TYPE_PROBLEMS["object"])
        return value

    def array(self, value: object, name: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(name, _TYPE_PROBLEMS["array"])
        return value

    def text(self, value: object, name: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, Message("must be a non-empty text"))
        return value.strip()

    def number(self, value: object, name: str, *, low: float = 0) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(name, _TYPE_PROBLEMS["number"])
        try:
            number = Decimal(repr(value))
        except InvalidOperation:
            raise self.fail(name, _TYPE_PROBLEMS["number"]) from None
        if not number.is_finite() or number < Decimal(repr(low)):
            raise self.fail(name, Message("must be at least {limit}", limit=low))
        return number

    def integer(self, value: object, name: str, *, low: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, _TYPE_PROBLEMS["integer"])
        if low is not None and value < low:
            raise self.fail(name, Message("must be at least {limit}", limit=low))
        return value

    def day(self, value: object, name: str) -> date:
        try:
            return date.fromisoformat(value) if isinstance(value, str) else date.fromisoformat("")
        except ValueError:
            raise self.fail(name, Message("must be a date (YYYY-MM-DD)")) from None

    def fen(self, value: object, name: str) -> int:
        fen = self.number(value, name) * FEN_PER_YUAN
        if fen != fen.to_integral_value():
            raise self.fail(name, Message("must be whole fen (at most 2 decimal places)"))
        return int(fen)

    def basis_points(self, value: object, name: str) -> int:
        bp = self.number(value, name) * BP_PER_UNIT
        if bp != bp.to_integral_value():
            raise self.fail(name, Message("must have at most 4 decimal places"))
        return int(bp)

    def names(self, value: object, name: str) -> tuple[str, str]:
        names = self.mapping(value, name)
        return self.text(names.get("zh"), f"{name}.zh"), self.text(names.get("en"), f"{name}.en")

    def codes(self, value: object, name: str, allowed: Sequence[str]) -> tuple[str, ...]:
        items = self.array(value, name)
        for index, item in enumerate(items):
            if item not in allowed:
                raise self.fail(
                    f"{name}[{index}]",
                    Message("must be one of {choices}", choices=", ".join(allowed)),
                )
        return tuple(items)

    def industries(self, value: object, name: str) -> tuple[str, ...]:
        codes: list[str] = []
        for index, item in enumerate(self.array(value, name)):
            code = industry_code(item, section_alone=True) if isinstance(item, str) else None
            if code is None:
                raise self.fail(
                    f"{name}[{index}]",
                    Message("'{value}' is not a GB/T 4754 section or division", value=item),
                )
            codes.append(code)
        return tuple(codes)


def _product(item: object, where: _Where) -> tuple[Product, Mapping[str, Any] | None]:
    doc = where.mapping(item, "")
    code = where.text(doc.get("code"), "code")
    name_zh, name_en = where.names(doc.get("name"), "name")
    kind = doc.get("kind")
    if kind != CREDIT and kind not in SERVICE_KINDS:
        choices = ", ".join((CREDIT, *SERVICE_KINDS))
        raise where.fail("kind", Message("must be one of {choices}", choices=choices))
    credit = kind == CREDIT
    for part in ("amount", "rate", "term", "repayment"):
        if credit and part not in doc:
            raise where.fail(part, Message("is required for a credit product"))
        if not credit and part in doc:
            raise where.fail(part, Message("applies to credit products only"))
    notes = doc.get("notes")
    notes_zh, notes_en = where.names(notes, "notes") if notes is not None else ("", "")
    product = Product(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        kind=str(kind),
        customer_kinds=where.codes(doc.get("customer_kinds"), "customer_kinds", CUSTOMER_KINDS),
        industries=where.industries(doc.get("industries", []), "industries"),
        criteria=_rules(doc.get("criteria", []), where),
        amount=_amount(doc["amount"], where) if credit else None,
        term=_term(doc["term"], where) if credit else None,
        repayment=tuple(
            _repayment(entry, where, f"repayment[{i}]")
            for i, entry in enumerate(where.array(doc.get("repayment", []), "repayment"))
        ),
        documents=tuple(
            Document(*where.names(entry, f"documents[{i}]"))
            for i, entry in enumerate(where.array(doc.get("documents", []), "documents"))
        ),
        notes_zh=notes_zh,
        notes_en=notes_en,
    )
    return product, where.mapping(doc["rate"], "rate") if credit else None


def _rate(
    doc: Mapping[str, Any],
    where: _Where,
    lpr: Lpr,
    priced: Mapping[str, int] | None,
    name: str = "rate",
) -> int | None:
    """The rate in basis points. ``priced`` holds the LPR-priced products a relative rate
    may refer to; without it (the first pass) a relative rate is None."""
    spread = where.integer(doc.get("spread_bp"), f"{name}.spread_bp")
    base, relative = doc.get("lpr"), doc.get("relative_to")
    if (base is None) == (relative is None):
        raise where.fail(name, Message("needs either lpr or relative_to"))
    if base is not None:
        if base not in ("one_year", "five_year"):
            raise where.fail(
                f"{name}.lpr", Message("must be one of {choices}", choices="one_year, five_year")
            )
        rate = (lpr.one_year_bp if base == "one_year" else lpr.five_year_bp) + spread
    elif priced is None:
        return None
    elif relative not in priced:
        raise where.fail(
            f"{name}.relative_to",
            Message("'{code}' is not a credit product priced on the LPR", code=relative),
        )
    else:
        rate = priced[str(relative)] + spread
    if rate < 0:
        raise where.fail(f"{name}.spread_bp", Message("makes the rate negative"))
    return rate


def _amount(item: object, where: _Where) -> AmountRule:
    doc = where.mapping(item, "amount")
    basis = tuple(where.array(doc.get("basis"), "amount.basis"))
    types = [FACTS[b].type if isinstance(b, str) and b in FACTS else None for b in basis]
    if (
        not basis
        or types[0] is not FactType.MONEY
        or any(t is not FactType.COUNT for t in types[1:])
    ):
        raise where.fail(
            "amount.basis", Message("must be an amount fact, then counts (e.g. insured_staff)")
        )
    low = where.basis_points(doc.get("ratio_min"), "amount.ratio_min")
    high = where.basis_points(doc.get("ratio_max"), "amount.ratio_max")
    if low > high:
        raise where.fail("amount.ratio_min", Message("must not exceed ratio_max"))
    return AmountRule(basis, low, high, where.fen(doc.get("cap"), "amount.cap"))


def _term(item: object, where: _Where) -> TermRule:
    doc = where.mapping(item, "term")
    low = where.integer(doc.get("min_months"), "term.min_months", low=1)
    high = where.integer(doc.get("max_months"), "term.max_months", low=1)
    if low > high:
        raise where.fail("term.min_months", Message("must not exceed max_months"))
    exceptions: list[TermException] = []
    for index, entry in enumerate(where.array(doc.get("exceptions", []), "term.exceptions")):
        name = f"term.exceptions[{index}]"
        entry_doc = where.mapping(entry, name)
        industries = where.industries(entry_doc.get("industries"), f"{name}.industries")
        months = where.integer(entry_doc.get("max_months"), f"{name}.max_months", low=low)
        exceptions.append(TermException(industries, months))
    return TermRule(low, high, tuple(exceptions))


def _repayment(item: object, where: _Where, name: str) -> Repayment:
    doc = where.mapping(item, name)
    zh, en = where.names(doc.get("name"), f"{name}.name")
    return Repayment(where.text(doc.get("code"), f"{name}.code"), zh, en)


def _overlay(item: object, where: _Where, lpr: Lpr, priced: Mapping[str, int]) -> Overlay:
    doc = where.mapping(item, "")
    name_zh, name_en = where.names(doc.get("name"), "name")
    cap = doc.get("rate_cap")
    share = doc.get("share")
    return Overlay(
        code=where.text(doc.get("code"), "code"),
        name_zh=name_zh,
        name_en=name_en,
        criteria=_rules(doc.get("criteria", []), where),
        amount_max_fen=_optional(doc, "amount_max", where.fen),
        rate_cap_bp=None
        if cap is None
        else _rate(where.mapping(cap, "rate_cap"), where, lpr, priced, "rate_cap"),
        share_bp=None if share is None else where.basis_points(share, "share"),
        cap_per_year_fen=_optional(doc, "cap_per_year", where.fen),
    )


def _optional(doc: Mapping[str, Any], key: str, read: Callable[[object, str], int]) -> int | None:
    return None if doc.get(key) is None else read(doc[key], key)


def _warnings(item: object, root: _Where) -> WarningRules:
    if item is None:
        return WarningRules()
    doc = root.mapping(item, "warnings")
    ratio = doc.get("turnover_to_invoicing")
    ratio_doc = None if ratio is None else root.mapping(ratio, "warnings.turnover_to_invoicing")

    def months(key: str) -> int | None:
        value = doc.get(key)
        return None if value is None else root.integer(value, f"warnings.{key}", low=1)

    return WarningRules(
        established_within_months=months("established_within_months"),
        ownership_changed_within_months=months("ownership_changed_within_months"),
        turnover_min_bp=None
        if ratio_doc is None
        else root.basis_points(ratio_doc.get("min"), "warnings.turnover_to_invoicing.min"),
        turnover_max_bp=None
        if ratio_doc is None
        else root.basis_points(ratio_doc.get("max"), "warnings.turnover_to_invoicing.max"),
    )


def _rules(value: object, where: _Where) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for index, item in enumerate(where.array(value, "criteria")):
        name = f"criteria[{index}]"
        doc = where.mapping(item, name)
        if "any_of" in doc:
            options = where.array(doc["any_of"], f"{name}.any_of")
            if len(options) < 2:
                raise where.fail(
                    f"{name}.any_of", Message("must have at least {count} entries", count=2)
                )
            rules.append(
                AnyOf(
                    tuple(
                        _criterion(option, where, f"{name}.any_of[{i}]")
                        for i, option in enumerate(options)
                    )
                )
            )
        else:
            rules.append(_criterion(doc, where, name))
    return tuple(rules)


def _criterion(item: object, where: _Where, name: str) -> Criterion:
    doc = where.mapping(item, name)
    fact = doc.get("fact")
    spec = FACTS.get(fact) if isinstance(fact, str) else None
    if spec is None:
        raise where.fail(f"{name}.fact", Message("'{fact}' is not a known fact", fact=fact))
    op = doc.get("op")
    if op not in _OPS_BY_TYPE[spec.type]:
        raise where.fail(
            f"{name}.op",
            Message(
                "'{op}' cannot be used with {fact}; use one of {choices}",
                op=op,
                fact=spec.key,
                choices=", ".join(_OPS_BY_TYPE[spec.type]),
            ),
        )
    kinds = doc.get("customer_kinds")
    customer_kinds = (
        () if kinds is None else where.codes(kinds, f"{name}.customer_kinds", CUSTOMER_KINDS)
    )
    raw = doc.get("value")
    field_name = f"{name}.value"
    value: int | float | str | tuple[str, ...] | None
    holds: Predicate
    if op in ("is_true", "is_false"):
        wanted = op == "is_true"
        value = None
        holds = lambda v, today: v is wanted  # noqa: E731
    elif op in ("before_months_ago", "after_months_ago"):
        months = where.integer(raw, field_name, low=1)
        value = months
        if op == "before_months_ago":
            holds = lambda v, today: isinstance(v, date) and v <= months_before(today, months)  # noqa: E731
        else:
            holds = lambda v, today: isinstance(v, date) and v > months_before(today, months)  # noqa: E731
    elif spec.numeric:
        number = where.number(raw, field_name, low=float("-inf"))
        if spec.type is FactType.MONEY:
            value = where.fen(raw, field_name)
        else:
            value = int(number) if number == number.to_integral_value() else float(number)
        compare = _COMPARISONS[str(op)]
        threshold = value
        holds = lambda v, today: compare(v, threshold)  # noqa: E731
    elif spec.type is FactType.INDUSTRY:
        entries = where.industries(raw, field_name)
        value = entries
        inside = op == "in"
        holds = lambda v, today: isinstance(v, str) and industry_matches(v, entries) is inside  # noqa: E731
    else:
        choices = spec.choices
        if op == "==":
            if raw not in choices:
                raise where.fail(
                    field_name, Message("must be one of {choices}", choices=", ".join(choices))
                )
            value = str(raw)
            holds = lambda v, today: v == raw  # noqa: E731
        else:
            allowed = where.codes(raw, field_name, choices)
            value = allowed
            inside = op == "in"
            holds = lambda v, today: (v in allowed) is inside  # noqa: E731
    return Criterion(spec.key, str(op), value, customer_kinds, holds)
