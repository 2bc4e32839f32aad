"""Helpers shared by the service tests (imported by name: the test folder is on sys.path)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crm.domain.prospect import ProspectDraft
from crm.domain.uscc import make_uscc
from crm.store.engine import Database
from crm.store.migrate import open_database
from crm.store.models import OutboxOp

# 10:00 in Shanghai on 15 June 2026.
T0 = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
TODAY = date(2026, 6, 15)

TEAM_ID = "0190f000-0000-7000-8000-00000000000a"
RM1 = "0190f000-0000-7000-8000-000000000001"  # 王芳
RM2 = "0190f000-0000-7000-8000-000000000002"  # 李强
LEAD = "0190f000-0000-7000-8000-000000000003"  # 陈静

CHANCHENG, NANHAI, SHUNDE, SANSHUI, GAOMING = "440604", "440605", "440606", "440607", "440608"


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


def open_copy(template: Path, target: Path) -> Database:
    """Copy a closed database file and open the copy (at head: no migration runs)."""
    shutil.copyfile(template, target)
    db, _ = open_database(target)
    return db


def uscc(n: int, division: str = CHANCHENG) -> str:
    """A valid enterprise USCC, different for every n."""
    return make_uscc("9", "1", division, f"{n:09d}").value


def wrong_check(code: str) -> str:
    """The same code with a wrong 18th character."""
    return code[:17] + ("0" if code[17] != "0" else "1")


def draft(name: str = "佛山市南海五金制品厂", **values: Any) -> ProspectDraft:
    return ProspectDraft(name=name, **values)


@dataclass(frozen=True)
class Op:
    seq: int
    entity: str
    entity_id: str
    kind: str
    payload: dict[str, Any]
    base_version: int | None
    hlc: str


def outbox(db: Database) -> list[Op]:
    with db.reading() as s:
        return [
            Op(o.seq, o.entity, o.entity_id, o.kind, json.loads(o.payload), o.base_version, o.hlc)
            for o in s.scalars(select(OutboxOp).order_by(OutboxOp.seq))
        ]
