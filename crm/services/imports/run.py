"""One import (or its dry run) of a list into the book: rows in, outcomes and writes out.

Rows come in prepared chunks (crm.services.imports.prepare: cleaned, with their search text
and outbox payload, perhaps by a worker process). Each chunk is matched against the book
with two indexed look-ups (USCCs, then normalised names), classified, and — unless it is a
dry run — written with driver-level executemany: prospects, their first stage event,
source memberships, search-index rows, the batch's effects and the outbox ops for head
office. Everything happens in one transaction: a cancel (checked between chunks) or an
error rolls all of it back.

Classification is the same in a dry run and a real run, because it never reads back what
the run itself wrote: what the run created or changed is tracked in memory (`_Target`),
which is also what makes a second import of the same file change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from crm.domain.errors import DomainError, Message
from crm.domain.importing import CleanRow, RowCleaner
from crm.domain.prospect import FieldError
from crm.domain.stages import Stage
from crm.services import outbox
from crm.services.context import Context
from crm.services.imports.index import (
    Initials,
    Uuid7,
    first_free_rowid,
    index_body,
    insert_index_rows,
    joined_text,
    names_text,
)
from crm.services.imports.prepare import CHUNK, NewRecord, Prepared, payload, row_text
from crm.store import search
from crm.sync.hlc import HLC, tick

__all__ = [
    "CHUNK",
    "Counts",
    "ImportCancelled",
    "ImportRun",
    "NewShare",
    "RowError",
    "Sample",
    "new_record",
]

# Fields an import may fill on a known prospect when they are empty (and not hand-edited).
FILLABLE: Final = (
    "owner_name",
    "phone",
    "address",
    "district_code",
    "street",
    "industry_code",
    "registered_capital_fen",
    "established_on",
    "notes",
)
_BIT: Final = {name: 1 << i for i, name in enumerate(FILLABLE)}
_INDEXED: Final = ("name", "owner_name", "address", "street", "notes", "uscc", "phone")
# How many rows of each outcome the preview keeps to show.
SAMPLES_PER_OUTCOME: Final = 200
# Possible duplicates flagged per row at most.
MAX_CANDIDATES: Final = 3

Progress = Callable[[int, float], None]


class ImportCancelled(DomainError):
    def __init__(self) -> None:
        text = Message("the import was cancelled; nothing was changed")
        super().__init__("import.cancelled", text.template)


@dataclass(frozen=True)
class RowError:
    """Why one row was rejected: its row number in the file, the field and column, and the
    problem (a translatable DomainError)."""

    row: int
    field: str
    column: str
    error: DomainError

    @property
    def message(self) -> str:
        return str(self.error)


@dataclass(frozen=True)
class Sample:
    """One row of the preview: what the import does (or would do) with it."""

    row: int
    outcome: str  # created, merged, flagged, unchanged, rejected
    name: str
    uscc: str
    # Flags: the names it looks like; merges: the fields filled, or "#5" for the same
    # enterprise as row 5 of the file.
    detail: str = ""


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    merged: int = 0
    flagged: int = 0
    rejected: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass
class NewShare:
    """Whether the last chunk's rows were mostly new to the book. A worker makes the texts
    of rows it cleans ahead (search text, outbox payload) only while they are: for a list
    imported again those texts would go unused, and making them is most of its work."""

    mostly_new: bool = True


@dataclass(slots=True)
class _Target:
    """A prospect this run matched or made, as far as classification needs to know it."""

    id: str
    name: str
    district: str | None
    has_uscc: bool
    empty: int  # bitmask over FILLABLE: empty and never edited by hand, so fillable
    member: bool  # already on this run's source list (or, without a source, from an import)
    created: bool  # made by this run
    version: int
    row: int = 0  # the row of the file that made it (when made by this run)


@dataclass
class _Pending:
    """A chunk's writes, gathered while classifying and flushed together."""

    new_rows: list[CleanRow] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    new_by_id: dict[str, CleanRow] = field(default_factory=dict)
    # Search text of the fields, outbox payload and (when a worker could make it) search
    # text of the names' initials, by row number, made with the row.
    texts: dict[int, tuple[str, str, str | None]] = field(default_factory=dict)
    # New prospects a later row of the chunk filled in: their texts are made again.
    changed: set[str] = field(default_factory=set)
    # (target, fields filled with their values, membership added, row number, version after)
    merges: list[tuple[_Target, dict[str, object], bool, int, int]] = field(default_factory=list)
    flags: list[tuple[str, str]] = field(default_factory=list)


