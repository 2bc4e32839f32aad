"""The business facts of a prospect that product matching reads: the vocabulary (each key
with its type), parsing from JSON and back, and how a fact's value reads in a message.

In JSON (a facts file, an import, the store's value column) amounts are in yuan and dates in
ISO form; in the domain amounts are integer fen. A missing key (or null) means the fact is
not known; a key that is not in the vocabulary, or a value of the wrong type, is an
``InvalidFacts`` naming the key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

from crm.domain.errors import DomainError, Message
from crm.domain.money import FEN_PER_WAN, FEN_PER_YUAN, InvalidAmount, parse_money

FactValue = int | float | bool | str | date


class FactType(StrEnum):
    MONEY = "money"  # integer fen in the domain, yuan in JSON
    COUNT = "count"  # a whole number, 0 or more
    NUMBER = "number"  # a number within [0, maximum]
    FLAG = "flag"  # true or false
    DATE = "date"
    CHOICE = "choice"  # one of a fixed set of codes
    INDUSTRY = "industry"  # a GB/T 4754 division, kept as section letter + 2 digits: "C33"


@dataclass(frozen=True)
class FactSpec:
    key: str
    type: FactType
    label: Message
    choices: tuple[str, ...] = ()
    maximum: float | None = None

    @property
    def numeric(self) -> bool:
        return self.type in (FactType.MONEY, FactType.COUNT, FactType.NUMBER)


TAX_CREDIT_GRADES: Final = ("A", "B", "M", "C", "D")  # best first
CUSTOMER_KINDS: Final = ("enterprise", "individual")
PROOFS_OF_OPERATION: Final = ("property_certificate", "lease", "utility_records")

_SPECS: Final = (
    FactSpec("kind", FactType.CHOICE, Message("customer kind"), CUSTOMER_KINDS),
    FactSpec("industry", FactType.INDUSTRY, Message("industry")),
    FactSpec("established_on", FactType.DATE, Message("established on")),
    FactSpec("ownership_changed_on", FactType.DATE, Message("ownership last changed on")),
    FactSpec("tax_credit_grade", FactType.CHOICE, Message("tax credit grade"), TAX_CREDIT_GRADES),
    FactSpec("annual_invoicing", FactType.MONEY, Message("annual VAT invoicing")),
    FactSpec("avg_monthly_turnover", FactType.MONEY, Message("average monthly turnover")),
    FactSpec(
        "owner_serious_overdue", FactType.FLAG, Message("serious overdue on the owner's credit")
    ),
    FactSpec("tech_enterprise", FactType.FLAG, Message("technology enterprise")),
    FactSpec("annual_rd_spend", FactType.MONEY, Message("annual R&D spending")),
    FactSpec("ip_pledgeable", FactType.FLAG, Message("intellectual property to pledge")),
    FactSpec("insured_staff", FactType.COUNT, Message("insured staff")),
    FactSpec(
        "insured_staff_stable_months", FactType.COUNT, Message("months of stable insured staff")
    ),
    FactSpec("monthly_wage_per_head", FactType.MONEY, Message("monthly wage per head")),
    FactSpec("customer_rating", FactType.NUMBER, Message("customer rating"), maximum=5.0),
    FactSpec("green", FactType.FLAG, Message("green enterprise")),
    FactSpec("in_cultivation_pool", FactType.FLAG, Message("in the first-loan cultivation pool")),
    FactSpec(
        "proof_of_operation", FactType.CHOICE, Message("proof of operation"), PROOFS_OF_OPERATION
    ),
    FactSpec("platform_monthly_settlement", FactType.MONEY, Message("monthly platform settlement")),
)

# The vocabulary, in the order a form or a report lists the facts.
FACTS: Final[Mapping[str, FactSpec]] = {spec.key: spec for spec in _SPECS}

# How a coded choice reads; grades read as themselves.
CHOICE_LABELS: Final[Mapping[str, Message]] = {
    "enterprise": Message("enterprise"),
    "individual": Message("individual business"),
    "property_certificate": Message("property certificate"),
    "lease": Message("lease contract"),
    "utility_records": Message("utility payment records"),
}


class InvalidFacts(DomainError):
    """A facts document with an unknown key or a value of the wrong type."""


# --------------------------------------------------------------------------- industries

# GB/T 4754-2017: the last division of each section, in order (A is 01–05, B 06–12, …).
_SECTION_ENDS: Final = (
    (5, "A"),
    (12, "B"),
    (43, "C"),
    (46, "D"),
    (50, "E"),
    (52, "F"),
    (60, "G"),
    (62, "H"),
    (65, "I"),
    (69, "J"),
    (70, "K"),
    (72, "L"),
    (75, "M"),
    (79, "N"),
    (82, "O"),
    (83, "P"),
    (85, "Q"),
    (90, "R"),
    (96, "S"),
    (97, "T"),
)
_INDUSTRY: Final = re.compile(r"(?P<letter>[A-Z])?(?P<division>[0-9]{2})(?:[0-9]{1,2})?")
_SECTION: Final = re.compile(r"[A-T]")


def section_of(division: int) -> str | None:
    """The section letter of a GB/T 4754 division number (33 → "C"), or None."""
    if division < 1:
        return None
    return next((letter for last, letter in _SECTION_ENDS if division <= last), None)


def industry_code(text: str, *, section_alone: bool = False) -> str | None:
    """A GB/T 4754 code as section letter + division ("33", "c33", "C3311" → "C33"), or None.

    With ``section_alone``, a bare section letter ("C") is accepted too (a catalogue's
    industry list names sections as well as divisions).
    """
    compact = unicodedata.normalize("NFKC", text).replace(" ", "").upper()
    if section_alone and _SECTION.fullmatch(compact):
        return compact
    found = _INDUSTRY.fullmatch(compact)
    if found is None:
        return None
    letter = section_of(int(found["division"]))
    if letter is None or (found["letter"] and found["letter"] != letter):
        return None
    return f"{letter}{found['division']}"


def industry_matches(code: str, entries: tuple[str, ...]) -> bool:
    """Whether a division ("C33") is in a list of sections and divisions ("C", "H62")."""
    return any(entry == code or entry == code[0] for entry in entries)


# --------------------------------------------------------------------------- parsing


def _wrong(key: str, expected: Message, raw: object) -> InvalidFacts:
    return InvalidFacts(
        "facts.wrong_type",
        "fact '{key}' must be {expected}, not {value}",
        key=key,
        expected=expected,
        value=_shown_raw(raw),
    )


def _shown_raw(raw: object) -> str:
    text = repr(raw) if isinstance(raw, str) else str(raw).lower() if raw is not None else "null"
    return text if len(text) <= 40 else text[:39] + "…"


def _money(key: str, raw: object) -> int:
    expected = Message("an amount in yuan, 0 or more")
    if isinstance(raw, bool):
        raise _wrong(key, expected, raw)
    if isinstance(raw, str):
        try:
            return parse_money(raw)
        except InvalidAmount as exc:
            raise _wrong(key, expected, raw) from exc
    if isinstance(raw, int | float):
        try:
            fen = Decimal(repr(raw)) * FEN_PER_YUAN
        except InvalidOperation:
            raise _wrong(key, expected, raw) from None
        if not fen.is_finite() or fen < 0 or fen != fen.to_integral_value():
            raise _wrong(key, expected, raw)
        return int(fen)
    raise _wrong(key, expected, raw)


def _count(key: str, raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
        raise _wrong(key, Message("a whole number, 0 or more"), raw)
    if isinstance(raw, float):
        if not raw.is_integer():
            raise _wrong(key, Message("a whole number, 0 or more"), raw)
        return int(raw)
    return raw


def _number(spec: FactSpec, raw: object) -> float:
    top = spec.maximum if spec.maximum is not None else float("inf")
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= top:
        raise _wrong(spec.key, Message("a number from 0 to {maximum}", maximum=f"{top:g}"), raw)
    return float(raw)


def _date(key: str, raw: object) -> date:
    expected = Message("a date (YYYY-MM-DD)")
    if not isinstance(raw, str):
        raise _wrong(key, expected, raw)
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise _wrong(key, expected, raw) from None


def _choice(spec: FactSpec, raw: object) -> str:
    text = raw.strip() if isinstance(raw, str) else None
    if spec.choices == TAX_CREDIT_GRADES and text is not None:
        text = unicodedata.normalize("NFKC", text).upper()
    if text not in spec.choices:
        raise _wrong(spec.key, Message("one of {choices}", choices=", ".join(spec.choices)), raw)
    assert text is not None
    return text


def _industry(key: str, raw: object) -> str:
    code = industry_code(raw) if isinstance(raw, str) else None
    if code is None:
        raise _wrong(key, Message("a GB/T 4754 industry code such as C33 or 33"), raw)
    return code


def parse_fact(key: str, raw: object) -> FactValue | None:
    """The domain value of one fact from its JSON form; None for null (not known)."""
    spec = FACTS.get(key)
    if spec is None:
        raise InvalidFacts(
            "facts.unknown_key",
            "'{key}' is not a known fact; the facts are: {known}",
            key=key,
            known=", ".join(FACTS),
        )
    if raw is None:
        return None
    match spec.type:
        case FactType.MONEY:
            return _money(key, raw)
        case FactType.COUNT:
            return _count(key, raw)
        case FactType.NUMBER:
            return _number(spec, raw)
        case FactType.FLAG:
            if not isinstance(raw, bool):
                raise _wrong(key, Message("true or false"), raw)
            return raw
        case FactType.DATE:
            return _date(key, raw)
        case FactType.CHOICE:
            return _choice(spec, raw)
        case FactType.INDUSTRY:
            return _industry(key, raw)


class Facts(Mapping[str, FactValue]):
    """A prospect's known facts by key (amounts in fen). Build one with ``parse_facts`` from
    JSON, or directly from domain values (the store decodes each with ``parse_fact``)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, FactValue] | None = None) -> None:
        self._values: dict[str, FactValue] = dict(values or {})

    def __getitem__(self, key: str) -> FactValue:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Facts({self._values!r})"


