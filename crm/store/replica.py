"""The local replica of head office's records: applying them to the book, a page at a time.

Each page is applied in the caller's transaction together with the cursor that follows
it, so a page is applied once or not at all. A record with a change of this device still
waiting in the outbox is left as it is (that change goes up at the next push, and head
office's merged answer comes back after it).

A first download applies a whole book (130,000 records for 20,000 prospects), so rows go
to SQLite through the driver: one ``executemany`` per table and page, with values already
in their stored form (ISO text for dates and UTC timestamps, 0/1 for booleans), planned
once per table from the ORM metadata. New prospects get their search-index rowids in one
block and are indexed with ``search.bulk_insert``; known ones are re-indexed with
``search.write_rows``, in the same transaction.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Final, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Connection, Date, Integer, Table, delete, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crm import resources
from crm.domain.catalogue import InvalidCatalogue, parse_catalogue
from crm.domain.clock import utcnow
from crm.domain.ids import new_id
from crm.domain.text import normalise_name
from crm.store import pipeline_counts
from crm.store.engine import Database, checkpoints_held
from crm.store.fact_writer import encode_value, service_id
from crm.store.indexes_down import indexes_down, record_indexes_down
from crm.store.models import (
    AppMeta,
    Base,
    OutboxOp,
    Prospect,
    SourceMembership,
    Team,
    User,
)
from crm.store.models_sync import SyncConflict, SyncSeen
from crm.store.prospect_writer import COLUMNS, ProspectWriter
from crm.store.types import UTCDateTime

log = logging.getLogger(__name__)

# Local tables of the entities that are plain rows (a record's data are its columns).
TABLES: dict[str, str] = {
    "contact": "contacts",
    "loan": "loans",
    "visit": "visits",
    # The chain heads head office confirms (crm.headoffice.chains).
    "visit_chain": "visit_chain_heads",
    "checklist_tick": "checklist_ticks",
    "prospect_fact": "prospect_facts",
    "held_service": "held_services",
    "visit_attachment": "visit_attachments",
    "service_plan": "service_plans",
}
CATALOGUE_KEY = "headoffice.catalogue"
CRITERIA_KEY = "headoffice.criteria"
# Columns naming a user: a user this device does not know (yet) is stored as NULL.
USER_COLUMNS: Final = frozenset(
    {"rm_id", "ticked_by", "finalized_by", "changed_by", "confirmed_by", "classified_by"}
)
# The outcome of a conflict that is a record from head office this computer cannot apply.
QUARANTINED: Final = "quarantined"
# What applying a record this computer cannot store raises (a database that is locked or
# full is not among them: that stops the page, to be tried again).
APPLY_ERRORS: Final = (
    ValueError,
    TypeError,
    OverflowError,
    KeyError,
    AttributeError,
    sa_exc.IntegrityError,
    sa_exc.DataError,
    sa_exc.InterfaceError,
    sa_exc.ProgrammingError,
)
# Variables in one IN (…) list.
CHUNK: Final = 500
# Where due days are counted when the caller names no zone (the users' own).
DEFAULT_ZONE: Final = ZoneInfo("Asia/Shanghai")


@dataclass
class ApplyStats:
    upserted: int = 0
    removed: int = 0
    skipped_pending: int = 0
    ignored: int = 0

    def add(self, other: ApplyStats) -> None:
        self.upserted += other.upserted
        self.removed += other.removed
        self.skipped_pending += other.skipped_pending
        self.ignored += other.ignored


def _t(model: Any) -> Table:
    return cast(Table, model.__table__)


def now_utc() -> datetime:
    return utcnow()


# -- values in their stored form --------------------------------------------------------------


def _stamp(value: Any, default: datetime | None = None) -> datetime:
    if value in (None, ""):
        return default or now_utc()
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def utc_text(value: Any, default: str) -> str:
    """A timestamp as ``UTCDateTime`` stores it (ISO, UTC, microseconds); ``default`` when
    missing. Head office sends them in that form already: checked, then kept as is."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if len(value) == 32 and value.endswith("+00:00") and parsed.tzinfo is not None:
            return value
    else:
        parsed = value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="microseconds")


def date_text(value: Any) -> str | None:
    """A date as SQLite's ``Date`` stores it (YYYY-MM-DD), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)[:10]).isoformat()


def _plain(value: Any) -> Any:
    """A text column's value: lists of words are joined, other structures kept as JSON."""
    if isinstance(value, list | dict):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return " ".join(value)
        return json.dumps(value, ensure_ascii=False)
    return value


