"""Devices and who they act for: the protocol check, ``hello``, registration with a password
(a device token, shown once; wrong passwords lock the user out a while) and the token check
every other request starts with.

Logs carry device ids, never passwords or tokens.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
# Wrong passwords from one client address before it is locked out (5 minutes, doubling
# with each lockout up to a day).
ADDRESS_FAILURES = 20
ADDRESS_LOCKOUT_MAX = timedelta(days=1)


class _Taken(Exception):
    pass


def _reserve_attempt(s: Session, user_id: str, now: datetime) -> bool:
    """Count an attempt for the user unless they are locked out or out of attempts: one
    conditional row update, so concurrent guesses each take an attempt or are refused."""
    result = s.execute(
        update(HoUser)
        .where(
            HoUser.id == user_id,
            HoUser.failed_logins < MAX_FAILED_LOGINS,
            or_(HoUser.locked_until.is_(None), HoUser.locked_until <= now),
        )
        .values(failed_logins=HoUser.failed_logins + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def _lock_if_spent(s: Session, user_id: str, until: datetime) -> None:
    """After a wrong password: a user whose attempts are all spent is locked out."""
    s.execute(
        update(HoUser)
        .where(HoUser.id == user_id, HoUser.failed_logins >= MAX_FAILED_LOGINS)
        .values(locked_until=until, failed_logins=0)
        .execution_options(synchronize_session=False)
    )


class Throttle:
    """Attempts counted in memory per key (client addresses; user names head office does
    not have, counted as a real user's are): ``limit`` failures lock the key out for
    ``base``, doubling with each lockout when ``backoff`` (up to ``cap``)."""

    def __init__(
        self, limit: int, base: timedelta, cap: timedelta, *, backoff: bool = False
    ) -> None:
        self.limit = limit
        self.base = base
        self.cap = cap
        self.backoff = backoff
        self._lock = threading.Lock()
        # key → [attempts counted, locked until, lockouts so far]
        self._items: dict[str, list[Any]] = {}

    def reserve(self, key: str, now: datetime) -> bool:
        with self._lock:
            item = self._items.setdefault(key, [0, None, 0])
            if (item[1] is not None and item[1] > now) or item[0] >= self.limit:
                return False
            item[0] += 1
            if len(self._items) > 100_000:
                self._forget(now)
            return True

    def release(self, key: str) -> None:
        """An attempt that was not a wrong password does not count."""
        with self._lock:
            item = self._items.get(key)
            if item is not None and item[0] > 0:
                item[0] -= 1

    def fail(self, key: str, now: datetime) -> None:
        with self._lock:
            item = self._items.setdefault(key, [1, None, 0])
            if item[0] >= self.limit:
                span = self.base * (2 ** min(item[2], 16) if self.backoff else 1)
                item[:] = [0, now + min(span, self.cap), item[2] + 1]

    def clear(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def _forget(self, now: datetime) -> None:
        """Bound the memory: keys with nothing counted go, then (if that is not enough)
        every key not locked out."""
        for spent_only in (True, False):
            for key in [
                k
                for k, v in self._items.items()
                if (v[0] == 0 or not spent_only) and (v[1] is None or v[1] <= now)
            ]:
                del self._items[key]
            if len(self._items) <= 50_000:
                return


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
        self.unknown = Throttle(MAX_FAILED_LOGINS, LOCKOUT, LOCKOUT)
        self.addresses = Throttle(ADDRESS_FAILURES, LOCKOUT, ADDRESS_LOCKOUT_MAX, backoff=True)

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
    ) -> dict[str, Any]:
        """Password → device token (shown once).

        Every attempt is counted before the slow check, atomically (a conditional row
        update for a user head office has, the same count in memory for a name it has not),
        per user and per client address: MAX_FAILED_LOGINS wrong passwords lock the user out
        for LOCKOUT (a lead or head office can unlock), and ADDRESS_FAILURES from one
        address lock that address out for a time that doubles each time. An unknown user and
        a wrong password get the same answer after the same work (a dummy hash is checked).
        A device id stays with the user it was first registered to (409, audited).
        """
        if not username or not password or not device_id or len(device_id) > 64:
            raise ApiError(400, P.E_BAD, "username, password and device id are required")
        now = self.clock()
        if not self.addresses.reserve(address, now):
            log.info("device registration refused: address locked out")
            raise ApiError(429, P.E_LOCKED, "too many wrong passwords: try again later")
        with self.store.write() as tx:
            s = tx.session
            u = s.execute(select(HoUser).where(HoUser.username == username)).scalar_one_or_none()
            if u is None:
                reserved = self.unknown.reserve(username, now)
                # The cost of real users' hashes, read as a real user's attempt is counted.
                like = s.scalar(
                    select(HoUser.password_hash).where(HoUser.password_hash != "").limit(1)
                )
                stored = ""
            else:
                reserved = _reserve_attempt(s, u.id, now)
                stored = like = u.password_hash
        if not reserved:
            self.addresses.release(address)
            log.info("device registration refused: user locked out (device %s)", device_id[:12])
            raise ApiError(429, P.E_LOCKED, "too many wrong passwords: try again later")
        # The slow check runs outside any transaction (~75 ms by design); without a stored
        # hash a dummy one of the same cost is checked, so the time says nothing.
        ok = security.check_password(password, stored or security.dummy_hash(like or ""))
        if u is None or not stored or not ok or not u.active:
            self.addresses.fail(address, now)
            if u is None:
                self.unknown.fail(username, now)
            with self.store.write() as tx:
                # The same write for a name head office does not have (it changes nothing).
                _lock_if_spent(tx.session, u.id if u else "", now + LOCKOUT)
            log.info("device registration refused (device %s)", device_id[:12])
            raise ApiError(401, P.E_PASSWORD, "wrong user name or password")
        self.addresses.release(address)
        token = security.new_token()
        try:
            with self.store.write() as tx:
                s = tx.session
                s.execute(
                    update(HoUser)
                    .where(HoUser.id == u.id)
                    .values(failed_logins=0, locked_until=None)
                    .execution_options(synchronize_session=False)
                )
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
            u.failed_logins = 0
            u.locked_until = None
            audit(tx.session, actor.user_id, "user.unlock", u.id, {})
        self.unknown.clear(username)
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
