"""Preparing an import's rows: reading the file, finding its columns, cleaning every row and
making what the writes need from the row alone (its search text and its outbox payload).

Cleaning is most of an import's Python work and needs nothing from the database, so the
rows of a large file are cleaned in a worker process while the importing process matches
and writes the blocks before them: cleaning then overlaps SQLite's writes on a second
core. A small file is cleaned in process, since starting a worker would cost more than
it saves.

Nothing here loads SQLAlchemy or pypinyin's large dictionaries, so a worker starts fast
and stays small. It is sent small tables that give the pinyin initials of most names
(`PlainInitials`); the importing process, which has pypinyin's dictionaries loaded
already, makes the rest (names holding a heteronym phrase such as 银行).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import re
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import Any, Final

from crm import resources
from crm.domain.errors import DomainError
from crm.domain.importing import (
    FIELDS,
    HEADER_SCAN_ROWS,
    CleanRow,
    HeaderVocabulary,
    Lookups,
    PlainInitials,
    RowCleaner,
    cell_text,
    find_header,
    guess_fields,
    header_key,
)
from crm.domain.prospect import FieldError
from crm.domain.text import to_halfwidth
from crm.domain.wire import create_payload
from crm.services.imports.files import ImportFileError, MisencodedRow, TableFile, open_table
from crm.services.imports.index import index_text, plain_names_text
from crm.services.imports.marks import empty_mask, signature

SAMPLE_ROWS: Final = 5
CHUNK: Final = 2000
# Files from this size on are cleaned in a worker process (about 10,000 rows of a
# spreadsheet, 5,000 of a CSV): below it starting the worker costs more than it saves.
PARALLEL_FROM_BYTES: Final = 1 << 20

# Rows of a spreadsheet cleaned and written together when a worker cleans them.
SHEET_BLOCK_ROWS: Final = 500

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ColumnInfo:
    index: int
    header: str
    field: str | None
    samples: tuple[str, ...]


@dataclass(frozen=True)
class FileInfo:
    """What `inspect` found: the format, the sheet, the header row and the columns."""

    path: str
    file_name: str
    format: str
    sheets: tuple[str, ...]
    sheet: str
    encoding: str
    delimiter: str
    header_row: int  # 1-based, as the spreadsheet shows it
    columns: tuple[ColumnInfo, ...]
    total_rows: int | None
    mapping_name: str | None = None

    @property
    def fields(self) -> tuple[str | None, ...]:
        return tuple(c.field for c in self.columns)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


@dataclass(frozen=True)
class ImportRequest:
    """What to import and how; `fields` and `header_row` are the user's corrections."""

    path: Path
    source_code: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    mapping_name: str | None = None
    header_row: int | None = None
    fields: tuple[str | None, ...] | None = None


@dataclass(frozen=True)
class MappingInfo:
    id: str
    source_code: str
    name: str
    columns: dict[str, str]  # header → field ("" for a column not imported)
    header_row: int | None
    updated_at: datetime


def no_header(name: str) -> ImportFileError:
    return ImportFileError(
        "import.no_header",
        "no header row found in {name}: none of its first {rows} rows names the columns "
        "(such as 企业名称 and 统一社会信用代码)",
        name=name,
        rows=HEADER_SCAN_ROWS,
    )


def vocabulary() -> HeaderVocabulary:
    data = resources.load_json("data", "import_headers.json")
    return HeaderVocabulary(data["fields"])


# --------------------------------------------------------------------------- look-ups

_CODE_PREFIX = re.compile(r"^\s*([A-Za-z]?\s*\d{2,4})")


