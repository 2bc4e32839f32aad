"""The one encoding of values and payloads sent to head office (the outbox's format).

Dates travel as ISO text; a payload is JSON with its keys sorted and Chinese kept as is,
so the same change always makes the same bytes (head office hashes requests to make a
repeated push idempotent).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

from crm.domain.prospect import EDITABLE_FIELDS

_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def wire(value: object) -> object:
    """A value as a payload carries it: a date as ISO text, a timestamp as ISO text in UTC
    to the microsecond (visits hash this text: it must never change)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def encode(payload: dict[str, Any]) -> str:
    """A payload as the outbox stores and pushes it."""
    return _ENCODER.encode(payload)


# The placeholder a create op made ahead (by an import's worker process) carries for the id
# the prospect writer gives the first stage event. JSON escapes every quote inside a value,
# so this text can only be the key itself.
EVENT_ID_HOLE: Final = '"event_id": null'


def create_payload(
    values: object,
    stage: str,
    rm_id: str | None,
    tags: Sequence[str],
    sources: Sequence[str],
    event_id: str | None = None,
) -> str:
    """The op that creates a prospect at head office, with the id of its first stage event
    (head office keeps the same id). Without ``event_id`` it carries EVENT_ID_HOLE."""
    body: dict[str, object] = {name: wire(getattr(values, name)) for name in EDITABLE_FIELDS}
    body.update(stage=stage, rm_id=rm_id, tags=list(tags), sources=list(sources), event_id=event_id)
    return encode(body)
