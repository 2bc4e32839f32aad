"""What head office does with devices: hello, register, push, pull, snapshot, counts.

Conflict policy (DESIGN.md): prospect fields are last-writer-wins per field by hybrid
logical clock; stage changes are commands ``{from, to, reason}`` checked with the domain's
``check_move`` against the server's current state; delete wins; a duplicate USCC is
answered with ``duplicate_of``; claiming a pool prospect is a command only one RM wins;
finalized visits never change (amendments are new records). Every op is recorded in
``ho_applied_ops`` with its result in the same transaction, so a retried push is answered
from there and creates nothing twice.

Logs carry ids and counts, never customer data.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from json.encoder import encode_basestring as _quote
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true, tuple_, union_all

from crm.domain.errors import DomainError
from crm.domain.stages import Stage, StageFacts, StrategicCriteria, check_move
from crm.headoffice import security
from crm.headoffice.db import EPOCH_KEY, Store, Tx, utcnow
from crm.headoffice.models import (
    SCHEMA_VERSION,
    SEQ_COUNTER,
    AppliedOp,
    Change,
    Counter,
    Device,
    HoUser,
    Record,
)
from crm.sync import protocol as P

log = logging.getLogger("crm.headoffice")
ZONE = ZoneInfo("Asia/Shanghai")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)


class ApiError(Exception):
    """A refused request: HTTP status, a protocol error code, English text and params."""

    def __init__(self, status: int, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.params = params

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "params": self.params}


class Rejected(Exception):
    """An op head office will not apply; it goes to the device's conflicts list."""

    def __init__(
        self, code: str, message: str, *, record: Record | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.record = record
        self.extra = extra


@dataclass(frozen=True)
class Actor:
    """Who a request acts for: the device's user, with the scope that follows."""

    user_id: str
    role: str
    team_id: str | None
    device_id: str


# -- scope --------------------------------------------------------------------------------


def can_see(actor: Actor, owner_id: str | None, team_id: str | None, pool: bool) -> bool:
    if actor.role == "admin" or pool or owner_id == actor.user_id:
        return True
    return actor.role == "lead" and team_id is not None and team_id == actor.team_id


def can_write(actor: Actor, rec: Record) -> bool:
    """Pool records change by claim only; otherwise as can_see."""
    if actor.role == "admin":
        return True
    if rec.pool:
        return False
    return can_see(actor, rec.owner_id, rec.team_id, False)


def _record_scope(actor: Actor) -> ColumnElement[bool]:
    if actor.role == "admin":
        return true()
    clauses = [Record.pool.is_(True), Record.owner_id == actor.user_id]
    if actor.role == "lead" and actor.team_id:
        clauses.append(Record.team_id == actor.team_id)
    return or_(*clauses)


def _scope_parts(actor: Actor) -> list[ColumnElement[bool]]:
    """``_record_scope`` as disjoint parts, each walkable on one index in (ord, id) order:
    own book (owner, ord, id), team (team, ord, id), shared pool (pool, ord, id)."""
    if actor.role == "admin":
        return [true()]
    not_mine = or_(Record.owner_id.is_(None), Record.owner_id != actor.user_id)
    parts: list[ColumnElement[bool]] = [Record.owner_id == actor.user_id]
    pool = and_(Record.pool == true(), not_mine)
    if actor.role == "lead" and actor.team_id:
        parts.append(and_(Record.team_id == actor.team_id, not_mine))
        not_team = or_(Record.team_id.is_(None), Record.team_id != actor.team_id)
        pool = and_(pool, not_team)
    parts.append(pool)
    return parts


def snapshot_parts(
    actor: Actor, position: tuple[int, str] | None, limit: int
) -> list[Select[*tuple[Any, ...]]]:
    """The walks a snapshot page merges: each part of the scope from ``position`` in
    (ord, id) order, ``limit`` rows at most, with the wire columns and ``ord``."""
    walks: list[Select[*tuple[Any, ...]]] = []
    for part in _scope_parts(actor):
        stmt: Select[*tuple[Any, ...]] = select(*WIRE_COLUMNS, Record.ord).where(
            Record.deleted.is_(False), part
        )
        if position is not None:
            stmt = stmt.where(tuple_(Record.ord, Record.id) > tuple_(*position))
        walks.append(stmt.order_by(Record.ord, Record.id).limit(limit))
    return walks


def snapshot_probes(
    actor: Actor, position: tuple[int, str] | None, end: tuple[int, str] | None
) -> list[Select[*tuple[Any, ...]]]:
    """Per part of the scope: is there a record after ``position`` and up to ``end``?"""
    probes: list[Select[*tuple[Any, ...]]] = []
    for part in _scope_parts(actor):
        stmt: Select[*tuple[Any, ...]] = select(Record.id).where(Record.deleted.is_(False), part)
        if position is not None:
            stmt = stmt.where(tuple_(Record.ord, Record.id) > tuple_(*position))
        if end is not None:
            stmt = stmt.where(tuple_(Record.ord, Record.id) <= tuple_(*end))
        probes.append(stmt.order_by(Record.ord, Record.id).limit(1))
    return probes


def _change_scope(actor: Actor) -> ColumnElement[bool]:
    if actor.role == "admin":
        return true()
    clauses = [
        Change.pool.is_(True),
        Change.owner_id == actor.user_id,
        Change.prev_owner_id == actor.user_id,
    ]
    if actor.role == "lead" and actor.team_id:
        clauses += [Change.team_id == actor.team_id, Change.prev_team_id == actor.team_id]
    return or_(*clauses)


# -- wire forms ---------------------------------------------------------------------------


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


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def now_ms(clock: datetime) -> int:
    return int(clock.timestamp() * 1000)


class HeadOffice:
    """The service behind the HTTP endpoints (and the admin commands, in ``admin.py``)."""

    def __init__(self, store: Store, *, clock: Any = utcnow) -> None:
        self.store = store
        self.clock = clock
        self._epoch: str | None = None

    @property
    def epoch(self) -> str:
        if self._epoch is None:
            self._epoch = self.store.meta(EPOCH_KEY) or ""
        return self._epoch

    # -- hello, register, authenticate ------------------------------------------------------

    def check_protocol(self, version: Any) -> None:
        try:
            number = int(version)
        except (TypeError, ValueError):
            number = 0
        if not P.PROTOCOL_MIN <= number <= P.PROTOCOL_MAX:
            raise ApiError(
                426,
                P.E_UPGRADE,
                "protocol version not supported: update the app",
                client=number,
                min=P.PROTOCOL_MIN,
                max=P.PROTOCOL_MAX,
            )

    def hello(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        self.check_protocol(body.get("protocol"))
        now = self.clock()
        server_ms = now_ms(now)
        client_ms = body.get("client_time_ms")
        if isinstance(client_ms, int | float):
            skew = int(client_ms) - server_ms
            if abs(skew) > P.MAX_CLOCK_SKEW_MS:
                raise ApiError(
                    409,
                    P.E_CLOCK,
                    "device clock differs from head office by too much",
                    skew_ms=skew,
                    minutes=round(abs(skew) / 60000),
                    ahead=skew > 0,
                )
        status, user = P.DEVICE_UNKNOWN, None
        if token:
            with self.store.read() as s:
                device = s.execute(
                    select(Device).where(Device.token_hash == security.token_hash(token))
                ).scalar_one_or_none()
                if device is not None:
                    status = P.DEVICE_REVOKED if device.revoked_at else P.DEVICE_ACTIVE
                    u = s.get(HoUser, device.user_id)
                    if u is not None and not u.active:
                        status = P.DEVICE_REVOKED
                    if u is not None and status == P.DEVICE_ACTIVE:
                        user = self._user_info(u)
        return {
            "protocol_min": P.PROTOCOL_MIN,
            "protocol_max": P.PROTOCOL_MAX,
            "schema": SCHEMA_VERSION,
            "epoch": self.epoch,
            "server_time_ms": server_ms,
            "device_status": status,
            "user": user,
        }

    @staticmethod
    def _user_info(u: HoUser) -> dict[str, Any]:
        return {
            "id": u.id,
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "team_id": u.team_id,
        }

    def register(
        self, username: str, password: str, device_id: str, device_name: str
    ) -> dict[str, Any]:
        """Password → device token (shown once). Wrong passwords lock the user out a while."""
        if not username or not password or not device_id or len(device_id) > 64:
            raise ApiError(400, P.E_BAD, "username, password and device id are required")
        now = self.clock()
        with self.store.read() as s:
            u = s.execute(select(HoUser).where(HoUser.username == username)).scalar_one_or_none()
            stored = u.password_hash if u is not None else ""
            locked = u is not None and u.locked_until is not None and u.locked_until > now
            device = s.get(Device, device_id)
        if locked:
            raise ApiError(429, P.E_LOCKED, "too many wrong passwords: try again later")
        # The slow check runs outside any transaction (it takes ~50 ms by design).
        ok = bool(stored) and security.check_password(password, stored)
        if u is None or not ok or not u.active:
            if u is not None:
                with self.store.write() as tx:
                    row = tx.session.get(HoUser, u.id)
                    assert row is not None
                    row.failed_logins += 1
                    if row.failed_logins >= MAX_FAILED_LOGINS:
                        row.locked_until = now + LOCKOUT
                        row.failed_logins = 0
            log.info("device registration refused (device %s)", device_id[:12])
            raise ApiError(401, P.E_PASSWORD, "wrong user name or password")
        if device is not None and device.revoked_at is not None:
            raise ApiError(403, P.E_REVOKED, "this device was revoked", wipe=True)
        token = security.new_token()
        with self.store.write() as tx:
            s = tx.session
            row = s.get(HoUser, u.id)
            assert row is not None
            row.failed_logins = 0
            row.locked_until = None
            existing = s.get(Device, device_id)
            if existing is None:
                s.add(
                    Device(
                        id=device_id,
                        user_id=u.id,
                        name=device_name[:100],
                        token_hash=security.token_hash(token),
                        registered_at=now,
                    )
                )
            else:
                existing.user_id = u.id
                existing.token_hash = security.token_hash(token)
                existing.name = device_name[:100]
            from crm.headoffice.admin import audit

            audit(s, username, "device.register", device_id, {"name": device_name[:100]})
        log.info("device %s registered", device_id[:12])
        return {"token": token, "user": self._user_info(u), "epoch": self.epoch}

    def authenticate(self, token: str | None) -> Actor:
        if not token:
            raise ApiError(401, P.E_AUTH, "this device is not registered with head office")
        with self.store.read() as s:
            row = s.execute(
                select(Device, HoUser)
                .join(HoUser, HoUser.id == Device.user_id)
                .where(Device.token_hash == security.token_hash(token))
            ).first()
        if row is None:
            raise ApiError(401, P.E_AUTH, "this device is not registered with head office")
        device, user = row
        if device.revoked_at is not None or not user.active:
            raise ApiError(403, P.E_REVOKED, "this device was revoked", wipe=True)
        return Actor(user.id, user.role, user.team_id, device.id)

    # -- push -------------------------------------------------------------------------------

    def push(self, actor: Actor, ops: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        started = time.perf_counter()
        results: list[dict[str, Any]] = []
        counts = {P.APPLIED: 0, P.DUPLICATE: 0, P.REJECTED: 0}
        with self.store.write() as tx:
            s = tx.session
            ids = [str(op.get("op_id", "")) for op in ops]
            seen = {
                a.op_id: a
                for a in s.scalars(
                    select(AppliedOp).where(
                        AppliedOp.device_id == actor.device_id, AppliedOp.op_id.in_(ids)
                    )
                )
            }
            for op in ops:
                op_id = str(op.get("op_id", ""))
                digest = P.op_hash(op)
                before = seen.get(op_id)
                if before is not None:
                    if before.request_hash != digest:
                        result = self._rejected(
                            op_id, Rejected(P.R_REUSED, "op id reused with different content")
                        )
                    else:
                        original = json.loads(before.result)
                        result = {**original, "status": P.DUPLICATE, "original": original["status"]}
                    results.append(result)
                    counts[result["status"]] += 1
                    continue
                try:
                    result = self._apply(tx, actor, op)
                except Rejected as exc:
                    result = self._rejected(op_id, exc, actor)
                applied = AppliedOp(
                    device_id=actor.device_id,
                    op_id=op_id,
                    request_hash=digest,
                    result=_dumps(result),
                    applied_at=tx.now,
                )
                s.add(applied)
                seen[op_id] = applied
                results.append(result)
                counts[result["status"]] += 1
            device = s.get(Device, actor.device_id)
            if device is not None:
                device.last_seen_at = tx.now
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

    def _rejected(self, op_id: str, exc: Rejected, actor: Actor | None = None) -> dict[str, Any]:
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

    def _apply(self, tx: Tx, actor: Actor, op: dict[str, Any]) -> dict[str, Any]:
        op_id = str(op.get("op_id", ""))
        entity, entity_id, kind = op.get("entity"), op.get("entity_id"), op.get("kind")
        payload, hlc = op.get("payload"), op.get("hlc")
        if not (
            isinstance(entity, str)
            and isinstance(entity_id, str)
            and isinstance(kind, str)
            and isinstance(payload, dict)
            and isinstance(hlc, str)
            and op_id
        ):
            raise Rejected(P.R_INVALID, "malformed op")
        if P.hlc_millis(hlc) > now_ms(tx.now) + P.MAX_CLOCK_SKEW_MS:
            raise Rejected(P.R_CLOCK, "the edit is stamped ahead of head office's clock", hlc=hlc)
        key = P.record_key(entity, entity_id, payload)
        rec = tx.session.get(Record, (entity, key))
        if entity == "prospect":
            return self._prospect(tx, actor, op, rec)
        if entity in ("user", "team", "reference"):
            raise Rejected(P.R_ROLE, "head office data cannot be changed from a device")
        return self._child(tx, actor, op, rec, key)

    # -- prospects ----------------------------------------------------------------------------

    def _prospect(
        self, tx: Tx, actor: Actor, op: dict[str, Any], rec: Record | None
    ) -> dict[str, Any]:
        kind, payload = op["kind"], op["payload"]
        if kind == "create" and rec is None:
            return self._create_prospect(tx, actor, op)
        if rec is None:
            raise Rejected(P.R_MISSING, "head office has no such prospect")
        if rec.deleted:
            raise Rejected(P.R_DELETED, "the prospect was deleted at head office", record=rec)
        if kind == "claim":
            return self._claim(tx, actor, op, rec)
        if not can_write(actor, rec):
            raise Rejected(P.R_SCOPE, "the prospect is not in this user's book", record=rec)
        if kind in ("create", "update"):
            fields = payload.get("fields") if kind == "update" else payload
            if not isinstance(fields, dict):
                raise Rejected(P.R_INVALID, "malformed op")
            wanted = {k: v for k, v in fields.items() if k in P.PROSPECT_FIELDS}
            uscc = wanted.get("uscc")
            if uscc:
                self._refuse_duplicate(tx, str(uscc), rec.id)
            return self._merge(tx, rec, wanted, op)
        if kind == "stage":
            return self._stage(tx, actor, op, rec)
        if kind == "assign":
            if actor.role == "rm":
                raise Rejected(P.R_ROLE, "only a team lead or head office can reassign", record=rec)
            target = payload.get("rm_id")
            user = tx.session.get(HoUser, target) if isinstance(target, str) else None
            if user is None or not user.active:
                raise Rejected(P.R_INVALID, "no such RM", record=rec)
            if actor.role == "lead" and user.team_id != actor.team_id:
                raise Rejected(P.R_ROLE, "the RM is not in this team", record=rec)
            self.reassign(tx, rec, user, op["hlc"])
            return self._applied(op, rec)
        if kind in P.DELETE_KINDS:
            self.delete(tx, rec)
            return self._applied(op, rec)
        raise Rejected(P.R_INVALID, "unknown op kind", kind=kind)

    def _refuse_duplicate(self, tx: Tx, uscc: str, own_id: str | None) -> None:
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

    def _create_prospect(self, tx: Tx, actor: Actor, op: dict[str, Any]) -> dict[str, Any]:
        payload, hlc = op["payload"], op["hlc"]
        name = payload.get("name")
        if not isinstance(name, str) or not name.strip():
            raise Rejected(P.R_INVALID, "a prospect needs a name")
        uscc = payload.get("uscc") or None
        if uscc:
            self._refuse_duplicate(tx, str(uscc), None)
        owner_id = payload.get("rm_id") or actor.user_id
        owner = tx.session.get(HoUser, owner_id)
        if owner is None:
            raise Rejected(P.R_INVALID, "no such RM")
        if actor.role == "rm" and owner.id != actor.user_id:
            raise Rejected(P.R_ROLE, "an RM creates prospects in their own book")
        if actor.role == "lead" and owner.team_id != actor.team_id:
            raise Rejected(P.R_ROLE, "the RM is not in this team")
        stage = payload.get("stage") or Stage.NO_LOAN.value
        if stage not in {s.value for s in Stage}:
            raise Rejected(P.R_INVALID, "unknown stage")
        at = str(op.get("created_at") or _iso(tx.now))
        data = {k: v for k, v in payload.items() if k in P.PROSPECT_FIELDS}
        data.update(
            stage=stage,
            stage_changed_at=at,
            rm_id=owner.id,
            created_at=at,
            # The device's own event id, so its history and head office's stay one record.
            history=[
                _event(
                    str(payload.get("event_id") or op["op_id"]),
                    None,
                    stage,
                    "",
                    "",
                    actor.user_id,
                    at,
                )
            ],
        )
        hlcs = dict.fromkeys(data, hlc)
        rec = Record(
            entity="prospect",
            id=op["entity_id"],
            ord=P.entity_order("prospect"),
            owner_id=owner.id,
            team_id=owner.team_id,
            prospect_id=op["entity_id"],
            pool=False,
            uscc=uscc,
            data=_dumps(data),
            hlcs=_dumps(hlcs),
            version=1,
            deleted=False,
            seq=tx.log("prospect", op["entity_id"], owner.id, owner.team_id),
            created_at=tx.now,
            updated_at=tx.now,
        )
        tx.session.add(rec)
        tx.session.flush()
        return self._applied(op, rec)

    def _merge(
        self, tx: Tx, rec: Record, fields: dict[str, Any], op: dict[str, Any]
    ) -> dict[str, Any]:
        """Per-field last writer wins by HLC; fields that lost are reported as superseded."""
        data = json.loads(rec.data)
        hlcs = json.loads(rec.hlcs)
        hlc = op["hlc"]
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
            self._touch(tx, rec, data, hlcs)
            if "uscc" in changed:
                rec.uscc = data.get("uscc") or None
        result = self._applied(op, rec)
        if superseded:
            result["superseded"] = superseded
            result["record"] = record_dict(rec)
        return result

    def _touch(self, tx: Tx, rec: Record, data: dict[str, Any], hlcs: dict[str, Any]) -> None:
        rec.data = _dumps(data)
        rec.hlcs = _dumps(hlcs)
        rec.version += 1
        rec.updated_at = tx.now
        rec.seq = tx.log(rec.entity, rec.id, rec.owner_id, rec.team_id, pool=rec.pool)

    def _stage(self, tx: Tx, actor: Actor, op: dict[str, Any], rec: Record) -> dict[str, Any]:
        payload = op["payload"]
        data = json.loads(rec.data)
        current = data.get("stage")
        wanted = payload.get("to")
        if payload.get("from") != current:
            raise Rejected(
                P.R_STAGE,
                "the stage was changed meanwhile",
                record=rec,
                current=current,
                wanted=wanted,
            )
        try:
            check_move(
                Stage(current),
                Stage(wanted),
                self._facts(tx, rec.id),
                self.criteria(tx),
                reason_code=payload.get("reason_code") or None,
                reason_text=str(payload.get("reason") or ""),
            )
        except (DomainError, ValueError) as exc:
            params = getattr(exc, "params", {})
            raise Rejected(
                P.R_STAGE_RULE,
                getattr(exc, "template", str(exc)),
                record=rec,
                params={k: str(v) for k, v in params.items()},
            ) from exc
        at = str(op.get("created_at") or _iso(tx.now))
        data["stage"] = wanted
        data["stage_changed_at"] = at
        history = list(data.get("history") or [])
        history.append(
            _event(
                str(payload.get("event_id") or op["op_id"]),
                current,
                wanted,
                str(payload.get("reason_code") or ""),
                str(payload.get("reason") or ""),
                actor.user_id,
                at,
            )
        )
        data["history"] = history
        hlcs = json.loads(rec.hlcs)
        hlcs["stage"] = op["hlc"]
        self._touch(tx, rec, data, hlcs)
        return self._applied(op, rec)

    def _facts(self, tx: Tx, prospect_id: str) -> StageFacts:
        loans = [
            json.loads(text)
            for text in tx.session.scalars(
                select(Record.data).where(
                    Record.entity == "loan",
                    Record.prospect_id == prospect_id,
                    Record.deleted.is_(False),
                )
            )
        ]
        starts = [date.fromisoformat(lo["start_date"]) for lo in loans if lo.get("start_date")]
        return StageFacts(
            loan_count=len(loans),
            first_loan_date=min(starts, default=None),
            total_credit_fen=sum(int(lo.get("amount_fen") or 0) for lo in loans),
            today=tx.now.astimezone(ZONE).date(),
        )

    def criteria(self, tx: Tx) -> StrategicCriteria:
        doc = tx.session.execute(
            select(Record.data).where(Record.entity == "reference", Record.id == "criteria")
        ).scalar_one_or_none()
        if doc is not None:
            rules = json.loads(doc).get("strategic", {})
        else:
            from crm import resources

            rules = resources.stage_rules()["strategic"]
        return StrategicCriteria(
            min_months_as_customer=int(rules["min_months_as_customer"]),
            min_loans=int(rules["min_loans"]),
            min_total_credit_fen=int(rules["min_total_credit_fen"]),
        )

    def _claim(self, tx: Tx, actor: Actor, op: dict[str, Any], rec: Record) -> dict[str, Any]:
        if rec.owner_id == actor.user_id:
            return self._applied(op, rec)
        if not rec.pool or rec.owner_id is not None:
            # Taken: the others are not told by whom (the record is not sent).
            raise Rejected(P.R_TAKEN, "another RM has already taken this prospect")
        user = tx.session.get(HoUser, actor.user_id)
        assert user is not None
        self.reassign(tx, rec, user, op["hlc"])
        return self._applied(op, rec)

    def reassign(self, tx: Tx, rec: Record, user: HoUser | None, hlc: str) -> None:
        """Give a prospect (and its children) to ``user`` (None: back to the shared pool).

        The change rows name the previous owner and team, so their devices pull a
        ``remove`` and drop the record.
        """
        prev_owner, prev_team, was_pool = rec.owner_id, rec.team_id, rec.pool
        owner = user.id if user else None
        team = user.team_id if user else None
        pool = user is None
        data = json.loads(rec.data)
        hlcs = json.loads(rec.hlcs)
        data["rm_id"] = owner
        hlcs["rm_id"] = hlc
        rec.owner_id, rec.team_id, rec.pool = owner, team, pool
        rec.data, rec.hlcs = _dumps(data), _dumps(hlcs)
        rec.version += 1
        rec.updated_at = tx.now
        rec.seq = tx.log(
            "prospect",
            rec.id,
            owner,
            team,
            prev_owner_id=prev_owner,
            prev_team_id=prev_team,
            pool=pool or was_pool,
        )
        for child in tx.session.scalars(
            select(Record)
            .where(Record.prospect_id == rec.id, Record.entity != "prospect")
            .order_by(Record.ord, Record.id)
        ):
            child.owner_id, child.team_id, child.pool = owner, team, pool
            child.updated_at = tx.now
            child.seq = tx.log(
                child.entity,
                child.id,
                owner,
                team,
                prev_owner_id=prev_owner,
                prev_team_id=prev_team,
                pool=pool or was_pool,
            )

    def delete(self, tx: Tx, rec: Record) -> None:
        """Delete wins: the record and its children are gone for every device."""
        targets = [rec]
        if rec.entity == "prospect":
            targets += list(
                tx.session.scalars(
                    select(Record).where(
                        Record.prospect_id == rec.id,
                        Record.entity != "prospect",
                        Record.deleted.is_(False),
                    )
                )
            )
        for target in targets:
            target.deleted = True
            target.version += 1
            target.updated_at = tx.now
            target.seq = tx.log(
                target.entity, target.id, target.owner_id, target.team_id, pool=target.pool
            )

    # -- children: contacts, loans, visits, checklist ticks, anything new ---------------------

    def _child(
        self, tx: Tx, actor: Actor, op: dict[str, Any], rec: Record | None, key: str
    ) -> dict[str, Any]:
        entity, kind, payload = op["entity"], op["kind"], op["payload"]
        fields = payload.get("fields") if isinstance(payload.get("fields"), dict) else payload
        assert isinstance(fields, dict)
        if rec is None:
            if kind in P.DELETE_KINDS:
                return {"op_id": op["op_id"], "status": P.APPLIED}
            parent_id = fields.get(P.PARENT_FIELD)
            parent = (
                tx.session.get(Record, ("prospect", parent_id))
                if isinstance(parent_id, str)
                else None
            )
            if parent is None:
                raise Rejected(P.R_MISSING, "head office has no such prospect")
            if parent.deleted:
                raise Rejected(P.R_DELETED, "the prospect was deleted at head office")
            if not can_write(actor, parent):
                raise Rejected(P.R_SCOPE, "the prospect is not in this user's book")
            data = dict(fields)
            data.setdefault("created_at", str(op.get("created_at") or _iso(tx.now)))
            rec = Record(
                entity=entity,
                id=key,
                ord=P.entity_order(entity),
                owner_id=parent.owner_id,
                team_id=parent.team_id,
                prospect_id=parent.id,
                pool=parent.pool,
                data=_dumps(data),
                hlcs=_dumps(dict.fromkeys(data, op["hlc"])),
                version=1,
                deleted=False,
                seq=tx.log(entity, key, parent.owner_id, parent.team_id, pool=parent.pool),
                created_at=tx.now,
                updated_at=tx.now,
            )
            tx.session.add(rec)
            tx.session.flush()
            return self._applied(op, rec)
        if rec.deleted:
            raise Rejected(P.R_DELETED, "the record was deleted at head office", record=rec)
        if not can_write(actor, rec):
            raise Rejected(P.R_SCOPE, "the record is not in this user's book", record=rec)
        current = json.loads(rec.data)
        if entity == "visit" and current.get("status") == "final":
            raise Rejected(
                P.R_FINAL, "a finalized visit never changes: record an amendment", record=rec
            )
        if kind in P.DELETE_KINDS:
            self.delete(tx, rec)
            return self._applied(op, rec)
        return self._merge(tx, rec, dict(fields), op)

    @staticmethod
    def _applied(op: dict[str, Any], rec: Record) -> dict[str, Any]:
        return {"op_id": op["op_id"], "status": P.APPLIED, "version": rec.version}

    # -- pull, snapshot, counts --------------------------------------------------------------

    def head(self) -> int:
        with self.store.read() as s:
            return self._head(s)

    @staticmethod
    def _head(s: Any) -> int:
        value = s.execute(
            select(Counter.value).where(Counter.name == SEQ_COUNTER)
        ).scalar_one_or_none()
        return int(value or 0)

    def pull(self, actor: Actor, since: int, limit: int) -> str:
        """JSON text of the changes after ``since`` this device may see, oldest first.

        Each change carries the record's current state (or remove/delete), so applying one
        twice, or out of date, is harmless: a later change sends the later state again.
        """
        limit = max(1, min(limit, P.MAX_PAGE))
        with self.store.read() as s:
            head = self._head(s)
            rows = s.execute(
                select(Change.seq, Change.entity, Change.entity_id)
                .where(Change.seq > since, _change_scope(actor))
                .order_by(Change.seq)
                .limit(limit)
            ).all()
            more = len(rows) == limit
            cursor = rows[-1].seq if more else max(head, since)
            first: dict[tuple[str, str], int] = {}
            for seq, entity, entity_id in rows:
                first.setdefault((entity, entity_id), seq)
            records = self._load(s, list(first))
        parts: list[str] = []
        for (entity, entity_id), seq in first.items():
            row = records.get((entity, entity_id))
            head_json = f'{{"seq":{seq},"entity":{_quote(entity)},"id":{_quote(entity_id)}'
            if row is None or row.deleted:
                parts.append(head_json + ',"op":"delete"}')
            elif can_see(actor, row.owner_id, row.team_id, row.pool):
                parts.append(head_json + ',"op":"upsert","record":' + record_text(row) + "}")
            else:
                parts.append(head_json + ',"op":"remove"}')
        log.info(
            "pull device=%s since=%d changes=%d cursor=%d",
            actor.device_id[:12],
            since,
            len(parts),
            cursor,
        )
        return (
            '{"changes":['
            + ",".join(parts)
            + f'],"cursor":{cursor},"more":{"true" if more else "false"},'
            + f'"epoch":{_dumps(self.epoch)}}}'
        )

    @staticmethod
    def _load(s: Any, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        """The wire columns (``WIRE_COLUMNS``) of these records, by (entity, id)."""
        by_entity: dict[str, list[str]] = {}
        for entity, entity_id in keys:
            by_entity.setdefault(entity, []).append(entity_id)
        found: dict[tuple[str, str], Any] = {}
        for entity, ids in by_entity.items():
            for start in range(0, len(ids), 500):
                for row in s.execute(
                    select(*WIRE_COLUMNS).where(
                        Record.entity == entity, Record.id.in_(ids[start : start + 500])
                    )
                ):
                    found[(row.entity, row.id)] = row
        return found

    def snapshot(self, actor: Actor, as_of: int | None, after: str | None, limit: int) -> str:
        """A page of everything in the device's scope, walked by (entity order, id).

        The scope is an OR (own book, team, shared pool), which no single index serves:
        each part is walked on its own index from the position, ``limit`` rows at most,
        and the parts are merged in the database (``UNION ALL`` of disjoint parts) when
        more than one has records in the page's range, so a page costs the same at the end
        of a book as at its start.
        """
        limit = max(1, min(limit, P.MAX_PAGE))
        position = P.parse_after(after)
        with self.store.read() as s:
            if as_of is None:
                as_of = self._head(s)
            walks = snapshot_parts(actor, position, limit)
            rows = s.execute(walks[0]).all()
            # The first part (own book) is most of a page: when no other part has a record
            # up to where it ends, it is the page, and the merge (a sort of whole rows) is
            # spared. The probe compares in the database, as the walks do.
            end = (rows[-1].ord, rows[-1].id) if len(rows) == limit else None
            if any(
                s.execute(probe).first() is not None
                for probe in snapshot_probes(actor, position, end)[1:]
            ):
                merged = union_all(*(select(w.subquery()) for w in walks)).subquery()
                rows = s.execute(
                    select(merged).order_by(merged.c.ord, merged.c.id).limit(limit)
                ).all()
        more = len(rows) == limit
        texts: list[str] = []
        size = 0
        for row in rows:
            texts.append(record_text(row))
            size += len(texts[-1])
            if size >= P.MAX_PAGE_CHARS and len(texts) < len(rows):
                more = True
                break
        last = rows[len(texts) - 1] if texts else None
        next_after = P.after_token(last.ord, last.id) if last is not None else after
        return (
            f'{{"as_of":{as_of},"records":['
            + ",".join(texts)
            + f'],"after":{_dumps(next_after)},"more":{"true" if more else "false"},'
            + f'"epoch":{_dumps(self.epoch)}}}'
        )

    def counts(self, actor: Actor, entity: str | None = None) -> dict[str, Any]:
        """How many records of each entity the device should hold; of one ``entity`` only
        when asked (the check after every sync: each part of the scope counted on its
        index, rather than every record of the book grouped)."""
        with self.store.read() as s:
            head = self._head(s)
            if entity is None:
                rows = s.execute(
                    select(Record.entity, func.count())
                    .where(Record.deleted.is_(False), _record_scope(actor))
                    .group_by(Record.entity)
                ).all()
                return {"as_of": head, "counts": {e: int(n) for e, n in rows}}
            total = 0
            for part in _scope_parts(actor):
                total += int(
                    s.execute(
                        select(func.count())
                        .select_from(Record)
                        .where(
                            part,
                            Record.ord == P.entity_order(entity),
                            Record.entity == entity,
                            Record.deleted.is_(False),
                        )
                    ).scalar_one()
                )
        return {"as_of": head, "counts": {entity: total}}


def _event(
    event_id: str,
    from_stage: str | None,
    to_stage: str,
    reason_code: str,
    reason: str,
    by: str | None,
    at: str,
) -> dict[str, Any]:
    return {
        "id": event_id,
        "from": from_stage,
        "to": to_stage,
        "reason_code": reason_code,
        "reason": reason,
        "by": by,
        "at": at,
    }