class ReferenceLookups:
    """District and industry codes for the texts lists use, cached per distinct text."""

    def __init__(self, districts: Sequence[tuple[str, str]]) -> None:
        self.codes = {code for code, _ in districts}
        # Longest names first: 南海区 before 南海.
        self.names = sorted(
            ((to_halfwidth(name), code) for code, name in districts), key=lambda nc: -len(nc[0])
        )
        self._district: dict[str, str | None] = {}
        self._industry: dict[str, str | None] = {}
        self.industry_names = [
            (i.name_zh, i.code)
            for i in sorted(resources.industries(), key=lambda i: -len(i.name_zh))
        ]

    def district(self, text: str) -> str | None:
        if text in self._district:
            return self._district[text]
        found: str | None = None
        plain = to_halfwidth(text).strip()
        if plain in self.codes:
            found = plain
        else:
            for name, code in self.names:
                short = name[:-1] if len(name) >= 3 and name[-1] in "区县市旗" else name
                if name in plain or plain == short or (len(plain) >= 2 and plain in name):
                    found = code
                    break
        if len(self._district) < 10_000:
            self._district[text] = found
        return found

    def division(self, code: str) -> str | None:
        return code if code in self.codes else None

    def industry(self, text: str) -> str | None:
        if text in self._industry:
            return self._industry[text]
        found: str | None = None
        match = _CODE_PREFIX.match(to_halfwidth(text))
        if match:
            known = resources.industry(match.group(1).replace(" ", ""))
            found = known.code if known else None
        if found is None:
            plain = text.strip()
            for name, code in self.industry_names:
                if name == plain or name in plain:
                    found = code
                    break
        if len(self._industry) < 10_000:
            self._industry[text] = found
        return found

    def lookups(self) -> Lookups:
        return Lookups(
            district=self.district, industry=self.industry, district_of_division=self.division
        )


# --------------------------------------------------------------------------- the columns


@dataclass
class Layout:
    table: TableFile
    info: FileInfo
    head: list[list[Any]] = field(default_factory=list)  # rows read to find the header
    rest: Iterator[list[Any]] | None = None  # the rows after those, still unread


def find_columns(table: TableFile, request: ImportRequest, preset: MappingInfo | None) -> Layout:
    """The header row and each column's field: the user's choice, else the preset's, else
    the guess from the header synonyms."""
    vocab = vocabulary()
    if preset is not None:
        for header, name in preset.columns.items():
            if name:
                vocab.exact[header_key(header)] = name
    wanted = max(HEADER_SCAN_ROWS, (request.header_row or 0) + SAMPLE_ROWS)
    if preset is not None and preset.header_row:
        wanted = max(wanted, preset.header_row + SAMPLE_ROWS)
    head: list[list[Any]] = []
    rest = table.rows()
    for row in rest:
        head.append(row)
        if len(head) >= wanted + SAMPLE_ROWS:
            break
    if not any(any(cell_text(c).strip() for c in row) for row in head):
        raise ImportFileError("import.empty", "{name} is empty", name=request.path.name)
    if request.header_row:
        index = request.header_row - 1
        if index >= len(head):
            raise no_header(request.path.name)
        headers = tuple(cell_text(c) for c in head[index])
        fields = guess_fields(headers, vocab)
    else:
        guess = find_header(head, vocab)
        if guess is None:
            raise no_header(request.path.name)
        index, headers, fields = guess.row_index, guess.headers, guess.fields
    merged = _merged_header(table, head, index, headers, vocab, request.path.name)
    if merged is not None:
        index, headers = merged
        fields = guess_fields(headers, vocab)
    if preset is not None:
        ignored = {header_key(h) for h, f in preset.columns.items() if not f}
        fields = tuple(
            None if header_key(h) in ignored else f for h, f in zip(headers, fields, strict=True)
        )
    if request.fields is not None:
        given = tuple(request.fields)
        fields = tuple(given[i] if i < len(given) else None for i in range(len(headers)))
    for wanted_field in fields:
        if wanted_field is not None and wanted_field not in FIELDS:
            raise DomainError("import.unknown_field", "unknown field {field}", field=wanted_field)
    samples = head[index + 1 : index + 1 + SAMPLE_ROWS]
    columns = tuple(
        ColumnInfo(
            i,
            headers[i],
            fields[i],
            tuple(cell_text(r[i]).strip() if i < len(r) else "" for r in samples),
        )
        for i in range(len(headers))
    )
    info = FileInfo(
        path=str(request.path),
        file_name=request.path.name,
        format=table.format,
        sheets=table.sheet_names,
        sheet=table.sheet,
        encoding=table.encoding,
        delimiter=table.delimiter,
        header_row=index + 1,
        columns=columns,
        total_rows=table.total_rows,
        mapping_name=preset.name if preset else None,
    )
    return Layout(table, info, head, rest)


