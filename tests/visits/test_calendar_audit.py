"""A calendar file written out of the book is in the audit log (issue #19 item 5), through
the service both the Calendar page and `crm visits export-ics` call."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from visit_helpers import RM1, Book

from crm.cli import main
from crm.domain.visits import VisitDraft
from crm.services.audit import AuditService
from crm.services.calendar_export import export_ics
from crm.services.context import Context
from crm.services.visits import VisitService


def test_an_ics_export_writes_one_line_without_customer_data(
    ctx: Context, visits: VisitService, book: Book, tmp_path: Path
) -> None:
    visits.plan(book.huaxing, VisitDraft(visit_on=date(2026, 2, 3), place="华兴五金厂区"))
    assert export_ics(ctx, tmp_path / "visits.ics", [RM1]) == 1
    [line] = AuditService(ctx).lines()
    assert (line.action, line.user_id, line.target_id) == ("export", RM1, "")
    assert line.detail == {"format": "ics", "visits": 1, "renewals": 0}
    assert "华兴" not in str(line.as_dict())


def test_the_command_writes_it_and_crm_audit_lists_it(
    ctx: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(ctx.db.path)
    ctx.db.close()
    target = str(tmp_path / "v.ics")
    assert main(["visits", "export-ics", "--db", path, "--user", "wangfang", "-o", target]) == 0
    capsys.readouterr()
    assert main(["audit", "--db", path, "--json"]) == 0
    [line] = json.loads(capsys.readouterr().out)
    assert (line["action"], line["username"], line["sent"]) == ("export", "wangfang", False)
    assert line["detail"]["format"] == "ics"
    assert main(["audit", "--db", path, "--lang", "zh_CN"]) == 0
    text = capsys.readouterr().out
    assert "导出文件" in text and "wangfang" in text and "待上传" in text
