"""Importing into a real book: dedupe, idempotence, dry runs, cancel, undo, rejected rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lists import (
    HEADERS,
    KNOWN_USCC,
    counts,
    sample_rows,
    table_digest,
    uscc,
    write_csv,
    write_xlsx,
)

from crm.domain.prospect import ProspectDraft
from crm.domain.query import ProspectFilter, Sort
from crm.services.container import Services
from crm.services.imports.run import ImportCancelled
from crm.services.imports.service import ImportRequest, ImportService, UnknownSource
from crm.services.imports.undo import UndoRefused

TABLES = ("prospects", "source_memberships", "stage_events", "outbox", "duplicate_flags")


def run(imports: ImportService, path: Path, source: str = "visit_campaign", **kw: object):
    return imports.run(ImportRequest(path, source_code=source), **kw)  # type: ignore[arg-type]


def detail(services: Services, code: str):
    pid = services.prospects.find_by_uscc(code)
    assert pid is not None, code
    return services.prospects.get(pid)


def test_import_creates_prospects_with_lists_history_outbox_and_search(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    before = counts(services.db_path, *TABLES)
    result = run(imports, write_xlsx(tmp_path / "l.xlsx", sample_rows()))
    assert (result.rows, result.created, result.merged, result.rejected) == (4, 2, 1, 1)
    assert result.skipped == 2  # the blank row and the total line
    assert [(e.row, e.field) for e in result.errors] == [(7, "uscc")]
    assert result.errors[0].column == "统一社会信用代码"
    made = detail(services, uscc(1))
    assert made.name == "佛山市南海区鸿运家具有限公司"
    assert [s.code for s in made.sources] == ["visit_campaign"]
    assert made.stage == "no_loan" and len(made.history) == 1
    assert made.rm_id == services.ctx.actor_id
    assert made.registered_capital_fen == 500 * 10_000 * 100
    assert made.district_code == "440605"
    after = counts(services.db_path, *TABLES)
    assert after["prospects"] - before["prospects"] == 2
    # Two creates, and the import's start and finish in the audit log.
    assert after["outbox"] - before["outbox"] == 2 + 2
    with services.ctx.db.reading() as s:
        from sqlalchemy import text

        payload = s.execute(
            text("SELECT payload FROM outbox WHERE entity_id = :id AND kind = 'create'"),
            {"id": made.id},
        ).scalar_one()
    assert json.loads(payload)["uscc"] == uscc(1)
    for query in ("鸿运家具", "hyjj", uscc(1), "13800138000", "王建国"):
        rows = services.prospects.page(ProspectFilter(text=query), Sort())
        assert made.id in [r.id for r in rows], query


def test_rows_with_the_same_uscc_in_one_file_are_one_prospect(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    rows = [
        [1, "佛山市重复测试厂", uscc(10), "", "", "", "", ""],
        [2, "佛山市重复测试厂", uscc(10), "赵六", "13700137000", "", "", ""],
    ]
    result = run(imports, write_csv(tmp_path / "dup.csv", rows))
    assert (result.created, result.merged) == (1, 1)
    made = detail(services, uscc(10))
    assert (made.owner_name, made.phone) == ("赵六", "13700137000")


def test_a_known_prospect_gains_the_list_and_empty_fields_but_keeps_edited_ones(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    known = detail(services, KNOWN_USCC)
    draft = known.draft()
    draft.address = "RM写的地址"
    services.prospects.update(known.id, draft)  # address is now hand-edited
    services.prospects.update(known.id, _with(services, known.id, address=""))  # cleared
    rows = [
        [
            1,
            "佛山市南海区华兴五金制品厂",
            KNOWN_USCC,
            "何老板",
            "13600136000",
            "名单上的地址",
            "2015-05-05",
            "50",
        ]
    ]
    result = run(imports, write_csv(tmp_path / "known.csv", rows))
    assert (result.created, result.merged) == (0, 1)
    after = detail(services, KNOWN_USCC)
    assert sorted(s.code for s in after.sources) == ["park", "visit_campaign"]
    assert (after.owner_name, after.phone) == ("何老板", "13600136000")
    assert after.address == ""  # the RM emptied it on purpose: never overwritten
    assert after.version == known.version + 3


def test_two_rows_for_one_known_prospect_fill_it_in_turn(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    known = detail(services, KNOWN_USCC)
    assert (known.owner_name, known.phone) == ("", "")
    other = ProspectDraft(
        name="佛山市南海区另一家厂", uscc=uscc(950), district_code="440605", sources=[]
    )
    services.prospects.create(other)
    name = "佛山市南海区华兴五金制品厂"
    rows = [
        [1, other.name, uscc(950), "", "13700137000", "", "", ""],  # another one's phone
        [2, name, KNOWN_USCC, "何老板", "", "", "", ""],  # the list, and the owner
        [3, name, KNOWN_USCC, "", "13600136000", "", "", ""],  # then the phone
        [4, name, KNOWN_USCC, "", "", "", "", ""],  # nothing left to change
    ]
    result = run(imports, write_csv(tmp_path / "twice.csv", rows))
    assert (result.created, result.merged, result.unchanged) == (0, 3, 1)
    after = detail(services, KNOWN_USCC)
    assert (after.owner_name, after.phone) == ("何老板", "13600136000")
    assert after.version == known.version + 2
    with services.ctx.db.reading() as s:
        from sqlalchemy import text

        ops = s.execute(
            text(
                "SELECT base_version, payload FROM outbox WHERE entity_id = :id "
                "AND kind = 'update' ORDER BY hlc"
            ),
            {"id": known.id},
        ).all()
    assert [(base, sorted(json.loads(p)["fields"])) for base, p in ops] == [
        (known.version, ["owner_name", "sources"]),
        (known.version + 1, ["phone"]),
    ]


def _with(services: Services, pid: str, **values: object) -> ProspectDraft:
    draft = services.prospects.get(pid).draft()
    for key, value in values.items():
        setattr(draft, key, value)
    return draft


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "twice.xlsx",
        [*sample_rows(), [9, "佛山市无码小店", "", "钱七", "", "佛山市南海区", "", ""]],
    )
    first = run(imports, path)
    assert first.created == 3
    snapshot = table_digest(services.db_path, audit=False)
    second = run(imports, path)
    assert (second.created, second.merged, second.flagged) == (0, 0, 0)
    assert second.unchanged == 4 and second.rejected == 1
    assert second.previous and second.previous[0].id == first.batch_id
    assert _without_batches(services.db_path, snapshot)


def _without_batches(db_path: Path, snapshot: str) -> bool:
    """The book equals the snapshot but for the log of imports (each import is recorded)."""
    from crm.store.engine import raw_connect

    conn = raw_connect(db_path)
    try:
        last = conn.execute("SELECT id FROM import_batches ORDER BY started_at DESC").fetchone()
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM import_batches WHERE id = ?", last)
        conn.commit()
    finally:
        conn.close()
    return table_digest(db_path, audit=False) == snapshot


def test_rows_without_uscc_matching_a_name_and_district_are_flagged(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    rows = [
        [1, "佛山市南海区华兴五金制品厂", "", "", "", "佛山市南海区桂城", "", ""],
        [2, "佛山市南海区华兴五金制品厂", "", "", "", "佛山市顺德区", "", ""],
    ]
    result = run(imports, write_csv(tmp_path / "names.csv", rows))
    assert (result.flagged, result.created) == (1, 1)
    flags = imports.flags()
    assert len(flags) == 1
    assert flags[0].candidate_name == "佛山市南海区华兴五金制品厂"
    assert imports.open_flag_count() == 1
    again = run(imports, write_csv(tmp_path / "names.csv", rows))
    assert (again.flagged, again.created, again.unchanged) == (0, 0, 2)


def test_a_confirmed_duplicate_is_merged_and_a_split_one_kept(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    rows = [[1, "佛山市南海区华兴五金制品厂", "", "孙八", "13500135000", "", "", ""]]
    run(imports, write_csv(tmp_path / "flag.csv", rows))
    flag = imports.flags()[0]
    kept = imports.confirm_duplicate(flag.id)
    merged = detail(services, KNOWN_USCC)
    assert kept == merged.id
    assert merged.owner_name == "孙八"
    assert sorted(s.code for s in merged.sources) == ["park", "visit_campaign"]
    assert imports.flags() == []
    run(imports, write_csv(tmp_path / "flag2.csv", rows), source="rural")
    second = imports.flags()[0]
    assert imports.split_duplicate(second.id) == second.prospect_id
    assert services.prospects.get(second.prospect_id).name == "佛山市南海区华兴五金制品厂"
    with pytest.raises(UndoRefused):
        imports.split_duplicate(second.id)


def test_a_dry_run_writes_nothing_and_predicts_the_real_run(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "dry.xlsx", sample_rows())
    before = table_digest(services.db_path)
    preview = run(imports, path, dry_run=True)
    assert table_digest(services.db_path) == before
    assert preview.batch_id is None
    real = run(imports, path)
    fields = ("rows", "created", "merged", "flagged", "rejected", "unchanged", "skipped")
    assert [getattr(preview, f) for f in fields] == [getattr(real, f) for f in fields]
    assert {s.outcome for s in preview.samples} >= {"created", "merged", "rejected"}


def test_cancelling_mid_import_leaves_the_database_as_it_was(
    services: Services, tmp_path: Path
) -> None:
    imports = ImportService(services.ctx, chunk_rows=10)
    rows = [[i, f"佛山市取消测试{i}厂", uscc(100 + i), "", "", "", "", ""] for i in range(55)]
    path = write_csv(tmp_path / "cancel.csv", rows)
    before = table_digest(services.db_path)
    seen: list[int] = []

    def progress(done: int, _fraction: float) -> None:
        seen.append(done)

    with pytest.raises(ImportCancelled):
        run(imports, path, progress=progress, cancelled=lambda: len(seen) >= 3)
    assert seen == [10, 20, 30]
    assert table_digest(services.db_path) == before
    assert imports.batches() == []


def _search_config(db_path: Path) -> dict[str, int]:
    from crm.store.files import raw_connect

    conn = raw_connect(db_path)
    try:
        return dict(conn.execute("SELECT k, v FROM prospect_search_config WHERE k != 'version'"))
    finally:
        conn.close()


def test_an_import_writes_the_index_in_bulk_then_puts_its_merging_back(
    services: Services, tmp_path: Path
) -> None:
    before = _search_config(services.db_path)
    assert "automerge" not in before  # FTS5's default
    imports = ImportService(services.ctx, chunk_rows=10)
    rows = [[i, f"佛山市批量索引{i}号厂", uscc(300 + i), "", "", "", "", ""] for i in range(45)]
    with pytest.raises(ImportCancelled):
        run(imports, write_csv(tmp_path / "c.csv", rows), cancelled=lambda: True)
    assert _search_config(services.db_path) == before
    result = run(imports, write_csv(tmp_path / "b.csv", rows))
    assert result.created == 45
    # Merging is on again for the writes that follow, at FTS5's defaults.
    assert _search_config(services.db_path) == {**before, "automerge": 4, "hashsize": 1 << 20}
    for i in (0, 22, 44):
        found = services.prospects.page(ProspectFilter(text=f"批量索引{i}号"), Sort())
        assert [r.name for r in found] == [f"佛山市批量索引{i}号厂"]
    # An RM's edit after the import is indexed as usual.
    pid = services.prospects.find_by_uscc(uscc(300))
    assert pid is not None
    services.prospects.update(pid, _with(services, pid, notes="回访陶瓷订单"))
    found = services.prospects.page(ProspectFilter(text="陶瓷订单"), Sort())
    assert [r.id for r in found] == [pid]


def test_an_import_can_be_undone_while_nothing_changed_since(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    before = table_digest(services.db_path)
    known_before = detail(services, KNOWN_USCC)
    rows = [*sample_rows(), [5, "佛山市南海区华兴五金制品厂", KNOWN_USCC, "何老板", "", "", "", ""]]
    result = run(imports, write_xlsx(tmp_path / "undo.xlsx", rows))
    assert result.created == 2 and result.merged == 2
    undone = imports.undo(result.batch_id or "")
    assert (undone.deleted, undone.memberships_removed, undone.fields_emptied) == (2, 1, 1)
    known = detail(services, KNOWN_USCC)
    assert [s.code for s in known.sources] == ["park"]
    assert known.owner_name == ""
    assert services.prospects.find_by_uscc(uscc(1)) is None
    assert services.prospects.page(ProspectFilter(text="鸿运家具"), Sort()) == []
    assert imports.batch(result.batch_id or "").status == "undone"
    assert known.version == known_before.version + 2
    with pytest.raises(UndoRefused):
        imports.undo(result.batch_id or "")
    # The created prospects never reached head office: their queued ops went with them.
    assert counts(services.db_path, "prospects")["prospects"] == _count(before, services)


def _count(_before: str, services: Services) -> int:
    return len(services.prospects.page(ProspectFilter(), Sort(), limit=1000))


def test_undo_is_refused_once_a_record_was_edited(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    result = run(imports, write_xlsx(tmp_path / "edit.xlsx", sample_rows()))
    made = detail(services, uscc(1))
    services.prospects.update(made.id, _with(services, made.id, notes="已拜访"))
    snapshot = table_digest(services.db_path)
    with pytest.raises(UndoRefused) as info:
        imports.undo(result.batch_id or "")
    assert "佛山市南海区鸿运家具有限公司" in str(info.value)
    assert table_digest(services.db_path) == snapshot


def test_rejected_rows_are_saved_in_the_original_layout_to_fix_and_import_again(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", sample_rows())
    result = run(imports, path)
    out = tmp_path / "rejected.xlsx"
    assert imports.save_rejected(result, out) == 1
    import python_calamine

    rows = list(
        python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).iter_rows()
    )
    assert rows[0] == [*HEADERS, "Import errors"]
    assert rows[1][1] == "佛山市坏码贸易有限公司"
    assert "check character" in rows[1][-1]
    # The RM fixes the code and imports the file again.
    from openpyxl import load_workbook

    book = load_workbook(out)
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=2, column=3, value=uscc(3))
    book.save(out)
    again = run(imports, out)
    assert (again.created, again.rejected) == (1, 0)

    csv_out = tmp_path / "rejected.csv"
    assert imports.save_rejected(result, csv_out) == 1
    assert "佛山市坏码贸易有限公司" in csv_out.read_text(encoding="utf-8-sig")


def test_a_saved_mapping_reads_a_file_with_unusual_headers(
    imports: ImportService, tmp_path: Path
) -> None:
    headers = ["编号", "客户", "代码", "老板"]
    rows = [[1, "佛山市映射测试厂", uscc(50), "周九"]]
    path = write_csv(tmp_path / "odd.csv", rows, headers=headers, title=[])
    with pytest.raises(Exception) as info:
        imports.inspect(path)
    assert "header" in str(info.value)
    imports.save_mapping("park", "园区格式", headers, [None, "name", "uscc", "owner_name"], 1)
    info2 = imports.inspect(path, source_code="park", mapping_name="园区格式")
    assert info2.fields == (None, "name", "uscc", "owner_name")
    result = imports.run(ImportRequest(path, mapping_name="园区格式"))
    assert result.source_code == "park" and result.created == 1
    assert [m.name for m in imports.mappings("park")] == ["园区格式"]


def test_the_users_mapping_overrides_the_guess(imports: ImportService, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "o.csv", [[1, "佛山市覆盖测试厂", uscc(51), "吴十", "", "", "", ""]]
    )
    fields = list(imports.inspect(path).fields)
    fields[3] = None  # do not import the owner
    result = imports.run(ImportRequest(path, source_code="park", fields=tuple(fields)))
    assert result.created == 1
    pid = ImportService  # noqa: F841
    from crm.services.prospects import ProspectService

    found = ProspectService(imports.ctx).find_by_uscc(uscc(51))
    assert found and ProspectService(imports.ctx).get(found).owner_name == ""


def test_an_unknown_source_list_is_refused(imports: ImportService, tmp_path: Path) -> None:
    with pytest.raises(UnknownSource) as info:
        run(imports, write_csv(tmp_path / "s.csv", sample_rows()), source="nope")
    assert "park" in str(info.value)


def test_a_row_with_only_a_uscc_completes_a_known_prospect_but_creates_none(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    rows = [
        [1, "", KNOWN_USCC, "", "13600136000", "", "", ""],
        [2, "", uscc(60), "", "13600136001", "", "", ""],
    ]
    result = run(imports, write_csv(tmp_path / "codes.csv", rows))
    assert (result.rows, result.merged, result.rejected, result.created) == (2, 1, 1, 0)
    assert [(e.row, e.field) for e in result.errors] == [(6, "name")]
    assert detail(services, KNOWN_USCC).phone == "13600136000"
