"""Alembic environment for the local store; run through crm.store.migrate, never by hand.

``render_as_batch`` lets ALTERs work on SQLite (PrefectHQ's env.py does the same).
"""

from __future__ import annotations

from typing import Any

from alembic import context

from crm.store.migrate import include_object
from crm.store.models import Base
from crm.store.types import UTCDateTime

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when someone runs alembic by hand
    raise SystemExit("Run migrations through 'crm' (crm.store.migrate), not the alembic CLI.")


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Revisions must not import app types that may change later: UTC timestamps are text."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.String(length=32)"
    return False


def _configure(conn: Any) -> None:
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
        render_item=_render_item,
    )


_configure(connection)
with context.begin_transaction():
    context.run_migrations()
