"""What makes a prospect record valid, checked field by field so forms can say it inline."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar

from crm.domain.contact import normalise_phone
from crm.domain.errors import DomainError, Message
from crm.domain.text import normalise_name, squeeze_spaces
from crm.domain.uscc import USCC

NAME_MAX = 200
# The prospect fields a form edits and an import fills; the outbox carries them by these names.
EDITABLE_FIELDS = (
    "name",
    "kind",
    "uscc",
    "owner_name",
    "phone",
    "address",
    "district_code",
    "street",
    "industry_code",
    "registered_capital_fen",
    "established_on",
    "notes",
)
T = TypeVar("T")


class ProspectKind(StrEnum):
    ENTERPRISE = "enterprise"
    INDIVIDUAL = "individual"


class FieldError(DomainError):
    """A problem with one field of a form, reported next to that field."""

    field: str

    def __init__(self, field_name: str, code: str, template: str, /, **params: object) -> None:
        super().__init__(code, template, **params)
        self.field = field_name


class InvalidProspect(DomainError):
    """Several field errors at once; ``errors`` keeps each for the form."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(
            "prospect.invalid",
            "{problems}",
            problems=[Message(e.template, **e.params) for e in errors],
        )
        self.errors = errors


@dataclass(frozen=True)
class Catalogues:
    """Codes the data files define; passed in so the domain stays free of I/O."""

    industries: Collection[str] = ()
    tags: Collection[str] = ()
    sources: Collection[str] = ()
    districts: Collection[str] = ()


@dataclass
class ProspectDraft:
    """A prospect as typed into a form or read from a list, before it is checked."""

    name: str = ""
    kind: str = ProspectKind.ENTERPRISE.value
    uscc: str = ""
    owner_name: str = ""
    phone: str = ""
    address: str = ""
    district_code: str = ""
    street: str = ""
    industry_code: str = ""
    registered_capital_fen: int | None = None
    established_on: date | None = None
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CleanProspect:
    """A checked prospect: normalised values ready to store."""

    name: str
    name_key: str
    kind: str
    uscc: str | None
    owner_name: str
    phone: str
    address: str
    district_code: str | None
    street: str
    industry_code: str | None
    registered_capital_fen: int | None
    established_on: date | None
    notes: str
    tags: tuple[str, ...]
    sources: tuple[str, ...]


def check_name(value: str) -> str:
    name = squeeze_spaces(value)
    if not name:
        raise FieldError("name", "prospect.name_empty", "a name is required")
    if len(name) > NAME_MAX:
        raise FieldError(
            "name",
            "prospect.name_long",
            "the name is {length} characters; at most {limit}",
            length=len(name),
            limit=NAME_MAX,
        )
    return name


def check_uscc(value: str) -> str | None:
    if not value.strip():
        return None
    try:
        return USCC.parse(value).value
    except DomainError as exc:
        raise FieldError("uscc", exc.code, exc.template, **exc.params) from exc


def check_phone(value: str, field_name: str = "phone") -> str:
    if not value.strip():
        return ""
    try:
        return normalise_phone(value)
    except DomainError as exc:
        raise FieldError(field_name, exc.code, exc.template, **exc.params) from exc


def check_kind(value: str) -> str:
    try:
        return ProspectKind(value).value
    except ValueError:
        raise FieldError(
            "kind",
            "prospect.kind",
            "unknown kind {kind}: enterprise or individual business",
            kind=value,
        ) from None


def check_code(field_name: str, value: str, known: Collection[str]) -> str | None:
    code = value.strip()
    if not code:
        return None
    if known and code not in known:
        raise FieldError(field_name, "prospect.unknown_code", "unknown code {code}", code=code)
    return code


def check_codes(field_name: str, values: list[str], known: Collection[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        code = check_code(field_name, value, known)
        if code:
            seen[code] = None
    return tuple(seen)


def check_capital(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise FieldError(
            "registered_capital_fen",
            "prospect.capital_negative",
            "registered capital cannot be negative",
        )
    return value


def check_established(value: date | None, today: date) -> date | None:
    if value is not None and value > today:
        raise FieldError(
            "established_on",
            "prospect.established_future",
            "the date of establishment {day} is in the future",
            day=value.isoformat(),
        )
    return value


def validate(draft: ProspectDraft, catalogues: Catalogues, today: date) -> CleanProspect:
    """Check every field; raise InvalidProspect listing all problems, or return clean values."""
    problems: list[FieldError] = []

    def attempt(check: Callable[[], T], default: T) -> T:
        try:
            return check()
        except FieldError as exc:
            problems.append(exc)
            return default

    name = attempt(lambda: check_name(draft.name), "")
    clean = CleanProspect(
        name=name,
        name_key=normalise_name(name),
        kind=attempt(lambda: check_kind(draft.kind), ProspectKind.ENTERPRISE.value),
        uscc=attempt(lambda: check_uscc(draft.uscc), None),
        owner_name=squeeze_spaces(draft.owner_name),
        phone=attempt(lambda: check_phone(draft.phone), ""),
        address=squeeze_spaces(draft.address),
        district_code=attempt(
            lambda: check_code("district_code", draft.district_code, catalogues.districts), None
        ),
        street=squeeze_spaces(draft.street),
        industry_code=attempt(
            lambda: check_code("industry_code", draft.industry_code, catalogues.industries), None
        ),
        registered_capital_fen=attempt(lambda: check_capital(draft.registered_capital_fen), None),
        established_on=attempt(lambda: check_established(draft.established_on, today), None),
        notes=draft.notes.strip(),
        tags=attempt(lambda: check_codes("tags", draft.tags, catalogues.tags), ()),
        sources=attempt(lambda: check_codes("sources", draft.sources, catalogues.sources), ()),
    )
    if problems:
        raise InvalidProspect(problems)
    return clean
