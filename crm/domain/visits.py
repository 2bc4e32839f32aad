"""Visit records, their completeness, their hash chain, and financial-literacy checklists.

A visit is planned, then drafted on site (the draft autosaves), then **finalized**: from
then on it never changes. A correction is an amendment, a new record that points at the
original (``amends_id``) and says why. A finalized record is evidence for due-diligence
exemption (尽职免责), so each one stores a hash of its content and of the previous
finalized record of the same prospect: changing, removing or reordering a record behind
the app's back breaks the chain, and ``crm visits verify`` finds it.

The chain runs per prospect (the customer's file), not per device: a prospect's visits are
written by the RM who holds it, and each file verifies on its own.
"""

from __future__ import annotations

import hashlib
import operator
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, cast

from crm.domain.attachments import hashes_text
from crm.domain.errors import DomainError, Message
from crm.domain.prospect import FieldError

PLACE_MAX = 300
TIMING_MAX = 100
TEXT_MAX = 4000
# Far above any first loan (the catalogue's largest is 5,000,000 CNY): catches a typo.
NEED_MAX_FEN = 100_000_000_000
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class VisitKind(StrEnum):
    SITE = "site"
    PHONE = "phone"
    ONLINE = "online"


class VisitStatus(StrEnum):
    PLANNED = "planned"
    DRAFT = "draft"
    FINAL = "final"


class VisitRefused(DomainError):
    """An action on a visit that the rules refuse (editing a finalized record, …)."""