def parse_facts(data: object) -> Facts:
    """Facts from a JSON object (amounts in yuan, dates ISO); null values are left out."""
    if not isinstance(data, dict):
        raise InvalidFacts("facts.not_object", "the facts must be a JSON object of key: value")
    values: dict[str, FactValue] = {}
    for key, raw in data.items():
        value = parse_fact(str(key), raw)
        if value is not None:
            values[str(key)] = value
    return Facts(values)


def fact_to_json(key: str, value: FactValue) -> object:
    """A fact's JSON form (the inverse of ``parse_fact``): yuan for money, ISO for dates."""
    spec = FACTS[key]
    if spec.type is FactType.MONEY:
        assert isinstance(value, int)
        return yuan(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def facts_to_json(facts: Mapping[str, FactValue]) -> dict[str, object]:
    """Facts as a JSON object, in the vocabulary's order."""
    return {key: fact_to_json(key, facts[key]) for key in FACTS if key in facts}


def yuan(fen: int) -> int | float:
    """Fen as a JSON number of yuan: whole yuan as an integer, else with its fen."""
    whole, part = divmod(fen, FEN_PER_YUAN)
    return whole if part == 0 else float(Decimal(fen) / FEN_PER_YUAN)


# --------------------------------------------------------------------------- in messages


class Shown:
    """A value placed in a message, read the way each language writes it.

    The format spec picks the form: English templates write ``{actual}`` (CNY 820,000) and
    the zh_CN catalogue writes ``{actual:zh}`` (82 万元), so both keep the same placeholders.
    """

    __slots__ = ("money", "value")

    def __init__(self, value: FactValue, *, money: bool = False) -> None:
        self.value = value
        self.money = money

    def __format__(self, spec: str) -> str:
        value = self.value
        if self.money and isinstance(value, int):
            return _wan(value) if spec == "zh" else _cny(value)
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def __str__(self) -> str:
        return format(self, "")

    def __repr__(self) -> str:
        return f"Shown({self.value!r}, money={self.money})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Shown):
            return NotImplemented
        return (self.value, self.money) == (other.value, other.money)

    def __hash__(self) -> int:
        return hash((self.value, self.money))


def _cny(fen: int) -> str:
    whole, part = divmod(fen, FEN_PER_YUAN)
    return f"CNY {whole:,}" if part == 0 else f"CNY {whole:,}.{part:02d}"


def _wan(fen: int) -> str:
    if fen % FEN_PER_YUAN:
        return f"{Decimal(fen) / FEN_PER_YUAN:,.2f} 元"
    wan = (Decimal(fen) / FEN_PER_WAN).normalize()
    return f"{wan:f} 万元"


def shown(key: str, value: FactValue) -> Shown | Message:
    """A fact's value for a message: a translatable label for coded choices."""
    if isinstance(value, str) and value in CHOICE_LABELS:
        return CHOICE_LABELS[value]
    return Shown(value, money=FACTS[key].type is FactType.MONEY)
