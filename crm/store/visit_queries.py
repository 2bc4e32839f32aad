"""Visit reads: the rows the calendar, the lists, a visit's page and the chain check show,
with the conditions that steer SQLite to the right index (tuned by hand), a calendar range's
first visits of each day with the days' counts, and the finalized records in chain order for
verifying the hash chains.

A visit line is the columns of ``crm.services.visit_reading.VisitLine`` in its order
(`line_select`); a visit's own row comes out as a `VisitRecord` (a copy: the visit writer
makes every change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from crm.domain.visits import VisitDraft, VisitStatus, codes_of
from crm.store.models import District, Prospect, User
from crm.store.models_visit import ArchivedProspect, ChecklistTick, Visit

FINAL = VisitStatus.FINAL.value

# Planned or drafted, not finalized: written with the literal, so that SQLite uses the
# partial index ix_visits_open_visit_on (a bound parameter would not match its WHERE).
OPEN_VISIT = Visit.status != literal_column("'final'")


def rm_in(rm_ids: Sequence[str], *, by_index: bool = True) -> ColumnElement[bool]:
    """Visits of these RMs. ``by_index=False`` keeps SQLite from choosing the RM index
    (``rm_id || ''`` is not indexable) when another index is far more selective, such as
    the partial index of the few open visits."""
    column = Visit.rm_id if by_index else Visit.rm_id.concat("")
    return column.in_(list(rm_ids))


def calendar_picks(
    s: Session, start: date, end: date, rm_ids: Sequence[str] | None, per_day: int
) -> list[tuple[str, date, int]]:
    """Each day's first ``per_day`` visits from ``start`` to ``end`` inclusive (originals
    only; untimed last), as (visit id, day, the day's number of visits in all).

    A team's month can hold tens of thousands of visits: for some RMs (``rm_ids``; None:
    everybody's) the ids, days and counts are read from the covering index
    (rm_id, visit_on, start_time, amends_id, id) alone."""
    scope = ""
    params: dict[str, Any] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "per_day": per_day,
    }
    if rm_ids is not None:
        scope = " AND v.rm_id IN :rms"
        params["rms"] = list(rm_ids)
    stmt = text(
        "SELECT id, visit_on, n FROM ("
        " SELECT v.id AS id, v.visit_on AS visit_on,"
        "  row_number() OVER (PARTITION BY v.visit_on"
        "   ORDER BY v.start_time = '', v.start_time, v.id) AS rank,"
        "  count(*) OVER (PARTITION BY v.visit_on) AS n"
        " FROM visits v"
        + (" INDEXED BY ix_visits_rm_visit_on" if rm_ids is not None else "")
        + " WHERE v.visit_on BETWEEN :start AND :end AND v.amends_id IS NULL"
        + scope
        + ") WHERE rank <= :per_day"
    )
    if rm_ids is not None:
        stmt = stmt.bindparams(bindparam("rms", expanding=True))
    return [
        (str(vid), date.fromisoformat(str(day)), int(n))
        for vid, day, n in s.execute(stmt, params).all()
    ]


def finalized_in_chain_order(conn: Connection, columns: Sequence[str]) -> CursorResult[Any]:
    """The given columns of every finalized visit, then its content and previous hashes,
    prospect by prospect in the order they were finalized: read as the rows come (a large
    book holds hundreds of thousands of records), through the driver."""
    selected = ", ".join(f"v.{name}" for name in columns)
    sql = (
        f"SELECT {selected}, v.content_hash, v.prev_hash FROM visits v "
        "WHERE v.status = 'final' ORDER BY v.prospect_id, v.finalized_at, v.id"
    )
    return conn.exec_driver_sql(sql)


def reopened_visits(conn: Connection) -> list[tuple[str, str]]:
    """(visit id, prospect id) of visits hashed as finalized but no longer final."""
    return [
        (str(vid), str(pid))
        for vid, pid in conn.exec_driver_sql(
            "SELECT id, prospect_id FROM visits WHERE status != 'final' AND content_hash != ''"
        )
    ]


# -- visit lines ------------------------------------------------------------------------------

_RM = aliased(User)

# Ids go into IN (…) this many at a time.
CHUNK = 500


def line_select() -> Select[*tuple[Any, ...]]:
    """A visit line's columns (``VisitLine``'s fields, in order) with its prospect, district
    and RM; a finalized visit whose prospect went is read with the prospect as archived."""
    return (
        select(
            Visit.id,
            Visit.prospect_id,
            func.coalesce(Prospect.name, ArchivedProspect.name, "").label("prospect_name"),
            Prospect.district_code,
            District.name.label("district_name"),
            func.coalesce(Prospect.street, "").label("street"),
            func.coalesce(Prospect.address, ArchivedProspect.address, "").label("address"),
            Visit.rm_id,
            _RM.display_name.label("rm_name"),
            Visit.status,
            Visit.kind,
            Visit.visit_on,
            Visit.start_time,
            Visit.place,
            Visit.purpose,
            Visit.companions,
            Visit.amends_id,
            Visit.version,
            func.coalesce(Prospect.short_name, "").label("short_name"),
        )
        .outerjoin(Prospect, Prospect.id == Visit.prospect_id)
        .outerjoin(ArchivedProspect, ArchivedProspect.id == Visit.prospect_id)
        .outerjoin(District, District.code == Prospect.district_code)
        .outerjoin(_RM, _RM.id == Visit.rm_id)
    )


def scoped(
    stmt: Select[*tuple[Any, ...]], rm_ids: Sequence[str] | None, *, by_index: bool = True
) -> Select[*tuple[Any, ...]]:
    """Only these RMs' visits. ``by_index=False`` when another index is far more selective
    than the RM's (such as the partial index of the few open visits)."""
    if rm_ids is None:
        return stmt
    return stmt.where(rm_in(rm_ids, by_index=by_index))