def _merged_header(
    table: TableFile,
    head: list[list[Any]],
    index: int,
    headers: tuple[str, ...],
    vocab: HeaderVocabulary,
    name: str,
) -> tuple[int, tuple[str, ...]] | None:
    """A header cell merged across several columns: each column it spans takes its own
    header from the row below it (a two-row header), and the data starts after that; if
    there is none and a spanned column other than the first holds data, the file is
    refused, naming the cells (a column without a header would be dropped). None when
    there is nothing to resolve."""
    spans = [m for m in table.wide_merges() if m[0] <= index <= m[2]]
    if not spans:
        return None
    below = max(bottom for _, _, bottom, _ in spans) + 1
    sub = [cell_text(c).strip() for c in head[below]] if below < len(head) else []

    def text(column: int) -> str:
        return sub[column] if column < len(sub) else ""

    spanned = {c for _, left, _, right in spans for c in range(left, right + 1)}
    firsts = {left for _, left, _, _ in spans}
    rest = spanned - firsts
    # The row below names the columns (one at least exactly as a header): not data.
    if all(text(c) for c in rest) and any(vocab.match(text(c))[1] for c in spanned):
        width = max(len(headers), len(sub))

        def header(c: int) -> str:
            own = headers[c] if c < len(headers) else ""
            if c not in spanned:
                return own if own.strip() else text(c)
            if c in firsts and not vocab.match(text(c))[0] and vocab.match(own)[0]:
                return own  # 企业名称 over (名称) | 统一社会信用代码: the first keeps it
            return text(c)

        return below, tuple(header(c) for c in range(width))
    rows = head[below : below + HEADER_SCAN_ROWS]
    for top, left, bottom, right in spans:
        for column in range(left + 1, right + 1):
            if any(column < len(r) and cell_text(r[column]).strip() for r in rows):
                first = table.first_column()
                raise ImportFileError(
                    "import.merged_header",
                    "{name}: the header {header} is one cell merged over {cells}, and the "
                    "columns under it hold different data. Unmerge it and give each column "
                    "its own header, then import again",
                    name=name,
                    header=cell_text(head[top][left]).strip() if top < len(head) else "",
                    cells=f"{_letters(left + first)}{top + 1}:{_letters(right + first)}"
                    f"{bottom + 1}",
                )
    return None


def _letters(column: int) -> str:
    """A column's letters as spreadsheets show them (0 → A, 27 → AB)."""
    out = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def open_layout(request: ImportRequest, preset: MappingInfo | None) -> Layout:
    table = open_table(request.path, request.sheet, request.encoding)
    try:
        return find_columns(table, request, preset)
    except BaseException:
        table.close()
        raise


def data_rows(layout: Layout) -> Iterator[tuple[int, list[Any]]]:
    """The rows after the header, numbered as the spreadsheet numbers them; the rows read
    while looking for the header first, then the rest of the file (read once)."""
    start = layout.info.header_row  # rows 1..header_row are the header and what is above
    for number, row in enumerate(layout.head, start=1):
        if number > start:
            yield number, row
    if layout.rest is not None:
        yield from enumerate(layout.rest, start=len(layout.head) + 1)


# --------------------------------------------------------------------------- prepared rows


@dataclass(frozen=True)
class NewRecord:
    """What a created prospect's writes take from its row alone (the importing process
    completes the search text with the pinyin initials of the names)."""

    stage: str
    rm_id: str | None
    source: str


@dataclass
class Rejected:
    row: int
    problems: list[FieldError]
    name: str  # the name and code cells as the file has them, for the preview
    uscc: str

    def __reduce__(self) -> tuple[Any, ...]:
        # Through the pipe the errors go as plain data: a DomainError's class takes
        # (code, template, **params), which the pickle of an exception would not give back.
        return (_rejected, (self.row, [_packed(p) for p in self.problems], self.name, self.uscc))


def _rejected(row: int, problems: list[tuple[Any, ...]], name: str, uscc: str) -> Rejected:
    found = [_unpacked(p) for p in problems]
    return Rejected(row, [p for p in found if isinstance(p, FieldError)], name, uscc)


@dataclass
class Prepared:
    """One chunk of the file: its clean rows (with their search text and outbox payload
    when the import writes), its rejected rows, and how far reading has got."""

    rows: list[CleanRow] = field(default_factory=list)
    # Each row's `marks.empty_mask` and `marks.signature`, made with the texts (else the
    # importing process makes them for the rows that need them: those it creates).
    masks: list[int] = field(default_factory=list)
    sigs: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)
    # The search text of the names' initials, where a worker could make it (else None).
    names: list[str | None] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    skipped: int = 0
    read: int = 0  # rows of the file read so far, this chunk's included
    fraction: float = 0.0

    def __reduce__(self) -> tuple[Any, ...]:
        # Rows go through the pipe as plain tuples: they pickle much smaller than slotted
        # objects.
        rows = list(map(_ROW_VALUES, self.rows))
        return (
            _prepared,
            (
                rows,
                self.masks,
                self.sigs,
                self.texts,
                self.payloads,
                self.names,
                self.rejected,
                self.skipped,
                self.read,
                self.fraction,
            ),
        )


