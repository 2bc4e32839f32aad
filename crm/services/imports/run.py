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

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Final

from crm.domain.errors import DomainError, Message
from crm.domain.importing import FACT_FIELDS, CleanRow, RowCleaner
from crm.domain.prospect import FieldError
from crm.domain.stages import Stage
from crm.services.context import Context
from crm.services.imports.index import (
    Uuid7,
)
from crm.services.imports.marks import BIT, FILLABLE, conflicts, empty_mask, joined, signature
from crm.services.imports.prepare import CHUNK, NewRecord, Prepared
from crm.store import import_rows, search
from crm.store.fact_writer import FactWriter, encode_value
from crm.store.prospect_writer import NewProspect, ProspectWriter
from crm.store.unit_of_work import Connection, Session

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
    # Of a prospect this run made with a USCC: a short hash of each compared field, so a
    # later row of the file with the same code and other values is told apart
    # (`marks.signature`).
    sig: int = 0
    # Its business facts as stored: (key, JSON text) pairs in key order, once a row with
    # facts needs them. A tuple shared by every prospect with the same facts (`_Facts`): a
    # dict each took a tenth of a large import's memory.
    facts: tuple[tuple[str, str], ...] | None = None


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
    # Facts to set by prospect (JSON values), and for the effect of a known prospect's
    # the row that first set some and the prospect's version then. (Facts of a prospect
    # the run made need no effect: its undo removes the prospect and all it holds.)
    facts: dict[str, dict[str, object]] = field(default_factory=dict)
    fact_rows: dict[str, tuple[int, int]] = field(default_factory=dict)


def _empty(value: object) -> bool:
    return value is None or value == ""


def _mask(values: dict[str, object], edited: set[str]) -> int:
    mask = 0
    for name, bit in BIT.items():
        if _empty(values.get(name)) and name not in edited:
            mask |= bit
    return mask


