"""Rejected rows saved for the RM cannot run as formulas when opened in Excel or WPS
(OWASP's CSV-injection rule), and text is written as text (#21 item 1)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from lists import HEADERS, uscc, write_csv, wrong_check
from openpyxl import load_workbook

from crm.services.imports.files import neutralised
from crm.services.imports.service import ImportRequest, ImportService

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com/x","点我")',
    "@SUM(1+1)",
    "+1+2",
    "-3+4",
    "\tTAB开头的名称",
    "\r回车开头的名称",
]


def _rows() -> list[list[object]]:
    return [
        [n, name, wrong_check(uscc(100 + n)), "=1+1", "+8613800138000", "", "", ""]
        for n, name in enumerate(HOSTILE, start=1)
    ]


def test_neutralised_quotes_only_what_could_start_a_formula() -> None:
    assert neutralised("=1+1") == "'=1+1"
    assert neutralised("\tx") == "'\tx"
    assert neutralised("佛山市华兴五金厂") == "佛山市华兴五金厂"
    assert neutralised("a=b") == "a=b"


def test_rejected_rows_in_xlsx_hold_no_formula_and_keep_the_text(
    imports: ImportService, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "hostile.csv", _rows())
    result = imports.run(ImportRequest(path, source_code="park"))
    assert result.rejected == len(HOSTILE)
    out = tmp_path / "rejected.xlsx"
    assert imports.save_rejected(result, out) == len(HOSTILE)

    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = load_workbook(out)
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == [*HEADERS, "Import errors"]
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    names = [row[1] for row in rows[1:]]
    # The file's own text (XML reads a carriage return back as a line feed).
    assert [c.value for c in names] == [h.replace("\r", "\n") for h in HOSTILE]
    assert all(c.data_type == "s" and c.number_format == "@" for c in names)
    assert all(c.quotePrefix for c in names)


def test_rejected_rows_in_csv_start_no_cell_with_a_formula_character(
    imports: ImportService, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "hostile.csv", _rows())
    result = imports.run(ImportRequest(path, source_code="park"))
    out = tmp_path / "rejected.csv"
    assert imports.save_rejected(result, out) == len(HOSTILE)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [*HEADERS, "Import errors"]
    assert [r[1] for r in rows[1:]] == ["'" + h for h in HOSTILE]
    assert {r[3] for r in rows[1:]} == {"'=1+1"}
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
