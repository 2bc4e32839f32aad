"""The one writer of a prospect's business facts and of the non-credit services it holds:
the rows, their stored form and the ops that tell head office.

A fact is keyed by (prospect, key) and a held service by (prospect, service code), at head
office too (the sync protocol's composite keys), so the same fact set on two devices is one
record merged field by field. Clearing a fact or giving up a service is a change of that
record (``value`` null, ``held`` false), never a delete: head office's delete is final, and
a fact cleared today may be confirmed again tomorrow.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm.domain.ids import new_id
from crm.domain.wire import encode, wire
from crm.store import meta, outbox
from crm.store.models_products import HeldService, ProspectFact

FACT_ENTITY: Final = "prospect_fact"
HELD_ENTITY: Final = "held_service"
# Columns of a fact row, in the order bulk writers (the demo) bind them.
FACT_COLUMNS: Final = ("prospect_id", "key", "value", "confirmed_on", "confirmed_by", "updated_at")
# Held services have one id wherever they are recorded (see ``service_id``).
_SERVICE_NAMESPACE: Final = uuid.UUID("6f1c2a52-4c1e-4d59-9a57-2f0d4b3f5e11")

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_value(value: Any) -> str:
    """A fact's value as stored: JSON text, so it keeps its type (number, text, flag)."""
    # The common scalars without the encoder's machinery (a bulk load writes millions).
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    return _ENCODER.encode(value)


def decode_value(text: str) -> Any:
    return json.loads(text)


def fact_key(prospect_id: str, key: str) -> str:
    """A fact's record key at head office (and its outbox entity id)."""
    return f"{prospect_id}/{key}"


def service_key(prospect_id: str, service_code: str) -> str:
    """A held service's record key at head office (and its outbox entity id)."""
    return f"{prospect_id}/{service_code}"


def service_id(prospect_id: str, service_code: str) -> str:
    """The row id of a held service: the same on every device that records it, so two
    devices adding the same service to the same prospect make one row, not a clash."""
    return str(uuid.uuid5(_SERVICE_NAMESPACE, service_key(prospect_id, service_code)))


def fact_row(
    prospect_id: str,
    key: str,
    value: Any,
    confirmed_on: str | None,
    confirmed_by: str | None,
    updated_at: str,
) -> tuple[Any, ...]:
    """A fact as a bulk writer binds it (``FACT_COLUMNS``; dates and stamps as stored)."""
    return (prospect_id, key, encode_value(value), confirmed_on, confirmed_by, updated_at)


_INSERT_FACTS: Final = (
    f"INSERT INTO prospect_facts ({', '.join(FACT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)"
)
_UPSERT_FACTS: Final = (
    f"{_INSERT_FACTS} ON CONFLICT (prospect_id, key) DO UPDATE SET value = excluded.value, "
    "confirmed_on = excluded.confirmed_on, confirmed_by = excluded.confirmed_by, "
    "updated_at = excluded.updated_at"
)
# Values whose stored text is also their text in a payload (`wire.encode`'s separators
# differ from ``_ENCODER``'s only inside lists and objects).
_SCALARS: Final = (str, int, float, bool, type(None))


class _SetPayload:
    """The payload of a fact's "set" op, as ``wire.encode`` makes it from the dict of
    ``set``'s ops (keys sorted), filled into text made once for a bulk write: encoding a
    dict per fact was a tenth of an import's time for a list with one fact column."""

    def __init__(self, day: str, by: str | None, at: object) -> None:
        # Scalars: their JSON text is the same whichever encoder makes it.
        self._head = (
            f'{{"confirmed_by": {encode_value(by)}, "confirmed_on": {encode_value(day)}, "key": '
        )
        self._at = encode_value(at)
        self._day, self._by, self._at_value = day, by, at
        self._keys: dict[str, str] = {}

    def __call__(self, prospect_id: str, key: str, value: Any, text: str) -> str:
        if type(value) not in _SCALARS or not _plain_id(prospect_id):
            return encode(
                {
                    "prospect_id": prospect_id,
                    "key": key,
                    "value": value,
                    "confirmed_on": self._day,
                    "confirmed_by": self._by,
                    "updated_at": self._at_value,
                }
            )
        key_text = self._keys.get(key)
        if key_text is None:
            key_text = self._keys[key] = encode_value(key)
        return (
            f'{self._head}{key_text}, "prospect_id": "{prospect_id}", '
            f'"updated_at": {self._at}, "value": {text}}}'
        )


