"""What devices download: ``pull`` (the changes after a cursor, each with the record's
current state), ``snapshot`` (a first download: everything in scope, page by page, resumable)
and ``counts`` (the check after every sync). Responses are built as JSON text, records
embedding their stored data as is."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, func, select, tuple_, union_all
from sqlalchemy.orm import Session

from crm.headoffice.db import Store
from crm.headoffice.models import SEQ_COUNTER, Change, Counter, Record
from crm.headoffice.scope import Actor, can_see, change_scope, record_scope, scope_parts
from crm.headoffice.wire import WIRE_COLUMNS, dumps, quote, record_text
from crm.sync import protocol as P

log = logging.getLogger("crm.headoffice")


def head_seq(s: Session) -> int:
    """The last sequence number of the change log."""
    value = s.execute(select(Counter.value).where(Counter.name == SEQ_COUNTER)).scalar_one_or_none()
    return int(value or 0)


def snapshot_parts(
    actor: Actor, position: tuple[int, str] | None, limit: int
) -> list[Select[*tuple[Any, ...]]]:
    """The walks a snapshot page merges: each part of the scope from ``position`` in
    (ord, id) order, ``limit`` rows at most, with the wire columns and ``ord``."""
    walks: list[Select[*tuple[Any, ...]]] = []
    for part in scope_parts(actor):
        stmt: Select[*tuple[Any, ...]] = select(*WIRE_COLUMNS, Record.ord).where(
            Record.deleted.is_(False), part
        )
        if position is not None:
            stmt = stmt.where(tuple_(Record.ord, Record.id) > tuple_(*position))
        walks.append(stmt.order_by(Record.ord, Record.id).limit(limit))
    return walks


def snapshot_probes(
    actor: Actor, position: tuple[int, str] | None, end: tuple[int, str] | None
) -> list[Select[*tuple[Any, ...]]]:
    """Per part of the scope: is there a record after ``position`` and up to ``end``?"""
    probes: list[Select[*tuple[Any, ...]]] = []
    for part in scope_parts(actor):
        stmt: Select[*tuple[Any, ...]] = select(Record.id).where(Record.deleted.is_(False), part)
        if position is not None:
            stmt = stmt.where(tuple_(Record.ord, Record.id) > tuple_(*position))
        if end is not None:
            stmt = stmt.where(tuple_(Record.ord, Record.id) <= tuple_(*end))
        probes.append(stmt.order_by(Record.ord, Record.id).limit(1))
    return probes


def load(s: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """The wire columns (``WIRE_COLUMNS``) of these records, by (entity, id)."""
    by_entity: dict[str, list[str]] = {}
    for entity, entity_id in keys:
        by_entity.setdefault(entity, []).append(entity_id)
    found: dict[tuple[str, str], Any] = {}
    for entity, ids in by_entity.items():
        for start in range(0, len(ids), 500):
            for row in s.execute(
                select(*WIRE_COLUMNS).where(
                    Record.entity == entity, Record.id.in_(ids[start : start + 500])
                )
            ):
                found[(row.entity, row.id)] = row
    return found


class Pull:
    """pull, snapshot and counts over ``store``; ``epoch`` names the data's generation."""

    def __init__(self, store: Store, epoch: Callable[[], str]) -> None:
        self.store = store
        self.epoch = epoch

    def head(self) -> int:
        with self.store.read() as s:
            return head_seq(s)

    def pull(self, actor: Actor, since: int, limit: int) -> str:
        """JSON text of the changes after ``since`` this device may see, oldest first.

        Each change carries the record's current state (or remove/delete), so applying one
        twice, or out of date, is harmless: a later change sends the later state again.
        """
        limit = max(1, min(limit, P.MAX_PAGE))
        with self.store.read() as s:
            head = head_seq(s)
            rows = s.execute(
                select(Change.seq, Change.entity, Change.entity_id)
                .where(Change.seq > since, change_scope(actor))
                .order_by(Change.seq)
                .limit(limit)
            ).all()
            more = len(rows) == limit
            cursor = rows[-1].seq if more else max(head, since)
            first: dict[tuple[str, str], int] = {}
            for seq, entity, entity_id in rows:
                first.setdefault((entity, entity_id), seq)
            records = load(s, list(first))
        parts: list[str] = []
        for (entity, entity_id), seq in first.items():
            row = records.get((entity, entity_id))
            head_json = f'{{"seq":{seq},"entity":{quote(entity)},"id":{quote(entity_id)}'
            if row is None or row.deleted:
                parts.append(head_json + ',"op":"delete"}')
            elif can_see(actor, row.owner_id, row.team_id, row.pool):
                parts.append(head_json + ',"op":"upsert","record":' + record_text(row) + "}")
            else:
                parts.append(head_json + ',"op":"remove"}')
        log.info(
            "pull device=%s since=%d changes=%d cursor=%d",
            actor.device_id[:12],
            since,
            len(parts),
            cursor,
        )
        return (
            '{"changes":['
            + ",".join(parts)
            + f'],"cursor":{cursor},"more":{"true" if more else "false"},'
            + f'"epoch":{dumps(self.epoch())}}}'
        )

    def snapshot(self, actor: Actor, as_of: int | None, after: str | None, limit: int) -> str:
        """A page of everything in the device's scope, walked by (entity order, id).

        The scope is an OR (own book, team, shared pool), which no single index serves:
        each part is walked on its own index from the position, ``limit`` rows at most,
        and the parts are merged in the database (``UNION ALL`` of disjoint parts) when
        more than one has records in the page's range, so a page costs the same at the end
        of a book as at its start.
        """
        limit = max(1, min(limit, P.MAX_PAGE))
        position = P.parse_after(after)
        with self.store.read() as s:
            if as_of is None:
                as_of = head_seq(s)
            walks = snapshot_parts(actor, position, limit)
            rows = s.execute(walks[0]).all()
            # The first part (own book) is most of a page: when no other part has a record
            # up to where it ends, it is the page, and the merge (a sort of whole rows) is
            # spared. The probe compares in the database, as the walks do.
            end = (rows[-1].ord, rows[-1].id) if len(rows) == limit else None
            if any(
                s.execute(probe).first() is not None
                for probe in snapshot_probes(actor, position, end)[1:]
            ):
                merged = union_all(*(select(w.subquery()) for w in walks)).subquery()
                rows = s.execute(
                    select(merged).order_by(merged.c.ord, merged.c.id).limit(limit)
                ).all()
        more = len(rows) == limit
        texts: list[str] = []
        size = 0
        for row in rows:
            texts.append(record_text(row))
            size += len(texts[-1])
            if size >= P.MAX_PAGE_CHARS and len(texts) < len(rows):
                more = True
                break
        last = rows[len(texts) - 1] if texts else None
        next_after = P.after_token(last.ord, last.id) if last is not None else after
        return (
            f'{{"as_of":{as_of},"records":['
            + ",".join(texts)
            + f'],"after":{dumps(next_after)},"more":{"true" if more else "false"},'
            + f'"epoch":{dumps(self.epoch())}}}'
        )

    def counts(self, actor: Actor, entity: str | None = None) -> dict[str, Any]:
        """How many records of each entity the device should hold; of one ``entity`` only
        when asked (the check after every sync: each part of the scope counted on its
        index, rather than every record of the book grouped)."""
        with self.store.read() as s:
            head = head_seq(s)
            if entity is None:
                rows = s.execute(
                    select(Record.entity, func.count())
                    .where(Record.deleted.is_(False), record_scope(actor))
                    .group_by(Record.entity)
                ).all()
                return {"as_of": head, "counts": {e: int(n) for e, n in rows}}
            total = 0
            for part in scope_parts(actor):
                total += int(
                    s.execute(
                        select(func.count())
                        .select_from(Record)
                        .where(
                            part,
                            Record.ord == P.entity_order(entity),
                            Record.entity == entity,
                            Record.deleted.is_(False),
                        )
                    ).scalar_one()
                )
        return {"as_of": head, "counts": {entity: total}}
