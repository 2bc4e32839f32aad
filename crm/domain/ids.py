"""Identifiers and timestamps made on the device for rows that sync with head office.

Every id is a UUIDv7 (RFC 9562) made here: 48 bits of Unix milliseconds, the version, and
74 bits that start random and count upwards within a millisecond (the RFC's monotonic
random method), so ids never collide and every primary key index is appended to.
"""

from __future__ import annotations

import os
import random
import threading
import time
from datetime import datetime
from typing import Final

# The app's default clock (the wall clock, or the day CRM_CLOCK sets).
from crm.domain.clock import utcnow as utcnow

_LOW_62: Final = (1 << 62) - 1
_MASK_48: Final = 0xFFFF_FFFF_FFFF


def uuid7_text(millis: int, bits: int) -> str:
    """The UUIDv7 of a moment (epoch milliseconds) and 74 bits of its own, as canonical
    lowercase text."""
    millis &= _MASK_48
    low = bits & _LOW_62
    return (
        f"{millis >> 16:08x}-{millis & 0xFFFF:04x}-7{(bits >> 62) & 0xFFF:03x}-"
        f"{0x8000 | (low >> 48):04x}-{low & _MASK_48:012x}"
    )


class Uuid7:
    """A generator of UUIDv7 ids.

    ``when`` fixes the moment (a bulk write makes its thousands of rows at one moment, and
    reading the clock per id would cost more than the id); without it each id takes the
    clock's millisecond. ``rng`` makes the random bits reproducible (the demo book).
    """

    def __init__(self, when: datetime | None = None, rng: random.Random | None = None) -> None:
        self._rng = rng if rng is not None else random.Random(os.urandom(16))
        self._fixed = None if when is None else int(when.timestamp() * 1000) & _MASK_48
        self._millis = -1
        self._count = 0
        self._prefix_of = -1
        self._prefix = ""

    def __call__(self) -> str:
        millis = self._fixed if self._fixed is not None else time.time_ns() // 1_000_000
        if millis > self._millis:
            self._millis = millis
            # 73 of the 74 bits: room for a million bulk writes' worth of ids before the
            # count could run out of its bits within one millisecond.
            self._count = self._rng.getrandbits(73)
            self._prefix_of = -1
        # A clock that stepped back keeps the last millisecond and counts on: still ordered.
        self._count += 1
        bits = self._count
        upper = bits >> 62
        if upper != self._prefix_of:
            # The first 64 bits (time, version, the count's top 12 bits) hardly ever change.
            head = uuid7_text(self._millis, bits)
            self._prefix, self._prefix_of = head[:19], upper
        low = f"{(0b10 << 62) | (bits & _LOW_62):016x}"
        return f"{self._prefix}{low[:4]}-{low[4:]}"


_shared = Uuid7()
_lock = threading.Lock()


def new_id() -> str:
    """A UUIDv7 for one new row, from the process's one clock-driven generator."""
    with _lock:
        return _shared()