def lines_between(
    s: Session, start: date, end: date, rm_ids: Sequence[str] | None
) -> Sequence[tuple[Any, ...]]:
    """Visit lines from ``start`` to ``end`` inclusive (originals only), in day and time
    order."""
    stmt = scoped(
        line_select().where(
            Visit.visit_on >= start, Visit.visit_on <= end, Visit.amends_id.is_(None)
        ),
        rm_ids,
    ).order_by(Visit.visit_on, Visit.start_time == "", Visit.start_time, Prospect.name)
    return s.execute(stmt).all()


def lines_of(s: Session, visit_ids: Sequence[str]) -> list[tuple[Any, ...]]:
    """The lines of these visits (in no particular order)."""
    ids = list(visit_ids)
    lines: list[tuple[Any, ...]] = []
    for first in range(0, len(ids), CHUNK):
        lines.extend(s.execute(line_select().where(Visit.id.in_(ids[first : first + CHUNK]))))
    return lines


def line_of(s: Session, visit_id: str) -> tuple[Any, ...]:
    """The line of a visit that exists."""
    return s.execute(line_select().where(Visit.id == visit_id)).one()


def amendment_lines(s: Session, root_id: str) -> Sequence[tuple[Any, ...]]:
    """The amendments of the record ``root_id``, oldest first."""
    stmt = line_select().where(Visit.amends_id == root_id).order_by(Visit.created_at)
    return s.execute(stmt).all()


def prospect_history(s: Session, prospect_id: str) -> Sequence[tuple[Any, ...]]:
    """Every visit line of a prospect, newest first (amendments included), with the
    finalized visits of the duplicates merged into it."""
    merged = select(ArchivedProspect.id).where(ArchivedProspect.merged_into == prospect_id)
    stmt = (
        line_select()
        .where((Visit.prospect_id == prospect_id) | Visit.prospect_id.in_(merged))
        .order_by(Visit.visit_on.desc(), Visit.created_at.desc())
    )
    return s.execute(stmt).all()


def open_visit_days(s: Session, prospect_ids: Sequence[str]) -> dict[str, date]:
    """The earliest planned (or drafted) visit day of each prospect that has one."""
    result: dict[str, date] = {}
    ids = list(prospect_ids)
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(Visit.prospect_id, func.min(Visit.visit_on))
            .where(
                Visit.prospect_id.in_(ids[start : start + CHUNK]),
                OPEN_VISIT,
            )
            .group_by(Visit.prospect_id)
        )
        result.update({pid: day for pid, day in s.execute(stmt)})
    return result


# -- a visit's own row ------------------------------------------------------------------------

_HELD = "crm.rows_held"


def hold(s: Session, row: object) -> None:
    """Keep ``row`` in the session's identity map for the rest of the unit of work.

    The identity map holds an unchanged row only weakly: a use case that reads a visit as a
    copy and then has the writer change it, or reads it again after the writer made it,
    would otherwise read the row from the database a second time."""
    held: dict[int, object] = s.info.setdefault(_HELD, {})
    held[id(row)] = row


@dataclass(frozen=True)
class VisitRecord:
    """A visit's row as the use cases read it: a copy taken when read (the visit writer
    makes every change; read again after one)."""

    id: str
    prospect_id: str
    rm_id: str | None
    status: str
    version: int
    amends_id: str | None
    draft: VisitDraft
    content_hash: str
    prev_hash: str
    finalized_at: datetime | None
    finalized_by: str | None
    created_at: datetime
    updated_at: datetime


