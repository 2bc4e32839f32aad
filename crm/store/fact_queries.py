"""Reading what product matching needs: a prospect's facts (with who confirmed them and
when), the services it holds, and — for matching a whole book — every prospect's own
fields and facts in one pass each."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.store.fact_writer import decode_value
from crm.store.models import Prospect, User
from crm.store.models_products import HeldService, ProspectFact

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FactRow:
    key: str
    value: Any
    confirmed_on: date | None
    confirmed_by: str | None
    # The confirmer's display name, when this book knows the user.
    confirmed_by_name: str | None


@dataclass(frozen=True)
class HeldRow:
    service_code: str
    since: date | None


class ProspectBasics(NamedTuple):
    """The prospect's own fields that matching reads beside its facts (a tuple: a whole
    book's are made at once)."""

    id: str
    kind: str
    industry_code: str | None
    established_on: date | None


def facts(s: Session, prospect_id: str) -> list[FactRow]:
    rows = s.execute(
        select(
            ProspectFact.key,
            ProspectFact.value,
            ProspectFact.confirmed_on,
            ProspectFact.confirmed_by,
            User.display_name,
        )
        .outerjoin(User, User.id == ProspectFact.confirmed_by)
        .where(ProspectFact.prospect_id == prospect_id)
        .order_by(ProspectFact.key)
    ).all()
    found = []
    for r in rows:
        try:
            value = decode_value(r[1])
        except ValueError:
            log.warning("a stored fact that is not JSON is ignored: %s", r[0])
            continue
        found.append(FactRow(r[0], value, r[2], r[3], r[4]))
    return found


def held(s: Session, prospect_id: str) -> list[HeldRow]:
    rows = s.execute(
        select(HeldService.service_code, HeldService.since)
        .where(HeldService.prospect_id == prospect_id)
        .order_by(HeldService.service_code)
    ).all()
    return [HeldRow(r[0], r[1]) for r in rows]


def basics(s: Session, prospect_id: str) -> ProspectBasics | None:
    row = s.execute(
        select(Prospect.id, Prospect.kind, Prospect.industry_code, Prospect.established_on).where(
            Prospect.id == prospect_id
        )
    ).first()
    return None if row is None else ProspectBasics(row[0], row[1], row[2], row[3])


def all_basics(s: Session) -> list[ProspectBasics]:
    """Every prospect's own fields, through the driver (a whole book: no ORM rows)."""
    conn = s.connection()
    rows = conn.exec_driver_sql(
        "SELECT id, kind, industry_code, established_on FROM prospects"
    ).all()
    parse = date.fromisoformat
    return [ProspectBasics(r[0], r[1], r[2], parse(r[3]) if r[3] else None) for r in rows]


def all_facts(s: Session) -> dict[str, dict[str, Any]]:
    """Every prospect's facts (key → JSON value) by prospect id, in one query: SQLite joins
    each prospect's facts into one JSON object (the values are JSON text already), so they
    are decoded once per prospect rather than once per fact."""
    conn = s.connection()
    decode = json.loads
    out: dict[str, dict[str, Any]] = {}
    for pid, doc in conn.exec_driver_sql(
        "SELECT prospect_id, '{' || group_concat(json_quote(key) || ':' || value, ',') || '}' "
        "FROM prospect_facts GROUP BY prospect_id"
    ):
        try:
            out[str(pid)] = decode(doc)
        except ValueError:  # a value that is not JSON: the others of the prospect are kept
            out[str(pid)] = _one_by_one(conn, str(pid))
    return out


def _one_by_one(conn: Any, prospect_id: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in conn.exec_driver_sql(
        "SELECT key, value FROM prospect_facts WHERE prospect_id = ?", (prospect_id,)
    ):
        try:
            found[str(key)] = decode_value(value)
        except ValueError:
            continue
    return found


def all_held(s: Session) -> Iterator[tuple[str, str]]:
    """(prospect id, service code) of every held service."""
    conn = s.connection()
    for pid, code in conn.exec_driver_sql("SELECT prospect_id, service_code FROM held_services"):
        yield str(pid), str(code)
