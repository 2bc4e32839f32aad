"""Imports and their undo write the audit log (issue #19 item 5): the start and the finish of
an import with its counts, in the import's own transaction, and the undo with what it took
back; a preview or a cancelled import writes nothing; no line names a customer or a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lists import sample_rows, uscc, write_csv, write_xlsx

from crm.services.container import Services
from crm.services.imports.run import ImportCancelled
from crm.services.imports.service import ImportRequest, ImportService


def test_an_import_and_its_undo_are_in_the_log(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "南海区名单.xlsx", sample_rows())
    imports.preview(ImportRequest(path, source_code="visit_campaign"))
    assert services.audit.lines() == []
    result = imports.run(ImportRequest(path, source_code="visit_campaign"))
    batch = result.batch_id
    finish, start = services.audit.lines()
    assert (start.action, start.target_id, start.detail) == (
        "import_start",
        batch,
        {"format": "xlsx", "columns": 8},
    )
    assert (finish.action, finish.target_id) == ("import_finish", batch)
    assert finish.detail == {
        "format": "xlsx",
        "columns": 8,
        "rows": 4,
        "created": 2,
        "merged": 1,
        "flagged": 0,
        "rejected": 1,
        "unchanged": 0,
        "skipped": 2,
    }
    assert start.user_id == finish.user_id == services.actor_id

    imports.undo(batch or "")
    undo = services.audit.lines()[0]
    assert (undo.action, undo.target_id, undo.detail) == (
        "import_undo",
        batch,
        {"deleted": 2, "memberships": 0, "fields": 0},
    )
    text = json.dumps([line.as_dict() for line in services.audit.lines()], ensure_ascii=False)
    for value in ("鸿运", "王建国", "13800138000", uscc(1), "南海区名单", "visit_campaign"):
        assert value not in text


def test_a_cancelled_import_leaves_no_line(services: Services, tmp_path: Path) -> None:
    imports = ImportService(services.ctx, chunk_rows=10)
    rows = [[i, f"佛山市取消测试{i}厂", uscc(100 + i), "", "", "", "", ""] for i in range(35)]
    path = write_csv(tmp_path / "cancel.csv", rows)
    seen: list[int] = []
    with pytest.raises(ImportCancelled):
        imports.run(
            ImportRequest(path, source_code="visit_campaign"),
            progress=lambda done, _f: seen.append(done),
            cancelled=lambda: len(seen) >= 2,
        )
    assert services.audit.lines() == []