class InvalidVisit(DomainError):
    """Several field problems at once; ``errors`` keeps each for the form."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__(
            "visit.invalid",
            "{problems}",
            problems=[Message(e.template, **e.params) for e in errors],
        )
        self.errors = list(errors)

    def fields(self) -> tuple[str, ...]:
        return tuple(e.field for e in self.errors)


@dataclass
class VisitDraft:
    """What a plan or a visit record says, as a form holds it."""

    visit_on: date
    kind: str = VisitKind.SITE.value
    start_time: str = ""  # HH:MM in the user's zone; "" for "some time that day"
    place: str = ""
    purpose: str = ""
    companions: str = ""
    people_met: str = ""
    operating_state: str = ""
    repayment_source: str = ""
    growth_prospects: str = ""
    need_amount_fen: int | None = None
    need_purpose: str = ""
    need_timing: str = ""
    due_diligence: tuple[str, ...] = ()
    checklist_items: tuple[str, ...] = ()
    credit_auth: bool | None = None
    credit_auth_on: date | None = None
    next_steps: str = ""
    next_visit_on: date | None = None
    amend_reason: str = ""

    def cleaned(self) -> VisitDraft:
        """Text trimmed, codes sorted and unique."""
        values: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = value.strip()
            elif isinstance(value, tuple):
                value = tuple(sorted({str(v).strip() for v in value if str(v).strip()}))
            values[f.name] = value
        return VisitDraft(**values)


PLAN_FIELDS = ("visit_on", "kind", "start_time", "place", "purpose", "companions")
DRAFT_FIELDS = tuple(f.name for f in fields(VisitDraft))


def check_draft(
    draft: VisitDraft,
    due_diligence_codes: Collection[str] = (),
    checklist_codes: Collection[str] = (),
) -> VisitDraft:
    """The draft cleaned, or InvalidVisit: what must hold for any save (plan or draft)."""
    d = draft.cleaned()
    errors: list[FieldError] = []
    if d.kind not in {k.value for k in VisitKind}:
        errors.append(
            FieldError("kind", "visit.kind", "'{kind}' is not a kind of visit", kind=d.kind)
        )
    if d.start_time and not _TIME.match(d.start_time):
        errors.append(FieldError("start_time", "visit.time", "write the time as HH:MM, e.g. 09:30"))
    if len(d.place) > PLACE_MAX:
        errors.append(
            FieldError(
                "place",
                "visit.place_long",
                "the place is longer than {max} characters",
                max=PLACE_MAX,
            )
        )
    if len(d.need_timing) > TIMING_MAX:
        errors.append(
            FieldError(
                "need_timing",
                "visit.timing_long",
                "the timing is longer than {max} characters",
                max=TIMING_MAX,
            )
        )
    for f in fields(d):
        value = getattr(d, f.name)
        if isinstance(value, str) and len(value) > TEXT_MAX:
            errors.append(
                FieldError(
                    f.name,
                    "visit.text_long",
                    "this text is longer than {max} characters",
                    max=TEXT_MAX,
                )
            )
    if d.need_amount_fen is not None and not 0 <= d.need_amount_fen <= NEED_MAX_FEN:
        errors.append(
            FieldError(
                "need_amount_fen",
                "visit.need_amount",
                "the amount needed must be between zero and 1,000,000,000 yuan",
            )
        )
    if d.next_visit_on is not None and d.next_visit_on <= d.visit_on:
        errors.append(
            FieldError(
                "next_visit_on", "visit.next_before", "the next visit must come after this one"
            )
        )
    if d.credit_auth is not True and d.credit_auth_on is not None:
        d = _replace(d, credit_auth_on=None)
    unknown = [c for c in d.due_diligence if due_diligence_codes and c not in due_diligence_codes]
    if unknown:
        errors.append(
            FieldError(
                "due_diligence",
                "visit.dd_unknown",
                "unknown due-diligence items: {codes}",
                codes=", ".join(unknown),
            )
        )
    unknown = [c for c in d.checklist_items if checklist_codes and c not in checklist_codes]
    if unknown:
        errors.append(
            FieldError(
                "checklist_items",
                "visit.checklist_unknown",
                "unknown checklist items: {codes}",
                codes=", ".join(unknown),
            )
        )
    if errors:
        raise InvalidVisit(errors)
    return d


def _replace(draft: VisitDraft, **changes: Any) -> VisitDraft:
    values = {f.name: getattr(draft, f.name) for f in fields(draft)}
    values.update(changes)
    return VisitDraft(**values)


def finalize_problems(
    draft: VisitDraft, today: date, *, amendment: bool = False
) -> list[FieldError]:
    """What a record still lacks before it can be finalized (an empty list: nothing)."""
    d = draft.cleaned()
    errors: list[FieldError] = []

    def need(name: str, what: Message) -> None:
        if not getattr(d, name):
            errors.append(FieldError(name, f"visit.required.{name}", what.template))

    if d.visit_on > today:
        errors.append(
            FieldError(
                "visit_on",
                "visit.future",
                "a visit on {day} has not happened yet",
                day=d.visit_on.isoformat(),
            )
        )
    site = d.kind == VisitKind.SITE.value
    if site:
        need("place", Message("say where the visit took place"))
    need("people_met", Message("say who you met"))
    need("purpose", Message("say what the visit was for"))
    if site:
        need("operating_state", Message("describe the real operating state you saw"))
        need("repayment_source", Message("describe the first repayment source"))
        need("growth_prospects", Message("describe the growth prospects"))
        if d.credit_auth is None:
            errors.append(
                FieldError(
                    "credit_auth",
                    "visit.required.credit_auth",
                    "record whether the customer authorised a credit-information query",
                )
            )
    if d.need_amount_fen:
        need("need_purpose", Message("say what the financing is for"))
        need("need_timing", Message("say when the financing is needed"))
    if d.credit_auth is True:
        if d.credit_auth_on is None:
            errors.append(
                FieldError(
                    "credit_auth_on",
                    "visit.required.credit_auth_on",
                    "give the date of the credit-query authorisation",
                )
            )
        elif d.credit_auth_on > today:
            errors.append(
                FieldError(
                    "credit_auth_on",
                    "visit.auth_future",
                    "the authorisation date cannot be in the future",
                )
            )
    need("next_steps", Message("write the next steps"))
    if amendment:
        need("amend_reason", Message("say what this amendment corrects"))
    return errors


# -- the hash chain -------------------------------------------------------------------------

# Everything a finalized record says, plus who finalized it and when. Order matters: it is
# part of the hash. Adding a field later means a new chain version, never reordering this.
HASHED_FIELDS = (
    "id",
    "prospect_id",
    "rm_id",
    "kind",
    "visit_on",
    "start_time",
    "place",
    "purpose",
    "companions",
    "people_met",
    "operating_state",
    "repayment_source",
    "growth_prospects",
    "need_amount_fen",
    "need_purpose",
    "need_timing",
    "due_diligence",
    "checklist_items",
    "credit_auth",
    "credit_auth_on",
    "next_steps",
    "next_visit_on",
    "amends_id",
    "amend_reason",
    "finalized_at",
    "finalized_by",
)
CHAIN_VERSION = "v1"


def canonical_value(value: object) -> str:
    """One field as hashed: the same text whether it comes from Python or from the file."""
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def codes_text(codes: Iterable[str]) -> str:
    """Item codes as stored: sorted, space-separated."""
    return " ".join(sorted(set(codes)))


def codes_of(text: str) -> tuple[str, ...]:
    return tuple(text.split()) if text else ()


_PREFIXES = tuple(f"{name}\x1f" for name in HASHED_FIELDS)


def canonical_values(values: Sequence[object]) -> str:
    """The hashed text of a record's HASHED_FIELDS values, given in that order."""
    if len(values) != len(_PREFIXES):
        raise ValueError(f"expected {len(_PREFIXES)} values, got {len(values)}")
    texts = [value if type(value) is str else canonical_value(value) for value in values]
    return "\x1e".join(map(operator.add, _PREFIXES, texts))


