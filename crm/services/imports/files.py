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
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Final

from crm.domain.errors import DomainError
from crm.domain.prospect import FieldError

ZIP_MAGIC: Final = b"PK\x03\x04"
CFB_MAGIC: Final = bytes.fromhex("D0CF11E0A1B11AE1")
ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"
SPREADSHEET_FORMATS: Final = ("xlsx", "xls", "ods")
# How much of a text file the delimiter is guessed from.
_SNIFF_BYTES: Final = 64 * 1024
_DETECT_CHUNK: Final = 1 << 20
# How much of a text file is read line by line to tell its encoding when rows differ.
_VOTE_BYTES: Final = 256 << 10
# The longest cell of a text file that is read (and then rejected with its row if too long
# for its field); a longer one stops the import with its row.
_FIELD_LIMIT: Final = 16 << 20
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
    # A text file found to decode as a whole in its (UTF-8) encoding: no row to check.
    verified: bool = False
    # The part of an .xlsx sheet whose used range is absurd for what it holds (one value
    # in XFD1048576): read as a stream, only the columns the top rows use.
    bounded: str = ""
    _workbook: Any = field(default=None, repr=False)
    _sheet: Any = field(default=None, repr=False)  # parsed once: parsing is the slow part
    _handle: Any = field(default=None, repr=False)

    def rows(self) -> Iterator[list[Any]]:
        """Every row from the top of the sheet (row 1 first), as a list of cell values."""
        if self.format == "csv":
            yield from self._text_rows()
        elif self.bounded:
            yield from _bounded_rows(self.path, self.bounded)
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

    def wide_merges(self) -> list[tuple[int, int, int, int]]:
        """Merged ranges over more than one column, as (top, left, bottom, right): rows
        numbered from 0 as `rows` gives them, columns as positions in those rows."""
        if self.format == "csv" or self.bounded:
            return []
        if self._workbook is None:
            self._workbook = _open_workbook(self.path)
        if self._sheet is None:
            self._sheet = self._workbook.get_sheet_by_name(self.sheet)
        try:
            ranges = self._sheet.merged_cell_ranges or []
        except Exception:  # formats without merge information
            return []
        start_col = self.first_column()
        return [
            (top, left - start_col, bottom, right - start_col)
            for (top, left), (bottom, right) in ranges
            if right > left
        ]

    def first_column(self) -> int:
        """The sheet's first used column (0 for A), where the rows' cells start."""
        if self._sheet is None or not self._sheet.start:
            return 0
        return int(self._sheet.start[1])

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
        if csv.field_size_limit() < _FIELD_LIMIT:
            # An over-long cell is then rejected with its row (see RowCleaner), not the file.
            csv.field_size_limit(_FIELD_LIMIT)
        handle = self.path.open("rb")
        self._handle = handle
        bad: list[int] = []
        try:
            if self.verified or self.encoding.startswith("utf-16"):
                # Every byte decodes, and a row in another encoding would not: no row to check.
                text = io.TextIOWrapper(handle, encoding=self.encoding, newline="")
                yield from self._records(text, bad)
            else:
                # Each line's bytes, decoded row by row. A file whose lines end in \r alone
                # (old Macs) is split by latin-1 text, which gives the bytes back unchanged.
                lines: Iterable[bytes] = handle
                by_lf = not _cr_only(self.path)
                if not by_lf:
                    split = io.TextIOWrapper(handle, encoding="latin-1", newline="")
                    lines = (line.encode("latin-1") for line in split)
                yield from self._records(self._decoded(lines, bad, by_lf), bad)
        except UnicodeDecodeError as exc:
            raise _unreadable(self.path, str(exc)) from exc
        except OSError as exc:
            raise _os_problem(self.path, exc) from exc
        finally:
            if self._handle is handle:
                self._handle = None
            handle.close()

    def _decoded(self, lines: Iterable[bytes], bad: list[int], by_lf: bool) -> Iterator[str]:
        """Each line decoded in the file's encoding; a line that is in another one (a row
        pasted from elsewhere) is noted in `bad` and given as read in that one.

        Lines go in batches: a batch that decodes, and (in a GBK file) holds no byte that
        UTF-8 text of Chinese is full of (0x80-0xA0, which GB2312 text never uses), is
        taken as it is; only the others are looked at line by line."""
        encoding = self.encoding
        utf8 = encoding in ("utf-8", "utf-8-sig")
        number = 0
        source = iter(lines)
        while batch := list(islice(source, _LINE_BATCH)):
            blob = b"".join(batch)
            if by_lf and (utf8 or not _maybe_utf8(blob)):
                try:
                    text = blob.decode(encoding)
                except UnicodeDecodeError:
                    pass
                else:
                    number += len(batch)
                    # The same lines: each ends in the \n it was split at.
                    yield from io.StringIO(text, newline="\n")
                    continue
            for raw in batch:
                number += 1
                yield self._line(raw, number, utf8, bad)

    def _line(self, raw: bytes, number: int, utf8: bool, bad: list[int]) -> str:
        if raw.isascii():
            return raw.decode("ascii")
        try:
            text = raw.decode(self.encoding)
        except UnicodeDecodeError:
            bad.append(number)
            return raw.decode("utf-8" if not utf8 else "gb18030", errors="replace")
        if not utf8:
            # UTF-8 bytes of Chinese text often decode as GBK too, as nonsense; a line of
            # CJK that is valid UTF-8 is UTF-8 (GBK text almost never is).
            try:
                alt = raw.decode("utf-8")
            except UnicodeDecodeError:
                return text
            bad.append(number)
            return alt
        return text

    def _records(self, lines: Iterator[str], bad: list[int]) -> Iterator[list[Any]]:
        """The file's records, strictly: a quote left open, or closed in the wrong place,
        stops the import with the row it is in rather than swallow the rows after it."""
        reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
        record = 0
        ended = 0  # the last line of the record before
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise self._csv_problem(str(exc), record + 1, ended + 1) from exc
            record += 1
            start, ended = ended + 1, reader.line_num
            if ended > start and self._swallowed(row):
                raise self._csv_problem("unexpected end of data", record, start)
            if bad and bad[-1] >= start:
                found = [n for n in bad if start <= n <= ended]
                if found:
                    yield MisencodedRow(row, _shown(self.encoding))
                    continue
            yield row

    def _swallowed(self, row: list[str]) -> bool:
        """A cell running over several lines that hold the delimiter: rows read into one
        cell by a quote that was never closed where it should have been."""
        for cell in row:
            if "\n" in cell or "\r" in cell:
                inner = cell.splitlines()[1:]
                if any(line.count(self.delimiter) >= 2 for line in inner):
                    return True
        return False

    def _csv_problem(self, detail: str, record: int, line: int) -> ImportFileError:
        if "end of data" in detail:
            return ImportFileError(
                "import.open_quote",
                '{name}, row {row} (line {line} of the file): a quote (") opened in this '
                "row is not closed where the cell ends, so the rows after it would be read "
                "as one cell. Close or remove the quote and import again",
                name=self.path.name,
                row=record,
                line=line,
            )
        if "field limit" in detail:
            return ImportFileError(
                "import.cell_huge",
                "{name}, row {row} (line {line} of the file): a cell is longer than {limit} "
                "characters; this is no list of enterprises",
                name=self.path.name,
                row=record,
                line=line,
                limit=f"{_FIELD_LIMIT:,}",
            )
        return ImportFileError(
            "import.bad_csv",
            "{name}, row {row} (line {line} of the file) is not valid CSV ({detail}): "
            "a quote in the wrong place?",
            name=self.path.name,
            row=record,
            line=line,
            detail=detail,
        )


