"""The Team page's figures as an Excel workbook: a sheet per table, headers bold and frozen,
amounts and rates formatted, and no text a spreadsheet could take for a formula."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crm.services.audit import Action, AuditService
from crm.services.imports.files import neutralised

# Cell formats by a column's kind.
FORMATS = {
    "int": "#,##0",
    "yuan": "#,##0.00",
    "dec": "0.0",
    "rate": "0.00%",
    "day": "yyyy-mm-dd",
    "text": "@",
}


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    kinds: Sequence[str]  # per column: a key of FORMATS
    rows: Sequence[Sequence[object]]


def write_workbook(
    target: Path, sheets: Sequence[Sheet], audit: AuditService | None = None
) -> None:
    """Write ``sheets`` to ``target`` (.xlsx); written beside it first, then moved in place,
    so a failed export leaves no half-written file. ``audit``: the log the export is
    written in once the file is there."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for sheet in sheets:
        ws = book.create_sheet(_title(sheet.title))
        widths = [_width(h) for h in sheet.headers]
        for column, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=1, column=column, value=neutralised(str(header)))
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(vertical="center")
        for number, values in enumerate(sheet.rows, start=2):
            for column, (value, kind) in enumerate(zip(values, sheet.kinds, strict=True), 1):
                cell = ws.cell(row=number, column=column)
                if isinstance(value, str):
                    cell.value = neutralised(value)
                    widths[column - 1] = max(widths[column - 1], _width(value))
                else:
                    cell.value = value
                    widths[column - 1] = max(widths[column - 1], 12)
                cell.number_format = FORMATS[kind]
        for column, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = min(width + 2, 60)
        ws.freeze_panes = "A2"
    target = Path(target)
    partial = target.with_name(f".{target.name}.part")
    try:
        book.save(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    if audit is not None:
        rows = sum(len(sheet.rows) for sheet in sheets)
        audit.record(Action.EXPORT, detail={"format": "xlsx", "sheets": len(sheets), "rows": rows})


def _title(name: str) -> str:
    cleaned = "".join("_" if c in "\\/*?:[]" else c for c in name).strip("'")
    return cleaned[:31] or "Sheet"


def _width(text: str) -> int:
    # Chinese characters take two columns' width.
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)