class _Facts:
    """Facts as `_Target` keeps them, and their stored text: one tuple for each set of
    facts the run meets (a list's grade column gives a handful among tens of thousands of
    prospects), and one text for each common value."""

    # Beyond this many distinct sets (a list of amounts), sharing saves too little.
    SHARED: Final = 10_000

    def __init__(self) -> None:
        self._states: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        self._texts: dict[tuple[type, object], str] = {}

    def state(self, pairs: dict[str, str]) -> tuple[tuple[str, str], ...]:
        found = tuple(sorted(pairs.items()))
        shared = self._states.get(found)
        if shared is not None:
            return shared
        if len(self._states) < self.SHARED:
            self._states[found] = found
        return found

    def text(self, value: object) -> str:
        """`encode_value`, remembered for texts, whole numbers and flags (a float is not:
        0.0 and -0.0 are one key and two texts)."""
        kind = type(value)
        if kind is not str and kind is not int and kind is not bool:
            return encode_value(value)
        key = (kind, value)
        found = self._texts.get(key)
        if found is None:
            found = encode_value(value)
            if len(self._texts) < self.SHARED:
                self._texts[key] = found
        return found


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
        self.today = ctx.today()
        self.record = new_record(ctx, source_code)
        self.counts = Counts()
        self.errors: list[RowError] = []
        self.samples: list[Sample] = []
        self._sample_counts: dict[str, int] = {}
        self._by_uscc: dict[str, _Target] = {}
        # Prospects by normalised name: most names have one or none, kept as the prospect
        # itself or an empty tuple (a list each took 6 MB of a 50,000-row import); a tuple
        # for several (`_named`).
        self._by_name: dict[str, _Target | tuple[_Target, ...]] = {}
        self._new_id = Uuid7(self.now)
        self._facts = _Facts()
        self.writer: ProspectWriter | None = None
        if not dry_run:
            session.flush()
            self.writer = ProspectWriter(
                session, self.now, ctx.actor_id, ctx.zone, ids=self._new_id
            )

    # -- driving ---------------------------------------------------------------------------

    def run(
        self,
        chunks: Iterable[Prepared],
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Counts:
        # A cancel or an error rolls the index's settings back with the rows.
        automerge = None if self.dry_run else search.begin_bulk(self.conn)
        with _young_collections_only():
            for part in chunks:
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                self._chunk(part)
                if progress is not None:
                    progress(part.read, part.fraction)
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if self.writer is not None:
            search.end_bulk(self.conn, automerge)
            self.writer.finish()
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
        if part.masks:
            for row, mask, sig in zip(part.rows, part.masks, part.sigs, strict=True):
                self._classify(row, mask, sig, pending)
        else:
            for row in part.rows:
                self._classify(row, None, None, pending)
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
        usccs = sorted({r.uscc for r in rows if r.uscc and r.uscc not in self._by_uscc})
        if usccs:
            for r in import_rows.by_uscc(self.conn, FILLABLE, self.source, usccs):
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
            # What this run wrote in earlier chunks is already tracked in memory.
            mine = None if self.dry_run else self.batch_id
            found = import_rows.by_name_key(self.conn, FILLABLE, self.source, keys, mine)
            for key in keys:
                self._by_name.setdefault(key, ())
            for r in found:
                target = self._by_uscc.get(r[2]) if r[2] else None
                self._add_name(r[3], target or self._target(r))
        self._look_up_facts(rows)

    def _look_up_facts(self, rows: list[CleanRow]) -> None:
        """The stored facts of the known prospects that rows giving facts may match."""
        wanted: dict[str, _Target] = {}
        for row in rows:
            if not row.facts:
                continue
            found = self._by_uscc.get(row.uscc) if row.uscc else None
            for target in (found, *self._named(row.name_key)):
                if target is not None and target.facts is None and not target.created:
                    wanted[target.id] = target
        if wanted:
            stored = import_rows.facts_of(self.conn, sorted(wanted), FACT_FIELDS)
            for pid, target in wanted.items():
                target.facts = self._facts.state(stored.get(pid, {}))

    def _named(self, key: str) -> tuple[_Target, ...]:
        found = self._by_name.get(key, ())
        return (found,) if isinstance(found, _Target) else found

    def _add_name(self, key: str, target: _Target) -> None:
        found = self._by_name.get(key)
        if not found:
            self._by_name[key] = target
        else:
            self._by_name[key] = (*self._named(key), target)

    def _candidates(self, row: CleanRow, without_uscc_only: bool) -> list[_Target]:
        found = []
        for target in self._named(row.name_key):
            if without_uscc_only and target.has_uscc:
                continue
            if row.district_code and target.district and row.district_code != target.district:
                continue
            found.append(target)
        return found

    # -- deciding ---------------------------------------------------------------------------

    def _classify(
        self, row: CleanRow, mask: int | None, sig: int | None, pending: _Pending
    ) -> None:
        """Match a row, then merge or create; `mask` and `sig` are the row's
        `marks.empty_mask` and `marks.signature` when they were made with it (else they are
        made here if needed)."""
        self.counts.rows += 1
        if row.uscc:
            target = self._by_uscc.get(row.uscc)
            if target is not None:
                self._merge(target, row, sig, pending)
                return
            if not row.name:
                # Only a code: enough to complete a known prospect, not to make a new one.
                problem = FieldError("name", "prospect.name_empty", "a name is required")
                self._reject(row.row_number, [problem], "", row.uscc, counted=True)
                return
            candidates = self._candidates(row, without_uscc_only=True)
            self._create(row, mask, sig, pending, candidates)
            return
        candidates = self._candidates(row, without_uscc_only=False)
        same = next((c for c in candidates if c.member or c.created), None)
        if same is not None:
            # This list (or this very file) brought it in before: the same record again.
            self._merge(same, row, sig, pending)
            return
        self._create(row, mask, sig, pending, candidates)

    def _create(
        self,
        row: CleanRow,
        mask: int | None,
        sig: int | None,
        pending: _Pending,
        candidates: list[_Target],
    ) -> None:
        pid = self._new_id()
        if mask is None:
            mask = empty_mask(row)
        if sig is None:
            sig = signature(row)
        # id, name, district, has_uscc, empty, member, created, version, row, sig
        target = _Target(
            pid, row.name, row.district_code, row.uscc is not None, mask, True, True, 1,
            row.row_number, sig,
        )  # fmt: skip
        self._set_facts(target, row, pending)
        if row.uscc:
            self._by_uscc[row.uscc] = target
        self._add_name(row.name_key, target)
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

    def _merge(self, target: _Target, row: CleanRow, sig: int | None, pending: _Pending) -> None:
        if target.created and target.sig and row.uscc and row.name:
            if sig is None:
                sig = signature(row)
            if conflicts(target.sig, sig):
                self._conflicting(target, row, pending)
                return
            target.sig = joined(target.sig, sig)
        fills: dict[str, object] = {}
        for name, bit in BIT.items():
            if target.empty & bit:
                value = getattr(row, name)
                if not _empty(value):
                    fills[name] = value
                    target.empty &= ~bit
        join = bool(self.source) and not target.member
        target.member = target.member or join
        facts = self._set_facts(target, row, pending)
        detail = ", ".join((*fills, *facts))
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
        if not fills and not join and not facts:
            self.counts.unchanged += 1
            self._sample(Sample(row.row_number, "unchanged", row.name, row.uscc or "", ""))
            return
        self.counts.merged += 1
        self._sample(Sample(row.row_number, "merged", row.name, row.uscc or "", detail))
        if fills or join:
            target.version += 1
            pending.merges.append((target, fills, join, row.row_number, target.version))
            if facts:
                pending.fact_rows[target.id] = (pending.fact_rows[target.id][0], target.version)

    def _set_facts(self, target: _Target, row: CleanRow, pending: _Pending) -> list[str]:
        """The facts of the row its prospect does not have with that value yet, queued to
        be set (their keys returned). Kept simple: a fact the prospect has is replaced
        whenever the list's value differs, whoever confirmed it and whenever; one with
        the same value is left as it is (not confirmed again), so importing a list again
        changes nothing."""
        if not row.facts:
            return []
        text = self._facts.text
        changed: dict[str, object]
        if not target.facts:
            # It has none yet (most often: this run is making it): all are new.
            changed = row.facts
            have = {key: text(value) for key, value in changed.items()}
        else:
            have = dict(target.facts)
            changed = {}
            for key, value in row.facts.items():
                stored = text(value)
                if have.get(key) != stored:
                    changed[key] = value
                    have[key] = stored
            if not changed:
                return []
        target.facts = self._facts.state(have)
        queued = pending.facts.get(target.id)
        if queued is None:
            pending.facts[target.id] = changed
        else:
            # A new dict: `changed` may be a row's own, shared with a row made from it.
            pending.facts[target.id] = {**queued, **changed}
        if not target.created:
            first = pending.fact_rows.get(target.id)
            pending.fact_rows[target.id] = (first[0] if first else row.row_number, target.version)
        return list(changed)

    def _conflicting(self, target: _Target, row: CleanRow, pending: _Pending) -> None:
        """A later row of this file with the USCC of a prospect an earlier row made, and
        other values (another name, owner, phone …): which is right is the RM's call, so
        its values become a prospect of their own, flagged as a possible duplicate of the
        first (confirm merges them, split keeps both). The code cannot be on two records;
        the second keeps it in its notes, under the file's header of the column."""
        columns = self.cleaner.columns.get("uscc", [])
        label = self.columns[columns[0]].strip() if columns else "USCC"
        kept = f"{label}: {row.uscc}"
        second = replace(row, uscc=None, notes=f"{row.notes}\n{kept}" if row.notes else kept)
        pid = self._new_id()
        made = _Target(
            id=pid,
            name=second.name,
            district=second.district_code,
            has_uscc=False,
            empty=empty_mask(second),
            member=True,
            created=True,
            version=1,
            row=second.row_number,
        )
        self._set_facts(made, second, pending)
        self._add_name(second.name_key, made)
        pending.new_rows.append(second)
        pending.new_ids.append(pid)
        pending.new_by_id[pid] = second
        # What was made ahead from the row (search text, create op) holds the code.
        pending.changed.add(pid)
        pending.flags.append((pid, target.id))
        self.counts.flagged += 1
        detail = f"#{target.row} {target.name}"
        self._sample(Sample(row.row_number, "flagged", row.name, row.uscc or "", detail))

    # -- writing ----------------------------------------------------------------------------

    def _write(self, pending: _Pending) -> None:
        if pending.new_rows:
            self._insert_new(pending)
        if pending.merges:
            self._update_known(pending)
        if pending.facts:
            self._write_facts(pending)
        if pending.flags:
            import_rows.insert_flags(
                self.conn,
                [
                    (self._new_id(), pid, cid, self.batch_id, self.now_text)
                    for pid, cid in pending.flags
                ],
            )

    def _insert_new(self, pending: _Pending) -> None:
        assert self.writer is not None
        new_id, batch, source = self._new_id, self.batch_id, self.source
        rm_id, stage = self.record.rm_id, self.record.stage
        texts, changed = pending.texts, pending.changed
        new: list[NewProspect] = []
        effects: list[tuple[Any, ...]] = []
        # In name order, so index pages of names and search rowids are written in runs.
        for pid, r in sorted(zip(pending.new_ids, pending.new_rows, strict=True), key=_by_name):
            # The run keeps the names (`_Target`, by name): the row binds copies
            # (`import_rows.to_bind`, inline: it is two calls a row).
            r.name = r.name.encode().decode()
            r.name_key = r.name_key.encode().decode()
            fields_text, created_json, names = texts.get(r.row_number, _NO_TEXTS)
            if pid in changed:
                # A later row of the file filled it in: what was made ahead is out of date.
                fields_text, created_json, names = _NO_TEXTS
            new.append(
                NewProspect(
                    r,
                    pid,
                    rm_id,
                    stage,
                    ((source, r.external_ref),) if source else (),
                    (),
                    fields_text or None,
                    names,
                    created_json or None,
                )
            )
            effects.append((new_id(), batch, pid, "created", source, "", 1, r.row_number))
        self.writer.create(new)
        import_rows.insert_effects(self.conn, effects)

    def _update_known(self, pending: _Pending) -> None:
        """Fill empty fields and add memberships of known prospects (and of prospects this
        run made in an earlier chunk); each change is an effect and an outbox op."""
        assert self.writer is not None
        new_id, batch, source = self._new_id, self.batch_id, self.source
        current = self.writer.current(sorted({t.id for t, _, _, _, _ in pending.merges}))
        fills: list[tuple[str, dict[str, object], str | None, int]] = []
        effects: list[tuple[Any, ...]] = []
        for target, values, join, row_number, version in pending.merges:
            if values:
                filled = " ".join(sorted(values))
                effects.append(
                    (new_id(), batch, target.id, "filled", source, filled, version, row_number)
                )
            if join:
                effects.append(
                    (new_id(), batch, target.id, "membership", source, "", version, row_number)
                )
            fills.append((target.id, values, source if join else None, version))
        self.writer.fill(fills, current)
        import_rows.insert_effects(self.conn, effects)

    def _write_facts(self, pending: _Pending) -> None:
        """Set the facts the chunk's rows gave (after their prospects are written),
        confirmed by the importing user on the day of the import. Those of prospects made
        in this chunk are new rows; the keys set on each known prospect are an effect,
        which undo clears (it removes a prospect it made with all its facts)."""
        assert self.writer is not None
        new_id, batch, source = self._new_id, self.batch_id, self.source
        made = pending.new_by_id
        new: list[tuple[str, str, object]] = []
        known: list[tuple[str, str, object]] = []
        for pid, values in pending.facts.items():
            (new if pid in made else known).extend((pid, k, v) for k, v in values.items())
        facts = FactWriter(self.session, self.now, self.ctx.actor_id)
        tick = self.writer.clock.tick
        facts.set_many(new, self.today, tick=tick, ids=new_id, new=True)
        facts.set_many(known, self.today, tick=tick, ids=new_id)
        effects: list[tuple[Any, ...]] = []
        for pid, (row_number, version) in pending.fact_rows.items():
            keys = " ".join(sorted(pending.facts[pid]))
            effects.append((new_id(), batch, pid, "facts", source, keys, version, row_number))
        import_rows.insert_effects(self.conn, effects)


_NO_TEXTS: Final[tuple[None, None, None]] = (None, None, None)


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """No full runs of Python's cycle collector while the rows are classified and written,
    and fewer young ones.

    A run keeps what it made or matched (`_Target`, by code and by name) until it ends, so
    full collections came again and again as those grew, each rescanning them and all else
    alive (the pinyin tables, the mapped classes), and found nothing: the rows and what
    they make hold no cycles, and reference counting frees each chunk once written. Young
    collections go on, freeing the cycles each statement leaves, every 10,000 allocations
    rather than 700: a chunk's rows and their tuples live until it is written, so each
    young collection scanned them again (0.1 s of a 50,000-row import). Process-wide, so
    only while the chunks last (as the sync download does, `crm.sync.engine`).
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, thresholds[1], 1_000_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _by_name(pair: tuple[str, CleanRow]) -> str:
    return pair[1].name


def _stored_time(value: datetime) -> str:
    """A timestamp as UTCDateTime stores it."""
    from datetime import UTC

    return value.astimezone(UTC).isoformat(timespec="microseconds")