def _plain_id(text: str) -> bool:
    """Whether JSON writes this id as it is between quotes (a UUID always is)."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


class FactWriter:
    """Sets and clears facts, adds and removes held services, for one unit of work: each
    change writes its row and queues its op, stamped ``now``, confirmed by ``actor_id``."""

    def __init__(self, session: Session, now: datetime, actor_id: str | None) -> None:
        self.session = session
        self.now = now
        self.actor_id = actor_id

    # -- facts ------------------------------------------------------------------------------

    def set(self, prospect_id: str, values: Mapping[str, Any], confirmed_on: date) -> list[str]:
        """Set (and confirm, as of ``confirmed_on``) these facts; returns their keys. A fact
        set again to the same value is confirmed again: the date says when it was checked."""
        s = self.session
        current = {
            f.key: f
            for f in s.scalars(
                select(ProspectFact).where(
                    ProspectFact.prospect_id == prospect_id,
                    ProspectFact.key.in_(list(values)),
                )
            )
        }
        for key, value in values.items():
            text = encode_value(value)
            row = current.get(key)
            if row is None:
                s.add(
                    ProspectFact(
                        prospect_id=prospect_id,
                        key=key,
                        value=text,
                        confirmed_on=confirmed_on,
                        confirmed_by=self.actor_id,
                        updated_at=self.now,
                    )
                )
            else:
                row.value = text
                row.confirmed_on = confirmed_on
                row.confirmed_by = self.actor_id
                row.updated_at = self.now
            self._queue_fact(
                prospect_id,
                key,
                "set",
                {
                    "value": value,
                    "confirmed_on": confirmed_on.isoformat(),
                    "confirmed_by": self.actor_id,
                },
            )
        s.flush()
        return list(values)

    def set_many(
        self,
        facts: Sequence[tuple[str, str, Any]],
        confirmed_on: date,
        *,
        tick: Callable[[], str] | None = None,
        ids: Callable[[], str] = new_id,
        new: bool = False,
    ) -> int:
        """Set (and confirm) many facts at once, as ``set`` does one prospect's: (prospect id,
        key, value in its JSON form) each; one executemany for the rows and one for their
        ops. ``tick`` is the clock of the transaction's other bulk writes (an import's
        ``ProspectWriter``), so every op of it takes the next stamp of one clock; without
        it this writer ticks (and saves) its own. ``new``: none of these facts is stored
        yet (their prospects were made in this transaction), so the rows are inserted
        plainly, which costs SQLite half of an upsert's look-up and update. Returns how
        many facts were set."""
        if not facts:
            return 0
        clock = meta.Clock(self.session, self.now) if tick is None else None
        next_stamp = clock.tick if clock is not None else tick
        assert next_stamp is not None
        now_text = self.now.astimezone(UTC).isoformat(timespec="microseconds")
        day, by = confirmed_on.isoformat(), self.actor_id
        payload = _SetPayload(day, by, wire(self.now))
        rows: list[tuple[Any, ...]] = []
        ops: list[tuple[Any, ...]] = []
        for prospect_id, key, value in facts:
            text = encode_value(value)
            rows.append((prospect_id, key, text, day, by, now_text))
            ops.append(
                (
                    ids(),
                    FACT_ENTITY,
                    f"{prospect_id}/{key}",
                    "set",
                    payload(prospect_id, key, value, text),
                    None,
                    next_stamp(),
                    now_text,
                )
            )
        conn = self.session.connection()
        conn.exec_driver_sql(_INSERT_FACTS if new else _UPSERT_FACTS, rows)
        outbox.insert_many(conn, ops)
        if clock is not None:
            clock.save()
        return len(rows)

    def clear(self, prospect_id: str, keys: Iterable[str]) -> list[str]:
        """Forget these facts (they become missing); returns the keys that were set."""
        s = self.session
        wanted = sorted(set(keys))
        present = list(
            s.scalars(
                select(ProspectFact.key).where(
                    ProspectFact.prospect_id == prospect_id, ProspectFact.key.in_(wanted)
                )
            )
        )
        if not present:
            return []
        s.execute(
            delete(ProspectFact).where(
                ProspectFact.prospect_id == prospect_id, ProspectFact.key.in_(present)
            )
        )
        for key in present:
            self._queue_fact(
                prospect_id,
                key,
                "clear",
                {"value": None, "confirmed_on": None, "confirmed_by": None},
            )
        return present

    def _queue_fact(self, prospect_id: str, key: str, kind: str, fields: dict[str, Any]) -> None:
        outbox.record(
            self.session,
            self.now,
            entity=FACT_ENTITY,
            entity_id=fact_key(prospect_id, key),
            kind=kind,
            payload={
                "prospect_id": prospect_id,
                "key": key,
                **fields,
                "updated_at": wire(self.now),
            },
            base_version=None,
        )

    # -- held services ----------------------------------------------------------------------

    def add_service(self, prospect_id: str, service_code: str, since: date | None) -> bool:
        """Record that the customer holds this service (since a day, when known); False when
        it was recorded already with the same day."""
        s = self.session
        row = s.scalar(
            select(HeldService).where(
                HeldService.prospect_id == prospect_id, HeldService.service_code == service_code
            )
        )
        if row is not None and row.since == since:
            return False
        if row is None:
            s.add(
                HeldService(
                    id=service_id(prospect_id, service_code),
                    prospect_id=prospect_id,
                    service_code=service_code,
                    since=since,
                    created_at=self.now,
                )
            )
        else:
            row.since = since
        s.flush()
        self._queue_service(
            prospect_id,
            service_code,
            "add",
            {"held": True, "since": since.isoformat() if since else None},
        )
        return True

    def remove_service(self, prospect_id: str, service_code: str) -> bool:
        """The customer no longer holds this service; False when it was not recorded."""
        s = self.session
        result = s.execute(
            delete(HeldService).where(
                HeldService.prospect_id == prospect_id, HeldService.service_code == service_code
            )
        )
        if not getattr(result, "rowcount", 0):
            return False
        self._queue_service(prospect_id, service_code, "remove", {"held": False})
        return True

    def _queue_service(
        self, prospect_id: str, service_code: str, kind: str, fields: dict[str, Any]
    ) -> None:
        outbox.record(
            self.session,
            self.now,
            entity=HELD_ENTITY,
            entity_id=service_key(prospect_id, service_code),
            kind=kind,
            payload={
                "id": service_id(prospect_id, service_code),
                "prospect_id": prospect_id,
                "service_code": service_code,
                **fields,
            },
            base_version=None,
        )
