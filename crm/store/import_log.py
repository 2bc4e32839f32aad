"""The record the import keeps of itself: its batches (what each file did, for undo and for
"this file was imported before"), the column mappings saved per source list, and the
possible duplicates it flagged for the RM to settle.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from crm.domain.ids import new_id
from crm.store.models import District, Prospect
from crm.store.models_import import DuplicateFlag, ImportBatch, ImportMapping

# -- batches -----------------------------------------------------------------------------------


def begin_batch(s: Session, **values: Any) -> str:
    """A batch row for an import about to run (status "running"); returns its id."""
    batch = ImportBatch(id=new_id(), status="running", finished_at=None, undone_at=None, **values)
    s.add(batch)
    s.flush()
    return batch.id


def finish_batch(s: Session, batch_id: str, now: datetime, counts: Mapping[str, int]) -> None:
    batch = s.get(ImportBatch, batch_id)
    assert batch is not None
    batch.status = "done"
    batch.finished_at = now
    batch.rows_total = counts["rows"]
    for name in ("created", "merged", "flagged", "rejected", "unchanged", "skipped"):
        setattr(batch, name, counts[name])


def batch(s: Session, batch_id: str) -> ImportBatch | None:
    return s.get(ImportBatch, batch_id)


def mark_undone(b: ImportBatch, now: datetime) -> None:
    b.status = "undone"
    b.undone_at = now


def batches(s: Session, limit: int) -> Sequence[ImportBatch]:
    return s.scalars(select(ImportBatch).order_by(ImportBatch.started_at.desc()).limit(limit)).all()


def same_file(s: Session, digest: str) -> Sequence[ImportBatch]:
    """Finished imports of a file with these contents, the latest first."""
    stmt = (
        select(ImportBatch)
        .where(ImportBatch.file_sha256 == digest, ImportBatch.status == "done")
        .order_by(ImportBatch.started_at.desc())
    )
    return s.scalars(stmt).all()


def districts(s: Session) -> tuple[tuple[str, str], ...]:
    """(code, name) of the districts a list's addresses are matched against."""
    return tuple((d.code, d.name) for d in s.scalars(select(District)))


# -- column mappings ---------------------------------------------------------------------------


def mappings(
    s: Session, source_code: str | None = None, name: str | None = None
) -> Sequence[ImportMapping]:
    stmt = select(ImportMapping).order_by(ImportMapping.source_code, ImportMapping.name)
    if source_code:
        stmt = stmt.where(ImportMapping.source_code == source_code)
    if name is not None:
        stmt = stmt.where(ImportMapping.name == name)
    return s.scalars(stmt).all()


def save_mapping(
    s: Session,
    source_code: str,
    name: str,
    columns: Mapping[str, str],
    header_row: int | None,
    now: datetime,
) -> ImportMapping:
    """Save (or replace) the named mapping of a source list."""
    found = s.scalar(
        select(ImportMapping).where(
            ImportMapping.source_code == source_code, ImportMapping.name == name
        )
    )
    if found is None:
        found = ImportMapping(id=new_id(), source_code=source_code, name=name[:100])
        s.add(found)
    found.mapping = json.dumps(dict(columns), ensure_ascii=False)
    found.header_row = header_row
    found.updated_at = now
    s.flush()
    return found


def delete_mapping(s: Session, mapping_id: str) -> None:
    s.execute(delete(ImportMapping).where(ImportMapping.id == mapping_id))


# -- possible duplicates -----------------------------------------------------------------------


def flags(s: Session, status: str | None, limit: int) -> list[tuple[DuplicateFlag, str, str]]:
    """Flags with the flagged prospect's name and its look-alike's, the latest first."""
    new, old = aliased(Prospect), aliased(Prospect)
    stmt = (
        select(DuplicateFlag, new.name, old.name)
        .join(new, new.id == DuplicateFlag.prospect_id)
        .join(old, old.id == DuplicateFlag.candidate_id)
        .order_by(DuplicateFlag.created_at.desc())
        .limit(limit)
    )
    if status is not None:
        stmt = stmt.where(DuplicateFlag.status == status)
    return [(f, n, c) for f, n, c in s.execute(stmt).all()]


def open_flag_count(s: Session) -> int:
    return int(
        s.scalar(
            select(func.count()).select_from(DuplicateFlag).where(DuplicateFlag.status == "open")
        )
        or 0
    )


def flag(s: Session, flag_id: str) -> DuplicateFlag | None:
    return s.get(DuplicateFlag, flag_id)


def settle_flag(f: DuplicateFlag, status: str, now: datetime) -> None:
    f.status = status
    f.resolved_at = now
