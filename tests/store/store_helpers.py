"""Helpers shared by the store tests (imported by name: the test folder is on sys.path)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from crm.domain.ids import new_id
from crm.store.models import Prospect

T0 = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)


def digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, to prove it was left untouched."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path: Path) -> list[str]:
    """The -wal, -shm and -journal files next to a database, if any."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def make_prospect(name: str, **values: object) -> Prospect:
    """A Prospect row with every column filled, for tests below the services.

    Column defaults apply only at INSERT, after the search hook has read the row, so the
    text columns are set here (see test_search for a prospect made without them).
    """
    fields: dict[str, object] = {
        "id": new_id(),
        "name": name,
        "name_key": name,
        "kind": "enterprise",
        "owner_name": "",
        "phone": "",
        "address": "",
        "street": "",
        "notes": "",
        "stage": "no_loan",
        "edited_fields": "",
        "version": 1,
        "stage_changed_at": T0,
        "created_at": T0,
        "updated_at": T0,
    }
    fields.update(values)
    return Prospect(**fields)
