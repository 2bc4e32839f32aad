"""Helpers shared by the loan tests (imported by name: the test folder is on sys.path)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from crm.store.engine import Database
from crm.store.models import OutboxOp

# 10:00 in Shanghai on Monday 15 June 2026.
T0 = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
TODAY = date(2026, 6, 15)

TEAM_ID = "0190f000-0000-7000-8000-00000000000a"
RM1 = "0190f000-0000-7000-8000-000000000001"  # 王芳
RM2 = "0190f000-0000-7000-8000-000000000002"  # 李强
LEAD = "0190f000-0000-7000-8000-000000000003"  # 陈静


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def to_day(self, day: date) -> None:
        """10:00 in Shanghai on ``day``."""
        self.current = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Op:
    entity: str
    entity_id: str
    kind: str
    payload: dict[str, Any]


def outbox(db: Database, entity: str = "loan") -> list[Op]:
    with db.reading() as s:
        return [
            Op(o.entity, o.entity_id, o.kind, json.loads(o.payload))
            for o in s.scalars(
                select(OutboxOp).where(OutboxOp.entity == entity).order_by(OutboxOp.seq)
            )
        ]


def sent_to_head_office(db: Database) -> None:
    """What a successful push does to the queue: every op leaves it."""
    with db.transaction() as s:
        s.execute(delete(OutboxOp))
