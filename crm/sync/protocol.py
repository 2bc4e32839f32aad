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
  record?}`` with ``status`` one of applied / duplicate / rejected.
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
from typing import Any, Final

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
# A first download's page: ~5 MB for a book of visits and prospects. Fewer, larger pages
# mean fewer round trips and commits (2,000 took 15% longer on loopback); each is applied
# in one transaction of ~0.5 s, so a user's edit meanwhile waits no longer than that.
SNAPSHOT_PAGE: Final = 5000
MAX_PAGE: Final = 5000
# A snapshot page also ends once its records reach this many characters of JSON, so the
# memory a page takes is bounded whatever the records hold (long notes).
MAX_PAGE_CHARS: Final = 8 * 1024 * 1024
# Requests larger than this are refused with 413 before they are parsed.
MAX_BODY_BYTES: Final = 16 * 1024 * 1024

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
}
CHILD_ORDER: Final = 7  # entities the server does not know by name yet
PARENT_FIELD: Final = "prospect_id"
# Entities whose key is several payload fields rather than the op's entity id.
COMPOSITE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "checklist_tick": ("prospect_id", "item_code"),
}
# Op kinds that remove the record (delete wins over any concurrent edit).
DELETE_KINDS: Final = frozenset({"delete", "cancel"})
# Prospect fields an ``update`` op may change (stage and owner change by command only).
PROSPECT_FIELDS: Final = frozenset(
    {
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
        "tags",
        "sources",
        "last_contact_on",
        "next_visit_due",
    }
)
REFERENCE_KINDS: Final = frozenset({"catalogue", "checklists", "cadence", "holidays", "criteria"})

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
# A result that applied only some fields: the others lost to later edits (merged).
MERGED: Final = "merged"


def canonical(value: Any) -> bytes:
    """The one JSON form both sides hash: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def op_hash(op: dict[str, Any]) -> str:
    """What makes an op itself: a retry must carry the same hash as the first attempt."""
    fields = {k: op.get(k) for k in ("op_id", "entity", "entity_id", "kind", "payload", "hlc")}
    return hashlib.sha256(canonical(fields)).hexdigest()


def record_key(entity: str, entity_id: str, payload: dict[str, Any]) -> str:
    """The server's key of the record an op is about."""
    parts = COMPOSITE_KEYS.get(entity)
    if parts and all(payload.get(p) for p in parts):
        return "/".join(str(payload[p]) for p in parts)
    return entity_id


def entity_order(entity: str) -> int:
    return ENTITY_ORDER.get(entity, CHILD_ORDER)


def hlc_millis(hlc: str) -> int:
    """The wall-clock part of an HLC's text form (see crm.sync.hlc)."""
    head = hlc.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def after_token(order: int, key: str) -> str:
    return f"{order}:{key}"


def parse_after(token: str | None) -> tuple[int, str] | None:
    if not token:
        return None
    order, _, key = token.partition(":")
    if not order.isdigit():
        raise ValueError("bad snapshot position")
    return int(order), key
