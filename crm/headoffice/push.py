"""``push``: a device's ops, in outbox order, each applied or rejected on its own.

Every op is recorded in ``ho_applied_ops`` with its result in the same transaction, so a
retried push is answered from there ("duplicate", with the first result) and creates
nothing twice; an op id sent again with other content is rejected. Each op and its payload
are parsed by the protocol's models first (``crm.sync.protocol``): one that does not fit
is rejected with the reason and nothing of it is stored, and the push goes on.

Prospects have their own rules (``prospects``); every other entity is a child record under
a prospect (contacts, loans, visits, checklist ticks, kinds head office does not know yet),
stored as sent and merged per field, except that a finalized visit never changes
(amendments are new records).

Logs carry ids and counts, never customer data.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from crm.headoffice import chains, device_audit, ownership
from crm.headoffice.db import Store, Tx
from crm.headoffice.errors import Rejected
from crm.headoffice.merge import applied, merge
from crm.headoffice.models import AppliedOp, Device, Record
from crm.headoffice.prospects import apply_prospect
from crm.headoffice.scope import Actor, can_see, can_write
from crm.headoffice.wire import dumps, iso, now_ms, record_dict
from crm.sync import protocol as P

log = logging.getLogger("crm.headoffice")
# Head office's own data: devices read it, never change it.
DIRECTORY_ENTITIES = frozenset({"user", "team", "reference"})
BAD_OP_ID = f"malformed op: op_id: an id of 1 to {P.MAX_ID} characters is required"


class Push:
    """push over ``store``: one write transaction per push, a result per op."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def push(self, actor: Actor, ops: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        started = time.perf_counter()
        results: list[dict[str, Any]] = []
        counts = {P.APPLIED: 0, P.DUPLICATE: 0, P.REJECTED: 0}
        with self.store.write() as tx:
            s = tx.session
            ids = [op_id for op in ops if (op_id := _op_id(op))]
            seen = {
                a.op_id: a
                for a in s.scalars(
                    select(AppliedOp).where(
                        AppliedOp.device_id == actor.device_id, AppliedOp.op_id.in_(ids)
                    )
                )
            }
            # The records the ops name, read in one query rather than one per op (the
            # session keeps them while ``held`` does): a push of 50 ops made 130 round trips.
            held, absent = _prefetch(s, ops)
            logged = len(tx.changes)
            # Text no store can keep is looked for op by op only when the push has some.
            suspect = bool(P.text_problem(list(ops)))
            for op in ops:
                op_id = _op_id(op)
                problem = P.text_problem(op) if suspect else ""
                if not op_id or problem:
                    # No id to remember it by, or text no store can keep: refused, and
                    # nothing is recorded.
                    reason = f"malformed op: {problem}" if problem else BAD_OP_ID
                    place = "op" if problem else "op_id"
                    result = rejected(
                        None if problem else op.get("op_id"),
                        Rejected(P.R_INVALID, reason, invalid_fields=[place]),
                    )
                    results.append(result)
                    counts[P.REJECTED] += 1
                    continue
                digest = P.op_hash(op)
                before = seen.get(op_id)
                if before is not None:
                    if before.request_hash != digest:
                        result = rejected(
                            op_id, Rejected(P.R_REUSED, "op id reused with different content")
                        )
                    else:
                        original = json.loads(before.result)
                        result = {**original, "status": P.DUPLICATE, "original": original["status"]}
                    results.append(result)
                    counts[result["status"]] += 1
                    continue
                try:
                    result = self._apply(tx, actor, op, absent)
                except Rejected as exc:
                    result = rejected(op_id, exc, actor)
                # Every record an op makes or changes is in the change log: one made now
                # is no longer absent (whichever op's record it is).
                for change in tx.changes[logged:]:
                    absent.discard((change["entity"], change["entity_id"]))
                logged = len(tx.changes)
                applied_op = AppliedOp(
                    device_id=actor.device_id,
                    op_id=op_id,
                    request_hash=digest,
                    result=dumps(result),
                    applied_at=tx.now,
                )
                s.add(applied_op)
                seen[op_id] = applied_op
                results.append(result)
                counts[result["status"]] += 1
            device = s.get(Device, actor.device_id)
            if device is not None:
                device.last_seen_at = tx.now
            del held
        log.info(
            "push device=%s ops=%d applied=%d duplicate=%d rejected=%d in %.0f ms",
            actor.device_id[:12],
            len(ops),
            counts[P.APPLIED],
            counts[P.DUPLICATE],
            counts[P.REJECTED],
            (time.perf_counter() - started) * 1000,
        )
        return results

    def _apply(
        self, tx: Tx, actor: Actor, raw: Mapping[str, Any], absent: set[tuple[str, str]]
    ) -> dict[str, Any]:
        try:
            op = P.parse_op(raw)
        except P.PayloadError as exc:
            raise Rejected(P.R_INVALID, exc.reason, invalid_fields=list(exc.fields)) from None
        if P.hlc_millis(op.hlc) > now_ms(tx.now) + P.MAX_CLOCK_SKEW_MS:
            raise Rejected(
                P.R_CLOCK, "the edit is stamped ahead of head office's clock", hlc=op.hlc
            )
        if op.entity == P.AUDIT:
            return device_audit.store(tx, actor, op)
        if op.entity in DIRECTORY_ENTITIES:
            raise Rejected(P.R_ROLE, "head office data cannot be changed from a device")
        try:
            payload = P.parse_payload(op.entity, op.kind, op.payload)
        except P.PayloadError as exc:
            raise Rejected(P.R_INVALID, exc.reason, invalid_fields=list(exc.fields)) from None
        key = P.record_key(op.entity, op.entity_id, op.payload)
        if len(key) > P.MAX_KEY:
            raise Rejected(P.R_INVALID, f"a record's key has at most {P.MAX_KEY} characters")
        ref = (op.entity, key)
        # Not there when the push began, nor written by an op of it since: none to read.
        rec = None if ref in absent else tx.session.get(Record, ref)
        if op.entity == "prospect":
            return apply_prospect(tx, actor, op, payload, rec)
        if op.entity == chains.ENTITY:
            return chains.report(tx, actor, op, payload)
        result = apply_child(tx, actor, op, payload, rec, key)
        chains.after_op(tx, actor, op, key)
        return result


