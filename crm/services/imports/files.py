"""Opening the files prospect lists come in, and writing rejected rows back out.

Spreadsheets (.xlsx, legacy .xls, .ods) are read with python-calamine, CSV and tab-separated
text with the csv module in whatever encoding Chinese systems export (UTF-8 with or
without BOM, GBK, GB18030, UTF-16 "Unicode text"). The format is told by the file's first
bytes, not its name. Rows come out one at a time as lists of cell values, so a file is
never held twice; a file that cannot be read raises `ImportFileError` with a message a
person can act on, before anything is written.

openpyxl is used only to write (rejected rows), never to read.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from crm.domain.errors import DomainError

ZIP_MAGIC: Final = b"PK\x03\x04"
CFB_MAGIC: Final = bytes.fromhex("D0CF11E0A1B11AE1")
ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"
SPREADSHEET_FORMATS: Final = ("xlsx", "xls", "ods")
# How much of a text file the delimiter is guessed from.
_SNIFF_BYTES: Final = 64 * 1024
_DETECT_CHUNK: Final = 1 << 20
# Encodings people can name with --encoding, by the names Chinese users know them.
ENCODING_ALIASES: Final = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8-bom": "utf-8-sig",
    "gbk": "gbk",
    "gb2312": "gbk",
    "cp936": "gbk",
    "gb18030": "gb18030",
    "utf-16": "utf-16",
    "big5": "big5",
}


class ImportFileError(DomainError):
    """A file that cannot be imported at all; nothing has been written."""


@dataclass
class TableFile:
    """An opened list: its format, sheets and the chosen one, and its rows on demand."""

    path: Path
    format: str  # xlsx, xls, ods, csv
    sheet_names: tuple[str, ...] = ()
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ","
    size: int = 0
    # Rows in the sheet (spreadsheets), for progress; None for text files.
    total_rows: int | None = None
    _workbook: Any = field(default=None, repr=False)
    _sheet: Any = field(default=None, repr=False)  # parsed once: parsing is the slow part
    _handle: Any = field(default=None, repr=False)

    def rows(self) -> Iterator[list[Any]]:
        """Every row from the top of the sheet (row 1 first), as a list of cell values."""
        if self.format == "csv":
            yield from self._text_rows()
        else:
            yield from self._sheet_rows()

    def fraction_read(self, rows_done: int) -> float:
        """How far reading has got, 0..1, for progress bars."""
        if self.total_rows:
            return min(rows_done / self.total_rows, 1.0)
        if self._handle is not None and self.size:
            try:
                return min(float(self._handle.tell()) / self.size, 1.0)
            except (OSError, ValueError):
                return 0.0
        return 0.0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self._sheet = None
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def __enter__(self) -> TableFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- spreadsheets ----------------------------------------------------------------------

    def _sheet_rows(self) -> Iterator[list[Any]]:
        import python_calamine

        if self._workbook is None:
            self._workbook = _open_workbook(self.path)
        try:
            if self._sheet is None:
                self._sheet = self._workbook.get_sheet_by_name(self.sheet)
            sheet = self._sheet
            merged = _vertical_merges(sheet)
            start_col = sheet.start[1] if sheet.start else 0
            for index, row in enumerate(sheet.iter_rows()):
                if merged and index in merged:
                    for column, value in merged[index]:
                        at = column - start_col
                        if 0 <= at < len(row) and row[at] in ("", None):
                            row[at] = value
                yield row
        except python_calamine.CalamineError as exc:
            raise _unreadable(self.path, str(exc)) from exc

    # -- text ------------------------------------------------------------------------------

    def _text_rows(self) -> Iterator[list[Any]]:
        handle = self.path.open("rb")
        self._handle = handle
        text = io.TextIOWrapper(handle, encoding=self.encoding, newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        try:
            yield from reader
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _unreadable(self.path, str(exc)) from exc
        finally:
            if self._handle is handle:
                self._handle = None
            if not handle.closed:
                text.close()


# --------------------------------------------------------------------------- opening


def _unreadable(path: Path, detail: str) -> ImportFileError:
    return ImportFileError(
        "import.unreadable",
        "{name} cannot be read as a spreadsheet or CSV file ({detail})",
        name=path.name,
        detail=detail,
    )


def _encrypted(path: Path) -> ImportFileError:
    return ImportFileError(
        "import.encrypted",
        "{name} is protected by a password. Open it in Excel or WPS, remove the password "
        "(save a copy without one), and import that copy",
        name=path.name,
    )


def _open_workbook(path: Path) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise _encrypted(path) from exc
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise _unreadable(path, str(exc)) from exc


def _vertical_merges(sheet: Any) -> dict[int, list[tuple[int, Any]]]:
    """Cells covered by a merged range and the value of its top-left cell, by row.

    A district merged over the rows of its enterprises is each row's district; calamine
    gives the value only to the first cell. Ranges in the first rows (titles) are left
    alone: they are no data.
    """
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:  # formats without merge information
        return {}
    if not ranges:
        return {}
    wanted: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for (top, left), (bottom, right) in ranges:
        if bottom == top:
            continue  # a horizontal banner: its value belongs to the first cell only
        covered = [(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)]
        wanted[(top, left)] = covered[1:]
    if not wanted:
        return {}
    values: dict[tuple[int, int], Any] = {}
    start_col = (sheet.start or (0, 0))[1]
    last = max(top for top, _ in wanted)
    for index, row in enumerate(sheet.iter_rows()):
        if index > last:
            break
        for top, left in wanted:
            if top == index and 0 <= left - start_col < len(row):
                values[(top, left)] = row[left - start_col]
    fill: dict[int, list[tuple[int, Any]]] = {}
    for origin, cells in wanted.items():
        value = values.get(origin)
        if value in ("", None):
            continue
        for r, c in cells:
            fill.setdefault(r, []).append((c, value))
    return fill


def sniff_format(path: Path) -> str:
    """xlsx, xls, ods or csv, from the first bytes (names lie: a .xls that is really HTML)."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                    return "ods"
                if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                    return "xlsx"
        except zipfile.BadZipFile as exc:
            raise _unreadable(path, str(exc)) from exc
        raise _unreadable(path, "a zip archive that is not a spreadsheet")
    if head.startswith(CFB_MAGIC):
        with path.open("rb") as handle:
            body = handle.read(4 << 20)
        # Excel keeps a password-protected .xlsx in an OLE container with these streams.
        if "EncryptedPackage".encode("utf-16-le") in body:
            raise _encrypted(path)
        return "xls"
    return "csv"


