"""Per-field last writer wins: an op's fields replace head office's where the op's hybrid
logical clock is later than the one that set the field; the fields that lost are answered
as ``superseded`` with the record as it stands, so the device takes head office's values."""

from __future__ import annotations

import json
from typing import Any

from crm.headoffice.db import Tx
from crm.headoffice.models import Record
from crm.headoffice.wire import dumps, record_dict
from crm.sync import protocol as P


def applied(op: P.Op, rec: Record) -> dict[str, Any]:
    """The result of an op that applied: the record's version after it."""
    return {"op_id": op.op_id, "status": P.APPLIED, "version": rec.version}


def touch(tx: Tx, rec: Record, data: dict[str, Any], hlcs: dict[str, Any]) -> None:
    """Store a record's new data and clocks: a new version and a change-log row."""
    rec.data = dumps(data)
    rec.hlcs = dumps(hlcs)
    rec.version += 1
    rec.updated_at = tx.now
    rec.seq = tx.log(rec.entity, rec.id, rec.owner_id, rec.team_id, pool=rec.pool)


def merge(tx: Tx, rec: Record, fields: dict[str, Any], op: P.Op) -> dict[str, Any]:
    """Per-field last writer wins by HLC; fields that lost are reported as superseded."""
    data = json.loads(rec.data)
    hlcs = json.loads(rec.hlcs)
    hlc = op.hlc
    changed: list[str] = []
    superseded: dict[str, Any] = {}
    for name, value in fields.items():
        if hlc > hlcs.get(name, ""):
            if data.get(name) != value:
                changed.append(name)
            data[name] = value
            hlcs[name] = hlc
        elif data.get(name) != value:
            superseded[name] = data.get(name)
    if changed:
        touch(tx, rec, data, hlcs)
        if "uscc" in changed and rec.entity == "prospect":
            # Only a prospect's USCC is indexed (a child's field of that name is its own).
            rec.uscc = data.get("uscc") or None
    result = applied(op, rec)
    if superseded:
        result["superseded"] = superseded
        result["record"] = record_dict(rec)
    return result
