"""The sync protocol shared by the desktop client and the head-office service.

Plain JSON over HTTP under ``/sync/v1/``; every endpoint but ``hello`` and ``register``
needs the device token (``Authorization: Bearer …``) and every request names the protocol
version it speaks (``X-Sync-Protocol``), so an old client is told to upgrade before
anything is written.

Shapes (all JSON objects):

- ``hello``: ``{protocol, schema, client_time_ms, device_id}`` →
  ``{protocol_min, protocol_max, schema, epoch, server_time_ms, device_status, user}``
- ``register``: ``{username, password, device_id, device_name}`` → ``{token, user}``
- ``push``: ``{ops: [Op]}`` → ``{results: [Result], server_time_ms}``; an ``Op`` is
  ``{op_id, entity, entity_id, kind, payload, base_version, hlc, created_at}`` and a
  ``Result`` is ``{op_id, status, code?, message?, params?, duplicate_of?, superseded?,
  record?}`` with ``status`` one of applied / duplicate / rejected. The op (``Op``) and
  each kind's payload (``ProspectCreate``, ``StageChange``, ``LoanCreate``, … below, see
  ``payload_model``) are pydantic models: an op that does not fit is rejected on its own
  with code ``invalid``, the reason in ``message`` and the places in ``invalid_fields``.
- ``pull?since=SEQ&limit=N``: ``{changes: [Change], cursor, more, epoch}``; a ``Change``
  is ``{seq, entity, id, op, record?}`` with ``op`` upsert / remove (left this device's
  scope) / delete.
- ``snapshot?as_of=SEQ&after=ORD:ID&limit=N``: ``{as_of, records: [Record], after, more,
  epoch}``: a keyset-paginated walk of everything in the device's scope (at most N
  records, and no more than ``MAX_PAGE_CHARS`` of them).
- ``counts[?entity=E]``: ``{counts: {entity: n}, as_of}`` for the sanity check after a
  sync (of entity E only when given).

A ``Record`` is ``{entity, id, version, deleted, owner_id, team_id, prospect_id, pool,
data}``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal, TypeGuard

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from crm.domain.audit import AuditRefused, check_line
from crm.domain.prospect import ProspectKind
from crm.domain.stages import Stage

PROTOCOL_VERSION: Final = 1
PROTOCOL_MIN: Final = 1
PROTOCOL_MAX: Final = 1
API: Final = "/sync/v1"
PROTOCOL_HEADER: Final = "X-Sync-Protocol"

# A device whose clock is further than this from head office's is refused (hello), and an
# edit stamped further ahead than this is rejected (push): otherwise a fast clock would win
# every last-writer-wins comparison for as long as it stays ahead.
MAX_CLOCK_SKEW_MS: Final = 5 * 60 * 1000

PUSH_BATCH: Final = 500
PULL_PAGE: Final = 1000
# A first download's page. Fewer, larger pages mean fewer round trips and commits; but each
# is applied in one transaction, which a user's edit meanwhile waits for, so a page must
# stay small enough to apply in a moment.
SNAPSHOT_PAGE: Final = 5000
MAX_PAGE: Final = 5000
# A snapshot page also ends once its records reach this many characters of JSON, so the
# memory a page takes is bounded whatever the records hold (long notes).
MAX_PAGE_CHARS: Final = 8 * 1024 * 1024
# Requests larger than this are refused with 413 before they are parsed.
MAX_BODY_BYTES: Final = 16 * 1024 * 1024
# A file's bytes go up in chunks of this size (``PUT blobs/{sha256}`` with Content-Range), so
# an upload cut off resumes where head office's copy ends. Head office takes no file larger
# than MAX_BLOB_BYTES whatever a device's data allows (resources/data/attachments.json).
BLOB_CHUNK: Final = 1024 * 1024
MAX_BLOB_BYTES: Final = 64 * 1024 * 1024
# What head office answers a HEAD of a file with: the bytes it holds (from the start), its
# size when known, and whether the file is complete (its hash checked).
OFFSET_HEADER: Final = "Upload-Offset"
LENGTH_HEADER: Final = "Upload-Length"
COMPLETE_HEADER: Final = "Upload-Complete"

APPLIED: Final = "applied"
DUPLICATE: Final = "duplicate"
REJECTED: Final = "rejected"

UPSERT: Final = "upsert"
REMOVE: Final = "remove"
DELETE: Final = "delete"

DEVICE_ACTIVE: Final = "active"
DEVICE_REVOKED: Final = "revoked"
DEVICE_UNKNOWN: Final = "unknown"

# Entities in the order a device must apply them (parents before children).
ENTITY_ORDER: Final[dict[str, int]] = {
    "team": 0,
    "user": 1,
    "reference": 2,
    "prospect": 3,
    "contact": 4,
    "loan": 4,
    "visit": 5,
    "checklist_tick": 6,
    "visit_attachment": 6,
    "prospect_fact": 4,
    "held_service": 4,
    "service_plan": 4,
}
CHILD_ORDER: Final = 7  # entities the server does not know by name yet
# The head of a prospect's chain of finalized visits, kept by head office (a device reports
# a gap in its own chain, never writes one): see crm.headoffice.chains.
VISIT_CHAIN: Final = "visit_chain"
# A line of a device's audit log (crm.domain.audit): pushed once, kept by head office as sent,
# never changed and never pulled by any device.
AUDIT: Final = "audit"
PARENT_FIELD: Final = "prospect_id"
# Entities whose key is several payload fields rather than the op's entity id.
COMPOSITE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "checklist_tick": ("prospect_id", "item_code"),
    "prospect_fact": ("prospect_id", "key"),
    "held_service": ("prospect_id", "service_code"),
    # One plan per customer: keyed by its prospect.
    "service_plan": ("prospect_id",),
}
# Op kinds that remove the record (delete wins over any concurrent edit).
DELETE_KINDS: Final = frozenset({"delete", "cancel"})
REFERENCE_KINDS: Final = frozenset(
    {"catalogue", "checklists", "cadence", "holidays", "criteria", "scorecard", "security"}
)

# Error codes of refused requests (HTTP status, code): the client turns each into a message.
E_UPGRADE: Final = "upgrade_required"
E_CLOCK: Final = "clock_skew"
E_AUTH: Final = "unauthorized"
E_REVOKED: Final = "device_revoked"
E_PASSWORD: Final = "wrong_password"
E_LOCKED: Final = "locked_out"
E_BAD: Final = "bad_request"
E_TOO_LARGE: Final = "too_large"
E_EPOCH: Final = "epoch_changed"
E_DEVICE_TAKEN: Final = "device_taken"
# Head office's security policy requires an encrypted book and this device's is plain.
E_ENCRYPTION: Final = "encryption_required"
# A file's bytes (``blobs``): not there or not the device's to see, a chunk that does not
# start where head office's copy ends, bytes that do not hash to the file's name.
E_NOT_FOUND: Final = "not_found"
E_BLOB_OFFSET: Final = "blob_offset"
E_BLOB_HASH: Final = "blob_hash"

# Codes of rejected ops (a push result), shown on the conflicts page.
R_DELETED: Final = "deleted"
R_SCOPE: Final = "out_of_scope"
R_STAGE: Final = "stage_conflict"
R_STAGE_RULE: Final = "stage_refused"
R_DUPLICATE: Final = "duplicate_uscc"
R_TAKEN: Final = "taken"
R_CLOCK: Final = "clock_ahead"
R_FINAL: Final = "finalized"
R_MISSING: Final = "missing"
R_INVALID: Final = "invalid"
R_REUSED: Final = "op_reused"
R_ROLE: Final = "not_allowed"
# A device's chain of a prospect's finalized visits lacks records head office holds.
R_CHAIN_GAP: Final = "chain_gap"
# A result that applied only some fields: the others lost to later edits (merged).
MERGED: Final = "merged"


def canonical(value: Any) -> bytes:
    """The one JSON form both sides hash: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def op_hash(op: Mapping[str, Any]) -> str:
    """What makes an op itself: a retry must carry the same hash as the first attempt."""
    fields = {k: op.get(k) for k in ("op_id", "entity", "entity_id", "kind", "payload", "hlc")}
    return hashlib.sha256(canonical(fields)).hexdigest()


