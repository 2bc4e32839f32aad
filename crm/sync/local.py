"""Applying head office's records to this device's book, in the order and with the keys
the sync protocol gives (the writing itself is the store's: `crm.store.replica`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from crm.store import replica
from crm.store.replica import (
    DEFAULT_ZONE,
    ApplyStats,
    book_is_empty,
    date_text,
    indexes_are_down,
    sweep_unseen,
    take_down_indexes,
    utc_text,
)
from crm.store.unit_of_work import Connection
from crm.sync import protocol as P

__all__ = [
    "Applier",
    "ApplyStats",
    "book_is_empty",
    "date_text",
    "indexes_are_down",
    "sweep_unseen",
    "take_down_indexes",
    "utc_text",
]


class Applier(replica.Applier):
    """Applies records and removals to the local store over one connection."""

    def __init__(self, conn: Connection, zone: ZoneInfo = DEFAULT_ZONE) -> None:
        super().__init__(conn, P.entity_order, P.COMPOSITE_KEYS, zone)
