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
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from crm import resources
from crm.domain.errors import DomainError, Message
from crm.domain.importing import FIELDS, PlainInitials, RowCleaner, plain_initials
from crm.services import reference
from crm.services.audit import Action, AuditService
from crm.services.context import Context, NotFound
from crm.services.imports.files import (
    ImportFileError,
    check_output_path,
    open_table,
    write_rejected,
)
from crm.services.imports.prepare import (
    CHUNK,
    PARALLEL_FROM_BYTES,
    SAMPLE_ROWS,
    SHEET_BLOCK_ROWS,
    Block,
    ColumnInfo,
    FileInfo,
    ImportRequest,
    Job,
    Layout,
    MappingInfo,
    Prepared,
    PrepareWorker,
    blocks,
    cleaner_for,
    no_header,
    open_layout,
    parallel_possible,
    prepare_block,
    vocabulary,
)
from crm.services.imports.run import (
    Counts,
    ImportCancelled,
    ImportRun,
    NewShare,
    RowError,
    Sample,
    new_record,
)
from crm.services.imports.undo import UndoResult, resolve_flag, undo_batch
from crm.store import import_log
from crm.store.models_import import ImportBatch, ImportMapping
from crm.store.page_cache import page_cache
from crm.store.unit_of_work import Session

__all__ = [
    "FIELDS",
    "SAMPLE_ROWS",
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
    "no_header",
    "vocabulary",
]

T = TypeVar("T")

# SQLite's page cache while an import runs (KiB). A larger cache writes faster (fewer
# dirty pages spilled to the log and written again), but the import's memory must stay
# within twice what reading the file takes (the reader holds a whole sheet). This size,
# with the search index's pending terms kept small (crm.store.search.begin_bulk), keeps the
# peak where a smaller cache with more pending terms had it; a larger cache raised it.
IMPORT_CACHE_KIB = 18_000
# A text file is read as the import goes, not held whole, so its import can give SQLite more
# cache, and writes faster for it.
STREAM_IMPORT_CACHE_KIB = 64_000


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


# --------------------------------------------------------------------------- the service


