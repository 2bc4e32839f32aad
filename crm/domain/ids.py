"""Identifiers and timestamps made on the device for rows that sync with head office."""

from __future__ import annotations

from datetime import UTC, datetime

from uuid6 import uuid7


def new_id() -> str:
    """A UUIDv7 as canonical lowercase text: time-ordered, so new rows index well."""
    return str(uuid7())


def utcnow() -> datetime:
    """Now, timezone-aware in UTC; timestamps are stored in UTC and shown in the user's zone."""
    return datetime.now(UTC)