def record_key(entity: str, entity_id: str, payload: Mapping[str, Any]) -> str:
    """The server's key of the record an op is about."""
    parts = COMPOSITE_KEYS.get(entity)
    if parts and all(payload.get(p) for p in parts):
        return "/".join(str(payload[p]) for p in parts)
    return entity_id


def entity_order(entity: str) -> int:
    return ENTITY_ORDER.get(entity, CHILD_ORDER)


def hlc_millis(hlc: str) -> int:
    """The wall-clock part of an HLC's text form (see crm.sync.hlc); an HLC that is not of
    that form counts as far ahead (so no clock check lets it pass)."""
    if not valid_hlc(hlc):
        return MAX_INT
    return int(hlc[:13])


def valid_hlc(hlc: Any) -> bool:
    """Whether ``hlc`` is an HLC's text form: 13-digit millis, 4-hex counter, node."""
    return isinstance(hlc, str) and _HLC.fullmatch(hlc) is not None


def plausible_server_time(value: Any, local_ms: int) -> TypeGuard[int]:
    """Whether a time head office reports (``server_time_ms``) is one a device may move its
    clock to: an integer of an HLC's width within MAX_CLOCK_SKEW_MS of the device's."""
    return type(value) is int and 0 <= value < 10**13 and abs(value - local_ms) <= MAX_CLOCK_SKEW_MS


