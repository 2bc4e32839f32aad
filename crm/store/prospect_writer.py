"""The one writer of prospects: every path that makes or changes one comes through here.

A prospect is more than its row: its search text, its first stage event, its source lists
and tags, the outbox op that tells head office, the tick of this device's clock and the day
it next comes due for contact. The form, an import, the sync download and the demo each
used to write these their own way and drifted apart (an imported prospect never came due;
its first stage event had an id head office never heard of). Here they are made once:

- `ProspectWriter.create` makes prospects one or thousands at a time (the driver's
  executemany: an import of 50,000 rows and a form's one row run the same code);
- `edit`, `assign`, `tag`, `move`, `touch_contact` and `delete` change one prospect loaded
  through the session (a form, a bulk action, a visit), each queueing its op;
- `fill` completes known prospects in bulk (an import's merges);
- `replicate` stores what head office sent (the sync download), which queues nothing.

Nothing else in the code base INSERTs or UPDATEs a prospect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete
from sqlalchemy.orm import Session

from crm.domain import search_text
from crm.domain.ids import Uuid7
from crm.domain.importing import initials
from crm.domain.prospect import EDITABLE_FIELDS
from crm.domain.stages import Stage
from crm.domain.wire import EVENT_ID_HOLE, create_payload, encode, wire
from crm.store import due_dates, meta, prospect_names, search
from crm.store import outbox as _outbox
from crm.store.due_dates import DueDates
from crm.store.models import (
    Assignment,
    Prospect,
    ProspectTag,
    SourceMembership,
    StageEvent,
)

# The prospects table's columns in the order every bulk writer binds them.
COLUMNS: Final = (
    "id",
    "uscc",
    "name",
    "name_key",
    "kind",
    "owner_name",
    "phone",
    "address",
    "district_code",
    "street",
    "industry_code",
    "registered_capital_fen",
    "established_on",
    "stage",
    "stage_changed_at",
    "assigned_rm_id",
    "notes",
    "last_contact_on",
    "next_visit_due",
    "created_at",
    "updated_at",
    "edited_fields",
    "version",
    "search_rowid",
)
EVENT_COLUMNS: Final = (
    "id",
    "prospect_id",
    "from_stage",
    "to_stage",
    "reason_code",
    "reason_text",
    "changed_by",
    "changed_at",
)
MEMBER_COLUMNS: Final = ("id", "prospect_id", "source_code", "added_at", "external_ref")
TAG_COLUMNS: Final = ("prospect_id", "tag_code")


def insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


INSERT_PROSPECTS: Final = insert_sql("prospects", COLUMNS)
# The names made from a prospect's name (crm.store.prospect_names), stored with the row.
NAME_COLUMNS: Final = ("short_name", "sort_key")
INSERT_NAMED: Final = insert_sql("prospects", (*COLUMNS, *NAME_COLUMNS))
INSERT_EVENTS: Final = insert_sql("stage_events", EVENT_COLUMNS)
INSERT_MEMBERS: Final = insert_sql("source_memberships", MEMBER_COLUMNS)
INSERT_TAGS: Final = insert_sql("prospect_tags", TAG_COLUMNS)

# Fields whose text the search index holds, in the order it joins them.
INDEXED: Final = search_text.INDEXED_FIELDS


class ProspectValues(Protocol):
    """The editable values of a prospect, checked and normalised (a form's
    `CleanProspect`, an import's `CleanRow`)."""

    @property
    def name(self) -> str: ...
    @property
    def name_key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def uscc(self) -> str | None: ...
    @property
    def owner_name(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def district_code(self) -> str | None: ...
    @property
    def street(self) -> str: ...
    @property
    def industry_code(self) -> str | None: ...
    @property
    def registered_capital_fen(self) -> int | None: ...
    @property
    def established_on(self) -> date | None: ...
    @property
    def notes(self) -> str: ...


@dataclass(slots=True)
class NewProspect:
    """One prospect to create."""

    values: ProspectValues
    id: str
    rm_id: str | None
    stage: str = Stage.NO_LOAN.value
    # (source list code, the list's own reference for the enterprise)
    sources: Sequence[tuple[str, str]] = ()
    tags: Sequence[str] = ()
    # Made ahead where that is cheaper (an import's worker process): the search text of
    # the fields, of the names' initials, and the create op's payload with EVENT_ID_HOLE.
    fields_text: str | None = None
    names_text: str | None = None
    payload: str | None = None


@dataclass(frozen=True, slots=True)
class Created:
    """What `create` made of one prospect: its first stage event's id and its due day."""

    id: str
    event_id: str
    next_visit_due: date | None


def stored_time(value: datetime) -> str:
    """A timestamp as the UTCDateTime column type stores it."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _stored(value: object) -> object:
    """A value as the column types store it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


class _Letters:
    """Pinyin initials of names (``initials`` keeps the recent ones: owners' names repeat;
    a bulk write's company names hardly ever do, so caching them all would only hold
    memory)."""

    def __call__(self, name: str) -> str:
        return initials(name) if name else ""

    def text(self, name: str, owner: str) -> str:
        return search_text.names_text(self(name), self(owner))


def body_of(values: Mapping[str, Any] | ProspectValues, letters: _Letters | None = None) -> str:
    """The whole search text of a prospect (its values by name, or an object with them)."""
    get = values.get if isinstance(values, Mapping) else lambda n: getattr(values, n, None)
    make = letters or _Letters()
    name, owner = get("name") or "", get("owner_name") or ""
    short = get("short_name") or prospect_names.short_of(name)
    return search_text.with_pinyin(
        search_text.joined(
            search_text.fields_text(tuple(get(n) for n in INDEXED)), make.text(name, owner)
        ),
        name,
        owner,
        short,
    )


@dataclass
class ProspectWriter:
    """The writes of one transaction: made over the transaction's session, used, then
    `finish`ed (which saves the clock's last tick with the changes)."""

    db: Session | Connection
    now: datetime
    actor_id: str | None
    zone: ZoneInfo
    # False for what head office sent (the download) and the demo's seed: nothing to tell.
    queue: bool = True
    ids: Uuid7 = field(default_factory=Uuid7)
    conn: Connection = field(init=False)
    session: Session | None = field(init=False, default=None)
    _clock: meta.Clock | None = field(init=False, default=None)
    _due: DueDates | None = field(init=False, default=None)
    _letters: _Letters = field(init=False, default_factory=_Letters)

    def __post_init__(self) -> None:
        if isinstance(self.db, Session):
            self.session = self.db
            self.conn = self.db.connection()
        else:
            self.conn = self.db
        self.now_text = stored_time(self.now)

    def _orm(self) -> Session:
        # The one-prospect changes work on ORM objects the caller loaded.
        assert self.session is not None, "a change of one prospect needs the ORM session"
        return self.session

    # -- shared pieces -----------------------------------------------------------------------

    @property
    def clock(self) -> meta.Clock:
        if self._clock is None:
            self._clock = meta.Clock(self.db, self.now)
        return self._clock

    @property
    def due_dates(self) -> DueDates:
        if self._due is None:
            self._due = DueDates(self.db, self.zone)
        return self._due

    def finish(self) -> None:
        if self._clock is not None:
            self._clock.save()

    def _op(self, pid: str, kind: str, payload: str, base_version: int | None) -> tuple[Any, ...]:
        return (
            self.ids(),
            "prospect",
            pid,
            kind,
            payload,
            base_version,
            self.clock.tick(),
            self.now_text,
        )

    def _queue(self, pid: str, kind: str, payload: dict[str, Any], base: int | None) -> None:
        if self.queue:
            _outbox.insert_many(self.conn, [self._op(pid, kind, encode(payload), base)])

    # -- creating ----------------------------------------------------------------------------

    def create(self, new: Sequence[NewProspect]) -> list[Created]:
        """Store new prospects with everything that comes with them, in the given order
        of search rowids (a bulk loader passes them sorted by name)."""
        if not new:
            return []
        now, actor, ids = self.now_text, self.actor_id, self.ids
        prospects: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        tags: list[tuple[Any, ...]] = []
        ops: list[tuple[Any, ...]] = []
        index: list[tuple[int, str]] = []
        made: list[Created] = []
        rowid = search.first_free_rowid(self.conn)
        due_of = self.due_dates.due
        # Each stage's due day, and as stored: an import's thousands share one or two.
        due_by_stage: dict[str, tuple[date | None, str | None]] = {}
        letters = self._letters
        # The clock only for writes that queue ops (reading it reads the book's settings).
        clock = self.clock if self.queue else None
        names_of = prospect_names.names_of
        for n in new:
            v = n.values
            stage = n.stage
            short, key = names_of(v.name)
            found = due_by_stage.get(stage)
            if found is None:
                day = due_of(stage, self.now)
                found = due_by_stage[stage] = (day, None if day is None else day.isoformat())
            due, due_text = found
            established = v.established_on
            prospects.append(
                (
                    n.id, v.uscc, v.name, v.name_key, v.kind, v.owner_name, v.phone, v.address,
                    v.district_code, v.street, v.industry_code, v.registered_capital_fen,
                    None if established is None else established.isoformat(), stage, now,
                    n.rm_id, v.notes, None, due_text, now, now, "", 1, rowid, short, key,
                )
            )  # fmt: skip
            event_id = ids()
            events.append((event_id, n.id, None, stage, "", "", actor, now))
            for code, ref in n.sources:
                members.append((ids(), n.id, code, now, ref))
            for tag in n.tags:
                tags.append((n.id, tag))
            if clock is not None:
                payload = n.payload
                if payload is None:
                    payload = create_payload(
                        v, stage, n.rm_id, n.tags, [c for c, _ in n.sources], event_id
                    )
                else:
                    payload = payload.replace(EVENT_ID_HOLE, f'"event_id": "{event_id}"', 1)
                # As `_op` makes it, without a call per prospect.
                ops.append((ids(), "prospect", n.id, "create", payload, None, clock.tick(), now))
            fields = n.fields_text
            if fields is None:
                fields = search_text.fields_text(tuple(getattr(v, f) for f in INDEXED))
            names = n.names_text
            if names is None:
                names = letters.text(v.name, v.owner_name)
            index.append(
                (
                    rowid,
                    search_text.with_pinyin(
                        search_text.joined(fields, names), v.name, v.owner_name, short
                    ),
                )
            )
            made.append(Created(n.id, event_id, due))
            rowid += 1
        conn = self.conn
        conn.exec_driver_sql(INSERT_NAMED, prospects)
        conn.exec_driver_sql(INSERT_EVENTS, events)
        if members:
            conn.exec_driver_sql(INSERT_MEMBERS, members)
        if tags:
            conn.exec_driver_sql(INSERT_TAGS, tags)
        _outbox.insert_many(conn, ops)
        search.bulk_insert(conn, index)
        return made

    # -- completing known prospects in bulk (an import's merges) -----------------------------

    def current(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The indexed text and the source lists of prospects about to be filled."""
        result: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            part = tuple(ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for r in self.conn.exec_driver_sql(
                f"SELECT id, short_name, {', '.join(INDEXED)} FROM prospects WHERE id IN ({marks})",
                part,
            ).all():
                result[r[0]] = {
                    **dict(zip(INDEXED, r[2:], strict=True)),
                    "short_name": r[1],
                    "sources": [],
                }
            for pid, code in self.conn.exec_driver_sql(
                "SELECT prospect_id, source_code FROM source_memberships "
                f"WHERE prospect_id IN ({marks})",
                part,
            ).all():
                result[pid]["sources"].append(code)
        return result

    def fill(
        self,
        fills: Sequence[tuple[str, Mapping[str, object], str | None, int]],
        text_of: Mapping[str, dict[str, Any]],
    ) -> None:
        """Fill empty fields and add list memberships of known prospects: (id, fields
        filled with their values, source list joined or None, version after) each, with
        ``text_of`` the prospects' `current` values (updated here). A prospect two entries
        change is in two updates, run in any order: a field is filled once at most, and
        ``max`` keeps the later version."""
        now = self.now_text
        updates: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        members: list[tuple[Any, ...]] = []
        ops: list[tuple[Any, ...]] = []
        reindex: dict[str, dict[str, Any]] = {}
        for pid, values, joined_source, version in fills:
            names = tuple(sorted(values))
            updates.setdefault(names, []).append(
                (*(_stored(values[n]) for n in names), version, now, pid)
            )
            current = text_of[pid]
            change: dict[str, object] = {n: wire(v) for n, v in values.items()}
            if values:
                current.update(values)
                if any(n in INDEXED for n in names):
                    reindex[pid] = current
            if joined_source:
                members.append((self.ids(), pid, joined_source, now, ""))
                current["sources"] = sorted({*current["sources"], joined_source})
                change["sources"] = current["sources"]
            if self.queue:
                ops.append(self._op(pid, "update", encode({"fields": change}), version - 1))
        conn = self.conn
        for names, rows in updates.items():
            sets = "".join(f"{n} = ?, " for n in names)
            conn.exec_driver_sql(
                f"UPDATE prospects SET {sets}version = max(version, ?), updated_at = ? "
                "WHERE id = ?",
                rows,
            )
        if members:
            conn.exec_driver_sql(INSERT_MEMBERS, members)
        _outbox.insert_many(conn, ops)
        if reindex:
            search.write_rows(
                conn, [(pid, body_of(v, self._letters)) for pid, v in reindex.items()]
            )

    # -- changing one prospect (loaded through the session) ----------------------------------

    def edit(
        self,
        p: Prospect,
        values: ProspectValues,
        tags: Sequence[str],
        sources: Sequence[str],
    ) -> dict[str, object]:
        """Save a form: only the fields that changed are sent, and remembered as edited by
        hand (imports never overwrite them). Returns what changed (empty: nothing)."""
        changes: dict[str, object] = {}
        for name in EDITABLE_FIELDS:
            value = getattr(values, name)
            if getattr(p, name) != value:
                setattr(p, name, value)
                changes[name] = wire(value)
        p.name_key = values.name_key
        if "name" in changes or p.sort_key is None:
            short, p.sort_key = prospect_names.names_of(p.name)
            if "short_name" not in p.edited_fields.split():
                p.short_name = short
        if tuple(t.tag_code for t in p.tags) != tuple(sorted(tags)):
            p.tags = [ProspectTag(tag_code=t) for t in sorted(tags)]
            changes["tags"] = sorted(tags)
        have = {m.source_code for m in p.sources}
        if have != set(sources):
            keep = [m for m in p.sources if m.source_code in sources]
            keep += [
                SourceMembership(id=self.ids(), source_code=c, added_at=self.now)
                for c in sources
                if c not in have
            ]
            p.sources = keep
            changes["sources"] = sorted(sources)
        if not changes:
            return changes
        p.edited_fields = " ".join(sorted(set(p.edited_fields.split()) | set(changes)))
        base = self._bump(p)
        self._queue(p.id, "update", {"fields": changes}, base)
        return changes

    def rename_short(self, p: Prospect, short: str) -> bool:
        """Give a prospect the short name an RM wrote (empty: the one made from its name
        again); False when it has it already. Kept on this device: head office keeps no
        short names, and an RM's own is never replaced by the one made from the name."""
        made = prospect_names.short_of(p.name)
        edited = set(p.edited_fields.split())
        wanted = short or made
        if wanted == p.short_name and (short != "") == ("short_name" in edited):
            return False
        p.short_name = wanted
        if short and short != made:
            edited.add("short_name")
        else:
            edited.discard("short_name")
        p.edited_fields = " ".join(sorted(edited))
        p.updated_at = self.now
        return True

    def assign(self, p: Prospect, rm_id: str | None, note: str) -> bool:
        """Give a prospect to an RM (None: unassign); False when it is theirs already."""
        if p.assigned_rm_id == rm_id:
            return False
        self._orm().add(
            Assignment(
                id=self.ids(),
                prospect_id=p.id,
                from_user_id=p.assigned_rm_id,
                to_user_id=rm_id,
                assigned_by=self.actor_id,
                assigned_at=self.now,
                note=note,
            )
        )
        p.assigned_rm_id = rm_id
        base = self._bump(p)
        self._queue(p.id, "assign", {"rm_id": rm_id, "note": note}, base)
        return True

    def tag(self, p: Prospect, tag: str) -> bool:
        if tag in {t.tag_code for t in p.tags}:
            return False
        p.tags.append(ProspectTag(tag_code=tag))
        p.edited_fields = " ".join(sorted({*p.edited_fields.split(), "tags"}))
        base = self._bump(p)
        tags = sorted(t.tag_code for t in p.tags)
        self._queue(p.id, "update", {"fields": {"tags": tags}}, base)
        return True

    def move(self, p: Prospect, target: str, reason_code: str | None, reason_text: str) -> str:
        """Move a prospect to another stage (its gates already passed); returns the stage
        event's id, which head office keeps too."""
        current = p.stage
        event_id = self.ids()
        p.stage_events.append(
            StageEvent(
                id=event_id,
                from_stage=current,
                to_stage=target,
                reason_code=reason_code or "",
                reason_text=reason_text,
                changed_by=self.actor_id,
                changed_at=self.now,
            )
        )
        p.stage = target
        p.stage_changed_at = self.now
        base = self._bump(p)
        self._queue(
            p.id,
            "stage",
            {
                "from": current,
                "to": target,
                "event_id": event_id,
                "reason_code": reason_code or "",
                "reason": reason_text,
            },
            base,
        )
        return event_id

    def touch_contact(self, p: Prospect, day: date | None) -> None:
        """A visit or call was recorded (or taken back): the last day of contact. Local:
        head office learns it from the visit itself."""
        p.last_contact_on = day

    def delete(self, p: Prospect, reason: str) -> None:
        """Remove a prospect entered by mistake; head office removes it too (delete wins).
        Its finalized visits stay, under the prospect archived (its planned and draft
        visits go with it)."""
        self._queue(p.id, "delete", {"name": p.name, "reason": reason}, p.version)
        self._orm().flush()
        self.archive([p.id], "deleted", note=reason)
        self._orm().delete(p)

    def refresh_due(self, prospect_ids: Iterable[str]) -> int:
        """Recompute when these prospects next come due (after a stage move, a loan, a
        contact): call it once the change is flushed."""
        return due_dates.refresh_due(self.db, self.zone, prospect_ids)

    def _bump(self, p: Prospect) -> int:
        base = p.version
        p.version += 1
        p.updated_at = self.now
        return base

    # -- taking an import back, merging a duplicate -------------------------------------------

    def take_back(
        self, pid: str, emptied: Mapping[str, object], left: Sequence[str], base: int
    ) -> None:
        """Undo what an import did to a known prospect: the fields it filled emptied, the
        lists it added the prospect to left; one update op for head office."""
        conn = self.conn
        for code in left:
            conn.exec_driver_sql(
                "DELETE FROM source_memberships WHERE prospect_id = ? AND source_code = ?",
                (pid, code),
            )
        change: dict[str, object] = dict(emptied)
        if left:
            change["sources"] = sorted(self._sources_of(pid))
        self._update(pid, emptied, base + 1)
        if self.queue:
            _outbox.insert_many(conn, [self._op(pid, "update", encode({"fields": change}), base)])
        if any(n in INDEXED for n in emptied):
            self._reindex([pid])

    def absorb(self, kept: str, fills: Mapping[str, object], joined: Sequence[str]) -> None:
        """Complete a prospect with a duplicate's values (its empty fields, and the lists
        the duplicate was on); the duplicate is removed with `remove_created`."""
        base = int(
            self.conn.exec_driver_sql(
                "SELECT version FROM prospects WHERE id = ?", (kept,)
            ).scalar_one()
        )
        have = set(self._sources_of(kept))
        self._update(kept, fills, base + 1)
        moved = [code for code in joined if code not in have]
        if moved:
            self.conn.exec_driver_sql(
                INSERT_MEMBERS, [(self.ids(), kept, code, self.now_text, "") for code in moved]
            )
        change: dict[str, object] = {n: wire(v) for n, v in fills.items()}
        if moved:
            change["sources"] = sorted(have | set(moved))
        if self.queue:
            ops = [self._op(kept, "update", encode({"fields": change}), base)]
            _outbox.insert_many(self.conn, ops)
        self._reindex([kept])

    def remove_created(self, ids: Sequence[str], *, merged_into: str | None = None) -> None:
        """Remove prospects an import made (or the duplicate ``absorb``ed by
        ``merged_into``). Head office hears of it only if it knew them: the create ops still
        waiting go, and nothing is sent for those. Finalized visits stay, under the
        prospects archived."""
        if not ids:
            return
        conn = self.conn
        if merged_into is not None:
            self.archive(ids, "merged", merged_into=merged_into)
        else:
            self.archive(ids, "import_undone")
        search.delete_many(conn, ids)
        unsent: set[str] = set()
        versions: dict[str, int] = {}
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            unsent.update(
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT entity_id FROM outbox WHERE entity = 'prospect' AND kind = 'create' "
                    f"AND entity_id IN ({marks})",
                    part,
                ).all()
            )
            versions.update(
                (r[0], int(r[1]))
                for r in conn.exec_driver_sql(
                    f"SELECT id, version FROM prospects WHERE id IN ({marks})", part
                ).all()
            )
        for part in _chunks(sorted(unsent)):
            conn.exec_driver_sql(
                "DELETE FROM outbox WHERE entity = 'prospect' AND entity_id IN "
                f"({','.join('?' * len(part))})",
                part,
            )
        if self.queue:
            ops = [
                self._op(pid, "delete", encode({}), version)
                for pid, version in versions.items()
                if pid not in unsent
            ]
            _outbox.insert_many(conn, ops)
        for part in _chunks(list(ids)):
            conn.exec_driver_sql(
                f"DELETE FROM prospects WHERE id IN ({','.join('?' * len(part))})", part
            )

    def archive(
        self,
        ids: Sequence[str],
        reason: str,
        *,
        merged_into: str | None = None,
        note: str = "",
    ) -> int:
        """Keep who these prospects are for their finalized visits, which outlive them
        (those with none need no archive); returns how many were archived. A prospect with
        finalized visits cannot be deleted before this (a trigger refuses)."""
        archived = 0
        for part in _chunks(list(ids)):
            found = self.conn.exec_driver_sql(
                "INSERT INTO archived_prospects (id, uscc, name, owner_name, address, stage, "
                "rm_id, reason, merged_into, note, archived_at, archived_by) "
                "SELECT p.id, p.uscc, p.name, p.owner_name, p.address, p.stage, "
                "p.assigned_rm_id, ?, ?, ?, ?, ? FROM prospects p "
                f"WHERE p.id IN ({','.join('?' * len(part))}) AND EXISTS (SELECT 1 FROM "
                "visits v WHERE v.prospect_id = p.id AND v.status = 'final') "
                "ON CONFLICT (id) DO UPDATE SET uscc = excluded.uscc, name = excluded.name, "
                "owner_name = excluded.owner_name, address = excluded.address, "
                "stage = excluded.stage, rm_id = excluded.rm_id, reason = excluded.reason, "
                "merged_into = excluded.merged_into, note = excluded.note, "
                "archived_at = excluded.archived_at, archived_by = excluded.archived_by",
                (reason, merged_into, note, self.now_text, self.actor_id, *part),
            )
            archived += max(found.rowcount or 0, 0)
        return archived

    def _update(self, pid: str, values: Mapping[str, object], version: int) -> None:
        sets = "".join(f"{n} = ?, " for n in values)
        self.conn.exec_driver_sql(
            f"UPDATE prospects SET {sets}version = ?, updated_at = ? WHERE id = ?",
            (*(_stored(v) for v in values.values()), version, self.now_text, pid),
        )

    def _sources_of(self, pid: str) -> list[str]:
        return [
            r[0]
            for r in self.conn.exec_driver_sql(
                "SELECT source_code FROM source_memberships WHERE prospect_id = ?", (pid,)
            ).all()
        ]

    def _reindex(self, ids: Sequence[str]) -> None:
        rows = self.current(ids)
        search.write_rows(self.conn, [(pid, self.body(v)) for pid, v in rows.items()])

    # -- what head office sent ---------------------------------------------------------------

    def replicate(
        self,
        rows: list[dict[str, Any]],
        existing: set[str],
        events: list[dict[str, Any]],
        tags: list[dict[str, Any]],
        upsert_sql: str,
        bodies: list[tuple[str, str]],
    ) -> None:
        """Store prospects as head office holds them (rows by COLUMNS name, known ones
        updated by ``upsert_sql``), replacing their stage history and tags."""
        first = search.first_free_rowid(self.conn)
        rowid_of: dict[str, int] = {}
        due_of = self.due_dates.due_text
        # Why each dropped prospect was dropped: its last move to "dropped".
        dropped_for: dict[str, tuple[str, str]] = {}
        for e in events:
            if e["to_stage"] == Stage.DROPPED.value:
                pid, at = e["prospect_id"], e["changed_at"]
                if pid not in dropped_for or at >= dropped_for[pid][0]:
                    dropped_for[pid] = (at, e["reason_code"])
        for row in rows:
            if row["id"] not in existing:
                rowid_of[row["id"]] = first + len(rowid_of)
            row["search_rowid"] = rowid_of.get(row["id"])
            if row["next_visit_due"] is None:
                # Head office keeps no due dates: each device derives them from its rules.
                reason = dropped_for.get(row["id"], ("", None))[1]
                row["next_visit_due"] = due_of(
                    row["stage"], row["stage_changed_at"], row["last_contact_on"], reason or None
                )
        names_of = prospect_names.names_of
        fresh = [
            (*(r[c] for c in COLUMNS), *names_of(r["name"])) for r in rows if r["id"] in rowid_of
        ]
        if fresh:
            self.conn.exec_driver_sql(INSERT_NAMED, fresh)
        known = [tuple(r[c] for c in COLUMNS) for r in rows if r["id"] not in rowid_of]
        if known:
            self.conn.exec_driver_sql(upsert_sql, known)
            # The name may have changed: its sort key follows, and its short name unless
            # an RM wrote their own.
            self.conn.exec_driver_sql(
                "UPDATE prospects SET sort_key = ?, short_name = CASE WHEN "
                "instr(' ' || edited_fields || ' ', ' short_name ') > 0 THEN short_name "
                "ELSE ? END WHERE id = ?",
                [
                    (key, short, r["id"])
                    for r in rows
                    if r["id"] not in rowid_of
                    for short, key in (names_of(r["name"]),)
                ],
            )
        old = [r["id"] for r in rows if r["id"] in existing]
        for start in range(0, len(old), 500):
            chunk = old[start : start + 500]
            self.conn.execute(delete(StageEvent).where(StageEvent.prospect_id.in_(chunk)))
            self.conn.execute(delete(ProspectTag).where(ProspectTag.prospect_id.in_(chunk)))
        if events:
            self.conn.exec_driver_sql(
                INSERT_EVENTS.replace("INSERT", "INSERT OR IGNORE", 1),
                [tuple(e[c] for c in EVENT_COLUMNS) for e in events],
            )
        if tags:
            self.conn.exec_driver_sql(
                INSERT_TAGS.replace("INSERT", "INSERT OR IGNORE", 1),
                [tuple(t[c] for c in TAG_COLUMNS) for t in tags],
            )
        search.bulk_insert(
            self.conn, [(rowid_of[pid], body) for pid, body in bodies if pid in rowid_of]
        )
        search.write_rows(self.conn, [(pid, body) for pid, body in bodies if pid not in rowid_of])

    def release_usccs(self, usccs: Mapping[str, str]) -> None:
        """Prospects holding a USCC head office gives another (code → that one's id) give
        it up."""
        codes = list(usccs)
        for part in _chunks(codes):
            marks = ",".join("?" * len(part))
            clash = self.conn.exec_driver_sql(
                f"SELECT id, uscc FROM prospects WHERE uscc IN ({marks})", part
            ).all()
            freed = [(pid,) for pid, code in clash if usccs.get(str(code)) != pid]
            if freed:
                self.conn.exec_driver_sql("UPDATE prospects SET uscc = NULL WHERE id = ?", freed)

    def remove_local(self, ids: Sequence[str]) -> int:
        """Remove prospects from this book only (deleted at head office, or out of this
        device's scope); returns how many were here. Their finalized visits stay, under
        the prospects archived."""
        self.archive(ids, "head_office")
        search.delete_rows(self.conn, list(ids))
        removed = 0
        for part in _chunks(list(ids)):
            found = self.conn.execute(delete(Prospect).where(Prospect.id.in_(part)))
            removed += found.rowcount or 0
        return removed

    def body(self, values: Mapping[str, Any]) -> str:
        return body_of(values, self._letters)


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[tuple[str, ...]]:
    for start in range(0, len(items), size):
        yield tuple(items[start : start + size])