def canonical(record: Mapping[str, object]) -> str:
    return canonical_values([record[name] for name in HASHED_FIELDS])


def chain_hash_values(
    values: Sequence[object], prev_hash: str, attachments: Iterable[str] | str = ""
) -> str:
    """SHA-256 of the previous record's hash and this record's canonical content, then the
    SHA-256 of each file the record holds (sorted; a record without files hashes as before
    files could be attached, so earlier chains still check)."""
    digest = hashlib.sha256(f"{CHAIN_VERSION}\n{prev_hash}\n".encode())
    digest.update(canonical_values(values).encode())
    if files := hashes_text(attachments):
        digest.update(f"\x1eattachments\x1f{files}".encode())
    return digest.hexdigest()


def chain_hash(record: Mapping[str, object], prev_hash: str) -> str:
    """The hash of a record given by field name (``attachments``: its files' hashes)."""
    value = record.get("attachments") or ""
    files = value if isinstance(value, str) else [str(h) for h in cast(Iterable[object], value)]
    return chain_hash_values([record[name] for name in HASHED_FIELDS], prev_hash, files)


class ChainProblem(StrEnum):
    # The stored content no longer gives the stored hash: changed after finalizing.
    CHANGED = "changed"
    # The record does not follow the one before it: one was removed, inserted or reordered.
    BROKEN = "broken"
    # A record that was finalized (it has a hash) is no longer marked final.
    REOPENED = "reopened"


@dataclass(frozen=True)
class ChainFinding:
    visit_id: str
    prospect_id: str
    problem: ChainProblem


def verify_chain(records: Iterable[Mapping[str, object]]) -> list[ChainFinding]:
    """Check one prospect's finalized records, given in finalizing order (``finalized_at``,
    then ``id``); each needs the HASHED_FIELDS plus ``content_hash`` and ``prev_hash``."""
    findings: list[ChainFinding] = []
    expected_prev = ""
    for record in records:
        vid, pid = str(record["id"]), str(record["prospect_id"])
        stored = str(record["content_hash"])
        prev = str(record["prev_hash"])
        if chain_hash(record, prev) != stored:
            findings.append(ChainFinding(vid, pid, ChainProblem.CHANGED))
        elif prev != expected_prev:
            findings.append(ChainFinding(vid, pid, ChainProblem.BROKEN))
        expected_prev = stored
    return findings


# -- financial-literacy checklists ------------------------------------------------------------


class InvalidChecklist(DomainError):
    """A checklist template that cannot be used; says which entry is wrong."""


@dataclass(frozen=True)
class ChecklistArea:
    code: str
    name_zh: str
    name_en: str
    position: int


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    area: str
    text_zh: str
    text_en: str
    position: int


@dataclass(frozen=True)
class ChecklistTemplate:
    areas: tuple[ChecklistArea, ...]
    items: tuple[ChecklistItem, ...]
    # A first-loan customer's checklist counts as stalled when nothing was ticked for this
    # many days (and it is not complete).
    stalled_after_days: int = 60

    def codes(self) -> frozenset[str]:
        return frozenset(i.code for i in self.items)

    def items_of(self, area: str) -> tuple[ChecklistItem, ...]:
        return tuple(i for i in self.items if i.area == area)