def _empty(type_: Any) -> Any:
    if isinstance(type_, Integer | Boolean):
        return 0
    return ""


class _Now:
    """The stamp given to a missing timestamp: one per page, formatted once."""

    def __init__(self) -> None:
        self.text = now_utc().isoformat(timespec="microseconds")

    def __call__(self) -> str:
        return self.text


# -- statements -------------------------------------------------------------------------------


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upsert_sql(
    table: Table,
    names: Sequence[str],
    *,
    keep: Iterable[str] = (),
    bump_version: bool = False,
    where: str = "",
) -> str:
    """``INSERT … ON CONFLICT (primary key) DO UPDATE`` of ``names`` (qmark parameters)."""
    pk = [c.name for c in table.primary_key.columns]
    cols = ", ".join(_qi(n) for n in names)
    marks = ", ".join("?" for _ in names)
    sql = f"INSERT INTO {_qi(table.name)} ({cols}) VALUES ({marks})"
    skip = set(pk) | set(keep)
    sets = [f"{_qi(n)} = excluded.{_qi(n)}" for n in names if n not in skip]
    if bump_version and "version" in names:
        sets = [s for s in sets if not s.startswith('"version"')]
        sets.append(f'"version" = {_qi(table.name)}."version" + 1')
    if not sets:
        return sql + " ON CONFLICT DO NOTHING"
    sql += f" ON CONFLICT ({', '.join(_qi(n) for n in pk)}) DO UPDATE SET {', '.join(sets)}"
    return sql + (f" WHERE {where}" if where else "")


def plain_insert_sql(table: Table, names: Sequence[str]) -> str:
    """``INSERT`` of ``names``, for rows known to be new: SQLite inserts them faster than
    through an upsert, which must look for a row to update first."""
    cols = ", ".join(_qi(n) for n in names)
    marks = ", ".join("?" for _ in names)
    return f"INSERT INTO {_qi(table.name)} ({cols}) VALUES ({marks})"


def insert_sql(table: Table, names: Sequence[str]) -> str:
    cols = ", ".join(_qi(n) for n in names)
    marks = ", ".join("?" for _ in names)
    return f"INSERT INTO {_qi(table.name)} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING"


def _fallback(column: Any) -> Callable[[], Any]:
    """What a column gets when a record does not say: its default, else NULL or empty."""
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        value = default.arg
        return lambda: value
    if default is not None and getattr(default, "is_callable", False):
        fn = default.arg
        return lambda: fn(None)
    if column.nullable:
        return lambda: None
    value = _empty(column.type)
    return lambda: value