_ROW_VALUES = attrgetter(*(f.name for f in fields(CleanRow)))


def _prepared(
    rows: list[tuple[Any, ...]],
    masks: list[int],
    sigs: list[int],
    texts: list[str],
    payloads: list[str],
    names: list[str | None],
    rejected: list[Rejected],
    skipped: int,
    read: int,
    fraction: float,
) -> Prepared:
    return Prepared(
        [CleanRow(*values) for values in rows],
        masks,
        sigs,
        texts,
        payloads,
        names,
        rejected,
        skipped,
        read,
        fraction,
    )


def payload(row: CleanRow, record: NewRecord) -> str:
    """The op that creates this row's prospect, its first stage event's id left for the
    prospect writer to fill."""
    sources = [record.source] if record.source else []
    return create_payload(row, record.stage, record.rm_id, [], sources)


def row_text(row: CleanRow) -> str:
    """The search text of a row's fields (without the initials of its names)."""
    return index_text(
        (row.name, row.owner_name, row.address, row.street, row.notes, row.uscc, row.phone)
    )


def _cell(cells: Sequence[Any], columns: Sequence[int]) -> str:
    for column in columns:
        if column < len(cells):
            text = cell_text(cells[column]).strip()
            if text:
                return text
    return ""


@dataclass
class Block:
    """Rows read from the file, numbered, with how far reading had got after them."""

    rows: list[tuple[int, list[Any]]]
    read: int
    fraction: float
    # Whether to make the rows' texts too: not when the rows before were mostly known to
    # the book (a list imported again), whose texts would go unused.
    texts: bool = True


def blocks(layout: Layout, chunk: int = CHUNK) -> Iterator[Block]:
    """The file's data rows in blocks of `chunk`."""
    rows = data_rows(layout)
    read = 0
    while True:
        found = list(islice(rows, chunk))
        if not found:
            return
        read += len(found)
        yield Block(found, read, layout.table.fraction_read(read))


def prepare_block(
    block: Block,
    cleaner: RowCleaner,
    record: NewRecord | None,
    initials: PlainInitials | None = None,
) -> Prepared:
    """Clean a block's rows; with a `record` (not a dry run) and unless the block says not
    to, make their texts too, and with `initials` (in a worker) the text of their names'
    initials where it can."""
    uscc_cols = cleaner.columns.get("uscc", [])
    name_cols = cleaner.columns.get("name", [])
    part = Prepared(read=block.read, fraction=block.fraction)
    for number, cells in block.rows:
        if isinstance(cells, MisencodedRow):
            problem = [cells.problem()]
            part.rejected.append(
                Rejected(number, problem, _cell(cells, name_cols), _cell(cells, uscc_cols))
            )
            continue
        result = cleaner.clean(cells, number)
        if result is None:
            part.skipped += 1
        elif isinstance(result, list):
            part.rejected.append(
                Rejected(number, result, _cell(cells, name_cols), _cell(cells, uscc_cols))
            )
        else:
            part.rows.append(result)
            if record is not None and block.texts:
                part.masks.append(empty_mask(result))
                part.sigs.append(signature(result))
                part.texts.append(row_text(result))
                part.payloads.append(payload(result, record))
                if initials is not None:
                    names = plain_names_text(initials, result.name, result.owner_name)
                    part.names.append(names)
    return part


def cleaner_for(info: FileInfo, today: date, districts: Sequence[tuple[str, str]]) -> RowCleaner:
    return RowCleaner(info.headers, info.fields, today, ReferenceLookups(districts).lookups())


# --------------------------------------------------------------------------- the worker


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to clean a file's rows, all of it plain data."""

    info: FileInfo
    today: date
    districts: tuple[tuple[str, str], ...]
    record: NewRecord | None
    # The importing process has pypinyin's dictionaries loaded; the worker gets the small
    # tables that give most names' initials (crm.domain.importing.PlainInitials).
    initials: PlainInitials | None = None


def parallel_possible() -> bool:
    """A worker process needs a second core, and an interpreter to start: a frozen app's
    executable is the app itself."""
    return (os.cpu_count() or 1) > 1 and not getattr(sys, "frozen", False)


