"""Importing prospect lists: the one service the import wizard and `crm import` both use.

- `inspect` opens a file and finds its header row and what each column holds (from the
  header synonyms in resources/data/import_headers.json, or a saved mapping preset);
- `run` imports it — or, with ``dry_run``, says exactly what importing would do — in one
  transaction, reporting progress and checking a cancel flag between chunks;
- `undo` takes a finished import back while none of its records changed since;
- mapping presets are saved per source list; possible duplicates are confirmed or split.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crm import resources
from crm.domain.errors import DomainError, Message
from crm.domain.importing import (
    FIELDS,
    HEADER_SCAN_ROWS,
    HeaderVocabulary,
    Lookups,
    RowCleaner,
    cell_text,
    find_header,
    guess_fields,
    header_key,
)
from crm.domain.text import to_halfwidth
from crm.services import reference
from crm.services.context import Context, NotFound
from crm.services.import_files import ImportFileError, TableFile, open_table, write_rejected
from crm.services.import_run import Counts, ImportCancelled, ImportRun, RowError, Sample
from crm.services.import_undo import UndoResult, resolve_flag, undo_batch
from crm.store.models import District, Prospect
from crm.store.models_import import DuplicateFlag, ImportBatch, ImportMapping

__all__ = [
    "FIELDS",
    "BatchInfo",
    "ColumnInfo",
    "FileInfo",
    "FlagInfo",
    "ImportCancelled",
    "ImportFileError",
    "ImportRequest",
    "ImportResult",
    "ImportService",
    "MappingInfo",
    "RowError",
    "Sample",
    "UndoResult",
]

SAMPLE_ROWS = 5
# SQLite's page cache while an import runs (KiB). The operating system caches the file
# anyway; a smaller cache keeps the import's memory within twice what reading the file
# takes (the reader holds a whole sheet), at little cost in time.
IMPORT_CACHE_KIB = 12_000


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
class BatchInfo:
    id: str
    source_code: str
    file_name: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    undone_at: datetime | None
    rows: int
    created: int
    merged: int
    flagged: int
    rejected: int
    unchanged: int


@dataclass(frozen=True)
class ImportResult:
    batch_id: str | None
    dry_run: bool
    file: FileInfo
    source_code: str | None
    rows: int
    created: int
    merged: int
    flagged: int
    rejected: int
    unchanged: int
    skipped: int
    errors: tuple[RowError, ...]
    samples: tuple[Sample, ...]
    # Earlier imports of the very same file (by content).
    previous: tuple[BatchInfo, ...] = ()

    def as_json(self, describe: Callable[[Any], str] = str) -> dict[str, Any]:
        """The object `crm import --json` prints."""
        return {
            "rows": self.rows,
            "created": self.created,
            "merged": self.merged,
            "flagged": self.flagged,
            "rejected": self.rejected,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": [
                {"row": e.row, "field": e.field, "column": e.column, "message": describe(e.error)}
                for e in self.errors
            ],
            "batch": self.batch_id,
            "dry_run": self.dry_run,
        }


@dataclass(frozen=True)
class MappingInfo:
    id: str
    source_code: str
    name: str
    columns: dict[str, str]  # header → field ("" for a column not imported)
    header_row: int | None
    updated_at: datetime


@dataclass(frozen=True)
class FlagInfo:
    id: str
    prospect_id: str
    prospect_name: str
    candidate_id: str
    candidate_name: str
    status: str
    batch_id: str | None
    created_at: datetime


class UnknownSource(DomainError):
    def __init__(self, code: str) -> None:
        text = Message("unknown source list {code}; the lists are: {codes}")
        super().__init__(
            "import.unknown_source",
            text.template,
            code=code,
            codes=[s.code for s in resources.sources()],
        )


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


class _ReferenceLookups:
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


# --------------------------------------------------------------------------- the service


@dataclass
class _Layout:
    table: TableFile
    info: FileInfo
    head: list[list[Any]] = field(default_factory=list)  # rows read to find the header
    rest: Iterator[list[Any]] | None = None  # the rows after those, still unread


class ImportService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- looking at a file -----------------------------------------------------------------

    def inspect(
        self,
        path: Path,
        *,
        sheet: str | None = None,
        encoding: str | None = None,
        source_code: str | None = None,
        mapping_name: str | None = None,
        header_row: int | None = None,
    ) -> FileInfo:
        """Open the file and say what it holds; nothing is written."""
        request = ImportRequest(
            Path(path),
            source_code=source_code,
            sheet=sheet,
            encoding=encoding,
            mapping_name=mapping_name,
            header_row=header_row,
        )
        layout = self._layout(request)
        layout.table.close()
        return layout.info

    def _preset(self, source_code: str | None, name: str | None) -> MappingInfo | None:
        if not name:
            return None
        with self.ctx.db.reading() as s:
            stmt = select(ImportMapping).where(ImportMapping.name == name)
            if source_code:
                stmt = stmt.where(ImportMapping.source_code == source_code)
            found = [_mapping_info(m) for m in s.scalars(stmt)]
        if not found:
            raise DomainError(
                "import.no_mapping",
                "there is no saved mapping called {name} for this list",
                name=name,
            )
        return found[0]

    def _layout(self, request: ImportRequest) -> _Layout:
        preset = self._preset(request.source_code, request.mapping_name)
        table = open_table(request.path, request.sheet, request.encoding)
        try:
            return self._find_columns(table, request, preset)
        except BaseException:
            table.close()
            raise

    def _find_columns(
        self, table: TableFile, request: ImportRequest, preset: MappingInfo | None
    ) -> _Layout:
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
        if preset is not None:
            ignored = {header_key(h) for h, f in preset.columns.items() if not f}
            fields = tuple(
                None if header_key(h) in ignored else f
                for h, f in zip(headers, fields, strict=True)
            )
        if request.fields is not None:
            given = tuple(request.fields)
            fields = tuple(given[i] if i < len(given) else None for i in range(len(headers)))
        for wanted_field in fields:
            if wanted_field is not None and wanted_field not in FIELDS:
                raise DomainError(
                    "import.unknown_field", "unknown field {field}", field=wanted_field
                )
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
        return _Layout(table, info, head, rest)

    # -- importing -------------------------------------------------------------------------

    def preview(
        self,
        request: ImportRequest,
        progress: Callable[[int, float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportResult:
        """What importing would do, row by row; nothing is written."""
        return self.run(request, dry_run=True, progress=progress, cancelled=cancelled)

    def run(
        self,
        request: ImportRequest,
        *,
        dry_run: bool = False,
        progress: Callable[[int, float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportResult:
        """Import the file in one transaction (or only classify it, with ``dry_run``).

        Raises ImportFileError before touching the database when the file cannot be read,
        and ImportCancelled (after rolling everything back) when `cancelled` says so.
        """
        source = self._source(request.source_code)
        if source is None and request.mapping_name:
            preset = self._preset(None, request.mapping_name)
            source = preset.source_code if preset else None
            request = ImportRequest(**{**request.__dict__, "source_code": source})
        layout = self._layout(request)
        info = layout.info
        digest = _sha256(request.path)
        try:
            with self._session(dry_run) as s, _page_cache(s, IMPORT_CACHE_KIB):
                districts = [(d.code, d.name) for d in s.scalars(select(District))]
                cleaner = RowCleaner(
                    info.headers,
                    info.fields,
                    self.ctx.today(),
                    _ReferenceLookups(districts).lookups(),
                )
                previous = self._same_file(s, digest)
                batch_id = None if dry_run else self._begin(s, request, info, digest, source)
                run = ImportRun(self.ctx, s, cleaner, source, batch_id, dry_run, info.headers)
                counts = run.run(
                    _data_rows(layout),
                    progress,
                    cancelled,
                    layout.table.fraction_read,
                )
                if batch_id is not None:
                    self._finish(s, batch_id, counts)
        finally:
            layout.table.close()
        return ImportResult(
            batch_id=batch_id,
            dry_run=dry_run,
            file=info,
            source_code=source,
            rows=counts.rows,
            created=counts.created,
            merged=counts.merged,
            flagged=counts.flagged,
            rejected=counts.rejected,
            unchanged=counts.unchanged,
            skipped=counts.skipped,
            errors=tuple(run.errors),
            samples=tuple(sorted(run.samples, key=lambda x: x.row)),
            previous=previous,
        )

    def _session(self, dry_run: bool) -> Any:
        return self.ctx.db.reading() if dry_run else self.ctx.db.transaction()

    def _source(self, code: str | None) -> str | None:
        if not code:
            return None
        if code not in reference.source_codes():
            raise UnknownSource(code)
        return code

    def _same_file(self, s: Session, digest: str) -> tuple[BatchInfo, ...]:
        stmt = (
            select(ImportBatch)
            .where(ImportBatch.file_sha256 == digest, ImportBatch.status == "done")
            .order_by(ImportBatch.started_at.desc())
        )
        return tuple(_batch_info(b) for b in s.scalars(stmt))

    def _begin(
        self, s: Session, request: ImportRequest, info: FileInfo, digest: str, source: str | None
    ) -> str:
        from crm.domain.ids import new_id

        batch = ImportBatch(
            id=new_id(),
            source_code=source or "",
            file_name=info.file_name[:300],
            file_sha256=digest,
            sheet_name=info.sheet[:100],
            mapping_name=(request.mapping_name or "")[:100],
            user_id=self.ctx.actor_id,
            status="running",
            file_format=info.format,
            encoding=info.encoding,
            header_row=info.header_row,
            columns=json.dumps(
                dict(zip(info.headers, (f or "" for f in info.fields), strict=True)),
                ensure_ascii=False,
            ),
            started_at=self.ctx.now(),
            finished_at=None,
            undone_at=None,
        )
        s.add(batch)
        s.flush()
        return batch.id

    def _finish(self, s: Session, batch_id: str, counts: Counts) -> None:
        batch = s.get(ImportBatch, batch_id)
        assert batch is not None
        batch.status = "done"
        batch.finished_at = self.ctx.now()
        batch.rows_total = counts.rows
        batch.created = counts.created
        batch.merged = counts.merged
        batch.flagged = counts.flagged
        batch.rejected = counts.rejected
        batch.unchanged = counts.unchanged
        batch.skipped = counts.skipped

    def save_rejected(
        self, result: ImportResult, target: Path, describe: Callable[[Any], str] = str
    ) -> int:
        """Write the rejected rows in the file's own layout, with an error column added, so
        they can be corrected and imported again; returns how many rows were written."""
        messages: dict[int, list[str]] = {}
        for error in result.errors:
            text = describe(error.error)
            messages.setdefault(error.row, []).append(
                f"{error.column}: {text}" if error.column else text
            )
        request = ImportRequest(
            Path(result.file.path), sheet=result.file.sheet or None,
            encoding=result.file.encoding or None,
        )  # fmt: skip
        table = open_table(request.path, request.sheet, request.encoding)
        try:
            return write_rejected(
                table,
                result.file.header_row,
                {row: "；".join(texts) for row, texts in messages.items()},
                target,
                describe(Message("Import errors")),
            )
        finally:
            table.close()

    # -- batches and undo ------------------------------------------------------------------

    def batches(self, limit: int = 50) -> list[BatchInfo]:
        with self.ctx.db.reading() as s:
            stmt = select(ImportBatch).order_by(ImportBatch.started_at.desc()).limit(limit)
            return [_batch_info(b) for b in s.scalars(stmt)]

    def batch(self, batch_id: str) -> BatchInfo:
        with self.ctx.db.reading() as s:
            found = s.get(ImportBatch, batch_id)
            if found is None:
                raise NotFound("import", batch_id)
            return _batch_info(found)

    def undo(self, batch_id: str) -> UndoResult:
        """Take back a finished import: delete the prospects it created, remove the
        memberships it added and empty the fields it filled. Refused when any of them has
        changed since (its version moved on), so nobody's later work is lost."""
        return undo_batch(self.ctx, batch_id)

    # -- mapping presets -------------------------------------------------------------------

    def mappings(self, source_code: str | None = None) -> list[MappingInfo]:
        with self.ctx.db.reading() as s:
            stmt = select(ImportMapping).order_by(ImportMapping.source_code, ImportMapping.name)
            if source_code is not None:
                stmt = stmt.where(ImportMapping.source_code == source_code)
            return [_mapping_info(m) for m in s.scalars(stmt)]

    def save_mapping(
        self,
        source_code: str,
        name: str,
        headers: Sequence[str],
        fields: Sequence[str | None],
        header_row: int | None = None,
    ) -> MappingInfo:
        """Save (or replace) a named mapping for a source list."""
        from crm.domain.ids import new_id

        self._source(source_code)
        name = name.strip()
        if not name:
            raise DomainError("import.mapping_name", "a mapping needs a name")
        columns = {h: (f or "") for h, f in zip(headers, fields, strict=True) if h.strip()}
        with self.ctx.db.transaction() as s:
            found = s.scalar(
                select(ImportMapping).where(
                    ImportMapping.source_code == source_code, ImportMapping.name == name
                )
            )
            if found is None:
                found = ImportMapping(id=new_id(), source_code=source_code, name=name[:100])
                s.add(found)
            found.mapping = json.dumps(columns, ensure_ascii=False)
            found.header_row = header_row
            found.updated_at = self.ctx.now()
            s.flush()
            return _mapping_info(found)

    def delete_mapping(self, mapping_id: str) -> None:
        with self.ctx.db.transaction() as s:
            s.execute(delete(ImportMapping).where(ImportMapping.id == mapping_id))

    # -- possible duplicates ---------------------------------------------------------------

    def flags(self, status: str | None = "open", limit: int = 500) -> list[FlagInfo]:
        from sqlalchemy.orm import aliased

        new, old = aliased(Prospect), aliased(Prospect)
        with self.ctx.db.reading() as s:
            stmt = (
                select(DuplicateFlag, new.name, old.name)
                .join(new, new.id == DuplicateFlag.prospect_id)
                .join(old, old.id == DuplicateFlag.candidate_id)
                .order_by(DuplicateFlag.created_at.desc())
                .limit(limit)
            )
            if status is not None:
                stmt = stmt.where(DuplicateFlag.status == status)
            return [
                FlagInfo(
                    f.id, f.prospect_id, n, f.candidate_id, c, f.status, f.batch_id, f.created_at
                )
                for f, n, c in s.execute(stmt).all()
            ]

    def open_flag_count(self) -> int:
        with self.ctx.db.reading() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(DuplicateFlag)
                    .where(DuplicateFlag.status == "open")
                )
                or 0
            )

    def confirm_duplicate(self, flag_id: str) -> str:
        """The flagged prospect is the candidate: merge it in (empty fields, lists) and
        delete it; returns the id of the prospect kept."""
        return resolve_flag(self.ctx, flag_id, confirm=True)

    def split_duplicate(self, flag_id: str) -> str:
        """They are different enterprises: keep both; returns the flagged prospect's id."""
        return resolve_flag(self.ctx, flag_id, confirm=False)