class _Shape:
    """A table's columns in order, and what each becomes when a row (dict) lacks it."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.names = tuple(c.name for c in table.columns)
        self.missing = {c.name: _fallback(c) for c in table.columns}

    def tuples(self, rows: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
        names, missing = self.names, self.missing
        out = []
        for row in rows:
            out.append(tuple(row[n] if n in row else missing[n]() for n in names))
        return out


@cache
def _shape(name: str) -> _Shape:
    return _Shape(Base.metadata.tables[name])


# -- plain rows: contacts, loans, visits, checklist ticks ------------------------------------

# Where a column's value comes from when the record's data does not have it.
_WHEN_MISSING: Final = {
    "id": 'rec["id"]',
    "prospect_id": 'rec.get("prospect_id")',
    "version": 'rec.get("version", 1)',
    "created_at": 'data.get("created_at")',
    "updated_at": 'data.get("created_at")',
    "ticked_at": 'data.get("created_at")',
}
_MISSING: Final = object()


RowFunction = Callable[[dict[str, Any], set[str], _Now], tuple[Any, ...]]


class _RowPlan:
    """How a record of one plain entity becomes a row, and the upsert statement.

    Per column: the value in the record's data (else from the record itself, else the
    column's default), converted to its stored form; a user the device does not know
    becomes NULL. ``row`` is generated as straight-line code for the table's columns
    (``_row_function``): it runs for every record of a first download, where a loop over
    column descriptions cost more than SQLite's own work.
    """

    def __init__(self, entity: str, table: Table) -> None:
        self.entity = entity
        self.table = table
        self.names = tuple(c.name for c in table.columns)
        self.row: RowFunction = _row_function(table)
        # Optional references to other records (a tick's visit, an amendment's original):
        # one this computer does not hold becomes NULL rather than failing the page.
        self.references: list[tuple[int, str, str]] = [
            (n, fk.column.table.name, fk.column.name)
            for n, column in enumerate(table.columns)
            if column.nullable and column.name not in USER_COLUMNS
            for fk in column.foreign_keys
        ]
        pk = [c.name for c in table.primary_key.columns]
        self.key_index = self.names.index("id") if pk == ["id"] else None
        self.insert_sql = plain_insert_sql(table, self.names)
        keep = {"created_at"}
        if entity == "visit":
            # A finalized visit never changes here either (a trigger refuses it).
            self.sql = upsert_sql(
                table,
                self.names,
                keep=keep,
                bump_version=True,
                where=f"{_qi(table.name)}.status != 'final'",
            )
        elif entity == "visit_attachment":
            # A file on a record never changes once it went up with the record.
            self.sql = insert_sql(table, self.names)
        else:
            self.sql = upsert_sql(table, self.names, keep=keep)


@cache
def _plan(entity: str) -> _RowPlan:
    return _RowPlan(entity, _table(entity))


def _row_function(table: Table) -> RowFunction:
    """``row(record, known user ids, now)`` for ``table``, compiled from its columns."""
    scope: dict[str, Any] = {
        "MISSING": _MISSING,
        "plain": _plain,
        "utc_text": utc_text,
        "date_text": date_text,
        "parse_stamp": datetime.fromisoformat,
        "parse_date": date.fromisoformat,
    }
    body = ["def row(rec, users, now):", '    data = rec["data"]', "    get = data.get"]
    for i, column in enumerate(table.columns):
        v = f"v{i}"
        body.append(f"    {v} = get({column.name!r}, MISSING)")
        body.append(f"    if {v} is MISSING: {v} = {_WHEN_MISSING.get(column.name, 'None')}")
        type_ = column.type
        if isinstance(type_, UTCDateTime) and not column.nullable:
            body.append(f"    if {v} is None: {v} = now()")
        else:
            scope[f"fallback{i}"] = _fallback(column)
            body.append(f"    if {v} is None: {v} = fallback{i}()")
        # Dates and timestamps in head office's own form (the usual case) are checked
        # here and kept as they are; others go through date_text / utc_text.
        if isinstance(type_, UTCDateTime):
            body.append(
                f"    elif {v}.__class__ is str and len({v}) == 32 and {v}.endswith('+00:00'): "
                f"parse_stamp({v})"
            )
            body.append(f"    else: {v} = utc_text({v}, now())")
        elif isinstance(type_, Date):
            body.append(
                f"    elif {v}.__class__ is str and len({v}) == 10: "
                f"{v} = parse_date({v}).isoformat()"
            )
            body.append(f"    else: {v} = date_text({v})")
        elif isinstance(type_, Boolean):
            body.append(f"    else: {v} = 1 if {v} else 0")
        elif isinstance(type_, Integer):
            body.append(f"    else: {v} = int({v})")
        else:
            body.append(f"    elif {v}.__class__ is not str: {v} = plain({v})")
        if column.name in USER_COLUMNS:
            body.append(f"    if {v} not in users: {v} = None")
    names = ", ".join(f"v{i}" for i in range(len(table.columns)))
    body.append(f"    return ({names},)")
    exec(compile("\n".join(body), f"<row of {table.name}>", "exec"), scope)
    function: RowFunction = scope["row"]
    return function


def pending_keys(conn: Connection) -> set[tuple[str, str]]:
    """(entity, entity id) of every op still waiting to go up."""
    rows = conn.execute(select(OutboxOp.entity, OutboxOp.entity_id)).all()
    return {(r[0], r[1]) for r in rows}


class Applier:
    """Applies records and removals to the local store over one connection."""

    def __init__(
        self,
        conn: Connection,
        order: Callable[[str], int],
        composite_keys: Mapping[str, tuple[str, ...]],
        zone: ZoneInfo = DEFAULT_ZONE,
    ) -> None:
        """``order``: where an entity's records go in a page (parents first);
        ``composite_keys``: the entities keyed by several fields (the sync protocol's)."""
        self.conn = conn
        self.order = order
        self.composite_keys = composite_keys
        self.writer = ProspectWriter(conn, utcnow(), None, zone, queue=False)
        self.pending = pending_keys(conn)
        self.user_ids = set(conn.execute(select(User.id)).scalars())
        self.now = _Now()
        # Records kept aside as they could not be applied (``_defensively``), which only
        # a careful applier does (the caller sets it to apply a page again that failed).
        self.quarantined = 0
        self.careful = False

    # -- entry points --------------------------------------------------------------------------

    def apply(self, records: Sequence[dict[str, Any]], *, mark_seen: bool = False) -> ApplyStats:
        """Upsert records (parents before children, as head office orders them).

        ``mark_seen`` (a first download) notes the prospects delivered, for the sweep at
        its end (``sweep_unseen``).
        """
        stats = ApplyStats()
        groups: dict[str, list[dict[str, Any]]] = {}
        for rec in records:
            groups.setdefault(rec["entity"], []).append(rec)
        for entity in sorted(groups, key=self.order):
            group = groups[entity]
            if rec_deleted := [r for r in group if r.get("deleted")]:
                stats.add(self.remove(entity, [r["id"] for r in rec_deleted]))
                group = [r for r in group if not r.get("deleted")]
            if entity == "team":
                self._teams(group)
            elif entity == "user":
                self._users(group)
            elif entity == "reference":
                for rec in group:
                    self._reference(rec)
            elif entity == "prospect" or entity in TABLES:
                kept = [r for r in group if (entity, r["id"]) not in self.pending]
                stats.skipped_pending += len(group) - len(kept)
                group = self._defensively(entity, kept)
            else:
                stats.ignored += len(group)
                continue
            stats.upserted += len(group)
            if mark_seen and entity == "prospect" and group:
                self.conn.exec_driver_sql(
                    "INSERT INTO sync_seen (entity, id) VALUES ('prospect', ?) "
                    "ON CONFLICT DO NOTHING",
                    [(r["id"],) for r in group],
                )
        if loans := [r for r in groups.get("loan", []) if not r.get("deleted")]:
            # A first drawdown brings the post-loan visit forward.
            self.writer.refresh_due({str(r["data"].get("prospect_id")) for r in loans})
        return stats

    def _write(self, entity: str, records: list[dict[str, Any]]) -> None:
        if entity == "prospect":
            self._prospects(records)
        else:
            self._rows(entity, self._switched_off(entity, records))

    def _defensively(self, entity: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Write the records; when careful, in a savepoint, and if that fails, again one by
        one, each in its own: a record this computer cannot apply (a bad date, money that
        is not a 64-bit whole number, a value of the wrong type, a parent it does not hold)
        is quarantined and the others apply. Returns those applied."""
        if not records:
            return records
        if not self.careful:
            # The usual case: no savepoint (its journal would hold a copy of every page
            # the group touches); a failure rolls the page back and the caller applies it
            # again carefully.
            self._write(entity, records)
            return records
        try:
            with self._savepoint():
                self._write(entity, records)
            return records
        except APPLY_ERRORS:
            pass
        applied: list[dict[str, Any]] = []
        for rec in records:
            try:
                with self._savepoint():
                    self._write(entity, [rec])
            except APPLY_ERRORS as exc:
                self._quarantine(rec, exc)
            else:
                applied.append(rec)
        return applied

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        self.conn.exec_driver_sql("SAVEPOINT replica_apply")
        try:
            yield
        except BaseException:
            self.conn.exec_driver_sql("ROLLBACK TO SAVEPOINT replica_apply")
            self.conn.exec_driver_sql("RELEASE SAVEPOINT replica_apply")
            raise
        self.conn.exec_driver_sql("RELEASE SAVEPOINT replica_apply")

    def _quarantine(self, rec: dict[str, Any], exc: BaseException) -> None:
        """Keep a record that cannot be applied aside, as an open conflict (outcome
        QUARANTINED) shown on the conflicts page and counted by ``crm sync status``; the
        record, when head office sends it again, replaces the one kept."""
        entity, key = str(rec.get("entity", ""))[:40], str(rec.get("id", ""))[:120]
        detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
        log.warning("a record from head office cannot be applied: quarantined (%s)", detail)
        self.quarantined += 1
        table = _t(SyncConflict)
        self.conn.execute(
            delete(table).where(
                table.c.entity == entity,
                table.c.entity_id == key,
                table.c.outcome == QUARANTINED,
                table.c.resolved_at.is_(None),
            )
        )
        self.conn.execute(
            table.insert().values(
                id=new_id(),
                op_id="",
                entity=entity,
                entity_id=key,
                kind="download",
                outcome=QUARANTINED,
                code="invalid",
                reason=json.dumps(
                    {"reason": f"a record from head office this computer cannot apply ({detail})"},
                    ensure_ascii=False,
                ),
                local_payload="{}",
                server_payload=json.dumps(rec, ensure_ascii=False, default=str),
                created_at=now_utc(),
                resolved_at=None,
                resolution="",
            )
        )

    def remove(self, entity: str, ids: Sequence[str]) -> ApplyStats:
        """Delete records that were deleted at head office or left this device's scope."""
        stats = ApplyStats()
        if not ids:
            return stats
        if entity == "prospect":
            stats.removed += self.writer.remove_local(ids)
        elif entity in TABLES:
            table = _table(entity)
            parts = self.composite_keys.get(entity) or ("id",)
            where = " AND ".join(f"{_qi(p)} = ?" for p in parts)
            if entity == "visit":
                # A finalized visit stays (a trigger refuses its removal): it is evidence,
                # kept under its prospect archived when that goes too.
                where += " AND status != 'final'"
            result = self.conn.exec_driver_sql(
                f"DELETE FROM {_qi(table.name)} WHERE {where}",
                [_key_values(parts, key) for key in ids],
            )
            stats.removed += max(result.rowcount or 0, 0)
        else:
            stats.ignored += len(ids)
        return stats

    def _switched_off(self, entity: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A cleared fact (``value`` null) or a service no longer held (``held`` false) is
        removed here; head office keeps its record, so setting it again is the same record.
        A fact's value is stored as JSON text (``fact_writer.encode_value``)."""
        if entity == "prospect_fact":
            gone = [r["id"] for r in records if r["data"].get("value") is None]
            records = [
                {**r, "data": {**r["data"], "value": encode_value(r["data"]["value"])}}
                for r in records
                if r["data"].get("value") is not None
            ]
        elif entity == "held_service":
            gone = [r["id"] for r in records if r["data"].get("held") is False]
            # The row's id is the one every device gives this (prospect, service).
            records = [
                {**r, "data": {**r["data"], "id": service_id(*r["id"].split("/", 1))}}
                for r in records
                if r["data"].get("held") is not False and "/" in r["id"]
            ]
        else:
            return records
        self.remove(entity, gone)
        return records

    # -- directory and reference data -----------------------------------------------------------

    def _teams(self, records: list[dict[str, Any]]) -> None:
        for rec in records:
            d = rec["data"]
            self._free_unique(_t(Team), "name", d["name"], rec["id"])
            stmt = sqlite_insert(_t(Team)).values(
                id=rec["id"],
                name=d["name"],
                branch=d.get("branch", ""),
                created_at=_stamp(d.get("created_at")),
            )
            self.conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["id"],
                    set_={"name": stmt.excluded.name, "branch": stmt.excluded.branch},
                )
            )

    def _users(self, records: list[dict[str, Any]]) -> None:
        for rec in records:
            d = rec["data"]
            self._free_unique(_t(User), "username", d["username"], rec["id"])
            stmt = sqlite_insert(_t(User)).values(
                id=rec["id"],
                username=d["username"],
                display_name=d.get("display_name", d["username"]),
                role=d.get("role", "rm"),
                team_id=d.get("team_id"),
                phone=d.get("phone", ""),
                active=bool(d.get("active", True)),
                created_at=_stamp(d.get("created_at")),
            )
            self.conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["id"],
                    set_={
                        name: stmt.excluded[name]
                        for name in (
                            "username",
                            "display_name",
                            "role",
                            "team_id",
                            "phone",
                            "active",
                        )
                    },
                )
            )
            self.user_ids.add(rec["id"])

    def _free_unique(self, table: Table, column: str, value: str, own_id: str) -> None:
        """A local row holding the same unique name under another id is renamed aside."""
        self.conn.execute(
            table.update()
            .where(table.c[column] == value, table.c.id != own_id)
            .values({column: value + " (" + own_id[:8] + ")"})
        )

    def _reference(self, rec: dict[str, Any]) -> None:
        data = rec["data"]
        kind, doc = data.get("kind", rec["id"]), data.get("document")
        if kind == "checklists" and isinstance(doc, dict):
            self._checklists(doc)
        elif kind == "cadence" and isinstance(doc, dict):
            self._cadence(doc)
        elif kind == "holidays" and isinstance(doc, dict):
            self._holidays(doc)
        elif kind == "catalogue" and (problem := catalogue_problem(doc)) is not None:
            # A malformed catalogue never replaces the last good one.
            log.warning("the catalogue head office sent is ignored: %s", problem)
        else:
            key = {"catalogue": CATALOGUE_KEY, "criteria": CRITERIA_KEY}.get(
                kind, f"headoffice.{kind}"
            )
            stmt = sqlite_insert(_t(AppMeta)).values(key=key, value=json.dumps(doc))
            self.conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["key"], set_={"value": stmt.excluded.value}
                )
            )

    def _checklists(self, doc: dict[str, Any]) -> None:
        table = Base.metadata.tables["checklist_items"]
        rows = []
        position = 0
        for area in doc.get("areas", []):
            for item in area.get("items", []):
                position += 1
                rows.append(
                    {
                        "code": item["code"],
                        "area": area["code"],
                        "text_zh": item.get("zh", ""),
                        "text_en": item.get("en", ""),
                        "position": position,
                        "active": True,
                    }
                )
        if not rows:
            return
        self.conn.execute(table.update().values(active=False))
        stmt = sqlite_insert(table)
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["code"],
                set_={
                    c: stmt.excluded[c]
                    for c in ("area", "text_zh", "text_en", "position", "active")
                },
            ),
            rows,
        )

    def _cadence(self, doc: dict[str, Any]) -> None:
        table = Base.metadata.tables["cadence_rules"]
        rows = [
            {
                "stage": r["stage"],
                "every_days": int(r["every_days"]),
                "first_after_days": r.get("first_after_days"),
            }
            for r in doc.get("rules", [])
        ]
        if rows:
            self.conn.execute(delete(table))
            self.conn.execute(table.insert(), rows)

    def _holidays(self, doc: dict[str, Any]) -> None:
        table = Base.metadata.tables["holiday_years"]
        held = {y: d for y, d in self.conn.execute(select(table.c.year, table.c.data))}
        changed: list[int] = []
        for year, data in (doc.get("years") or {}).items():
            text_ = json.dumps(data, ensure_ascii=False)
            if held.get(int(year)) == text_:
                continue
            changed.append(int(year))
            stmt = sqlite_insert(table).values(
                year=int(year),
                data=text_,
                source=str(doc.get("source", "head office"))[:100],
                published_at=now_utc(),
            )
            self.conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["year"],
                    set_={"data": stmt.excluded.data, "published_at": stmt.excluded.published_at},
                )
            )
        if changed:
            # A published year replaces its provisional (or earlier) days off: due dates that
            # fell in it, or were pushed out of it into January, move.
            prospects = _t(Prospect)
            due = prospects.c.next_visit_due
            ids = list(
                self.conn.execute(
                    select(prospects.c.id).where(
                        due.between(date(min(changed), 1, 1), date(max(changed) + 1, 1, 31))
                    )
                ).scalars()
            )
            # In parts: a year of a large book's due dates is more than SQLite's limit of
            # bound variables.
            for n in range(0, len(ids), 5000):
                self.writer.refresh_due(ids[n : n + 5000])

    # -- prospects -------------------------------------------------------------------------------

    def _prospects(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        ids = [r["id"] for r in records]
        if len(set(ids)) != len(ids):
            # The same prospect twice (answers to two ops about it): its last state counts.
            records = list({r["id"]: r for r in records}.values())
            ids = [r["id"] for r in records]
        existing = self._present("prospects", ids)
        now = self.now()
        users = self.user_ids
        rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        tags: list[dict[str, Any]] = []
        bodies: list[tuple[str, str]] = []
        usccs: dict[str, str] = {}
        for rec in records:
            d = rec["data"]
            pid = rec["id"]
            created = utc_text(d.get("created_at"), now)
            rm = d.get("rm_id")
            name = d.get("name") or ""
            owner_name = d.get("owner_name") or ""
            row = {
                "id": pid,
                "uscc": d.get("uscc") or None,
                "name": name,
                "name_key": normalise_name(name),
                "kind": d.get("kind") or "enterprise",
                "owner_name": owner_name,
                "phone": d.get("phone") or "",
                "address": d.get("address") or "",
                "district_code": d.get("district_code") or None,
                "street": d.get("street") or "",
                "industry_code": d.get("industry_code") or None,
                "registered_capital_fen": _int_or_none(d.get("registered_capital_fen")),
                "established_on": date_text(d.get("established_on")),
                "stage": d.get("stage") or "no_loan",
                "stage_changed_at": utc_text(d.get("stage_changed_at"), created),
                "assigned_rm_id": rm if rm in users else None,
                "notes": d.get("notes") or "",
                "last_contact_on": date_text(d.get("last_contact_on")),
                "next_visit_due": date_text(d.get("next_visit_due")),
                "created_at": created,
                "updated_at": utc_text(d.get("updated_at"), now),
                "edited_fields": "",
                "version": int(rec.get("version", 1)),
            }
            rows.append(row)
            if row["uscc"]:
                usccs[row["uscc"]] = pid
            for e in d.get("history") or []:
                by = e.get("by")
                events.append(
                    {
                        "id": e.get("id") or new_id(),
                        "prospect_id": pid,
                        "from_stage": e.get("from"),
                        "to_stage": e.get("to") or row["stage"],
                        "reason_code": e.get("reason_code") or "",
                        "reason_text": e.get("reason") or "",
                        "changed_by": by if by in users else None,
                        "changed_at": utc_text(e.get("at"), created),
                    }
                )
            tags.extend(
                {"prospect_id": pid, "tag_code": t} for t in sorted(set(d.get("tags") or []))
            )
            bodies.append((pid, self.writer.body(row)))
        self._release_usccs(usccs)
        self.writer.replicate(
            rows,
            existing,
            events,
            tags,
            upsert_sql(
                _t(Prospect),
                COLUMNS,
                keep=("created_at", "edited_fields", "version", "search_rowid"),
                bump_version=True,
            ),
            bodies,
        )
        self._sources(records, existing, now)

    def _release_usccs(self, usccs: dict[str, str]) -> None:
        """Another local prospect holding an incoming USCC gives it up (its own state, or a
        conflict explaining the duplicate, follows)."""
        self.writer.release_usccs(usccs)

    def _sources(self, records: list[dict[str, Any]], existing: set[str], now: str) -> None:
        have: dict[str, set[str]] = {}
        old = [r["id"] for r in records if r["id"] in existing]
        for chunk in _chunks(old):
            for pid, code in self.conn.execute(
                select(SourceMembership.prospect_id, SourceMembership.source_code).where(
                    SourceMembership.prospect_id.in_(chunk)
                )
            ):
                have.setdefault(pid, set()).add(code)
        inserts: list[dict[str, Any]] = []
        for rec in records:
            pid = rec["id"]
            wanted = set(rec["data"].get("sources") or [])
            current = have.get(pid, set())
            gone = current - wanted
            if gone:
                self.conn.execute(
                    delete(SourceMembership).where(
                        SourceMembership.prospect_id == pid,
                        SourceMembership.source_code.in_(sorted(gone)),
                    )
                )
            if wanted - current:
                added = utc_text(rec["data"].get("created_at"), now)
                inserts.extend(
                    {
                        "id": new_id(),
                        "prospect_id": pid,
                        "source_code": code,
                        "added_at": added,
                        "external_ref": "",
                    }
                    for code in sorted(wanted - current)
                )
        if inserts:
            shape = _shape("source_memberships")
            self.conn.exec_driver_sql(insert_sql(shape.table, shape.names), shape.tuples(inserts))

    # -- plain rows: contacts, loans, visits, checklist ticks --------------------------------------

    def _rows(self, entity: str, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        plan = _plan(entity)
        users = self.user_ids
        row, now = plan.row, self.now
        rows = [row(rec, users, now) for rec in records]
        for index, target, column in plan.references:
            rows = self._known_references(plan, rows, index, target, column)
        key = plan.key_index
        if key is None:
            self.conn.exec_driver_sql(plan.sql, rows)
            return
        # Rows this computer does not have yet (all of them in a first download) are plain
        # inserts; the others are upserts. The write lock is held: nobody adds one between.
        keys = [r[key] for r in rows]
        present = self._present(plan.table.name, keys) if len(set(keys)) == len(keys) else None
        if present is None:
            self.conn.exec_driver_sql(plan.sql, rows)
            return
        fresh = [r for r in rows if r[key] not in present]
        if fresh:
            self.conn.exec_driver_sql(plan.insert_sql, fresh)
        if len(fresh) < len(rows):
            self.conn.exec_driver_sql(plan.sql, [r for r in rows if r[key] in present])

    def _present(self, table: str, ids: list[str]) -> set[str]:
        """Which of these ids the table holds."""
        found: set[str] = set()
        for chunk in _chunks(ids):
            found.update(
                r[0]
                for r in self.conn.exec_driver_sql(
                    f"SELECT id FROM {_qi(table)} WHERE id IN ({_marks(chunk)})", tuple(chunk)
                )
            )
        return found

    def _known_references(
        self,
        plan: _RowPlan,
        rows: list[tuple[Any, ...]],
        index: int,
        target: str,
        column: str,
    ) -> list[tuple[Any, ...]]:
        wanted = {r[index] for r in rows if r[index] is not None}
        if not wanted:
            return rows
        known: set[Any] = set()
        if target == plan.table.name and plan.key_index is not None:
            known = {r[plan.key_index] for r in rows}
        asked = sorted(wanted - known)
        for chunk in _chunks(asked):
            known.update(
                r[0]
                for r in self.conn.exec_driver_sql(
                    f"SELECT {_qi(column)} FROM {_qi(target)} "
                    f"WHERE {_qi(column)} IN ({_marks(chunk)})",
                    tuple(chunk),
                )
            )
        if wanted <= known:
            return rows
        return [
            r if r[index] is None or r[index] in known else (*r[:index], None, *r[index + 1 :])
            for r in rows
        ]


def catalogue_problem(document: object) -> str | None:
    """What is wrong with a product catalogue (its first problem), or None if it is good:
    checked against the bundled schema and the catalogue's own rules."""
    try:
        parse_catalogue(document, resources.catalogue_schema())
    except InvalidCatalogue as exc:
        return str(exc)
    return None


def _int_or_none(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _table(entity: str) -> Table:
    return Base.metadata.tables[TABLES[entity]]


def _key_values(parts: Sequence[str], key: str) -> tuple[str, ...]:
    if len(parts) == 1:
        return (key,)
    values = key.split("/", len(parts) - 1)
    return tuple(values + [""] * (len(parts) - len(values)))


def _marks(items: Sequence[Any]) -> str:
    return ", ".join("?" for _ in items)


def _chunks(items: list[str], size: int = CHUNK) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sweep_unseen(conn: Connection) -> int:
    """After a full download: drop prospects head office did not send (left scope while this
    device was away) unless they have changes waiting to go up. Returns how many."""
    pending = {eid for ent, eid in pending_keys(conn) if ent == "prospect"}
    ids = [
        pid
        for pid in conn.execute(
            text(
                "SELECT id FROM prospects WHERE id NOT IN "
                "(SELECT id FROM sync_seen WHERE entity = 'prospect')"
            )
        ).scalars()
        if pid not in pending
    ]
    applier = Applier(conn, lambda _: 0, {})
    removed = applier.remove("prospect", ids).removed
    conn.execute(delete(SyncSeen))
    return removed


# -- a first download into an empty book ------------------------------------------------------

# The book's tables: a first download into an empty book fills them from nothing.
BOOK_TABLES: Final = (
    "prospects",
    "stage_events",
    "prospect_tags",
    "source_memberships",
    "contacts",
    "loans",
    "visits",
    "checklist_ticks",
)


def book_is_empty(conn: Connection) -> bool:
    return all(
        conn.exec_driver_sql(f"SELECT 1 FROM {_qi(table)} LIMIT 1").first() is None
        for table in BOOK_TABLES
    )


def take_down_indexes(conn: Connection) -> int:
    """Drop the book tables' secondary indexes for a first download into an empty book;
    returns how many.

    Keeping the secondary indexes up to date row by row is a large share of SQLite's work
    in a first download; building them once from the loaded tables costs much less, and
    the download writes fewer pages. Unique indexes
    stay: they are constraints. The statements that make them again are kept in app_meta in
    the same transaction, so a download that stops part-way, even by a crash, leaves the
    record of what ``put_back_indexes`` must rebuild.
    """
    tables = ", ".join("?" for _ in BOOK_TABLES)
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({tables}) ORDER BY name",
        BOOK_TABLES,
    ).all()
    down = indexes_down(conn)
    for name, sql in found:
        if str(sql).lstrip()[:13].upper() == "CREATE UNIQUE":
            continue
        down[str(name)] = str(sql)
        conn.exec_driver_sql(f"DROP INDEX {_qi(str(name))}")
    if down:
        record_indexes_down(conn, down)
        # The pipeline's counts, made again from the records with the indexes.
        pipeline_counts.suspend(conn)
    return len(down)


def indexes_are_down(conn: Connection) -> bool:
    return bool(indexes_down(conn))


@contextmanager
def download_writer(db: Database) -> Iterator[Connection]:
    """The one connection a first download writes its pages with, each in its own
    transaction (``begin()``, which takes the write lock up front).

    SQLite copies the write-ahead log into the database (a checkpoint, with a flush to
    disk each side) once the log passes 1,000 pages, so after every page of a download:
    27 times for a book of 20,000 prospects, rewriting the pages of tables and indexes
    that every page touches again. This connection holds that back until the last page
    is written, then checkpoints once. A download stopped part-way leaves a long log,
    which the next checkpoint (or SQLite on opening the file) takes in as usual.
    """
    with db.engine.connect() as conn, checkpoints_held(conn):
        conn.execution_options(crm_write=True)
        try:
            yield conn
        finally:
            with contextlib.suppress(Exception):
                driver: Any = conn.connection.driver_connection
                driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