class ImportService:
    def __init__(
        self,
        ctx: Context,
        *,
        parallel_from_bytes: int | None = PARALLEL_FROM_BYTES,
        chunk_rows: int = CHUNK,
    ) -> None:
        """`parallel_from_bytes`: the rows of files from this size on are cleaned in a worker
        process (None: never); `chunk_rows`: rows cleaned, written and reported together."""
        self.ctx = ctx
        self.chunk_rows = chunk_rows
        self.parallel_from_bytes = parallel_from_bytes

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
            found = [_mapping_info(m) for m in import_log.mappings(s, source_code, name)]
        if not found:
            raise DomainError(
                "import.no_mapping",
                "there is no saved mapping called {name} for this list",
                name=name,
            )
        return found[0]

    def _layout(self, request: ImportRequest) -> Layout:
        return open_layout(request, self._preset(request.source_code, request.mapping_name))

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
        preset = self._preset(request.source_code, request.mapping_name)
        with self.ctx.db.reading() as s:
            districts = import_log.districts(s)
        record = None if dry_run else new_record(self.ctx, source)
        today = self.ctx.today()
        # A large file's rows are cleaned by a worker process, started first: its interpreter
        # starts, and the tables of initials it is sent are made on a thread, while this
        # process reads the file (the reader lets other threads run).
        worker = self._worker_for(request.path)
        plain: Future[PlainInitials] | None = None
        try:
            if worker is not None and record is not None:
                plain = _in_background(plain_initials)
            layout = open_layout(request, preset)
            try:
                info = layout.info
                cleaner = cleaner_for(info, today, districts)
                digest = _sha256(request.path)
                if worker is None:
                    # In process, the texts of the rows that make prospects are made as they
                    # are written, and no others.
                    chunks: Iterator[Prepared] = (
                        prepare_block(b, cleaner, None) for b in blocks(layout, self.chunk_rows)
                    )
                    return self._import(
                        request, info, digest, source, cleaner, chunks, dry_run, progress,
                        cancelled,
                    )  # fmt: skip
                size = self.chunk_rows
                if layout.table.format != "csv":
                    # The sheet is in memory already: what a worker adds is its interpreter
                    # and the rows in flight, kept small so the import stays within twice
                    # the reader's memory.
                    size = min(size, SHEET_BLOCK_ROWS)
                initials = None if plain is None else plain.result()
                worker.begin(Job(info, today, districts, record, initials))
                share = NewShare()
                chunks = worker.prepared(
                    _texts_while_new(blocks(layout, size), share),
                    lambda b: prepare_block(b, cleaner, None),
                )
                return self._import(
                    request, info, digest, source, cleaner, chunks, dry_run, progress,
                    cancelled, share,
                )  # fmt: skip
            finally:
                layout.table.close()
        finally:
            if worker is not None:
                worker.close()

    def _worker_for(self, path: Path) -> PrepareWorker | None:
        """A worker process for this file's rows when it is large and there are two cores
        (else None: the rows are cleaned in process)."""
        limit = self.parallel_from_bytes
        if limit is None or not parallel_possible():
            return None
        try:
            if not path.is_file() or path.stat().st_size < limit:
                return None
        except OSError:
            return None  # opening the file says what is wrong
        return PrepareWorker()

    def _import(
        self,
        request: ImportRequest,
        info: FileInfo,
        digest: str,
        source: str | None,
        cleaner: RowCleaner,
        chunks: Iterable[Prepared],
        dry_run: bool,
        progress: Callable[[int, float], None] | None,
        cancelled: Callable[[], bool] | None,
        share: NewShare | None = None,
    ) -> ImportResult:
        cache = STREAM_IMPORT_CACHE_KIB if info.format == "csv" else IMPORT_CACHE_KIB
        audit = AuditService(self.ctx)
        with self._session(dry_run) as s, page_cache(s, cache):
            previous = self._same_file(s, digest)
            batch_id = None if dry_run else self._begin(s, request, info, digest, source)
            if batch_id is not None:
                # In the import's transaction: an import cancelled or failed changed nothing
                # and leaves no line; one that commits says when it started and what it did.
                audit.record_in(s, Action.IMPORT_START, batch_id, _audited(info))
            run = ImportRun(self.ctx, s, cleaner, source, batch_id, dry_run, info.headers, share)
            counts = run.run(chunks, progress, cancelled)
            if batch_id is not None:
                self._finish(s, batch_id, counts)
                audit.record_in(
                    s,
                    Action.IMPORT_FINISH,
                    batch_id,
                    {**_audited(info), **asdict(counts)},
                )
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
        return self.ctx.db.reading() if dry_run else self.ctx.db.transaction(bulk=True)

    def _source(self, code: str | None) -> str | None:
        if not code:
            return None
        if code not in reference.source_codes():
            raise UnknownSource(code)
        return code

    def _same_file(self, s: Session, digest: str) -> tuple[BatchInfo, ...]:
        return tuple(_batch_info(b) for b in import_log.same_file(s, digest))

    def _begin(
        self, s: Session, request: ImportRequest, info: FileInfo, digest: str, source: str | None
    ) -> str:
        return import_log.begin_batch(
            s,
            source_code=source or "",
            file_name=info.file_name[:300],
            file_sha256=digest,
            sheet_name=info.sheet[:100],
            mapping_name=(request.mapping_name or "")[:100],
            user_id=self.ctx.actor_id,
            file_format=info.format,
            encoding=info.encoding,
            header_row=info.header_row,
            columns=json.dumps(
                dict(zip(info.headers, (f or "" for f in info.fields), strict=True)),
                ensure_ascii=False,
            ),
            started_at=self.ctx.now(),
        )

    def _finish(self, s: Session, batch_id: str, counts: Counts) -> None:
        import_log.finish_batch(s, batch_id, self.ctx.now(), asdict(counts))

    def check_rejected_target(self, target: Path) -> None:
        """Refuse a path rejected rows could not be saved at (a missing folder, one that
        cannot be written, a folder as the file), before an import starts."""
        check_output_path(Path(target))

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
            return [_batch_info(b) for b in import_log.batches(s, limit)]

    def batch(self, batch_id: str) -> BatchInfo:
        with self.ctx.db.reading() as s:
            found = import_log.batch(s, batch_id)
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
            return [_mapping_info(m) for m in import_log.mappings(s, source_code)]

    def save_mapping(
        self,
        source_code: str,
        name: str,
        headers: Sequence[str],
        fields: Sequence[str | None],
        header_row: int | None = None,
    ) -> MappingInfo:
        """Save (or replace) a named mapping for a source list."""
        self._source(source_code)
        name = name.strip()
        if not name:
            raise DomainError("import.mapping_name", "a mapping needs a name")
        columns = {h: (f or "") for h, f in zip(headers, fields, strict=True) if h.strip()}
        with self.ctx.db.transaction() as s:
            found = import_log.save_mapping(
                s, source_code, name, columns, header_row, self.ctx.now()
            )
            return _mapping_info(found)

    def delete_mapping(self, mapping_id: str) -> None:
        with self.ctx.db.transaction() as s:
            import_log.delete_mapping(s, mapping_id)

    # -- possible duplicates ---------------------------------------------------------------

    def flags(self, status: str | None = "open", limit: int = 500) -> list[FlagInfo]:
        with self.ctx.db.reading() as s:
            return [
                FlagInfo(
                    f.id, f.prospect_id, n, f.candidate_id, c, f.status, f.batch_id, f.created_at
                )
                for f, n, c in import_log.flags(s, status, limit)
            ]

    def open_flag_count(self) -> int:
        with self.ctx.db.reading() as s:
            return import_log.open_flag_count(s)

    def confirm_duplicate(self, flag_id: str) -> str:
        """The flagged prospect is the candidate: merge it in (empty fields, lists) and
        delete it; returns the id of the prospect kept."""
        return resolve_flag(self.ctx, flag_id, confirm=True)

    def split_duplicate(self, flag_id: str) -> str:
        """They are different enterprises: keep both; returns the flagged prospect's id."""
        return resolve_flag(self.ctx, flag_id, confirm=False)


def _in_background(make: Callable[[], T]) -> Future[T]:
    """`make()` run on a thread of its own, its result (or error) waited for when asked."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="import")
    try:
        return pool.submit(make)
    finally:
        pool.shutdown(wait=False)


def _texts_while_new(source: Iterator[Block], share: NewShare) -> Iterator[Block]:
    """The blocks for a worker, each asking for texts while the rows before were mostly new
    (the share is that of the last chunk classified, a block or two behind)."""
    for block in source:
        block.texts = share.mostly_new
        yield block


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _audited(info: FileInfo) -> dict[str, object]:
    """What an audit line says of an imported file: its format and size, never its name."""
    return {"format": info.format, "columns": len(info.headers)}


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