class MisencodedRow(list[Any]):
    """A row of a text file whose bytes are in another encoding than the rest of the file
    (pasted from another system): its cells as read in that encoding, to be rejected with
    its row number, never stored as mojibake."""

    def __init__(self, cells: Sequence[Any], expected: str) -> None:
        super().__init__(cells)
        self.expected = expected

    def __reduce__(self) -> tuple[Any, ...]:
        return (MisencodedRow, (list(self), self.expected))

    def problem(self) -> FieldError:
        return FieldError(
            "row",
            "import.row_encoding",
            "this row is not in {encoding} like the rest of the file (it was pasted from "
            "elsewhere); save the file in one encoding, such as UTF-8, and import it again",
            encoding=self.expected,
        )


# Lines decoded together (see TableFile._decoded).
_LINE_BATCH: Final = 2000
_NOT_UTF8_MARKS: Final = bytes(b for b in range(256) if not 0x80 <= b <= 0xA0)


def _maybe_utf8(data: bytes) -> bool:
    """Whether bytes may hold UTF-8 text of Chinese: its continuation bytes fall in
    0x80-0xBF, and a line of it almost surely has some in 0x80-0xA0, where GB2312 text
    (GBK's common part) has none."""
    return bool(data.translate(None, _NOT_UTF8_MARKS))


