"""The book's own settings (``app_meta``): key/value rows, this device's id and its hybrid
logical clock. One home for them, so the form, an import, a sync and the demo all stamp
their changes from the same clock and the same device id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import Connection, Table, delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from crm.domain.hlc import HLC, receive, tick
from crm.domain.ids import new_id
from crm.store.models import AppMeta

DEVICE_KEY: Final = "device_id"
HLC_KEY: Final = "hlc_last"

Executor = Session | Connection
_TABLE = cast(Table, AppMeta.__table__)


def get(s: Executor, key: str) -> str | None:
    value = s.execute(select(AppMeta.value).where(AppMeta.key == key)).scalar_one_or_none()
    return str(value) if value is not None else None


def put(s: Executor, key: str, value: str) -> None:
    stmt = insert(_TABLE).values(key=key, value=value)
    s.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def remove(s: Executor, key: str) -> None:
    s.execute(delete(AppMeta).where(AppMeta.key == key))


def device_id(s: Executor) -> str:
    """This book's device id, made once on first use."""
    value = get(s, DEVICE_KEY)
    if value is None:
        value = new_id()
        put(s, DEVICE_KEY, value)
    return value


def new_device_id(s: Executor) -> str:
    """A new identity for this book (a revoked device id never comes back)."""
    value = new_id()
    put(s, DEVICE_KEY, value)
    return value


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class Clock:
    """This device's hybrid logical clock for the changes of one transaction: read once,
    ticked once per change, saved with the changes (`save`)."""

    def __init__(self, s: Executor, now: datetime) -> None:
        last = get(s, HLC_KEY)
        self._s = s
        self._last: HLC | None = HLC.parse(last) if last else None
        self._wall = _millis(now)
        self._node = device_id(s)[-12:]

    def tick(self) -> str:
        self._last = tick(self._last, self._wall, self._node)
        return str(self._last)

    def save(self) -> None:
        if self._last is not None:
            put(self._s, HLC_KEY, str(self._last))


def next_hlc(s: Executor, now: datetime) -> str:
    """One tick of the clock, saved: the stamp of one change."""
    clock = Clock(s, now)
    stamp = clock.tick()
    clock.save()
    return stamp


def receive_remote(s: Executor, remote_millis: int, now: datetime) -> None:
    """Move the clock past a time head office reported, so later local edits sort after
    everything it has seen."""
    last_text = get(s, HLC_KEY)
    last = HLC.parse(last_text) if last_text else None
    node = device_id(s)[-12:]
    stamp = receive(last, HLC(remote_millis, 0, "headoffice"), _millis(now), node)
    put(s, HLC_KEY, str(stamp))


def rows(s: Executor, keys: tuple[str, ...]) -> dict[str, Any]:
    """Several settings at once."""
    found = s.execute(select(AppMeta.key, AppMeta.value).where(AppMeta.key.in_(keys)))
    return {str(k): v for k, v in found}