@dataclass(frozen=True)
class AreaProgress:
    area: ChecklistArea
    done: int
    total: int


@dataclass(frozen=True)
class ChecklistProgress:
    areas: tuple[AreaProgress, ...] = field(default_factory=tuple)

    @property
    def done(self) -> int:
        return sum(a.done for a in self.areas)

    @property
    def total(self) -> int:
        return sum(a.total for a in self.areas)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def checklist_progress(template: ChecklistTemplate, ticked: Collection[str]) -> ChecklistProgress:
    wanted = set(ticked)
    return ChecklistProgress(
        tuple(
            AreaProgress(
                area,
                sum(1 for i in template.items_of(area.code) if i.code in wanted),
                len(template.items_of(area.code)),
            )
            for area in template.areas
        )
    )


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidChecklist(
            "checklist.field", "{where}: '{key}' must be a non-empty text", where=where, key=key
        )
    return value.strip()


def parse_checklists(data: Mapping[str, Any]) -> ChecklistTemplate:
    """Head office's checklist template (JSON): areas, each with its items::

    {"stalled_after_days": 60,
     "areas": [{"code": "credit", "name_zh": "…", "name_en": "…",
                "items": [{"code": "credit.report", "zh": "…", "en": "…"}, …]}, …]}
    """
    raw = data.get("areas")
    if not isinstance(raw, list) or not raw:
        raise InvalidChecklist("checklist.no_areas", "the checklist template has no areas")
    areas: list[ChecklistArea] = []
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for n, entry in enumerate(raw, 1):
        where = f"area #{n}"
        if not isinstance(entry, dict):
            raise InvalidChecklist("checklist.area", "{where} is not an object", where=where)
        area = ChecklistArea(
            _text(entry, "code", where),
            _text(entry, "name_zh", where),
            _text(entry, "name_en", where),
            n,
        )
        areas.append(area)
        for k, item in enumerate(entry.get("items") or [], 1):
            here = f"{where} item #{k}"
            if not isinstance(item, dict):
                raise InvalidChecklist("checklist.item", "{where} is not an object", where=here)
            code = _text(item, "code", here)
            if code in seen or len(code) > 40:
                raise InvalidChecklist(
                    "checklist.code",
                    "{where}: the code '{code}' is repeated or too long",
                    where=here,
                    code=code,
                )
            seen.add(code)
            items.append(
                ChecklistItem(
                    code, area.code, _text(item, "zh", here), _text(item, "en", here), n * 100 + k
                )
            )
    stalled = data.get("stalled_after_days", 60)
    if isinstance(stalled, bool) or not isinstance(stalled, int) or not 1 <= stalled <= 366:
        raise InvalidChecklist(
            "checklist.stalled",
            "stalled_after_days must be from 1 to 366, got '{value}'",
            value=stalled,
        )
    return ChecklistTemplate(tuple(areas), tuple(items), stalled)


# -- due diligence (贷前调查、贷时审查、贷后检查: the "three checks") ----------------------------


@dataclass(frozen=True)
class DueDiligenceItem:
    code: str
    phase: str  # before / during / after
    text_zh: str
    text_en: str


DUE_DILIGENCE_PHASES = ("before", "during", "after")


def parse_due_diligence(data: Mapping[str, Any]) -> tuple[DueDiligenceItem, ...]:
    raw = data.get("items")
    if not isinstance(raw, list) or not raw:
        raise InvalidChecklist("dd.no_items", "the due-diligence list has no items")
    result: list[DueDiligenceItem] = []
    for n, entry in enumerate(raw, 1):
        where = f"due-diligence item #{n}"
        if not isinstance(entry, dict):
            raise InvalidChecklist("dd.item", "{where} is not an object", where=where)
        phase = _text(entry, "phase", where)
        if phase not in DUE_DILIGENCE_PHASES:
            raise InvalidChecklist(
                "dd.phase", "{where}: the phase must be before, during or after", where=where
            )
        result.append(
            DueDiligenceItem(
                _text(entry, "code", where),
                phase,
                _text(entry, "zh", where),
                _text(entry, "en", where),
            )
        )
    return tuple(result)