def _cr_only(path: Path) -> bool:
    """Whether a text file's lines end in a carriage return alone."""
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    return b"\r" in sample and b"\n" not in sample


def _shown(encoding: str) -> str:
    """An encoding by the name people know it."""
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gbk": "GBK", "gb18030": "GB18030"}.get(
        encoding, encoding.upper()
    )


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
    _refuse_markup(path)
    return "csv"


_MARKUP = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|table|\?xml|meta|head)\b", re.I
)


def _refuse_markup(path: Path) -> None:
    """A web page or an XML file under a spreadsheet's or CSV's name (systems export an
    HTML table as .xls): named for what it is, not read as CSV."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if _MARKUP.match(head) is None:
        return
    kind = "XML" if b"<?xml" in head[:64].lower() else "HTML"
    raise ImportFileError(
        "import.markup",
        "{name} is a web page or XML file ({kind}), not a spreadsheet, although its name "
        "ends in {suffix}. Open it in Excel or WPS, save it as .xlsx, and import that file",
        name=path.name,
        kind=kind,
        suffix=path.suffix or "(none)",
    )


def detect_encoding(path: Path) -> str:
    """The encoding of a text file: UTF-16 or UTF-8 by BOM, UTF-8 if every byte decodes
    (or most rows do), else GBK or GB18030 (which Chinese systems export), else
    charset-normalizer's guess."""
    return _detect(path)[0]


