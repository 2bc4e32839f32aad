"""Devices and who they act for: the protocol check, ``hello``, registration with a password
(a device token, shown once; wrong passwords lock the user out a while) and the token check
every other request starts with.

Logs carry device ids, never passwords or tokens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from crm.headoffice import security
from crm.headoffice.db import Store, audit
from crm.headoffice.errors import ApiError
from crm.headoffice.models import SCHEMA_VERSION, Device, HoUser
from crm.headoffice.scope import Actor
from crm.headoffice.wire import now_ms
from crm.sync import protocol as P

log = logging.getLogger("crm.headoffice")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)


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
            audit(s, username, "device.register", device_id, {"name": device_name[:100]})
        log.info("device %s registered", device_id[:12])
        return {"token": token, "user": user_info(u), "epoch": self.epoch()}

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
