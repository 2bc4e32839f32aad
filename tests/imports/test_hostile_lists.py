"""Lists as attackers and clumsy users make them (#21 items 2 and 3): read strictly, and
every problem said with the row it is in, never a row swallowed, cut or garbled."""

from __future__ import annotations

from pathlib import Path

import pytest
from lists import HEADERS, counts, table_digest, uscc, write_csv
from openpyxl import Workbook

from crm.services.container import Services
from crm.services.imports.files import ImportFileError, detect_encoding
from crm.services.imports.service import ImportRequest, ImportService


def run(imports: ImportService, path: Path, **kw: object):
    return imports.run(ImportRequest(path, source_code="park"), **kw)  # type: ignore[arg-type]


def names(services: Services) -> set[str]:
    from crm.domain.query import ProspectFilter, Sort

    return {p.name for p in services.prospects.page(ProspectFilter(), Sort(), limit=500)}


def _csv_text(lines: list[str]) -> str:
    return "\n".join([",".join(HEADERS), *lines]) + "\n"


# --------------------------------------------------------------------------- CSV quotes


def test_an_unclosed_quote_is_an_error_naming_its_row(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        _csv_text(
            [
                f"1,佛山市甲厂,{uscc(201)},王一,,,,",
                f'2,"佛山市乙厂,{uscc(202)},王二,,,,',
                f"3,佛山市丙厂,{uscc(203)},王三,,,,",
                f"4,佛山市丁厂,{uscc(204)},王四,,,,",
            ]
        ),
        encoding="utf-8",
    )
    before = table_digest(services.db_path)
    with pytest.raises(ImportFileError) as info:
        run(imports, path)
    assert info.value.code == "import.open_quote"
    assert "row 3" in str(info.value)  # the header is row 1
    assert table_digest(services.db_path) == before