def _detect(path: Path) -> tuple[str, bool]:
    """`detect_encoding`, and whether the whole file was found to decode in it (then a
    row in another encoding cannot hide in it, and rows need no check of their own)."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", False
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", _decodes(path, "utf-8-sig")
    if _decodes(path, "utf-8"):
        return "utf-8", True
    return _guess(path), False


def _guess(path: Path) -> str:
    # Most rows UTF-8, a few not (pasted from a GBK system): UTF-8, and those rows are
    # rejected as they are read.
    utf8, others = _line_votes(path)
    if utf8 > others:
        return "utf-8"
    for candidate in ("gbk", "gb18030"):
        if _decodes(path, candidate):
            return candidate
    if others:
        return "gb18030"  # rows that are neither are rejected as they are read
    from charset_normalizer import from_path

    best = from_path(path).best()
    if best is None:
        raise _unreadable(path, "not text in any encoding this application knows")
    return str(best.encoding)


def _line_votes(path: Path) -> tuple[int, int]:
    """Of the lines with other than ASCII in the first part of the file: how many are
    UTF-8, and how many are GB18030 (GBK's superset) and not UTF-8."""
    utf8 = others = 0
    with path.open("rb") as handle:
        sample = handle.read(_VOTE_BYTES)
        full = not handle.read(1)
    lines = _LINE_END.split(sample)
    for line in lines if full else lines[:-1]:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line.decode("gb18030")
            except UnicodeDecodeError:
                continue
            others += 1
        else:
            utf8 += 1
    return utf8, others


_LINE_END = re.compile(rb"\r\n?|\n")


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
    try:
        return _open_table(path, sheet, encoding)
    except OSError as exc:
        raise _os_problem(path, exc) from exc


def _os_problem(path: Path, exc: OSError) -> ImportFileError:
    """What the system refused, said for the file the user gave."""
    if isinstance(exc, PermissionError):
        return ImportFileError(
            "import.permission",
            "{path} cannot be read: permission denied (ask the file's owner, or copy it "
            "somewhere you can read it)",
            path=str(path),
        )
    if isinstance(exc, IsADirectoryError):
        return _folder(path)
    return ImportFileError(
        "import.os_error",
        "{path} cannot be read ({detail})",
        path=str(path),
        detail=exc.strerror or type(exc).__name__,
    )


def _folder(path: Path) -> ImportFileError:
    return ImportFileError(
        "import.folder", "{path} is a folder, not a file; give the list's file", path=str(path)
    )


def _open_table(path: Path, sheet: str | None, encoding: str | None) -> TableFile:
    if path.is_dir():
        raise _folder(path)
    if not path.exists():
        if not path.parent.is_dir():
            raise ImportFileError(
                "import.missing_folder",
                "there is no file {path}: the folder {folder} does not exist",
                path=str(path),
                folder=str(path.parent),
            )
        raise ImportFileError("import.missing", "there is no file {path}", path=str(path))
    if not path.is_file():
        raise ImportFileError(
            "import.not_a_file", "{path} is not a file (a device or a pipe)", path=str(path)
        )
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError("import.empty", "{name} is empty", name=path.name)
    kind = sniff_format(path)
    if kind == "csv":
        name, verified = (encoding_name(encoding), False) if encoding else _detect(path)
        _refuse_binary(path, name)
        return TableFile(
            path,
            "csv",
            encoding=name,
            delimiter=_delimiter(path, name),
            size=size,
            verified=verified,
        )
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
    if kind == "xlsx":
        try:
            part, rows = _sheet_extent(path, chosen)
        except BaseException:
            workbook.close()
            raise
        if part:
            return TableFile(
                path,
                kind,
                sheet_names=names,
                sheet=chosen,
                size=size,
                total_rows=rows,
                bounded=part,
                _workbook=workbook,
            )
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


# --------------------------------------------------------------------------- bounded reading
# python-calamine holds a sheet as one dense grid over its used range: a sheet whose range
# is far larger than what it holds (a value typed in XFD1048576 beside a small table) would
# take gigabytes, or abort the process. The range is checked first, from the sheet's
# <dimension> (or its cells, when it has none), and such a sheet is streamed instead.

# The most cells a sheet may span before its range is weighed against its content.
_DENSE_CELLS: Final = 1_000_000
# Bytes of sheet XML per cell below which a range is absurd: a cell with a value takes
# 20 bytes or more, so a real table's range holds far fewer cells than a quarter of them.
_XML_BYTES_PER_CELL: Final = 4
# The largest sheet (uncompressed XML) read at all.
_SHEET_XML_MAX: Final = 2 << 30
# A streamed sheet keeps the columns its first rows (where the header is) use, at most:
_BOUNDED_COLUMNS: Final = 1000
_TOP_ROWS: Final = 30  # crm.domain.importing.HEADER_SCAN_ROWS
_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"'
)
# A row tag's number, from just after "<row ".
_ROW_NUMBER = re.compile(rb'[^>]*?\br="(\d+)"')
# A reference to a cell in column AA or beyond (two or three letters).
# (A literal start lets the engine skip ahead; a word boundary there made it 10× slower.)
_WIDE_REF = re.compile(rb' r="([A-Z]{2,3})\d+"')
_REF = re.compile(r"([A-Z]+)(\d+)")


