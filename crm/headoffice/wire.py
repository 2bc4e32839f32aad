"""Records and values as head office sends and stores them (JSON text)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from json.encoder import encode_basestring as _quote
from typing import Any

from crm.headoffice.models import Record

# The columns a record is sent with, in the order ``record_text`` takes them.
WIRE_COLUMNS = (
    Record.entity,
    Record.id,
    Record.version,
    Record.deleted,
    Record.owner_id,
    Record.team_id,
    Record.prospect_id,
    Record.pool,
    Record.data,
)


def quote(value: str) -> str:
    """A string as JSON text (the C quoter of ``json``)."""
    return _quote(value)


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else _quote(value)


def record_text(row: Sequence[Any]) -> str:
    """A record as JSON text from its ``WIRE_COLUMNS`` values (further values ignored), its
    data embedded as stored (no parse, no re-encode).

    Built by hand (the C string quoter of ``json`` for the texts): a first download sends
    every record of a book, and ``json.dumps`` of a dict per record cost more than the
    database read.
    """
    entity, id_, version, deleted, owner_id, team_id, prospect_id, pool, data = row[:9]
    return (
        f'{{"entity":{_quote(entity)},"id":{_quote(id_)},"version":{int(version)},'
        f'"deleted":{"true" if deleted else "false"},"owner_id":{_text_or_null(owner_id)},'
        f'"team_id":{_text_or_null(team_id)},"prospect_id":{_text_or_null(prospect_id)},'
        f'"pool":{"true" if pool else "false"},"data":{data}}}'
    )


def record_json(rec: Record) -> str:
    return record_text(
        (
            rec.entity,
            rec.id,
            rec.version,
            rec.deleted,
            rec.owner_id,
            rec.team_id,
            rec.prospect_id,
            rec.pool,
            rec.data,
        )
    )


def record_dict(rec: Record) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(record_json(rec))
    return out


def dumps(value: Any) -> str:
    """JSON text as stored: compact, Chinese as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def iso(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def now_ms(clock: datetime) -> int:
    return int(clock.timestamp() * 1000)


def headoffice_hlc(now: datetime) -> str:
    """An HLC for head office's own edits: its wall clock, node 'headoffice'."""
    return f"{int(now.timestamp() * 1000):013d}-0000-headoffice"
