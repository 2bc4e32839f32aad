"""``HeadOffice``: the service behind the HTTP endpoints, one object over the database.

It composes the parts, each in its own module:

- ``auth``: the protocol check, hello, device registration, the token check;
- ``push``: ops applied or rejected one by one, idempotently (``prospects``, ``stages``,
  ``merge`` and ``ownership`` hold the conflict policy);
- ``pull``: pull, snapshot and counts;
- ``admin`` (which uses this object, never the other way round): users, teams, devices,
  reassignment, the shared pool, reference data.

Conflict policy (DESIGN.md): prospect fields are last-writer-wins per field by hybrid
logical clock; stage changes are commands ``{from, to, reason}`` checked with the domain's
``check_move`` against the server's current state; delete wins; a duplicate USCC is
answered with ``duplicate_of``; claiming a pool prospect is a command only one RM wins;
finalized visits never change (amendments are new records).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from crm.headoffice.auth import Auth, check_protocol
from crm.headoffice.blobs import Blobs
from crm.headoffice.db import EPOCH_KEY, Store, utcnow
from crm.headoffice.errors import ApiError, Rejected
from crm.headoffice.pull import Pull, snapshot_parts, snapshot_probes
from crm.headoffice.push import Push
from crm.headoffice.scope import Actor, can_see, can_write
from crm.headoffice.wire import WIRE_COLUMNS, now_ms, record_dict, record_json, record_text


class HeadOffice:
    """The service behind the HTTP endpoints (the admin commands are ``admin.Admin``)."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock
        self._epoch: str | None = None
        self._auth = Auth(store, clock, lambda: self.epoch)
        self._push = Push(store)
        self._pull = Pull(store, lambda: self.epoch)
        # The files of visit records (their own endpoint: crm/headoffice/blobs.py).
        self.blobs = Blobs(store, clock)

    @property
    def epoch(self) -> str:
        """The data's generation: a new one after a reset (devices download again)."""
        if self._epoch is None:
            self._epoch = self.store.meta(EPOCH_KEY) or ""
        return self._epoch

    # -- devices -------------------------------------------------------------------------------

    @staticmethod
    def check_protocol(version: Any) -> None:
        check_protocol(version)

    def hello(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        return self._auth.hello(body, token)

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
        return self._auth.register(
            username, password, device_id, device_name, address, encrypted=encrypted
        )

    def unlock(self, actor: Actor, username: str) -> dict[str, Any]:
        return self._auth.unlock(actor, username)

    def authenticate(self, token: str | None) -> Actor:
        return self._auth.authenticate(token)

    # -- sync ----------------------------------------------------------------------------------

    def push(self, actor: Actor, ops: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return self._push.push(actor, ops)

    def head(self) -> int:
        return self._pull.head()

    def pull(self, actor: Actor, since: int, limit: int) -> str:
        return self._pull.pull(actor, since, limit)

    def snapshot(self, actor: Actor, as_of: int | None, after: str | None, limit: int) -> str:
        return self._pull.snapshot(actor, as_of, after, limit)

    def counts(self, actor: Actor, entity: str | None = None) -> dict[str, Any]:
        return self._pull.counts(actor, entity)


__all__ = [
    "WIRE_COLUMNS",
    "Actor",
    "ApiError",
    "HeadOffice",
    "Rejected",
    "can_see",
    "can_write",
    "now_ms",
    "record_dict",
    "record_json",
    "record_text",
    "snapshot_parts",
    "snapshot_probes",
]
