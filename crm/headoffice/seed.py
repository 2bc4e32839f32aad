"""Filling head office in bulk: the records of an existing book (seeding a new head office,
``crm headoffice init --seed-from``) and new enterprises for the shared pool
(线上首贷服务专区). Each is audited (counts only)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import insert, select

from crm.headoffice.db import Store, audit
from crm.headoffice.models import HoTeam, HoUser, Record
from crm.headoffice.wire import dumps, headoffice_hlc, iso
from crm.sync import protocol as P

LOAD_BATCH = 2000


def new_id() -> str:
    """A UUIDv7-like time-ordered id (the domain's ids come from the devices)."""
    from crm.domain.ids import new_id as domain_new_id

    return domain_new_id()


def pool_import(store: Store, actor: str, rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Push new enterprises into the shared pool (线上首贷服务专区); a known USCC is
    skipped, never duplicated."""
    added = skipped = 0
    with store.write() as tx:
        s = tx.session
        for row in rows:
            name = str(row.get("name") or "").strip()
            if not name:
                skipped += 1
                continue
            uscc = str(row.get("uscc") or "").strip().upper() or None
            if (
                uscc
                and s.execute(
                    select(Record.id).where(
                        Record.entity == "prospect",
                        Record.uscc == uscc,
                        Record.deleted.is_(False),
                    )
                ).first()
            ):
                skipped += 1
                continue
            pid = str(row.get("id") or new_id())
            at = iso(tx.now)
            data = {k: v for k, v in row.items() if k in P.PROSPECT_FIELDS}
            data.update(
                name=name,
                uscc=uscc,
                kind=row.get("kind") or "enterprise",
                stage="no_loan",
                stage_changed_at=at,
                rm_id=None,
                created_at=at,
                sources=sorted({*(row.get("sources") or []), "shared_pool"}),
                tags=list(row.get("tags") or []),
                history=[
                    {
                        "id": new_id(),
                        "from": None,
                        "to": "no_loan",
                        "reason_code": "",
                        "reason": "",
                        "by": None,
                        "at": at,
                    }
                ],
            )
            s.add(
                Record(
                    entity="prospect",
                    id=pid,
                    ord=P.entity_order("prospect"),
                    owner_id=None,
                    team_id=None,
                    prospect_id=pid,
                    pool=True,
                    uscc=uscc,
                    data=dumps(data),
                    hlcs=dumps(dict.fromkeys(data, headoffice_hlc(tx.now))),
                    version=1,
                    deleted=False,
                    seq=tx.log("prospect", pid, None, None, pool=True),
                    created_at=tx.now,
                    updated_at=tx.now,
                )
            )
            added += 1
        audit(s, actor, "pool.import", "", {"added": added, "skipped": skipped})
    return {"added": added, "skipped": skipped}


def load_records(store: Store, actor: str, records: Iterable[dict[str, Any]]) -> int:
    """Insert records as a device's snapshot would carry them (``protocol`` Record
    shape), in batches; directory records (team, user) also become accounts."""
    total = 0
    for batch in _batches(records, LOAD_BATCH):
        with store.write() as tx:
            s = tx.session
            rows: list[dict[str, Any]] = []
            for r in batch:
                entity, rid, data = r["entity"], r["id"], r["data"]
                if entity == "team":
                    s.add(
                        HoTeam(
                            id=rid,
                            name=data["name"],
                            branch=data.get("branch", ""),
                            created_at=tx.now,
                        )
                    )
                    s.flush()
                elif entity == "user":
                    s.add(
                        HoUser(
                            id=rid,
                            username=data["username"],
                            display_name=data["display_name"],
                            role=data["role"],
                            team_id=data.get("team_id"),
                            phone=data.get("phone", ""),
                            password_hash=r.get("password_hash", ""),
                            active=bool(data.get("active", True)),
                            failed_logins=0,
                            created_at=tx.now,
                        )
                    )
                pool = bool(r.get("pool", entity in ("team", "user", "reference")))
                text = dumps(data)
                rows.append(
                    {
                        "entity": entity,
                        "id": rid,
                        "ord": P.entity_order(entity),
                        "owner_id": r.get("owner_id"),
                        "team_id": r.get("team_id"),
                        "prospect_id": r.get("prospect_id"),
                        "pool": pool,
                        "uscc": data.get("uscc") if entity == "prospect" else None,
                        "data": text,
                        "hlcs": dumps(dict.fromkeys(data, r.get("hlc", "0"))),
                        "version": int(r.get("version", 1)),
                        "deleted": False,
                        "seq": tx.log(entity, rid, r.get("owner_id"), r.get("team_id"), pool=pool),
                        "created_at": tx.now,
                        "updated_at": tx.now,
                    }
                )
            s.flush()
            s.execute(insert(Record), rows)
            total += len(rows)
    with store.write() as tx:
        audit(tx.session, actor, "records.load", "", {"count": total})
    return total


def _batches(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