PREFETCH_CHUNK = 500


def _prefetch(
    s: Any, ops: Sequence[Mapping[str, Any]]
) -> tuple[list[Record], set[tuple[str, str]]]:
    """Load the records ``ops`` name (and their prospects) into the session; return them (to
    keep them in its identity map, which holds objects weakly) and the names not found.
    An op of the wrong shape is left to its own check."""
    wanted: set[tuple[str, str]] = set()
    for op in ops:
        if not isinstance(op, Mapping):
            continue
        entity, entity_id, payload = op.get("entity"), op.get("entity_id"), op.get("payload")
        if not isinstance(entity, str) or not isinstance(entity_id, str):
            continue
        payload = payload if isinstance(payload, Mapping) else {}
        try:
            wanted.add((entity, P.record_key(entity, entity_id, payload)))
        except (TypeError, ValueError):
            continue
        parent = payload.get(P.PARENT_FIELD)
        if isinstance(parent, str):
            wanted.add(("prospect", parent))
    # A name no store can keep (a lone surrogate, a NUL) is left to the op's own check,
    # which refuses it; it must not reach the query.
    wanted = {ref for ref in wanted if len(ref[1]) <= P.MAX_KEY and not P.text_problem(ref[1])}
    ids = sorted({key for _, key in wanted})
    held: list[Record] = []
    for start in range(0, len(ids), PREFETCH_CHUNK):
        chunk = ids[start : start + PREFETCH_CHUNK]
        held.extend(s.scalars(select(Record).where(Record.id.in_(chunk))))
    found = {(r.entity, r.id) for r in held}
    return held, {ref for ref in wanted if ref not in found}