@contextmanager
def _page_cache(session: Session, kib: int) -> Iterator[None]:
    """Use a page cache of `kib` KiB on this session's connection, then put it back."""
    conn = session.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-abs(int(kib))}")
    try:
        yield
    finally:
        if before is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def _data_rows(layout: _Layout) -> Iterator[tuple[int, list[Any]]]:
    """The rows after the header, numbered as the spreadsheet numbers them; the rows read
    while looking for the header first, then the rest of the file (read once)."""
    start = layout.info.header_row  # rows 1..header_row are the header and what is above
    for number, row in enumerate(layout.head, start=1):
        if number > start:
            yield number, row
    if layout.rest is not None:
        yield from enumerate(layout.rest, start=len(layout.head) + 1)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _batch_info(b: ImportBatch) -> BatchInfo:
    return BatchInfo(
        b.id,
        b.source_code,
        b.file_name,
        b.status,
        b.started_at,
        b.finished_at,
        b.undone_at,
        b.rows_total,
        b.created,
        b.merged,
        b.flagged,
        b.rejected,
        b.unchanged,
    )


def _mapping_info(m: ImportMapping) -> MappingInfo:
    columns = json.loads(m.mapping or "{}")
    return MappingInfo(m.id, m.source_code, m.name, columns, m.header_row, m.updated_at)