def _column_number(letters: str | bytes) -> int:
    """A column's number from its letters (A → 1, XFD → 16384)."""
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(ch) - 64
    return number


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip member that holds the sheet called `sheet`."""
    import xml.etree.ElementTree as ET

    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rid = ""
    for node in book.iter(f"{_NS}sheet"):
        if node.get("name") == sheet:
            rid = node.get(f"{_REL_NS}id") or ""
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for node in rels:
        if node.get("Id") == rid:
            target = node.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(sheet)


def _sheet_extent(path: Path, sheet: str) -> tuple[str, int | None]:
    """("", None) for a sheet that is safe to read whole; else the zip member to stream
    and its rows. Refuses a sheet too large to read at all."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            size = archive.getinfo(part).file_size
            if size > _SHEET_XML_MAX:
                raise ImportFileError(
                    "import.sheet_huge",
                    "{name}: the sheet {sheet} is {size} MB of data, more than this "
                    "application reads; split it into smaller files",
                    name=path.name,
                    sheet=sheet,
                    size=f"{size >> 20:,}",
                )
            with archive.open(part) as handle:
                head = handle.read(1 << 16)
            found = _DIMENSION.search(head)
            if found is not None:
                first_col, first_row, last_col, last_row = found.groups()
                last_col, last_row = last_col or first_col, last_row or first_row
                rows = int(last_row) - int(first_row) + 1
                cols = _column_number(last_col) - _column_number(first_col) + 1
                last = int(last_row)
            else:
                rows, cols, last = _scanned_extent(archive, part)
    except (KeyError, zipfile.BadZipFile, ValueError, SyntaxError):
        return "", None  # python-calamine says what is wrong with it
    area = rows * cols
    if area <= _DENSE_CELLS or area * _XML_BYTES_PER_CELL <= size:
        return "", None
    return part, last


def _scanned_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int, int]:
    """Rows, columns and last row of a sheet without a <dimension>: rows come in order,
    so the first and last row tags give the rows, and a list seldom has more than 26
    columns, so only cells past column Z are looked at (a cell-by-cell walk in Python
    took longer than reading the sheet)."""
    first_row = last_row = 0
    last_col = 26  # at most Z, unless a wider cell says otherwise
    tail = b""
    with archive.open(part) as handle:
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            if not first_row:
                first_row = _row_tag(data, last=False)
            last_row = max(last_row, _row_tag(data, last=True))
            for letters in set(_WIDE_REF.findall(data)):
                last_col = max(last_col, _column_number(letters))
            tail = data[-64:]
    if not last_row:
        return 0, 0, 0
    return last_row - max(first_row, 1) + 1, last_col, last_row


def _row_tag(data: bytes, *, last: bool) -> int:
    """The number of the first (or last) row tag in ``data``; 0 when it has none ("row "
    may stand in a cell's text too: those are passed over)."""
    at = len(data) if last else -1
    while True:
        at = data.rfind(b"row ", 0, at) if last else data.find(b"row ", at + 1)
        if at < 1:
            return 0
        if data[at - 1 : at] in (b"<", b":"):
            found = _ROW_NUMBER.match(data, at + 4)
            if found:
                return int(found.group(1))


def _bounded_rows(path: Path, part: str) -> Iterator[list[Any]]:
    """The rows of a sheet streamed from its XML, from row 1, each with the columns the
    first rows use (a value far to the right, under no header, is not read). Dates come as
    Excel serial numbers, which the import reads as dates."""
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(path) as archive:
        strings = _shared_strings(archive)
        width = 0
        number = 0
        with archive.open(part) as handle:
            for _event, node in ET.iterparse(handle, events=("end",)):
                if node.tag != f"{_NS}row":
                    continue
                at = int(node.get("r") or number + 1)
                cells: dict[int, Any] = {}
                for cell in node.iter(f"{_NS}c"):
                    ref = _REF.match(cell.get("r") or "")
                    column = _column_number(ref.group(1)) if ref else len(cells) + 1
                    if column > _BOUNDED_COLUMNS or (at > _TOP_ROWS and column > width):
                        continue
                    value = _cell_value(cell, strings)
                    if value is not None and value != "":
                        cells[column] = value
                node.clear()
                if at <= _TOP_ROWS and cells:
                    width = max(width, max(cells))
                if not cells:
                    continue  # an empty row in the stream; the rows before it fill the gap
                while number < at - 1:
                    number += 1
                    yield []
                number = at
                row: list[Any] = [""] * max(cells)
                for column, value in cells.items():
                    row[column - 1] = value
                yield row


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    from openpyxl.reader.strings import read_string_table

    try:
        with archive.open("xl/sharedStrings.xml") as handle:
            return [str(s) for s in read_string_table(handle)]
    except KeyError:
        return []