def test_a_quote_closed_rows_later_does_not_swallow_them(
    imports: ImportService, tmp_path: Path
) -> None:
    path = tmp_path / "quote2.csv"
    path.write_text(
        _csv_text(
            [
                f'1,"佛山市甲厂,{uscc(211)},王一,,,,',
                f"2,佛山市乙厂,{uscc(212)},王二,,,,",
                f'",{uscc(213)},王三,,,,',
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as info:
        run(imports, path)
    assert "row 2" in str(info.value)


def test_a_quote_inside_an_unquoted_cell_is_text(imports: ImportService, tmp_path: Path) -> None:
    path = tmp_path / "inner.csv"
    path.write_text(_csv_text([f'1,佛山市"华兴"五金厂,{uscc(215)},王一,,,,']), encoding="utf-8")
    result = run(imports, path)
    assert (result.created, result.rejected) == (1, 0)


@pytest.mark.parametrize(
    ("name", "body", "kind"),
    [
        ("list.xls", "<html><body><table><tr><td>企业名称</td></tr></table></body></html>", "HTML"),
        ("list.csv", "\ufeff<!DOCTYPE html>\n<html><table></table></html>", "HTML"),
        ("list.xls", '<?xml version="1.0"?>\n<Workbook></Workbook>', "XML"),
    ],
)
def test_a_web_page_saved_as_a_list_is_named_for_what_it_is(
    imports: ImportService, tmp_path: Path, name: str, body: str, kind: str
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ImportFileError) as info:
        run(imports, path)
    assert info.value.code == "import.markup" and kind in str(info.value)


# --------------------------------------------------------------------------- merged headers


def _merged_book(path: Path, sub_header: bool) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["序号", "企业名称", None, "法定代表人", "联系电话"])
    ws.merge_cells("B1:C1")
    first = 2
    if sub_header:
        ws.append([None, None, "统一社会信用代码", None, None])
        first = 3
    ws.append([1, "佛山市合并表头甲厂", uscc(221), "李一", "13800138001"])
    ws.append([2, "佛山市合并表头乙厂", uscc(222), "李二", "13800138002"])
    assert ws.max_row == first + 1
    book.save(path)
    return path


def test_a_header_merged_over_two_columns_of_data_is_refused_naming_the_cells(
    imports: ImportService, tmp_path: Path
) -> None:
    path = _merged_book(tmp_path / "merged.xlsx", sub_header=False)
    with pytest.raises(ImportFileError) as info:
        run(imports, path)
    assert info.value.code == "import.merged_header"
    assert "B1:C1" in str(info.value) and "企业名称" in str(info.value)


def test_a_merged_header_with_headers_below_it_keeps_every_column(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    path = _merged_book(tmp_path / "merged2.xlsx", sub_header=True)
    info = imports.inspect(path)
    assert info.header_row == 2
    assert info.fields == (None, "name", "uscc", "owner_name", "phone")
    result = run(imports, path)
    assert (result.created, result.rejected) == (2, 0)
    found = services.prospects.find_by_uscc(uscc(222))
    assert found is not None
    assert services.prospects.get(found).owner_name == "李二"


# --------------------------------------------------------------------------- over-long


def test_a_field_longer_than_its_column_rejects_the_row_and_is_never_cut(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(HEADERS)
    ws.append([1, "佛山市长地址厂", uscc(231), "周一", "", "桂城" * 5000, "", ""])
    ws.append([2, "佛山市长法人厂", uscc(232), "周" * 101, "", "", "", ""])
    ws.append([3, "佛山市正常厂", uscc(233), "周三", "", "桂城街道1号", "", ""])
    path = tmp_path / "long.xlsx"
    book.save(path)
    result = run(imports, path)
    assert (result.created, result.rejected) == (1, 2)
    by_row = {e.row: e for e in result.errors}
    assert by_row[2].field == "address" and by_row[2].column == "注册地址"
    assert "10000 characters" in str(by_row[2].error) and "300" in str(by_row[2].error)
    assert by_row[3].field == "owner_name" and "100" in str(by_row[3].error)
    assert "佛山市长地址厂" not in names(services)


def test_a_huge_csv_cell_rejects_its_row_not_the_file(
    imports: ImportService, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "huge.csv",
        [
            [1, "佛山市巨格厂", uscc(235), "", "", "地" * 300_000, "", ""],
            [2, "佛山市小格厂", uscc(236), "", "", "", "", ""],
        ],
        title=[],
    )
    result = run(imports, path)
    assert (result.created, result.rejected) == (1, 1)
    assert result.errors[0].row == 2 and result.errors[0].field == "address"


# --------------------------------------------------------------------------- encodings


def _mixed(
    path: Path, file_encoding: str, stray_encoding: str, stray_row: int, end: bytes = b"\r\n"
) -> Path:
    rows = [
        [n, f"佛山市编码测试{n}号厂", uscc(240 + n), "陈" + "一二三四五六"[n - 1], "", "", "", ""]
        for n in range(1, 7)
    ]
    lines = [",".join(HEADERS).encode(file_encoding)]
    for n, row in enumerate(rows, start=2):
        text = ",".join(str(c) for c in row)
        lines.append(text.encode(stray_encoding if n == stray_row else file_encoding))
    path.write_bytes(end.join(lines) + end)
    return path


@pytest.mark.parametrize(
    ("file_encoding", "stray", "detected"),
    [("gbk", "utf-8", ("gbk", "gb18030")), ("utf-8", "gbk", ("utf-8",))],
)
def test_a_row_in_another_encoding_is_rejected_with_its_row_number(
    services: Services,
    imports: ImportService,
    tmp_path: Path,
    file_encoding: str,
    stray: str,
    detected: tuple[str, ...],
) -> None:
    path = _mixed(tmp_path / f"{file_encoding}.csv", file_encoding, stray, stray_row=4)
    assert detect_encoding(path) in detected
    result = run(imports, path)
    assert (result.created, result.rejected) == (5, 1)
    error = result.errors[0]
    assert error.row == 4 and error.error.code == "import.row_encoding"
    # Named by the file's encoding, as people know it.
    assert error.error.params["encoding"] in {"UTF-8", "GBK", "GB18030"}
    assert (error.error.params["encoding"] == "UTF-8") == (file_encoding == "utf-8")
    made = names(services)
    assert {f"佛山市编码测试{n}号厂" for n in (1, 2, 4, 5, 6)} <= made
    assert not any("编码测试3" in n for n in made)
    # Saved for the RM, the row reads as it was meant.
    out = tmp_path / "rejected.csv"
    imports.save_rejected(result, out)
    assert "佛山市编码测试3号厂" in out.read_text(encoding="utf-8-sig")


def test_a_stray_row_is_found_in_a_file_of_old_mac_line_ends(
    imports: ImportService, tmp_path: Path
) -> None:
    path = _mixed(tmp_path / "cr.csv", "gbk", "utf-8", stray_row=3, end=b"\r")
    result = run(imports, path)
    assert (result.created, result.rejected) == (5, 1)
    assert result.errors[0].row == 3


def test_a_worker_process_rejects_a_stray_row_and_flags_a_conflict_too(
    services: Services, tmp_path: Path
) -> None:
    """The rows of a large file are cleaned in a worker process: the same outcomes."""
    path = _mixed(tmp_path / "worker.csv", "gbk", "utf-8", stray_row=5)
    with path.open("ab") as handle:
        line = f"7,佛山市编码测试别名厂,{uscc(241)},陈七,,,,\r\n"
        handle.write(line.encode("gbk"))
    imports = ImportService(services.ctx, parallel_from_bytes=0, chunk_rows=2)
    result = run(imports, path)
    assert (result.created, result.rejected, result.flagged) == (5, 1, 1)
    assert result.errors[0].row == 5 and result.errors[0].error.code == "import.row_encoding"


# --------------------------------------------------------------------------- same USCC twice


def test_one_uscc_twice_with_other_values_is_flagged_not_dropped(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    code = uscc(251)
    path = write_csv(
        tmp_path / "twice.csv",
        [
            [1, "佛山市双码甲厂", code, "赵一", "13800138011", "", "", ""],
            [2, "佛山市双码乙厂", code, "赵二", "13800138022", "", "", ""],
            # The same record again, with one more field: one prospect, filled in.
            [3, "佛山市双码甲厂", code, "赵一", "", "桂城街道9号", "", ""],
        ],
        title=[],
    )
    before = counts(services.db_path, "duplicate_flags")["duplicate_flags"]
    result = run(imports, path)
    assert (result.created, result.merged, result.flagged) == (1, 1, 1)
    first = services.prospects.get(services.prospects.find_by_uscc(code) or "")
    assert (first.name, first.owner_name) == ("佛山市双码甲厂", "赵一")
    assert first.address == "桂城街道9号"
    flags = [f for f in imports.flags() if f.candidate_id == first.id]
    assert len(flags) == 1
    second = services.prospects.get(flags[0].prospect_id)
    assert (second.name, second.owner_name) == ("佛山市双码乙厂", "赵二")
    assert second.phone == "13800138022"
    assert second.uscc is None
    assert code in second.notes
    assert counts(services.db_path, "duplicate_flags")["duplicate_flags"] == before + 1
    # The RM decides: the same enterprise after all.
    assert imports.confirm_duplicate(flags[0].id) == first.id


def test_a_dry_run_flags_the_same_rows(imports: ImportService, tmp_path: Path) -> None:
    code = uscc(252)
    path = write_csv(
        tmp_path / "twice-dry.csv",
        [
            [1, "佛山市双码丙厂", code, "钱一", "", "", "", ""],
            [2, "佛山市双码丁厂", code, "钱二", "", "", "", ""],
        ],
        title=[],
    )
    dry = run(imports, path, dry_run=True)
    real = run(imports, path)
    assert (dry.created, dry.flagged) == (real.created, real.flagged) == (1, 1)