def _empty(value: object) -> bool:
    return value is None or value == ""


def _mask(values: dict[str, object], edited: set[str]) -> int:
    mask = 0
    for name, bit in _BIT.items():
        if _empty(values.get(name)) and name not in edited:
            mask |= bit
    return mask


def _new_mask(row: CleanRow) -> int:
    """`_mask` of a row this run makes a prospect of (nothing of it edited by hand)."""
    mask = 0
    for name, bit in _BIT.items():
        value = getattr(row, name)
        if value is None or value == "":
            mask |= bit
    return mask


def _stored(value: object) -> object:
    """A value as the column types store it (dates as ISO text)."""
    if isinstance(value, date):
        return value.isoformat()
    return value


def _wire(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def new_record(ctx: Context, source_code: str | None) -> NewRecord:
    """What every prospect an import creates starts with."""
    return NewRecord(Stage.NO_LOAN.value, ctx.actor_id, source_code or "")


class ImportRun:
    """Classify (and, unless `dry_run`, write) the rows of one file in one transaction."""

    def __init__(
        self,
        ctx: Context,
        session: Session,
        cleaner: RowCleaner,
        source_code: str | None,
        batch_id: str | None,
        dry_run: bool,
        column_names: Sequence[str],
        new_share: NewShare | None = None,
    ) -> None:
        self.ctx = ctx
        self.new_share = new_share
        self.session = session
        self.conn: Connection = session.connection()
        self.cleaner = cleaner
        self.source = source_code or ""
        self.batch_id = batch_id
        self.dry_run = dry_run
        self.columns = column_names
        self.now = ctx.now()
        self.now_text = _stored_time(self.now)
        self.record = new_record(ctx, source_code)
        self.counts = Counts()
        self.errors: list[RowError] = []
        self.samples: list[Sample] = []
        self._sample_counts: dict[str, int] = {}
        self._by_uscc: dict[str, _Target] = {}
        self._by_name: dict[str, list[_Target]] = {}
        self._new_id = Uuid7(self.now)
        self._initials = Initials()
        self._hlc: HLC | None = None
        self._node = ""
        if not dry_run:
            last = outbox.meta_get(session, outbox.HLC_KEY)
            self._hlc = HLC.parse(last) if last else None
            self._node = outbox.device_id(session)[-12:]
            session.flush()

    # -- driving ---------------------------------------------------------------------------

    def run(
        self,
        chunks: Iterable[Prepared],
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Counts:
        # A cancel or an error rolls the index's settings back with the rows.
        automerge = None if self.dry_run else search.begin_bulk(self.conn)
        for part in chunks:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            self._chunk(part)
            if progress is not None:
                progress(part.read, part.fraction)
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if not self.dry_run:
            search.end_bulk(self.conn, automerge)
            if self._hlc is not None:
                outbox.meta_set(self.session, outbox.HLC_KEY, str(self._hlc))
        return self.counts

    # -- one chunk -------------------------------------------------------------------------

    def _chunk(self, part: Prepared) -> None:
        self.counts.skipped += part.skipped
        for rejected in part.rejected:
            self._reject(rejected.row, rejected.problems, rejected.name, rejected.uscc)
        if not part.rows:
            return
        self._look_up(part.rows)
        pending = _Pending()
        if part.texts:
            names = part.names or [None] * len(part.rows)
            pending.texts = {
                r.row_number: (t, p, n)
                for r, t, p, n in zip(part.rows, part.texts, part.payloads, names, strict=True)
            }
        made_before = self.counts.created + self.counts.flagged
        for row in part.rows:
            self._classify(row, pending)
        if self.new_share is not None:
            made = self.counts.created + self.counts.flagged - made_before
            self.new_share.mostly_new = made * 2 >= len(part.rows)
        if not self.dry_run:
            self._write(pending)

    def _reject(
        self,
        number: int,
        problems: list[FieldError],
        name: str,
        uscc: str,
        counted: bool = False,
    ) -> None:
        if not counted:
            self.counts.rows += 1
        self.counts.rejected += 1
        for problem in problems:
            columns = self.cleaner.columns.get(problem.field, [])
            column = self.columns[columns[0]] if columns else ""
            self.errors.append(RowError(number, problem.field, column, problem))
        if self._wants("rejected"):
            detail = "; ".join(str(p) for p in problems)
            self._sample(Sample(number, "rejected", name, uscc, detail))

    def _wants(self, outcome: str) -> bool:
        """Whether the preview still shows rows of this outcome (the first few hundred)."""
        return self._sample_counts.get(outcome, 0) < SAMPLES_PER_OUTCOME

    def _sample(self, sample: Sample) -> None:
        if self._wants(sample.outcome):
            self.samples.append(sample)
            self._sample_counts[sample.outcome] = self._sample_counts.get(sample.outcome, 0) + 1

    # -- matching against the book ----------------------------------------------------------

    _COLUMNS = (
        "p.id, p.name, p.uscc, p.name_key, p.district_code, p.edited_fields, p.version, "
        + ", ".join(f"p.{name}" for name in FILLABLE)
    )

    def _member_sql(self) -> str:
        if self.source:
            return (
                "EXISTS (SELECT 1 FROM source_memberships m WHERE m.prospect_id = p.id "
                "AND m.source_code = ?)"
            )
        return "EXISTS (SELECT 1 FROM import_effects e WHERE e.prospect_id = p.id AND e.kind = ?)"

    def _member_param(self) -> str:
        return self.source or "created"

    def _target(self, r: Any) -> _Target:
        values = dict(zip(FILLABLE, r[7 : 7 + len(FILLABLE)], strict=True))
        return _Target(
            id=r[0],
            name=r[1],
            district=r[4],
            has_uscc=r[2] is not None,
            empty=_mask(values, set((r[5] or "").split())),
            member=bool(r[-1]),
            created=False,
            version=int(r[6]),
        )

    def _look_up(self, rows: list[CleanRow]) -> None:
        """Load the book's prospects that rows of this chunk may match into memory."""
        member = self._member_sql()
        usccs = sorted({r.uscc for r in rows if r.uscc and r.uscc not in self._by_uscc})
        if usccs:
            marks = ",".join("?" * len(usccs))
            found = self.conn.exec_driver_sql(
                f"SELECT {self._COLUMNS}, {member} FROM prospects p WHERE p.uscc IN ({marks})",
                (self._member_param(), *usccs),
            ).all()
            for r in found:
                self._by_uscc[r[2]] = self._target(r)
        # Names: rows without USCC, and rows whose USCC is new to the book (a prospect
        # typed in without its code may be the same enterprise).
        keys = sorted(
            {
                r.name_key
                for r in rows
                if (not r.uscc or r.uscc not in self._by_uscc) and r.name_key not in self._by_name
            }
        )
        if keys:
            marks = ",".join("?" * len(keys))
            mine = ""
            params: tuple[Any, ...] = (self._member_param(), *keys)
            if self.batch_id is not None and not self.dry_run:
                # What this run wrote in earlier chunks is already tracked in memory.
                mine = (
                    " AND NOT EXISTS (SELECT 1 FROM import_effects x WHERE "
                    "x.prospect_id = p.id AND x.batch_id = ? AND x.kind = 'created')"
                )
                params = (*params, self.batch_id)
            found = self.conn.exec_driver_sql(
                f"SELECT {self._COLUMNS}, {member} FROM prospects p "
                f"WHERE p.name_key IN ({marks}){mine}",
                params,
            ).all()
            for key in keys:
                self._by_name.setdefault(key, [])
            for r in found:
                target = self._by_uscc.get(r[2]) if r[2] else None
                self._by_name[r[3]].append(target or self._target(r))

    def _candidates(self, row: CleanRow, without_uscc_only: bool) -> list[_Target]:
        found = []
        for target in self._by_name.get(row.name_key, ()):
            if without_uscc_only and target.has_uscc:
                continue
            if row.district_code and target.district and row.district_code != target.district:
                continue
            found.append(target)
        return found

    # -- deciding ---------------------------------------------------------------------------

    def _classify(self, row: CleanRow, pending: _Pending) -> None:
        self.counts.rows += 1
        if row.uscc:
            target = self._by_uscc.get(row.uscc)
            if target is not None:
                self._merge(target, row, pending)
                return
            if not row.name:
                # Only a code: enough to complete a known prospect, not to make a new one.
                problem = FieldError("name", "prospect.name_empty", "a name is required")
                self._reject(row.row_number, [problem], "", row.uscc, counted=True)
                return
            candidates = self._candidates(row, without_uscc_only=True)
            self._create(row, pending, candidates)
            return
        candidates = self._candidates(row, without_uscc_only=False)
        same = next((c for c in candidates if c.member or c.created), None)
        if same is not None:
            # This list (or this very file) brought it in before: the same record again.
            self._merge(same, row, pending)
            return
        self._create(row, pending, candidates)

    def _create(self, row: CleanRow, pending: _Pending, candidates: list[_Target]) -> None:
        pid = self._new_id()
        target = _Target(
            id=pid,
            name=row.name,
            district=row.district_code,
            has_uscc=row.uscc is not None,
            empty=_new_mask(row),
            member=True,
            created=True,
            version=1,
            row=row.row_number,
        )
        if row.uscc:
            self._by_uscc[row.uscc] = target
        self._by_name.setdefault(row.name_key, []).append(target)
        pending.new_rows.append(row)
        pending.new_ids.append(pid)
        pending.new_by_id[pid] = row
        flagged = candidates[:MAX_CANDIDATES]
        for candidate in flagged:
            pending.flags.append((pid, candidate.id))
        if flagged:
            self.counts.flagged += 1
            detail = "; ".join(c.name for c in flagged)
            self._sample(Sample(row.row_number, "flagged", row.name, row.uscc or "", detail))
        else:
            self.counts.created += 1
            if self._wants("created"):
                self._sample(Sample(row.row_number, "created", row.name, row.uscc or ""))

    def _merge(self, target: _Target, row: CleanRow, pending: _Pending) -> None:
        fills: dict[str, object] = {}
        for name, bit in _BIT.items():
            if target.empty & bit:
                value = getattr(row, name)
                if not _empty(value):
                    fills[name] = value
                    target.empty &= ~bit
        join = bool(self.source) and not target.member
        target.member = target.member or join
        detail = ", ".join(fills)
        if target.created:
            # A second row of this file for a prospect it created: one record, two rows.
            self.counts.merged += 1
            same = f"#{target.row}"
            self._sample(Sample(row.row_number, "merged", row.name, row.uscc or "", same))
            if fills:
                new = pending.new_by_id.get(target.id)
                if new is not None:
                    for name, value in fills.items():
                        setattr(new, name, value)
                    pending.changed.add(target.id)
                else:
                    target.version += 1
                    pending.merges.append((target, fills, False, row.row_number, target.version))
            return
        if not fills and not join:
            self.counts.unchanged += 1
            self._sample(Sample(row.row_number, "unchanged", row.name, row.uscc or "", ""))
            return
        self.counts.merged += 1
        self._sample(Sample(row.row_number, "merged", row.name, row.uscc or "", detail))
        target.version += 1
        pending.merges.append((target, fills, join, row.row_number, target.version))

    # -- writing ----------------------------------------------------------------------------

    def _write(self, pending: _Pending) -> None:
        if pending.new_rows:
            self._insert_new(pending)
        if pending.merges:
            self._update_known(pending)
        if pending.flags:
            self.conn.exec_driver_sql(
                "INSERT INTO duplicate_flags (id, prospect_id, candidate_id, batch_id, status, "
                "created_at, resolved_at) VALUES (?, ?, ?, ?, 'open', ?, NULL)",
                [
                    (self._new_id(), pid, cid, self.batch_id, self.now_text)
                    for pid, cid in pending.flags
                ],
            )

    def _next_hlc(self) -> str:
        self._hlc = tick(self._hlc, int(self.now.timestamp() * 1000), self._node)
        return str(self._hlc)

    def _insert_new(self, pending: _Pending) -> None:
        now, actor, source = self.now_text, self.ctx.actor_id, self.source
        prospects: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        effects: list[tuple[Any, ...]] = []
        ops: list[tuple[Any, ...]] = []
        index: list[tuple[int, str]] = []
        new_id = self._new_id
        stage = Stage.NO_LOAN.value
        rowid = first_free_rowid(self.conn)
        # In name order, so index pages of names and search rowids are written in runs.
        ordered = sorted(zip(pending.new_ids, pending.new_rows, strict=True), key=_by_name)
        record, texts, changed = self.record, pending.texts, pending.changed
        for pid, r in ordered:
            fields_text, created_json, names = texts.get(r.row_number, ("", "", None))
            if pid in changed or not created_json:
                fields_text, created_json, names = row_text(r), payload(r, record), None
            established = r.established_on.isoformat() if r.established_on else None
            prospects.append(
                (
                    pid, r.uscc, r.name, r.name_key, r.kind, r.owner_name, r.phone, r.address,
                    r.district_code, r.street, r.industry_code, r.registered_capital_fen,
                    established, stage, now, actor, r.notes, now, now, "", 1, rowid,
                )
            )  # fmt: skip
            events.append((new_id(), pid, None, stage, "", "", actor, now))
            if source:
                members.append((new_id(), pid, source, now, r.external_ref))
            effects.append((new_id(), self.batch_id, pid, "created", source, "", 1, r.row_number))
            ops.append(
                (new_id(), "prospect", pid, "create", created_json, None, self._next_hlc(), now)
            )
            if names is None:
                names = names_text(self._initials, r.name, r.owner_name)
            index.append((rowid, joined_text(fields_text, names)))
            rowid += 1
        conn = self.conn
        conn.exec_driver_sql(
            "INSERT INTO prospects (id, uscc, name, name_key, kind, owner_name, phone, address, "
            "district_code, street, industry_code, registered_capital_fen, established_on, "
            "stage, stage_changed_at, assigned_rm_id, notes, created_at, updated_at, "
            "edited_fields, version, search_rowid) VALUES (" + ",".join("?" * 22) + ")",
            prospects,
        )
        conn.exec_driver_sql(
            "INSERT INTO stage_events (id, prospect_id, from_stage, to_stage, reason_code, "
            "reason_text, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )
        if members:
            conn.exec_driver_sql(
                "INSERT INTO source_memberships (id, prospect_id, source_code, added_at, "
                "external_ref) VALUES (?, ?, ?, ?, ?)",
                members,
            )
        self._effects(effects)
        self._ops(ops)
        insert_index_rows(conn, index)

    def _effects(self, rows: list[tuple[Any, ...]]) -> None:
        self.conn.exec_driver_sql(
            "INSERT INTO import_effects (id, batch_id, prospect_id, kind, source_code, fields, "
            "version_after, row_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _ops(self, rows: list[tuple[Any, ...]]) -> None:
        self.conn.exec_driver_sql(
            "INSERT INTO outbox (op_id, entity, entity_id, kind, payload, base_version, hlc, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _update_known(self, pending: _Pending) -> None:
        """Fill empty fields and add memberships of known prospects (and of prospects this
        run made in an earlier chunk); each change is an effect and an outbox op."""
        conn, now, source = self.conn, self.now_text, self.source
        ids = sorted({t.id for t, _, _, _, _ in pending.merges})
        current = self._current(ids)
        effects: list[tuple[Any, ...]] = []
        ops: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        reindex: dict[str, dict[str, Any]] = {}
        # The updates, one executemany per set of fields filled. A prospect two rows of the
        # chunk changed is in two of them, run in any order: a field is filled once at most,
        # and `max` keeps the later version.
        updates: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for target, fills, join, row_number, version in pending.merges:
            values = current[target.id]
            names = tuple(sorted(fills))
            updates.setdefault(names, []).append(
                (*(_stored(fills[n]) for n in names), version, now, target.id)
            )
            if fills:
                values.update(fills)
                effects.append(
                    (
                        self._new_id(), self.batch_id, target.id, "filled", source,
                        " ".join(names), version, row_number,
                    )
                )  # fmt: skip
                if any(n in _INDEXED for n in names):
                    reindex[target.id] = values
            change: dict[str, object] = {n: _wire(v) for n, v in fills.items()}
            if join:
                members.append((self._new_id(), target.id, source, now, ""))
                values["sources"] = sorted({*values["sources"], source})
                change["sources"] = values["sources"]
                effects.append(
                    (
                        self._new_id(), self.batch_id, target.id, "membership", source, "",
                        version, row_number,
                    )
                )  # fmt: skip
            ops.append(
                (
                    self._new_id(), "prospect", target.id, "update",
                    json.dumps({"fields": change}, ensure_ascii=False, sort_keys=True),
                    version - 1, self._next_hlc(), now,
                )
            )  # fmt: skip
        for names, rows in updates.items():
            sets = "".join(f"{n} = ?, " for n in names)
            conn.exec_driver_sql(
                f"UPDATE prospects SET {sets}version = max(version, ?), updated_at = ? "
                "WHERE id = ?",
                rows,
            )
        if members:
            conn.exec_driver_sql(
                "INSERT INTO source_memberships (id, prospect_id, source_code, added_at, "
                "external_ref) VALUES (?, ?, ?, ?, ?)",
                members,
            )
        self._effects(effects)
        self._ops(ops)
        if reindex:
            search.write_rows(
                conn,
                [
                    (
                        pid,
                        index_body(
                            self._initials,
                            tuple(v.get(n) for n in _INDEXED),
                            v.get("name") or "",
                            v.get("owner_name") or "",
                        ),
                    )
                    for pid, v in reindex.items()
                ],
            )

    def _current(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The text of prospects about to change (for their index rows) and their lists."""
        result: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for r in self.conn.exec_driver_sql(
                f"SELECT id, {', '.join(_INDEXED)} FROM prospects WHERE id IN ({marks})",
                tuple(part),
            ).all():
                result[r[0]] = {**dict(zip(_INDEXED, r[1:], strict=True)), "sources": []}
            for pid, code in self.conn.exec_driver_sql(
                f"SELECT prospect_id, source_code FROM source_memberships "
                f"WHERE prospect_id IN ({marks})",
                tuple(part),
            ).all():
                result[pid]["sources"].append(code)
        return result


def _by_name(pair: tuple[str, CleanRow]) -> str:
    return pair[1].name


def _stored_time(value: datetime) -> str:
    """A timestamp as UTCDateTime stores it."""
    from datetime import UTC

    return value.astimezone(UTC).isoformat(timespec="microseconds")