def _packed(error: DomainError) -> tuple[Any, ...]:
    """A DomainError as plain data, to be made again on the other side of the pipe."""
    if isinstance(error, FieldError):
        return ("field", error.field, error.code, error.template, error.params)
    kind = "file" if isinstance(error, ImportFileError) else "domain"
    return (kind, "", error.code, error.template, error.params)


def _unpacked(data: tuple[Any, ...]) -> DomainError:
    kind, field_name, code, template, params = data
    if kind == "field":
        return FieldError(field_name, code, template, **params)
    if kind == "file":
        return ImportFileError(code, template, **params)
    return DomainError(code, template, **params)


def serve() -> None:
    """The worker process (``python -c "...import serve; serve()"``): read the job, then
    clean each block it is sent and send it back, until None. Pickles go over stdin and
    stdout; anything printed goes to stderr, so it cannot break the stream."""
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    try:
        job: Job = pickle.load(inbox)
        cleaner = cleaner_for(job.info, job.today, job.districts)
        while (block := pickle.load(inbox)) is not None:
            part = prepare_block(block, cleaner, job.record, job.initials)
            pickle.dump(part, outbox, _PICKLE)
            outbox.flush()
    except (BrokenPipeError, EOFError, KeyboardInterrupt):
        pass  # the importing process stopped (cancelled, or failed): nobody to tell


_PICKLE: Final = pickle.HIGHEST_PROTOCOL
_SERVE: Final = "from crm.services.imports.prepare import serve; serve()"


class PrepareWorker:
    """A worker process that cleans blocks of rows while this process writes earlier ones.

    The importing process reads the file (it knows the layout) and keeps one block in
    flight: it hands the worker block n + 1 as soon as block n comes back, and writes
    block n while the worker cleans n + 1. The worker is waiting whenever a block is sent,
    so its stdin and stdout are all the plumbing needed. It is a plain interpreter started
    on this module (not multiprocessing: that would import the caller's main script again
    and start a resource-tracker process beside it). Should the worker fail or never start,
    its block and all later ones are cleaned here instead: slower, never different.

    It may be started before its job is known (`begin`): an interpreter takes a few tenths
    of a second to start, which then pass while this process reads the file.
    """

    def __init__(self, job: Job | None = None) -> None:
        self._alive = True
        self._done = False
        self._stopped = False  # told there is nothing more
        self._process: subprocess.Popen[bytes] | None = None
        root = str(Path(__file__).resolve().parents[2])  # where the crm package is
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                env=env,
            )  # fmt: skip
        except OSError:
            self._gone()
        if job is not None:
            self.begin(job)

    def begin(self, job: Job) -> None:
        """Give the worker its job (once, before any block)."""
        if self._alive:
            self._send(job)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def prepared(
        self, source: Iterator[Block], local: Callable[[Block], Prepared]
    ) -> Iterator[Prepared]:
        """Each block of `source` prepared, in order (by `local` if the worker is gone)."""
        waiting: deque[Block] = deque()

        def feed() -> None:
            block = next(source, None)
            if block is not None:
                waiting.append(block)
                if self._alive:
                    self._send(block)

        feed()
        while waiting:
            part = self._receive() if self._alive else None
            block = waiting.popleft()
            if part is None:
                part = local(block)
            feed()
            if not waiting:
                # Nothing more to clean: the worker ends while the last part is written,
                # so closing it after the commit need not wait for its exit.
                self._stop()
            yield part
        self._done = True

    def _send(self, value: object) -> None:
        assert self._process is not None and self._process.stdin is not None
        try:
            pickle.dump(value, self._process.stdin, _PICKLE)
            self._process.stdin.flush()
        except OSError:  # BrokenPipeError included
            self._gone()

    def _receive(self) -> Prepared | None:
        assert self._process is not None and self._process.stdout is not None
        try:
            part: Prepared = pickle.load(self._process.stdout)
            return part
        except (EOFError, OSError, pickle.UnpicklingError):
            self._gone()
            return None

    def _stop(self) -> None:
        if self._alive and not self._stopped:
            self._stopped = True
            self._send(None)

    def _gone(self) -> None:
        if self._alive:
            _log.warning("the import worker process is not there; cleaning in process")
        self._alive = False

    def close(self) -> None:
        """Let a finished worker end; stop one that is not (a cancel or an error, or a
        file that could not be read before its job was given)."""
        process = self._process
        if process is None:
            return
        self._process = None
        if not self._stopped and not (self._alive and self._done):
            process.kill()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> PrepareWorker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
