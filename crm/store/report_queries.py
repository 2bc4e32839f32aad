"""Reads the visit report needs beyond a visit's page, and the record of identifiers shown.

A report names the branch of the RM it is about, checks the record's place in its
customer's hash chain (only that customer's chain: a report must not walk the whole book),
and a batch export picks the recorded visits of a period. When a user prints ID and phone
numbers in full, that choice is kept in the book (``app_meta``, key ``disclosure.<id>``):
one small row per report printed so, readable later by whoever audits the book.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.domain.attachments import hashes_text
from crm.store import attachment_queries, meta
from crm.store.models import AppMeta, District, Prospect, Team, User
from crm.store.models_attachments import VisitAttachment
from crm.store.models_visit import Visit, VisitChainHead

DISCLOSURE_PREFIX = "disclosure."


@dataclass(frozen=True)
class TeamOfUser:
    user_name: str
    team_id: str | None
    team_name: str
    branch: str


def team_of_user(s: Session, user_id: str) -> TeamOfUser | None:
    row = s.execute(
        select(User.display_name, Team.id, Team.name, Team.branch)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.id == user_id)
    ).first()
    if row is None:
        return None
    return TeamOfUser(row[0], row[1], row[2] or "", row[3] or "")


def district_names(s: Session, code: str) -> tuple[str, str] | None:
    """(Chinese name, English name) of a district."""
    row = s.execute(select(District.name, District.name_en).where(District.code == code)).first()
    return (row[0], row[1] or row[0]) if row is not None else None


def chain_rows(s: Session, prospect_id: str, columns: Sequence[str]) -> list[dict[str, Any]]:
    """One prospect's finalized records in finalizing order, each with ``columns``, its
    content and previous hashes, and the hashes of its files computed again from the bytes
    this book holds (a file not on this computer counts by the hash its record gives), as
    ``crm visits verify`` checks them: what crm.domain.visits.verify_chain reads."""
    names = [*columns, "content_hash", "prev_hash"]
    stmt = (
        select(*(getattr(Visit, n) for n in names))
        .where(Visit.prospect_id == prospect_id, Visit.status == "final")
        .order_by(Visit.finalized_at, Visit.id)
    )
    rows = [dict(zip(names, row, strict=True)) for row in s.execute(stmt)]
    files: dict[str, list[str]] = {}
    ids = [str(r["id"]) for r in rows]
    if ids:
        links = s.execute(
            select(VisitAttachment.visit_id, VisitAttachment.sha256).where(
                VisitAttachment.visit_id.in_(ids)
            )
        )
        for visit_id, sha in links:
            data = attachment_queries.content(s, sha)
            files.setdefault(visit_id, []).append(
                sha if data is None else hashlib.sha256(data).hexdigest()
            )
    for row in rows:
        row["attachments"] = hashes_text(files.get(str(row["id"]), []))
    return rows


def recorded_visit_ids(
    s: Session, start: date, end: date, rm_ids: Sequence[str] | None
) -> list[str]:
    """Ids of the visits recorded (drafted or finalized; amendments are part of the record
    they amend) from ``start`` to ``end`` inclusive, by day, time and customer."""

    stmt = (
        select(Visit.id)
        .join(Prospect, Prospect.id == Visit.prospect_id)
        .where(
            Visit.visit_on >= start,
            Visit.visit_on <= end,
            Visit.amends_id.is_(None),
            Visit.status.in_(("draft", "final")),
        )
        .order_by(Visit.visit_on, Visit.start_time == "", Visit.start_time, Prospect.name, Visit.id)
    )
    if rm_ids is not None:
        stmt = stmt.where(Visit.rm_id.in_(list(rm_ids)))
    return list(s.scalars(stmt))


def record_disclosure(s: Session, record_id: str, entry: dict[str, Any]) -> None:
    """Keep the record that identifiers were printed in full (who, when, what)."""
    meta.put(
        s, DISCLOSURE_PREFIX + record_id, json.dumps(entry, ensure_ascii=False, sort_keys=True)
    )


def disclosures(s: Session) -> list[tuple[str, dict[str, Any]]]:
    """Every disclosure record, oldest first (their ids are UUIDv7: time-ordered)."""
    rows = s.execute(
        select(AppMeta.key, AppMeta.value)
        .where(AppMeta.key.startswith(DISCLOSURE_PREFIX))
        .order_by(AppMeta.key)
    )
    return [(key[len(DISCLOSURE_PREFIX) :], json.loads(value)) for key, value in rows]


@dataclass(frozen=True)
class Samples:
    """Visits worth showing as sample reports: the fullest finalized site visit, the latest
    draft."""

    final_id: str | None
    draft_id: str | None


def samples(s: Session) -> Samples:
    final_id = s.scalar(
        select(Visit.id)
        .where(Visit.status == "final", Visit.kind == "site", Visit.amends_id.is_(None))
        .order_by(func.length(Visit.operating_state).desc(), Visit.visit_on.desc())
        .limit(1)
    )
    draft_id = s.scalar(
        select(Visit.id).where(Visit.status == "draft").order_by(Visit.visit_on.desc()).limit(1)
    )
    return Samples(final_id, draft_id)


@dataclass(frozen=True)
class ConfirmedHead:
    """The last record of a prospect's chain as head office last confirmed it."""

    head_id: str
    head_hash: str
    count: int


def confirmed_head(s: Session, prospect_id: str) -> ConfirmedHead | None:
    row = s.execute(
        select(VisitChainHead.head_id, VisitChainHead.head_hash, VisitChainHead.count).where(
            VisitChainHead.prospect_id == prospect_id
        )
    ).first()
    return ConfirmedHead(str(row[0]), str(row[1]), int(row[2])) if row is not None else None