def apply_child(
    tx: Tx, actor: Actor, op: P.Op, payload: P.Payload, rec: Record | None, key: str
) -> dict[str, Any]:
    """An op on a record under a prospect: the first makes it (in the prospect's book),
    later ones merge per field; a delete kind removes it."""
    removal = isinstance(payload, P.Removal)
    if rec is None:
        if removal:
            return {"op_id": op.op_id, "status": P.APPLIED}
        makers = P.CHILD_PAYLOADS.get(op.entity)
        if makers and op.kind not in makers:
            # Only a kind that makes the record checks all a record needs (a loan's amount
            # and dates): a change to a record head office lacks would store a part of one,
            # which no laptop could apply (found by the fuzzer).
            raise Rejected(P.R_MISSING, "head office does not have this record")
        assert isinstance(payload, P.ChildFields)
        parent = (
            tx.session.get(Record, ("prospect", payload.prospect_id))
            if payload.prospect_id
            else None
        )
        if parent is None:
            raise Rejected(P.R_MISSING, "head office has no such prospect")
        if parent.deleted:
            raise Rejected(P.R_DELETED, "the prospect was deleted at head office")
        if not can_write(actor, parent):
            raise Rejected(P.R_SCOPE, "the prospect is not in this user's book")
        data = _own_fields(payload)
        data["prospect_id"] = parent.id
        data.setdefault("created_at", op.created_at or iso(tx.now))
        rec = Record(
            entity=op.entity,
            id=key,
            ord=P.entity_order(op.entity),
            owner_id=parent.owner_id,
            team_id=parent.team_id,
            prospect_id=parent.id,
            pool=parent.pool,
            data=dumps(data),
            hlcs=dumps(dict.fromkeys(data, op.hlc)),
            version=1,
            deleted=False,
            seq=tx.log(op.entity, key, parent.owner_id, parent.team_id, pool=parent.pool),
            created_at=tx.now,
            updated_at=tx.now,
        )
        tx.session.add(rec)
        tx.session.flush()
        return applied(op, rec)
    if rec.deleted:
        raise Rejected(P.R_DELETED, "the record was deleted at head office", record=rec)
    if not can_write(actor, rec):
        raise Rejected(P.R_SCOPE, "the record is not in this user's book", record=rec)
    current = json.loads(rec.data)
    if op.entity == "visit" and current.get("status") == "final":
        raise Rejected(
            P.R_FINAL, "a finalized visit never changes: record an amendment", record=rec
        )
    if removal:
        ownership.delete(tx, rec)
        return applied(op, rec)
    fields = _own_fields(payload)
    if fields.get("prospect_id", rec.prospect_id) != rec.prospect_id:
        raise Rejected(
            P.R_INVALID,
            "a record cannot move to another prospect",
            invalid_fields=["prospect_id"],
            record=rec,
        )
    return merge(tx, rec, fields, op)


# Who holds a record is head office's to say (its prospect's owner, team and pool), never
# a payload's.
OWNERSHIP_FIELDS = frozenset({"owner_id", "team_id", "pool", "deleted", "version"})


def _own_fields(payload: P.Payload) -> dict[str, Any]:
    return {k: v for k, v in payload.sent().items() if k not in OWNERSHIP_FIELDS}


def rejected(op_id: Any, exc: Rejected, actor: Actor | None = None) -> dict[str, Any]:
    """The result of a rejected op, with head office's record when the device may see it."""
    result: dict[str, Any] = {
        "op_id": op_id,
        "status": P.REJECTED,
        "code": exc.code,
        "message": exc.message,
        **exc.extra,
    }
    rec = exc.record
    if (
        rec is not None
        and actor is not None
        and can_see(actor, rec.owner_id, rec.team_id, rec.pool)
    ):
        result["record"] = record_dict(rec)
    return result


def _op_id(op: Mapping[str, Any]) -> str:
    """The op's id if it is one head office can record (else "")."""
    value = op.get("op_id")
    if (
        isinstance(value, str)
        and 0 < len(value) <= P.MAX_ID
        and "\x00" not in value
        and (value.isascii() or not P.text_problem(value))
    ):
        return value
    return ""