def detect_encoding(path: Path) -> str:
    """The encoding of a text file: UTF-16 or UTF-8 by BOM, UTF-8 if every byte decodes,
    else GBK or GB18030 (which Chinese systems export), else charset-normalizer's guess."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for candidate in ("utf-8", "gbk", "gb18030"):
        if _decodes(path, candidate):
            return candidate
    from charset_normalizer import from_path

    best = from_path(path).best()
    if best is None:
        raise _unreadable(path, "not text in any encoding this application knows")
    return str(best.encoding)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_DETECT_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _delimiter(path: Path, encoding: str) -> str:
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    text = sample.decode(encoding, errors="ignore")
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def encoding_name(text: str) -> str:
    """A codec name from what a person typed (GBK, utf8, GB18030 …)."""
    key = text.strip().lower().replace("_", "-")
    name = ENCODING_ALIASES.get(key, key)
    try:
        codecs.lookup(name)
    except LookupError:
        raise ImportFileError(
            "import.encoding_unknown",
            "unknown encoding {encoding}; use UTF-8, GBK or GB18030",
            encoding=text,
        ) from None
    return name


def open_table(path: Path, sheet: str | None = None, encoding: str | None = None) -> TableFile:
    """Open a list for reading; raise ImportFileError if it cannot be read or is empty."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError("import.missing", "there is no file {path}", path=str(path))
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError("import.empty", "{name} is empty", name=path.name)
    kind = sniff_format(path)
    if kind == "csv":
        name = encoding_name(encoding) if encoding else detect_encoding(path)
        _refuse_binary(path, name)
        return TableFile(path, "csv", encoding=name, delimiter=_delimiter(path, name), size=size)
    workbook = _open_workbook(path)
    names = tuple(workbook.sheet_names)
    if sheet is not None and sheet not in names:
        workbook.close()
        raise ImportFileError(
            "import.no_sheet",
            "{name} has no sheet called {sheet}; its sheets are {sheets}",
            name=path.name,
            sheet=sheet,
            sheets=list(names),
        )
    chosen = sheet if sheet is not None else _first_visible(workbook, names)
    import python_calamine

    try:
        parsed = workbook.get_sheet_by_name(chosen)
    except python_calamine.PasswordError as exc:
        workbook.close()
        raise _encrypted(path) from exc
    except (python_calamine.CalamineError, ValueError) as exc:
        workbook.close()
        raise _unreadable(path, str(exc)) from exc
    start_row = (parsed.start or (0, 0))[0]
    return TableFile(
        path,
        kind,
        sheet_names=names,
        sheet=chosen,
        size=size,
        total_rows=(int(parsed.height) + start_row) or None,
        _workbook=workbook,
        _sheet=parsed,
    )


def _first_visible(workbook: Any, names: Sequence[str]) -> str:
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.visible).endswith("Visible") and "Hidden" not in str(meta.visible):
                return str(meta.name)
    except Exception:
        pass
    return names[0] if names else ""


def _refuse_binary(path: Path, encoding: str) -> None:
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    if not encoding.startswith("utf-16") and b"\x00" in sample:
        raise _unreadable(path, "binary data, not a spreadsheet or text")


# --------------------------------------------------------------------------- writing


def write_rejected(
    table: TableFile,
    header_row: int,
    errors_by_row: dict[int, str],
    target: Path,
    error_header: str,
) -> int:
    """Write the header row and the rejected rows, as they were in the file, with one more
    column saying what is wrong; returns how many rows were written.

    A .csv target gets UTF-8 with a BOM (Excel and WPS open it right) and the source's
    delimiter; anything else is written as .xlsx with openpyxl.
    """
    target = Path(target)
    written = 0
    as_csv = target.suffix.lower() in (".csv", ".txt")
    rows = _picked_rows(table, header_row, errors_by_row, error_header)
    if as_csv:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle, delimiter=table.delimiter if table.format == "csv" else ",")
            for row in rows:
                out.writerow(["" if v is None else v for v in row])
                written += 1
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(table.sheet or "Sheet1")
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
            written += 1
        book.save(target)
    return max(written - 1, 0)


def _picked_rows(
    table: TableFile, header_row: int, errors_by_row: dict[int, str], error_header: str
) -> Iterator[list[Any]]:
    last = max(errors_by_row, default=0)
    width = 0
    for number, row in enumerate(table.rows(), start=1):
        if number == header_row:
            width = len(row)
            yield [*row, error_header]
        elif number in errors_by_row:
            padded = list(row) + [""] * max(width - len(row), 0)
            yield [*padded, errors_by_row[number]]
        if number >= last and number >= header_row:
            break


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    import datetime as dt

    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value
    return str(value)
