"""The device's audit log: one line per call, its op for head office, refused when it would
hold customer data, and never changed or removed."""

from __future__ import annotations

import json

import pytest
from service_helpers import RM1, RM2, T0, Clock, uscc
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from crm.domain.audit import Action, AuditRefused
from crm.services.audit import AuditService
from crm.services.context import Context
from crm.store.engine import Database
from crm.store.models import OutboxOp

TARGET = "0190f000-0000-7000-8000-0000000000aa"


def test_a_line_is_written_with_its_op(ctx: Context, db: Database) -> None:
    audit = AuditService(ctx)
    line_id = audit.record(Action.EXPORT, TARGET, {"format": "xlsx", "rows": 12})
    [line] = audit.lines()
    assert (line.id, line.action, line.target_id) == (line_id, "export", TARGET)
    assert (line.user_id, line.username, line.at) == (RM1, "wangfang", T0)
    assert line.detail == {"format": "xlsx", "rows": 12}
    assert line.waiting and line.device_id
    with db.reading() as s:
        [op] = s.execute(
            select(OutboxOp.entity_id, OutboxOp.kind, OutboxOp.payload).where(
                OutboxOp.entity == "audit"
            )
        ).all()
    assert (op.entity_id, op.kind) == (line_id, "create")
    assert json.loads(op.payload) == {
        "action": "export",
        "at": "2026-06-15T02:00:00.000000+00:00",
        "detail": {"format": "xlsx", "rows": 12},
        "target_id": TARGET,
        "user_id": RM1,
    }


def test_lines_newest_first_and_filtered(ctx: Context, clock: Clock) -> None:
    audit = AuditService(ctx)
    audit.record(Action.IMPORT_START, detail={"rows": 3})
    clock.advance(minutes=1)
    audit.record(Action.SIGN_IN, user_id=RM2, detail={"via": "cli"})
    assert [line.action for line in audit.lines()] == ["sign_in", "import_start"]
    assert [line.user_id for line in audit.lines(action="sign_in")] == [RM2]
    assert [line.action for line in audit.lines(user_id=RM1)] == ["import_start"]
    assert [line.action for line in audit.lines(since=clock())] == ["sign_in"]


@pytest.mark.parametrize(
    ("target", "detail"),
    [
        ("王芳", {}),
        ("13800138000", {}),
        ("", {"phone": "13800138000"}),
        ("", {"uscc": uscc(7)}),
        ("", {"name": "佛山市禅城区陶瓷有限公司"}),
        ("", {"names": ["ok", "Zhang San"]}),
        ("", {"rows": -1}),
        ("", {"nested": {"rows": 1}}),
    ],
)
def test_customer_data_is_refused(ctx: Context, target: str, detail: dict[str, object]) -> None:
    audit = AuditService(ctx)
    with pytest.raises(AuditRefused):
        audit.record(Action.UNMASK, target, detail)
    assert audit.lines() == []


def test_an_unknown_action_is_refused(ctx: Context) -> None:
    with pytest.raises(AuditRefused):
        AuditService(ctx).record("dance")


def test_a_line_cannot_be_changed_or_removed(ctx: Context, db: Database) -> None:
    line_id = AuditService(ctx).record(Action.PRINT, TARGET, {"pages": 2})
    for sql in (
        "UPDATE audit_log SET action = 'export'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(IntegrityError, match="an audit line cannot be"), db.transaction() as s:
            s.execute(text(sql))
    [line] = AuditService(ctx).lines()
    assert (line.id, line.action) == (line_id, "print")