# -- request bodies --------------------------------------------------------------------------
#
# Checked before anything reads them: JSON nested no deeper than MAX_DEPTH (counted on the
# raw bytes, before a recursive parser sees them), finite numbers, integers within 64 bits
# where they are stored, and text every store can keep (no lone surrogates, no NUL).

MAX_DEPTH: Final = 32
MAX_INT: Final = 2**63 - 1
# A JSON string (the unrolled form: a run of plain characters between escapes), and every
# byte but the four brackets (deleted to leave the nesting alone).
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_OPENERS = frozenset(b"[{")


def nesting_depth(raw: bytes) -> int:
    """How deeply the JSON text ``raw`` nests arrays and objects (strings skipped); stops
    counting once past MAX_DEPTH."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    for byte in _STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS):
        if byte in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    break
        else:
            depth -= 1
    return deepest


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("a number too large")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(raw: bytes | str) -> Any:
    """JSON as a request or a page carries it: NaN, Infinity and numbers beyond a double
    are refused (ValueError)."""
    return json.loads(raw, parse_float=_finite, parse_constant=_no_constant)


def text_problem(value: Any) -> str:
    """Why ``value`` (decoded JSON) cannot be stored as is ("" if it can): a string with a
    lone surrogate or a NUL character anywhere in it."""
    try:
        text = json.dumps(value, ensure_ascii=False)
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "text with a lone surrogate (not Unicode that encodes)"
    except (TypeError, ValueError):
        return "a value that is not JSON"
    if "\\u0000" in text and _has_nul(value):
        return "text with a NUL character"
    return ""


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def after_token(order: int, key: str) -> str:
    return f"{order}:{key}"


def parse_after(token: str | None) -> tuple[int, str] | None:
    if not token:
        return None
    order, _, key = token.partition(":")
    if not order.isdigit() or len(order) > 4 or len(key) > MAX_KEY:
        raise ValueError("bad snapshot position")
    return int(order), key


# -- ops and their payloads ------------------------------------------------------------------
#
# What a device pushes, as head office reads it: the op itself (``Op``) and, for each kind of
# op, a model of its payload. An op or payload that does not fit is rejected on its own
# (R_INVALID, the reason in the message) and nothing of it is stored; the other ops of the
# push go on. Values must have their JSON type exactly (no "5" for 5, no 1.0 for 1).
# A prospect keeps only its known fields (``PROSPECT_FIELDS``: stage and owner change by
# command only), so other keys of a prospect payload are ignored; a child record (contact,
# loan, visit, checklist tick, or a kind head office does not know yet) is stored as sent, so
# its known fields are checked and the others kept.

MAX_ID: Final = 36  # ids are UUIDs: ops, prospects, users, stage events
MAX_NAME: Final = 40  # entity names and op kinds
MAX_KEY: Final = 120  # a record's key (a composite key joins its parts with "/")
MAX_CODE: Final = 80  # codes: checklist items
MAX_USCC: Final = 18
# The text form of a hybrid logical clock (crm.domain.hlc): wall-clock milliseconds, logical
# counter, node. Head office compares these as strings, which needs the fixed widths.
HLC_PATTERN: Final = r"[0-9]{13}-[0-9a-f]{4}-\S{1,64}"
_HLC = re.compile(HLC_PATTERN)


def _iso_date(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError("not a date (YYYY-MM-DD)") from None
    if len(text) != 10:
        raise ValueError("not a date (YYYY-MM-DD)")
    return text


def _iso_datetime(text: str) -> str:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("not an ISO 8601 date and time") from None
    return text


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


def _stage(text: str) -> str:
    if text not in _STAGES:
        raise ValueError(f"not a stage (one of {', '.join(_STAGES)})")
    return text


def _prospect_kind(text: str) -> str:
    if text not in _KINDS:
        raise ValueError(f"not a kind of prospect (one of {', '.join(_KINDS)})")
    return text


def _hlc(text: str) -> str:
    if not _HLC.fullmatch(text):
        raise ValueError("not a hybrid logical clock (MILLIS-LOGICAL-NODE)")
    return text


_STAGES: Final = tuple(s.value for s in Stage)
_KINDS: Final = tuple(k.value for k in ProspectKind)


class Described:
    """What a checked type's JSON Schema adds (format, pattern, enum) for the OpenAPI
    document: the check itself is the validator beside it."""

    def __init__(self, **schema: Any) -> None:
        self.schema = schema

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        value = handler(core_schema)
        value.update(self.schema)
        return value


Id = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=MAX_KEY)]
Word = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CODE)]
NonBlank = Annotated[str, AfterValidator(_not_blank), Described(pattern=r"\S")]
IsoDate = Annotated[
    str, AfterValidator(_iso_date), Described(format="date", minLength=10, maxLength=10)
]
IsoDateTime = Annotated[str, AfterValidator(_iso_datetime), Described(format="date-time")]
StageName = Annotated[str, AfterValidator(_stage), Described(enum=list(_STAGES))]
Fen = Annotated[int, Field(ge=0, le=MAX_INT)]
# A loan's amount: the store refuses a loan of nothing (what head office takes, a laptop
# must be able to store).
PositiveFen = Annotated[int, Field(gt=0, le=MAX_INT)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]


class Op(BaseModel):
    """One op as a device pushes it (its payload is checked by ``parse_payload``)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    op_id: Id
    entity: Word
    entity_id: Key
    kind: Word
    payload: dict[str, Any]
    hlc: Annotated[str, AfterValidator(_hlc), Described(pattern=f"^{HLC_PATTERN}$")]
    created_at: IsoDateTime | None = None
    base_version: Count | None = None

    @field_validator("entity_id")
    @classmethod
    def _prospect_id(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("entity") == "prospect" and len(value) > MAX_ID:
            raise ValueError(f"a prospect's id has at most {MAX_ID} characters")
        return value


class Payload(BaseModel):
    """An op's payload: exact JSON types; keys the model does not name are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    def sent(self) -> dict[str, Any]:
        """The fields the payload carried, as sent (with a child record's unknown ones)."""
        return self.model_dump(exclude_unset=True, by_alias=True)


class ProspectFields(Payload):
    """A prospect's fields a device may set, each optional (an update sends what changed)."""

    name: NonBlank | None = None
    kind: Annotated[str, AfterValidator(_prospect_kind), Described(enum=list(_KINDS))] | None = None
    uscc: Annotated[str, StringConstraints(max_length=MAX_USCC)] | None = None
    owner_name: str | None = None
    phone: str | None = None
    address: str | None = None
    district_code: str | None = None
    street: str | None = None
    industry_code: str | None = None
    registered_capital_fen: Fen | None = None
    established_on: IsoDate | None = None
    notes: str | None = None
    tags: list[str] | None = None
    sources: list[str] | None = None
    last_contact_on: IsoDate | None = None
    next_visit_due: IsoDate | None = None

    @field_validator("name")
    @classmethod
    def _named(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("a prospect needs a name")
        return value

    def known(self) -> dict[str, Any]:
        """The prospect fields sent (``PROSPECT_FIELDS`` only), as sent."""
        return self.model_dump(exclude_unset=True, include=set(PROSPECT_FIELDS))


# Prospect fields an ``update`` op may change (stage and owner change by command only).
PROSPECT_FIELDS: Final = frozenset(ProspectFields.model_fields)


class ProspectCreate(ProspectFields):
    """``create``: a new prospect in the device user's book (or an RM's of their team)."""

    name: NonBlank
    # A prospect starts as a no-loan business: later stages are reached by stage commands,
    # through their gates.
    stage: Annotated[StageName, Described(enum=[Stage.NO_LOAN.value])] | None = None
    rm_id: Id | None = None

    @field_validator("stage")
    @classmethod
    def _starts_without_loan(cls, value: str | None) -> str | None:
        if value is not None and value != Stage.NO_LOAN.value:
            raise ValueError(f"a new prospect starts at {Stage.NO_LOAN.value}")
        return value

    # The id of the prospect's first stage event on the device: head office's event keeps it.
    event_id: Id | None = None


class ProspectUpdate(Payload):
    """``update``: the fields that changed."""

    fields: ProspectFields


class StageChange(Payload):
    """``stage``: a command ``{from, to, reason}`` checked against head office's stage."""

    from_: StageName = Field(alias="from")
    to: StageName
    event_id: Id | None = None
    reason_code: str | None = None
    reason: str | None = None


class Assign(Payload):
    """``assign``: give the prospect to an RM (None, back to the pool, is head office's)."""

    rm_id: Id | None
    note: str | None = None


class Claim(Payload):
    """``claim``: take a prospect from the shared pool (only one RM wins)."""


class Removal(Payload):
    """``delete`` / ``cancel``: the record goes (delete wins over concurrent edits)."""

    reason: str | None = None
    prospect_id: Id | None = None


class ChildFields(Payload):
    """A record under a prospect, stored as sent: its known fields are checked, others kept."""

    model_config = ConfigDict(extra="allow")

    prospect_id: Id | None = None


class ContactFields(ChildFields):
    name: NonBlank | None = None
    title: str | None = None
    phone: str | None = None
    is_primary: bool | None = None
    notes: str | None = None


class ContactCreate(ContactFields):
    prospect_id: Id
    name: NonBlank


class LoanFields(ChildFields):
    product_code: str | None = None
    amount_fen: PositiveFen | None = None
    rate_bp: Count | None = None
    start_date: IsoDate | None = None
    maturity_date: IsoDate | None = None
    status: Literal["active", "repaid", "overdue", "renewed", "not_renewed"] | None = None
    credit_line_fen: Fen | None = None
    repayment_mode: str | None = None
    balance_fen: Fen | None = None
    renewed_from_id: Id | None = None
    renewed_by_id: Id | None = None
    outcome_reason: str | None = None
    closed_on: IsoDate | None = None
    # A repayment (op ``repay``): how much, on which day.
    repaid_fen: Fen | None = None
    repaid_on: IsoDate | None = None
    # The five-category grade (op ``classify``; a loan is recorded normal): from which day,
    # set by whom.
    classification: (
        Literal["normal", "special_mention", "substandard", "doubtful", "loss"] | None
    ) = None
    classified_on: IsoDate | None = None
    classified_by: Id | None = None

    @model_validator(mode="after")
    def _matures_after_start(self) -> LoanFields:
        if self.start_date and self.maturity_date and self.maturity_date < self.start_date:
            raise ValueError("the maturity date is before the start date")
        return self


class LoanCreate(LoanFields):
    """A recorded loan: head office counts it (amount, first start date) for stage gates."""

    prospect_id: Id
    amount_fen: PositiveFen
    rate_bp: Count
    start_date: IsoDate
    maturity_date: IsoDate


class VisitFields(ChildFields):
    id: Id | None = None
    rm_id: Id | None = None
    status: str | None = None
    kind: str | None = None
    visit_on: IsoDate | None = None
    start_time: str | None = None
    place: str | None = None
    purpose: str | None = None
    companions: str | None = None
    people_met: str | None = None
    operating_state: str | None = None
    repayment_source: str | None = None
    growth_prospects: str | None = None
    need_amount_fen: Fen | None = None
    need_purpose: str | None = None
    need_timing: str | None = None
    due_diligence: str | list[str] | None = None
    checklist_items: str | list[str] | None = None
    credit_auth: bool | None = None
    credit_auth_on: IsoDate | None = None
    next_steps: str | None = None
    next_visit_on: IsoDate | None = None
    amends_id: Id | None = None
    amend_reason: str | None = None
    finalized_at: IsoDateTime | None = None
    finalized_by: Id | None = None
    content_hash: str | None = None
    prev_hash: str | None = None


class VisitPlan(VisitFields):
    """``plan``: a visit scheduled on a day."""

    prospect_id: Id
    visit_on: IsoDate


class VisitFinal(VisitFields):
    """``finalize`` / ``amend``: a visit record that never changes afterwards."""

    prospect_id: Id
    visit_on: IsoDate
    status: Literal["final"]


class VisitChainReport(ChildFields):
    """``report`` (entity ``visit_chain``): this device lacks the head of the prospect's
    chain head office confirmed (``head_id``, ``head_hash``); its own chain ends at
    ``here_id`` / ``here_hash`` (none: no record left) with ``here_count`` records."""

    prospect_id: Id
    head_id: Id
    head_hash: Annotated[str, StringConstraints(max_length=64)]
    here_id: Id | None = None
    here_hash: Annotated[str, StringConstraints(max_length=64)] | None = None
    here_count: Count = 0


class AuditLinePayload(ChildFields):
    """``create`` (entity ``audit``, the op's entity id the line's id): a line of the device's
    audit log, by its user. Ids, codes and counts only (``crm.domain.audit.check_line``);
    a key the model does not name is refused, not kept."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    at: IsoDateTime
    user_id: Id | None = None
    action: Word
    target_id: Annotated[str, StringConstraints(max_length=MAX_ID)] = ""
    detail: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _auditable(self) -> AuditLinePayload:
        try:
            check_line(self.action, self.target_id, self.detail)
        except AuditRefused as exc:
            raise ValueError(str(exc)) from None
        return self


class ChecklistTickFields(ChildFields):
    item_code: Code | None = None
    visit_id: Id | None = None
    ticked_at: IsoDateTime | None = None


class ChecklistTick(ChecklistTickFields):
    """``tick``: a checklist item done (keyed by prospect and item, see COMPOSITE_KEYS)."""

    prospect_id: Id
    item_code: Code


class ProspectFactFields(ChildFields):
    """A business fact of a prospect (keyed by prospect and key, see COMPOSITE_KEYS): its
    value as plain JSON, null once cleared (a fact is never deleted at head office)."""

    key: Word | None = None
    value: str | int | float | bool | None = None
    confirmed_on: IsoDate | None = None
    confirmed_by: Id | None = None
    updated_at: IsoDateTime | None = None


class ProspectFactSet(ProspectFactFields):
    """``set`` / ``clear``: a fact confirmed (or forgotten) on a day by a user."""

    prospect_id: Id
    key: Word


class HeldServiceFields(ChildFields):
    """A non-credit service the customer holds (keyed by prospect and service code);
    ``held`` false once given up (never deleted at head office)."""

    id: Id | None = None
    service_code: Word | None = None
    since: IsoDate | None = None
    held: bool | None = None


class HeldServiceChange(HeldServiceFields):
    """``add`` / ``remove``."""

    prospect_id: Id
    service_code: Word
    held: bool


PlanItem = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]


class ServicePlanFields(ChildFields):
    """A strategic client's service plan (keyed by its prospect, see COMPOSITE_KEYS): the
    products and services to provide (codes), its owner, review date, status and notes."""

    items: Annotated[list[PlanItem], Field(min_length=1, max_length=30)] | None = None
    rm_id: Id | None = None
    review_on: IsoDate | None = None
    reviewed_on: IsoDate | None = None
    status: Literal["draft", "active", "under_review", "closed"] | None = None
    notes: Annotated[str, StringConstraints(max_length=4000)] | None = None


class ServicePlanCreate(ServicePlanFields):
    """``create``: a new plan names what it provides, when it is reviewed, its status."""

    prospect_id: Id
    items: Annotated[list[PlanItem], Field(min_length=1, max_length=30)]
    review_on: IsoDate
    status: Literal["draft", "active", "under_review", "closed"]


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
BlobSize = Annotated[int, Field(gt=0, le=MAX_BLOB_BYTES)]
AttachmentKindName = Literal["premises", "signboard", "licence", "authorisation", "other"]
MediaType = Literal["image/jpeg", "image/png", "image/heic", "application/pdf"]


class VisitAttachmentFields(ChildFields):
    """A photo or document a finalized visit record holds (crm.domain.attachments): the
    SHA-256 of its bytes (which go up through ``blobs``) and what it shows."""

    visit_id: Id | None = None
    sha256: Sha256 | None = None
    kind: AttachmentKindName | None = None
    caption: Annotated[str, StringConstraints(max_length=200)] | None = None
    filename: Annotated[str, StringConstraints(max_length=255)] | None = None
    media_type: MediaType | None = None
    size: BlobSize | None = None
    taken_at: IsoDateTime | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    attached_by: Id | None = None
    created_at: IsoDateTime | None = None


class VisitAttachmentCreate(VisitAttachmentFields):
    """``attach``: a file on a record, sent right after the record (it never changes)."""

    prospect_id: Id
    visit_id: Id
    sha256: Sha256
    media_type: MediaType
    size: BlobSize


# The payload of each op kind a device sends about a prospect.
PROSPECT_PAYLOADS: Final[Mapping[str, type[Payload]]] = {
    "create": ProspectCreate,
    "update": ProspectUpdate,
    "stage": StageChange,
    "assign": Assign,
    "claim": Claim,
    "delete": Removal,
    "cancel": Removal,
}
# A child record's fields, by entity; the kinds that make a record need more (its parent and
# what defines it). Any other kind changes fields; a delete kind (DELETE_KINDS) removes it.
CHILD_FIELDS: Final[Mapping[str, type[ChildFields]]] = {
    # Head office refuses any kind but ``report`` (devices never write chain heads).
    VISIT_CHAIN: VisitChainReport,
    AUDIT: AuditLinePayload,
    "contact": ContactFields,
    "loan": LoanFields,
    "visit": VisitFields,
    "checklist_tick": ChecklistTickFields,
    "prospect_fact": ProspectFactFields,
    "held_service": HeldServiceFields,
    "visit_attachment": VisitAttachmentFields,
    "service_plan": ServicePlanFields,
}
CHILD_PAYLOADS: Final[Mapping[str, Mapping[str, type[ChildFields]]]] = {
    "contact": {"create": ContactCreate},
    "loan": {"create": LoanCreate},
    "visit": {"plan": VisitPlan, "finalize": VisitFinal, "amend": VisitFinal},
    VISIT_CHAIN: {"report": VisitChainReport},
    AUDIT: {"create": AuditLinePayload},
    "checklist_tick": {"tick": ChecklistTick},
    "prospect_fact": {"set": ProspectFactSet, "clear": ProspectFactSet},
    "held_service": {"add": HeldServiceChange, "remove": HeldServiceChange},
    "visit_attachment": {"attach": VisitAttachmentCreate},
    "service_plan": {"create": ServicePlanCreate},
}


class Register(BaseModel):
    """``register``: a user's name and password for a device (its id and name)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    device_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    device_name: Annotated[str, StringConstraints(max_length=200)] = ""
    # Whether the device's book is encrypted: head office's security policy may require it
    # (an app that does not say is taken as holding a plain book).
    encrypted: bool = False


def parse_audit_line(payload: Mapping[str, Any]) -> AuditLinePayload:
    """An ``audit`` op's payload, checked as a whole (no ``fields`` wrapper, no other key);
    ``PayloadError`` if it does not fit."""
    try:
        return AuditLinePayload.model_validate(payload)
    except ValidationError as exc:
        raise _payload_error("invalid audit line", exc) from None


def parse_register(body: Mapping[str, Any]) -> Register:
    """A registration request, checked; ``PayloadError`` if it does not fit."""
    try:
        return Register.model_validate(body)
    except ValidationError as exc:
        raise _payload_error("invalid registration", exc) from None


class PayloadError(ValueError):
    """An op, or its payload, that does not fit its model: ``reason`` says where and why,
    ``fields`` names the places (dotted paths)."""

    def __init__(self, reason: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fields = fields


def parse_op(op: Mapping[str, Any]) -> Op:
    """The op, checked (its payload is checked by ``parse_payload``)."""
    try:
        return Op.model_validate(op)
    except ValidationError as exc:
        raise _payload_error("malformed op", exc) from None


def payload_model(entity: str, kind: str) -> type[Payload] | None:
    """The model of an op's payload; None for a prospect op of a kind head office does not
    know (a child record takes any kind: it changes fields)."""
    if kind in DELETE_KINDS:
        return Removal
    if entity == "prospect":
        return PROSPECT_PAYLOADS.get(kind)
    return CHILD_PAYLOADS.get(entity, {}).get(kind) or CHILD_FIELDS.get(entity, ChildFields)


def child_body(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """A child record's fields: the payload itself, or its ``fields`` object when it has one."""
    fields = payload.get("fields")
    return fields if isinstance(fields, Mapping) else payload


def parse_payload(entity: str, kind: str, payload: Mapping[str, Any]) -> Payload:
    """An op's payload as its model; ``PayloadError`` if it does not fit (or the kind of a
    prospect op is unknown)."""
    model = payload_model(entity, kind)
    if model is None:
        raise PayloadError(f"unknown op kind {kind!r} for a {entity}")
    body = payload if entity == "prospect" or model is Removal else child_body(payload)
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _payload_error(f"invalid {entity} {kind} payload", exc) from None


def _payload_error(what: str, exc: ValidationError) -> PayloadError:
    places: list[str] = []
    problems: list[str] = []
    for error in exc.errors(include_url=False, include_input=False):
        place = ".".join(str(part) for part in error["loc"]) or "payload"
        message = str(error["msg"]).removeprefix("Value error, ")
        places.append(place)
        problems.append(f"{place}: {message}")
    shown = "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
    return PayloadError(f"{what}: {shown}", tuple(places))


# -- the other requests and the answers, as the OpenAPI document describes them ---------------
#
# Head office reads hello's body field by field and builds pull and snapshot pages as text;
# these models say what those carry (crm.headoffice.openapi puts them in the document, and a
# test checks real requests and answers against it).

# Every code of a refused request (the ``error`` of an ``ErrorBody``).
ERROR_CODES: Final = (
    E_UPGRADE,
    E_CLOCK,
    E_AUTH,
    E_REVOKED,
    E_PASSWORD,
    E_LOCKED,
    E_BAD,
    E_TOO_LARGE,
    E_EPOCH,
    E_DEVICE_TAKEN,
    E_ENCRYPTION,
    E_NOT_FOUND,
    E_BLOB_OFFSET,
    E_BLOB_HASH,
)
# Every code of a rejected op (and MERGED, an op applied in part).
OP_CODES: Final = (
    R_DELETED,
    R_SCOPE,
    R_STAGE,
    R_STAGE_RULE,
    R_DUPLICATE,
    R_TAKEN,
    R_CLOCK,
    R_FINAL,
    R_MISSING,
    R_INVALID,
    R_REUSED,
    R_ROLE,
    R_CHAIN_GAP,
)
UserName = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class _Shape(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, populate_by_name=True)


class HelloRequest(_Shape):
    """``hello``: the protocol the device speaks (426 when head office does not), its clock
    (409 ``clock_skew`` when too far from head office's) and its book's schema."""

    protocol: int = Field(description="the sync protocol version the device speaks")
    schema_: str | int | None = Field(None, alias="schema", description="the book's schema")
    client_time_ms: int | float | None = Field(None, description="the device's clock (ms)")
    device_id: Annotated[str, StringConstraints(max_length=64)] | None = None


class Unlock(_Shape):
    """``unlock``: end a user's lockout (a team lead for their team, or head office)."""

    username: UserName


def parse_unlock(body: Mapping[str, Any]) -> Unlock:
    """An unlock request, checked; ``PayloadError`` if it does not fit."""
    try:
        return Unlock.model_validate(body)
    except ValidationError as exc:
        raise _payload_error("invalid unlock request", exc) from None


class PushRequest(_Shape):
    """``push``: ops in outbox order (each checked on its own, see ``Op``)."""

    ops: Annotated[list[dict[str, Any]], Field(max_length=MAX_PAGE)]


class UserInfo(_Shape):
    id: str
    username: str
    display_name: str
    role: Literal["rm", "lead", "admin"]
    team_id: str | None


class HelloAnswer(_Shape):
    protocol_min: int
    protocol_max: int
    schema_: int = Field(alias="schema", description="head office's storage schema")
    epoch: str = Field(description="the data's generation: a new one means download again")
    server_time_ms: int
    device_status: Literal["active", "revoked", "unknown"]
    user: UserInfo | None


class RegisterAnswer(_Shape):
    token: str = Field(description="the device token, shown once")
    user: UserInfo
    epoch: str


class UnlockAnswer(_Shape):
    unlocked: str


class WireRecord(_Shape):
    """A record as head office sends it."""

    entity: str
    id: str
    version: int
    deleted: bool
    owner_id: str | None
    team_id: str | None
    prospect_id: str | None
    pool: bool
    data: dict[str, Any]


class OpResult(_Shape):
    """One op's result; a rejected op also carries its code's parameters (``current`` and
    ``wanted`` stages, ``duplicate_of``, ``invalid_fields``, …)."""

    model_config = ConfigDict(extra="allow")

    op_id: str | None
    status: Literal["applied", "duplicate", "rejected"]
    version: int | None = Field(None, description="the record's version after the op")
    original: Literal["applied", "rejected"] | None = Field(
        None, description="a duplicate: what the first attempt was"
    )
    code: str | None = Field(None, json_schema_extra={"enum": [*OP_CODES, None]})
    message: str | None = None
    invalid_fields: list[str] | None = None
    duplicate_of: str | None = None
    superseded: dict[str, Any] | None = Field(
        None, description="fields a later edit kept, with head office's values"
    )
    record: WireRecord | None = None


class PushAnswer(_Shape):
    results: list[OpResult]
    server_time_ms: int


class ChangeItem(_Shape):
    seq: int
    entity: str
    id: str
    op: Literal["upsert", "remove", "delete"]
    record: WireRecord | None = None


class PullAnswer(_Shape):
    changes: list[ChangeItem]
    cursor: int
    more: bool
    epoch: str


class SnapshotAnswer(_Shape):
    as_of: int
    records: list[WireRecord]
    after: str | None = Field(description="where the next page starts (ORD:ID)")
    more: bool
    epoch: str


class CountsAnswer(_Shape):
    as_of: int
    counts: dict[str, int]


class ErrorBody(_Shape):
    """A refused request: a stable code the client turns into the user's message, English
    text for logs, and the code's parameters."""

    error: str = Field(json_schema_extra={"enum": list(ERROR_CODES)})
    message: str
    params: dict[str, Any]


# -- files' bytes (``blobs/{sha256}?attachment=ID``) -------------------------------------------


class BlobState(_Shape):
    """Head office's copy of a file: the bytes it holds from the start and whether it is
    complete (all ``size`` bytes, hashing to ``sha256``)."""

    sha256: str
    size: int | None
    received: int
    complete: bool


_RANGE = re.compile(r"bytes ([0-9]{1,12})-([0-9]{1,12})/([0-9]{1,12})")


def parse_content_range(header: str | None) -> tuple[int, int, int]:
    """(first byte, last byte, total) of a ``Content-Range: bytes FIRST-LAST/TOTAL``;
    ValueError unless it is one, of a total within MAX_BLOB_BYTES."""
    match = _RANGE.fullmatch((header or "").strip())
    if match is None:
        raise ValueError("Content-Range must be bytes FIRST-LAST/TOTAL")
    first, last, total = (int(g) for g in match.groups())
    if not first <= last < total:
        raise ValueError("Content-Range: the range is not within the file")
    if total > MAX_BLOB_BYTES:
        raise ValueError("the file is larger than head office takes")
    return first, last, total


def content_range(first: int, last: int, total: int) -> str:
    return f"bytes {first}-{last}/{total}"