def draft_of(v: Visit) -> VisitDraft:
    """The content of a visit row as a (new) draft."""
    return VisitDraft(
        visit_on=v.visit_on,
        kind=v.kind,
        start_time=v.start_time,
        place=v.place,
        purpose=v.purpose,
        companions=v.companions,
        people_met=v.people_met,
        operating_state=v.operating_state,
        repayment_source=v.repayment_source,
        growth_prospects=v.growth_prospects,
        need_amount_fen=v.need_amount_fen,
        need_purpose=v.need_purpose,
        need_timing=v.need_timing,
        due_diligence=codes_of(v.due_diligence),
        checklist_items=codes_of(v.checklist_items),
        credit_auth=v.credit_auth,
        credit_auth_on=v.credit_auth_on,
        next_steps=v.next_steps,
        next_visit_on=v.next_visit_on,
        amend_reason=v.amend_reason,
    )


def _record(v: Visit) -> VisitRecord:
    return VisitRecord(
        id=v.id,
        prospect_id=v.prospect_id,
        rm_id=v.rm_id,
        status=v.status,
        version=v.version,
        amends_id=v.amends_id,
        draft=draft_of(v),
        content_hash=v.content_hash,
        prev_hash=v.prev_hash,
        finalized_at=v.finalized_at,
        finalized_by=v.finalized_by,
        created_at=v.created_at,
        updated_at=v.updated_at,
    )


def visit_record(s: Session, visit_id: str) -> VisitRecord | None:
    """The visit ``visit_id`` (from the session's identity map when this transaction has
    it already), or None."""
    v = s.get(Visit, visit_id)
    if v is None:
        return None
    hold(s, v)
    return _record(v)


def latest_final_amendment(s: Session, root_id: str) -> VisitRecord | None:
    """The last finalized amendment of the record ``root_id``, if any."""
    latest = s.scalar(
        select(Visit)
        .where(Visit.amends_id == root_id, Visit.status == FINAL)
        .order_by(Visit.finalized_at.desc())
        .limit(1)
    )
    return _record(latest) if latest is not None else None


def open_amendment_id(s: Session, root_id: str) -> str | None:
    """The amendment of the record ``root_id`` not yet finalized, if there is one."""
    found = s.scalar(select(Visit.id).where(Visit.amends_id == root_id, Visit.status != FINAL))
    return str(found) if found is not None else None


def visit_day_and_prospect_name(s: Session, visit_id: str) -> tuple[str, date] | None:
    """(prospect's name, visit day) of a visit, if it exists (its prospect as archived when
    it went)."""
    row = s.execute(
        select(
            func.coalesce(Prospect.name, ArchivedProspect.name, "").label("name"), Visit.visit_on
        )
        .select_from(Visit)
        .outerjoin(Prospect, Prospect.id == Visit.prospect_id)
        .outerjoin(ArchivedProspect, ArchivedProspect.id == Visit.prospect_id)
        .where(Visit.id == visit_id)
    ).first()
    return (row.name, row.visit_on) if row else None


def prospect_name(s: Session, prospect_id: str) -> str:
    """A prospect's name, as archived when it went ("" when this book never had it)."""
    name = s.scalar(select(Prospect.name).where(Prospect.id == prospect_id))
    if name is None:
        name = s.scalar(select(ArchivedProspect.name).where(ArchivedProspect.id == prospect_id))
    return str(name or "")


# -- prospects gone, and the chains head office holds -------------------------------------------


@dataclass(frozen=True)
class ArchiveEntry:
    """A prospect that went while it had finalized visits: who it was, why and when it went."""

    id: str
    uscc: str | None
    name: str
    owner_name: str
    address: str
    stage: str
    rm_id: str | None
    reason: str
    merged_into: str | None
    note: str
    archived_at: datetime
    archived_by: str | None


def archive_entry(s: Session, prospect_id: str) -> ArchiveEntry | None:
    a = s.get(ArchivedProspect, prospect_id)
    if a is None:
        return None
    return ArchiveEntry(
        a.id,
        a.uscc,
        a.name,
        a.owner_name,
        a.address,
        a.stage,
        a.rm_id,
        a.reason,
        a.merged_into,
        a.note,
        a.archived_at,
        a.archived_by,
    )


@dataclass(frozen=True)
class ChainGap:
    """A chain this book holds short of the head head office confirmed: its last record
    (``head_id``) is missing here (``here_hash`` None) or not the record head office holds."""

    prospect_id: str
    head_id: str
    head_hash: str
    held: int
    here: int
    here_hash: str | None
    confirmed_at: datetime | None


