"""What a device's op does to a prospect: ``create`` (in the user's book, or an RM's of the
lead's team), ``update`` (per-field merge of the known fields), ``stage`` (a command, see
``stages``), ``assign`` (leads and head office only), ``claim`` (from the shared pool: one
RM wins) and ``delete`` (delete wins). A duplicate USCC is answered with ``duplicate_of``.
The payload comes parsed (``crm.sync.protocol``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from crm.domain.stages import Stage
from crm.headoffice import ownership
from crm.headoffice.db import Tx
from crm.headoffice.errors import Rejected
from crm.headoffice.merge import applied, merge
from crm.headoffice.models import HoUser, Record
from crm.headoffice.scope import Actor, can_write
from crm.headoffice.stages import change_stage, event
from crm.headoffice.wire import dumps, iso
from crm.sync import protocol as P


def apply_prospect(
    tx: Tx, actor: Actor, op: P.Op, payload: P.Payload, rec: Record | None
) -> dict[str, Any]:
    if isinstance(payload, P.ProspectCreate) and rec is None:
        return create(tx, actor, op, payload)
    if rec is None:
        raise Rejected(P.R_MISSING, "head office has no such prospect")
    if rec.deleted:
        raise Rejected(P.R_DELETED, "the prospect was deleted at head office", record=rec)
    if isinstance(payload, P.Claim):
        return claim(tx, actor, op, rec)
    if not can_write(actor, rec):
        raise Rejected(P.R_SCOPE, "the prospect is not in this user's book", record=rec)
    if isinstance(payload, P.ProspectUpdate):
        return update(tx, op, payload.fields.known(), rec)
    if isinstance(payload, P.ProspectCreate):
        # A create of a prospect head office has (sent again) merges like an update.
        return update(tx, op, payload.known(), rec)
    if isinstance(payload, P.StageChange):
        return change_stage(tx, actor, op, payload, rec)
    if isinstance(payload, P.Assign):
        return assign(tx, actor, op, payload, rec)
    if isinstance(payload, P.Removal):
        ownership.delete(tx, rec)
        return applied(op, rec)
    raise Rejected(P.R_INVALID, "unknown op kind", kind=op.kind)


def update(tx: Tx, op: P.Op, fields: dict[str, Any], rec: Record) -> dict[str, Any]:
    uscc = fields.get("uscc")
    if uscc:
        refuse_duplicate(tx, str(uscc), rec.id)
    return merge(tx, rec, fields, op)


def refuse_duplicate(tx: Tx, uscc: str, own_id: str | None) -> None:
    other = tx.session.execute(
        select(Record.id).where(
            Record.entity == "prospect",
            Record.uscc == uscc,
            Record.deleted.is_(False),
            Record.id != (own_id or ""),
        )
    ).first()
    if other is not None:
        raise Rejected(
            P.R_DUPLICATE,
            "another prospect already has this USCC",
            duplicate_of=other[0],
        )


def create(tx: Tx, actor: Actor, op: P.Op, payload: P.ProspectCreate) -> dict[str, Any]:
    uscc = payload.uscc or None
    if uscc:
        refuse_duplicate(tx, uscc, None)
    owner = tx.session.get(HoUser, payload.rm_id or actor.user_id)
    if owner is None:
        raise Rejected(P.R_INVALID, "no such RM")
    if actor.role == "rm" and owner.id != actor.user_id:
        raise Rejected(P.R_ROLE, "an RM creates prospects in their own book")
    if actor.role == "lead" and owner.team_id != actor.team_id:
        raise Rejected(P.R_ROLE, "the RM is not in this team")
    stage = payload.stage or Stage.NO_LOAN.value
    at = op.created_at or iso(tx.now)
    data = payload.known()
    data.update(
        stage=stage,
        stage_changed_at=at,
        rm_id=owner.id,
        created_at=at,
        # The device's own event id, so its history and head office's stay one record.
        history=[event(payload.event_id or op.op_id, None, stage, "", "", actor.user_id, at)],
    )
    rec = Record(
        entity="prospect",
        id=op.entity_id,
        ord=P.entity_order("prospect"),
        owner_id=owner.id,
        team_id=owner.team_id,
        prospect_id=op.entity_id,
        pool=False,
        uscc=uscc,
        data=dumps(data),
        hlcs=dumps(dict.fromkeys(data, op.hlc)),
        version=1,
        deleted=False,
        seq=tx.log("prospect", op.entity_id, owner.id, owner.team_id),
        created_at=tx.now,
        updated_at=tx.now,
    )
    tx.session.add(rec)
    tx.session.flush()
    return applied(op, rec)


def assign(tx: Tx, actor: Actor, op: P.Op, payload: P.Assign, rec: Record) -> dict[str, Any]:
    """A team lead gives a prospect to an RM of the team (head office: to anyone)."""
    if actor.role == "rm":
        raise Rejected(P.R_ROLE, "only a team lead or head office can reassign", record=rec)
    user = tx.session.get(HoUser, payload.rm_id) if payload.rm_id else None
    if user is None or not user.active:
        raise Rejected(P.R_INVALID, "no such RM", record=rec)
    if actor.role == "lead" and user.team_id != actor.team_id:
        raise Rejected(P.R_ROLE, "the RM is not in this team", record=rec)
    ownership.reassign(tx, rec, user, op.hlc)
    return applied(op, rec)


def claim(tx: Tx, actor: Actor, op: P.Op, rec: Record) -> dict[str, Any]:
    """Take a prospect from the shared pool: the first claim wins."""
    if rec.owner_id == actor.user_id:
        return applied(op, rec)
    if not rec.pool or rec.owner_id is not None:
        # Taken: the others are not told by whom (the record is not sent).
        raise Rejected(P.R_TAKEN, "another RM has already taken this prospect")
    user = tx.session.get(HoUser, actor.user_id)
    assert user is not None
    ownership.reassign(tx, rec, user, op.hlc)
    return applied(op, rec)
