"""Devices and who they act for: the protocol check, ``hello``, registration with a password
(a device token, shown once; wrong passwords lock the user, or the address, out a while:
``throttle``) and the token check every other request starts with.

Logs carry device ids, never passwords or tokens.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.domain.errors import DomainError
from crm.domain.security_policy import parse_security_policy
from crm.headoffice import security, throttle
from crm.headoffice.db import Store, audit
from crm.headoffice.errors import ApiError
from crm.headoffice.models import SCHEMA_VERSION, Device, HoUser, Record
from crm.headoffice.scope import Actor
from crm.headoffice.wire import now_ms
from crm.sync import protocol as P

log = logging.getLogger("crm.headoffice")


class _Taken(Exception):
    pass


def requires_encryption(s: Session) -> bool:
    """Whether the security policy in force says devices must hold an encrypted book (a
    stored policy is the parser's own document: see Admin.publish)."""
    rec = s.get(Record, ("reference", "security"))
    if rec is None or rec.deleted:
        return False
    try:
        return parse_security_policy(json.loads(rec.data).get("document")).require_encryption
    except (DomainError, ValueError, AttributeError):
        return False


def check_protocol(version: Any) -> None:
    """Refuse (426) a client speaking a protocol version head office does not."""
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


def user_info(u: HoUser) -> dict[str, Any]:
    return {
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role,
        "team_id": u.team_id,
    }


class Auth:
    """hello, register and authenticate over ``store``; ``clock`` is head office's wall
    clock and ``epoch`` says which generation of the data it serves."""

    def __init__(
        self, store: Store, clock: Callable[[], datetime], epoch: Callable[[], str]
    ) -> None:
        self.store = store
        self.clock = clock
        self.epoch = epoch

    def hello(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        check_protocol(body.get("protocol"))
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
                        user = user_info(u)
        return {
            "protocol_min": P.PROTOCOL_MIN,
            "protocol_max": P.PROTOCOL_MAX,
            "schema": SCHEMA_VERSION,
            "epoch": self.epoch(),
            "server_time_ms": server_ms,
            "device_status": status,
            "user": user,
        }

    def register(
        self,
        username: str,
        password: str,
        device_id: str,
        device_name: str,
        address: str = "",
        *,
        encrypted: bool = False,
    ) -> dict[str, Any]:
        """Password → device token (shown once).

        Every attempt is counted before the slow check, in the database (``throttle``): per
        user (a name head office does not have is counted the same way) and per client
        address; spent attempts lock out for a while that grows with each lockout and ends
        by itself (a lead or head office can end it sooner). An unknown user and a wrong
        password get the same answer after the same work (a dummy hash is checked). A
        device id stays with the user it was first registered to (409, audited). When the
        security policy requires encryption, a device that does not hold an encrypted book
        is refused once the password is right (403, audited), and gets no token.
        """
        if not username or not password or not device_id or len(device_id) > 64:
            raise ApiError(400, P.E_BAD, "username, password and device id are required")
        now = self.clock()
        stored = like = ""
        with self.store.write() as tx:
            s = tx.session
            address_ok = throttle.reserve(s, throttle.ADDRESS_KIND, address, now)
            u = s.execute(select(HoUser).where(HoUser.username == username)).scalar_one_or_none()
            if not address_ok:
                reserved = False
            elif u is None:
                reserved = throttle.reserve(s, throttle.NAME_KIND, username, now)
                # The cost of real users' hashes, read as a real user's attempt is counted.
                like = (
                    s.scalar(
                        select(HoUser.password_hash).where(HoUser.password_hash != "").limit(1)
                    )
                    or ""
                )
                stored = ""
            else:
                reserved = throttle.reserve_user(u, now)
                stored = like = u.password_hash
            if address_ok and not reserved:
                throttle.release(s, throttle.ADDRESS_KIND, address)
        if not reserved:
            log.info("device registration refused: locked out (device %s)", device_id[:12])
            raise ApiError(429, P.E_LOCKED, "too many wrong passwords: try again later")
        # The slow check runs outside any transaction (~75 ms by design); without a stored
        # hash a dummy one of the same cost is checked, so the time says nothing.
        ok = security.check_password(password, stored or security.dummy_hash(like or ""))
        if u is None or not stored or not ok or not u.active:
            with self.store.write() as tx:
                s = tx.session
                throttle.failed(s, throttle.ADDRESS_KIND, address, now)
                if u is None:
                    throttle.failed(s, throttle.NAME_KIND, username, now)
                else:
                    throttle.user_failed(s, u.id, now)
            log.info("device registration refused (device %s)", device_id[:12])
            raise ApiError(401, P.E_PASSWORD, "wrong user name or password")
        with self.store.write() as tx:
            # The right password: the attempt was no guess, and the user starts afresh.
            throttle.release(tx.session, throttle.ADDRESS_KIND, address)
            signed_in = tx.session.get(HoUser, u.id)
            if signed_in is not None:
                throttle.clear_user(signed_in)
            if not encrypted and requires_encryption(tx.session):
                audit(tx.session, username, "device.plain_refused", device_id, {})
                refused = True
            else:
                refused = False
        if refused:
            log.info("device %s refused: its book is not encrypted", device_id[:12])
            raise ApiError(403, P.E_ENCRYPTION, "head office requires an encrypted book")
        token = security.new_token()
        try:
            with self.store.write() as tx:
                s = tx.session
                existing = s.get(Device, device_id)
                if existing is not None and existing.user_id != u.id:
                    raise _Taken
                if existing is not None and existing.revoked_at is not None:
                    raise ApiError(403, P.E_REVOKED, "this device was revoked", wipe=True)
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
                    existing.token_hash = security.token_hash(token)
                    existing.name = device_name[:100]
                audit(s, username, "device.register", device_id, {"name": device_name[:100]})
        except (_Taken, IntegrityError):
            # Another user's device (or registered as another user's at this very moment).
            with self.store.write() as tx:
                audit(tx.session, username, "device.claim_refused", device_id, {})
            log.warning("device %s: registration as another user refused", device_id[:12])
            raise ApiError(
                409, P.E_DEVICE_TAKEN, "this device is registered to another user"
            ) from None
        log.info("device %s registered", device_id[:12])
        return {"token": token, "user": user_info(u), "epoch": self.epoch()}

    def unlock(self, actor: Actor, username: str) -> dict[str, Any]:
        """A team lead (for their team) or head office ends a user's lockout."""
        if actor.role not in ("lead", "admin"):
            raise ApiError(403, P.E_AUTH, "only a team lead or head office can unlock a user")
        with self.store.write() as tx:
            u = tx.session.execute(
                select(HoUser).where(HoUser.username == username)
            ).scalar_one_or_none()
            if u is None or (actor.role == "lead" and u.team_id != actor.team_id):
                raise ApiError(404, P.E_BAD, "no such user in this team")
            throttle.clear_user(u)
            audit(tx.session, actor.user_id, "user.unlock", u.id, {})
        return {"unlocked": username}

    def authenticate(self, token: str | None) -> Actor:
        """The actor of a device token; 401 unknown, 403 revoked (the device wipes)."""
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