def chain_gaps(conn: Connection) -> list[ChainGap]:
    """The chains whose head, as head office last confirmed it, this book does not hold
    as it was finalized (missing, changed or no longer final)."""
    rows = conn.exec_driver_sql(
        "SELECT h.prospect_id, h.head_id, h.head_hash, h.count, "
        "(SELECT count(*) FROM visits f WHERE f.prospect_id = h.prospect_id "
        "AND f.status = 'final'), v.content_hash, v.status, h.confirmed_at "
        "FROM visit_chain_heads h LEFT JOIN visits v ON v.id = h.head_id "
        "WHERE v.id IS NULL OR v.status != 'final' OR v.content_hash != h.head_hash "
        "ORDER BY h.prospect_id"
    ).all()
    return [
        ChainGap(
            str(pid),
            str(head),
            str(digest),
            int(held),
            int(here),
            str(here_hash) if here_hash is not None and status == FINAL else None,
            datetime.fromisoformat(str(at)) if at else None,
        )
        for pid, head, digest, held, here, here_hash, status, at in rows
    ]


# -- the prospect side ------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitedProspect:
    """What the visit use cases read of a prospect's row (a copy taken when read)."""

    id: str
    stage: str
    assigned_rm_id: str | None
    last_contact_on: date | None
    next_visit_due: date | None


def visited_prospect(s: Session, prospect_id: str) -> VisitedProspect | None:
    """The prospect ``prospect_id`` (from the identity map when this transaction has it
    already), or None."""
    p = s.get(Prospect, prospect_id)
    if p is None:
        return None
    hold(s, p)
    return VisitedProspect(p.id, p.stage, p.assigned_rm_id, p.last_contact_on, p.next_visit_due)


def prospect_line(s: Session, prospect_id: str) -> tuple[Any, ...] | None:
    """(name, district code, district name, street, address, RM's id, RM's name) of a
    prospect: the prospect's part of a visit line."""
    row = s.execute(
        select(
            Prospect.name,
            Prospect.district_code,
            District.name,
            Prospect.street,
            Prospect.address,
            Prospect.assigned_rm_id,
            _RM.display_name,
        )
        .outerjoin(District, District.code == Prospect.district_code)
        .outerjoin(_RM, _RM.id == Prospect.assigned_rm_id)
        .where(Prospect.id == prospect_id)
    ).first()
    return tuple(row) if row is not None else None


def prospect_briefs(s: Session, prospect_ids: Sequence[str]) -> Sequence[tuple[Any, ...]]:
    """(id, name, address, district name, stage, RM's name, last contact, next due,
    district code) of these prospects, as a planning dialog shows them."""
    stmt = (
        select(
            Prospect.id,
            Prospect.name,
            Prospect.address,
            District.name.label("district_name"),
            Prospect.stage,
            _RM.display_name.label("rm_name"),
            Prospect.last_contact_on,
            Prospect.next_visit_due,
            Prospect.district_code,
        )
        .outerjoin(District, District.code == Prospect.district_code)
        .outerjoin(_RM, _RM.id == Prospect.assigned_rm_id)
        .where(Prospect.id.in_(list(prospect_ids)))
    )
    return s.execute(stmt).all()


def checklist_ticks(s: Session, prospect_id: str) -> list[tuple[str, datetime, str | None]]:
    """(item code, ticked at, visit id) of every checklist tick of a prospect."""
    stmt = select(ChecklistTick.item_code, ChecklistTick.ticked_at, ChecklistTick.visit_id).where(
        ChecklistTick.prospect_id == prospect_id
    )
    return [(code, at, vid) for code, at, vid in s.execute(stmt)]


def ticked_codes(s: Session, prospect_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(prospect id, item code) of every checklist tick of these prospects."""
    ids = list(prospect_ids)
    found: list[tuple[str, str]] = []
    for start in range(0, len(ids), CHUNK):
        found.extend(
            (pid, code)
            for pid, code in s.execute(
                select(ChecklistTick.prospect_id, ChecklistTick.item_code).where(
                    ChecklistTick.prospect_id.in_(ids[start : start + CHUNK])
                )
            )
        )
    return found


def chain_end(conn: Connection, prospect_id: str) -> tuple[str, str] | None:
    """(id, hash) of the last finalized record of a prospect's chain in this book."""
    row = conn.exec_driver_sql(
        "SELECT id, content_hash FROM visits WHERE prospect_id = ? AND status = 'final' "
        "ORDER BY finalized_at DESC, id DESC LIMIT 1",
        (prospect_id,),
    ).first()
    return (str(row[0]), str(row[1])) if row is not None else None


def reported_chain_gaps(conn: Connection) -> set[str]:
    """The prospects whose chain gap head office already answered (an open conflict)."""
    return {
        str(pid)
        for (pid,) in conn.exec_driver_sql(
            "SELECT entity_id FROM sync_conflicts WHERE entity = 'visit_chain' "
            "AND code = 'chain_gap' AND resolved_at IS NULL"
        )
    }
