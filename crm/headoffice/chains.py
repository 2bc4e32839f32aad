"""The head of each prospect's chain of finalized visits, as head office holds it.

A finalized visit carries the hash of the one before it (``crm.domain.visits``), so a
record changed, inserted or removed in the middle of a chain breaks it; the chain's *last*
record, removed, leaves a chain that still checks. Head office therefore keeps, for every
prospect, the head of the chain of the records it holds: a ``visit_chain`` record (keyed by
the prospect, in the prospect's book) with the last record's id and hash and how many
records there are, which devices download like any record and keep as "the head head office
confirmed". A device that finds it lacks that head reports it (a ``report`` op, see
``VisitChainReport``): head office checks the report against its own chain, writes it in the
audit trail and answers ``chain_gap`` naming the records the device lacks.

A finalized record that arrives chained to another record than head office's head (its
device lacked the head, or two devices finalized at once) is stored all the same (evidence
is never refused) and written in the audit trail.

Finalized visits and their chain stay when their prospect is deleted (``kept_on_delete``):
they are the evidence of the due diligence done.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select

from crm.headoffice.db import Tx, audit
from crm.headoffice.errors import Rejected
from crm.headoffice.models import Record
from crm.headoffice.scope import Actor, can_see
from crm.headoffice.wire import dumps, iso
from crm.sync import protocol as P

ENTITY: Final = P.VISIT_CHAIN
FINAL_KINDS: Final = frozenset({"finalize", "amend"})
# The records a chain gap names at most (the rest are counted).
NAMED: Final = 20


def _final(data: dict[str, Any]) -> bool:
    return data.get("status") == "final"


def _order(data: dict[str, Any], record_id: str) -> tuple[datetime | str, str]:
    """Chain order: finalized first, then by id (as devices walk their chains)."""
    text = str(data.get("finalized_at") or "")
    try:
        return datetime.fromisoformat(text), record_id
    except ValueError:
        return text, record_id


def chain_of(tx: Tx, prospect_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The prospect's finalized visits head office holds, in chain order: (id, data)."""
    found = [
        (rec.id, json.loads(rec.data))
        for rec in tx.session.scalars(
            select(Record).where(
                Record.entity == "visit",
                Record.prospect_id == prospect_id,
                Record.deleted.is_(False),
            )
        )
    ]
    finals = [(vid, data) for vid, data in found if _final(data)]
    finals.sort(key=lambda pair: _order(pair[1], pair[0]))
    return finals


def kept_on_delete(rec: Record) -> bool:
    """Whether a record stays when its prospect is deleted: finalized visits (evidence)
    and their chain head."""
    if rec.entity == ENTITY:
        return True
    return rec.entity == "visit" and _final(json.loads(rec.data))


def after_op(tx: Tx, actor: Actor, op: P.Op, key: str) -> None:
    """After an op on a child record applied: a visit finalized (or an amendment) moves its
    prospect's chain head."""
    if op.entity != "visit" or op.kind not in FINAL_KINDS:
        return
    visit = tx.session.get(Record, ("visit", key))
    if visit is None or visit.deleted or visit.prospect_id is None:
        return
    data = json.loads(visit.data)
    if not _final(data):
        return
    head = tx.session.get(Record, (ENTITY, visit.prospect_id))
    if head is not None:
        before = json.loads(head.data)
        prev = str(data.get("prev_hash") or "")
        if prev != before.get("head_hash") and before.get("head_id") != visit.id:
            # Chained to another record than the head: the device lacked the head (lost
            # it, or had not downloaded it yet when two devices finalized at once).
            audit(
                tx.session,
                actor.user_id,
                "visit_chain_fork",
                visit.prospect_id,
                {
                    "device": actor.device_id,
                    "visit": visit.id,
                    "prev_hash": prev,
                    "head": before.get("head_id"),
                    "head_hash": before.get("head_hash"),
                },
            )
    refresh(tx, visit)


def refresh(tx: Tx, visit: Record) -> Record | None:
    """Make the chain head of ``visit``'s prospect what head office's records say."""
    pid = visit.prospect_id
    if pid is None:
        return None
    chain = chain_of(tx, pid)
    if not chain:
        return None
    head_id, head = chain[-1]
    data = {
        "prospect_id": pid,
        "head_id": head_id,
        "head_hash": str(head.get("content_hash") or ""),
        "count": len(chain),
        "confirmed_at": iso(tx.now),
    }
    rec = tx.session.get(Record, (ENTITY, pid))
    if rec is None:
        rec = Record(
            entity=ENTITY,
            id=pid,
            ord=P.entity_order(ENTITY),
            owner_id=visit.owner_id,
            team_id=visit.team_id,
            prospect_id=pid,
            pool=visit.pool,
            data=dumps(data),
            hlcs="{}",
            version=1,
            deleted=False,
            seq=tx.log(ENTITY, pid, visit.owner_id, visit.team_id, pool=visit.pool),
            created_at=tx.now,
            updated_at=tx.now,
        )
        tx.session.add(rec)
    else:
        rec.data = dumps(data)
        rec.deleted = False
        rec.version += 1
        rec.updated_at = tx.now
        rec.seq = tx.log(ENTITY, pid, rec.owner_id, rec.team_id, pool=rec.pool)
    tx.session.flush()
    return rec


def report(tx: Tx, actor: Actor, op: P.Op, payload: P.Payload) -> dict[str, Any]:
    """A device's report that its chain of a prospect lacks the head head office confirmed:
    checked against head office's own chain; a real gap is audited and answered
    ``chain_gap`` with the records the device lacks. Devices never write chain heads."""
    if not isinstance(payload, P.VisitChainReport):
        raise Rejected(P.R_ROLE, "head office keeps the chain heads; a device only reports")
    pid = payload.prospect_id
    head = tx.session.get(Record, (ENTITY, pid))
    if head is None or not can_see(actor, head.owner_id, head.team_id, head.pool):
        raise Rejected(P.R_MISSING, "head office holds no chain of this prospect's visits")
    chain = chain_of(tx, pid)
    hashes = [str(data.get("content_hash") or "") for _, data in chain]
    if chain and payload.here_hash and payload.here_hash == hashes[-1]:
        return {"op_id": op.op_id, "status": P.APPLIED, "version": head.version}
    # What the device lacks: the records after its own last one (all of them when head
    # office does not know its last one).
    after = hashes.index(payload.here_hash) + 1 if payload.here_hash in hashes else 0
    missing = [vid for vid, _ in chain[after:]]
    if not missing:
        return {"op_id": op.op_id, "status": P.APPLIED, "version": head.version}
    audit(
        tx.session,
        actor.user_id,
        "visit_chain_gap",
        pid,
        {
            "device": actor.device_id,
            "missing": missing[:NAMED],
            "held": len(chain),
            "here": payload.here_count,
        },
    )
    raise Rejected(
        P.R_CHAIN_GAP,
        "this device's chain of the prospect's visits lacks records head office holds",
        prospect_id=pid,
        missing=missing[:NAMED],
        held=len(chain),
        here=payload.here_count,
    )