def _cell_value(cell: Any, strings: list[str]) -> Any:
    kind = cell.get("t") or "n"
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
    found = cell.find(f"{_NS}v")
    text = found.text if found is not None else None
    if text is None:
        return None
    if kind == "s":
        index = int(text)
        return strings[index] if 0 <= index < len(strings) else ""
    if kind == "b":
        return text == "1"
    if kind in ("str", "e", "d"):
        return text
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


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
    delimiter; anything else is written as .xlsx with openpyxl. No cell can run as a
    formula when the file is opened (see `neutralised` and `_xlsx_cell`). The file is
    written beside the target and renamed into place when complete, so a failure never
    leaves half a file under the target's name.
    """
    target = Path(target)
    check_output_path(target)
    written = 0
    as_csv = target.suffix.lower() in (".csv", ".txt")
    rows = _picked_rows(table, header_row, errors_by_row, error_header)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if as_csv:
            with partial.open("w", encoding="utf-8-sig", newline="") as handle:
                delimiter = table.delimiter if table.format == "csv" else ","
                out = csv.writer(handle, delimiter=delimiter)
                for row in rows:
                    out.writerow([_csv_value(v) for v in row])
                    written += 1
        else:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet(_sheet_title(table.sheet))
            for row in rows:
                sheet.append([_xlsx_cell(sheet, v) for v in row])
                written += 1
            book.save(partial)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _not_writable(target, exc) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return max(written - 1, 0)


# A cell that starts with one of these is taken as a formula by Excel, WPS and LibreOffice
# (OWASP's CSV-injection rule; tab and carriage return start one in some of them).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_BAD = re.compile(r"[\\/*?:\[\]]")


def neutralised(text: str) -> str:
    """Text that cannot start a formula: one that could gets a single quote in front, as
    OWASP advises (spreadsheets show the text as it was, and never evaluate it)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def check_output_path(target: Path) -> None:
    """Refuse, before anything is read or written, a path a file cannot be saved at: a
    folder, a missing folder, a folder this user cannot write to, an unknown kind."""
    target = Path(target)
    if target.suffix.lower() not in (".csv", ".txt", ".xlsx"):
        raise ImportFileError(
            "import.output_kind",
            "{path}: rejected rows are saved as .xlsx or .csv; give a name ending in one",
            path=str(target),
        )
    if target.is_dir():
        raise ImportFileError(
            "import.output_folder", "{path} is a folder; give a file name", path=str(target)
        )
    folder = target.parent
    if not folder.is_dir():
        raise ImportFileError(
            "import.output_no_folder",
            "cannot save to {path}: there is no folder {folder}",
            path=str(target),
            folder=str(folder),
        )
    probe = folder / f".{target.name}.probe-{os.getpid()}"
    try:
        with probe.open("wb"):
            pass
        probe.unlink()
    except OSError as exc:
        raise _not_writable(target, exc) from exc
    if target.exists() and not os.access(target, os.W_OK):
        raise _not_writable(target, PermissionError(target))


def _not_writable(target: Path, exc: OSError) -> ImportFileError:
    return ImportFileError(
        "import.output_unwritable",
        "cannot save to {path} ({detail})",
        path=str(target),
        detail=exc.strerror or type(exc).__name__,
    )


def _sheet_title(name: str) -> str:
    title = _SHEET_TITLE_BAD.sub("_", name).strip("'")[:31]
    return title or "Sheet1"


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    return value


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


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """A cell as written to .xlsx: text as text (an inline string with the text format,
    never a formula, whatever it starts with), numbers and dates as they are."""
    if value is None or isinstance(value, bool | int | float):
        return value
    import datetime as dt

    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Control characters cannot be stored in .xlsx at all: each is shown as U+FFFD.
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
    cell = WriteOnlyCell(sheet, value=None)
    # Set directly: openpyxl's value setter takes a leading = for a formula.
    cell._value = text
    cell.data_type = "s"
    cell.number_format = "@"
    if text.startswith(FORMULA_STARTS):
        # Excel's own "text, as typed" mark: shown as it is, and kept text when edited.
        cell.quotePrefix = True
    return cell
