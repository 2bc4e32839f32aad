"""One sync with head office: hello, push the outbox, first download or pull, sanity counts.

Always push before pull. Every step is resumable: ops leave the outbox only in the
transaction that records head office's answer (a lost answer means the same ops go again
and are answered as duplicates); each pulled page is applied in the transaction that
advances the cursor; a first download (snapshot) remembers its position after every page.
The next page downloads while one is applied (``_pages``), so memory stays bounded by two
pages whatever the size of the book.

Every op is checked against the protocol's models (those head office parses each pushed op
through) before it goes up: one that does not fit is not sent; it becomes a conflict here
with the reason, and the ops behind it go up as usual.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from crm.domain.clock import utcnow
from crm.domain.errors import DomainError
from crm.store import meta, search, sync_state
from crm.store.engine import Database, translate_errors
from crm.store.indexes_down import put_back_indexes
from crm.store.outbox import pending_count
from crm.store.replica import APPLY_ERRORS, download_writer
from crm.store.sync_state import QueuedOp
from crm.store.unit_of_work import Connection, Session
from crm.sync import chains, errors
from crm.sync import protocol as P
from crm.sync.blobs import BlobSync, FileStats
from crm.sync.client import HeadOfficeClient, decode
from crm.sync.local import (
    Applier,
    ApplyStats,
    book_is_empty,
    indexes_are_down,
    sweep_unseen,
    take_down_indexes,
)

log = logging.getLogger(__name__)

DEVICE_KEY = meta.DEVICE_KEY
HLC_KEY = meta.HLC_KEY
CURRENT_USER_KEY = "current_user"
SERVER_KEY = "sync.server"
USER_KEY = "sync.user_id"
CURSOR_KEY = "sync.cursor"
EPOCH_KEY = "sync.epoch"
SNAPSHOT_KEY = "sync.snapshot"
LAST_OK_KEY = "sync.last_ok"
RESNAPSHOT_KEY = "sync.resnapshot"
SYNC_KEYS = (
    SERVER_KEY,
    USER_KEY,
    CURSOR_KEY,
    EPOCH_KEY,
    SNAPSHOT_KEY,
    LAST_OK_KEY,
    RESNAPSHOT_KEY,
)
# The reason given for an outbox op whose payload text is not JSON (in the protocol's words,
# like the reasons its models give).
NOT_JSON = "malformed op: payload: not JSON"


Position = TypeVar("Position")


@dataclass(frozen=True)
class Progress:
    """What a sync is doing: phase push / download / pull, and how far (total may be 0)."""

    phase: str
    done: int
    total: int = 0


@dataclass
class SyncSummary:
    pushed: int = 0
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    merged: int = 0
    pulled: int = 0
    removed: int = 0
    conflicts: int = 0
    cursor: int = 0
    snapshot: bool = False
    counts_ok: bool | None = None
    mismatches: list[str] = field(default_factory=list)
    pending: int = 0
    seconds: float = 0.0
    finished_at: str = ""
    files: FileStats = field(default_factory=FileStats)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed,
            "applied": self.applied,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "merged": self.merged,
            "pulled": self.pulled,
            "removed": self.removed,
            "conflicts": self.conflicts,
            "cursor": self.cursor,
            "snapshot": self.snapshot,
            "counts_ok": self.counts_ok,
            "pending": self.pending,
            "seconds": round(self.seconds, 3),
            "finished_at": self.finished_at,
        }


class Cancelled(Exception):
    """The user (or shutdown) stopped the sync between two steps; nothing is half-done."""


# -- app_meta helpers ------------------------------------------------------------------------


meta_get = meta.get
meta_set = meta.put
meta_del = meta.remove


def device_id(db: Database) -> str:
    with db.transaction() as s:
        return meta.device_id(s)


def utc_iso() -> str:
    return utcnow().isoformat(timespec="seconds")


class SyncEngine:
    """Runs syncs of one local database against one head office."""

    def __init__(
        self,
        db: Database,
        client: HeadOfficeClient,
        *,
        schema: str = "",
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        clock: Callable[[], datetime] = utcnow,
        page: int | None = None,
    ) -> None:
        self.db = db
        self.client = client
        self.schema = schema
        self.progress = progress or (lambda _p: None)
        self.cancel = cancel or threading.Event()
        self.clock = clock
        # Records a pull page and a download page carry (``page`` sets both: tests).
        self.pull_page = page or P.PULL_PAGE
        self.snapshot_page = page or P.SNAPSHOT_PAGE
        self._pinyin: threading.Thread | None = None
        # Files' bytes of visit records, after the push and after the pull.
        self._files = BlobSync(db, client, clock=clock, cancel=self.cancel)

    # -- the whole run ---------------------------------------------------------------------------

    def run(self) -> SyncSummary:
        started = time.perf_counter()
        summary = SyncSummary()
        device = device_id(self.db)
        hello = self.client.hello(device, int(self.clock().timestamp() * 1000), self.schema)
        status = hello.get("device_status")
        if status == P.DEVICE_REVOKED:
            wipe(self.db)
            raise errors.refusal(P.E_REVOKED, {})
        if status != P.DEVICE_ACTIVE:
            raise errors.refusal(P.E_AUTH, {})
        self._after_hello(hello)
        with self.db.reading() as s:
            download = meta_get(s, CURSOR_KEY) is None or meta_get(s, RESNAPSHOT_KEY) is not None
        if download:
            self._pinyin = _load_pinyin()
        # Before anything goes up: chains this book holds short of head office's head.
        for gap in chains.report_gaps(self.db, self.client, self.clock):
            summary.mismatches.append(str(gap.message()))
        self._push(summary)
        self._files.send(
            summary.files, lambda done, total: self.progress(Progress("send", done, total))
        )
        with self.db.reading() as s:
            has_cursor = meta_get(s, CURSOR_KEY) is not None
            resnapshot = meta_get(s, RESNAPSHOT_KEY) is not None
            indexes_down = indexes_are_down(s.connection())
        if not has_cursor or resnapshot:
            self._snapshot(summary)
        elif indexes_down:
            # Indexes a download took down with no download left to build them again.
            with self.db.transaction() as s:
                put_back_indexes(s.connection())
        self._pull(summary)
        self._files.fetch(
            summary.files, lambda done, total: self.progress(Progress("fetch", done, total))
        )
        self._check_counts(summary)
        with self.db.transaction() as s:
            summary.finished_at = utc_iso()
            meta_set(s, LAST_OK_KEY, summary.finished_at)
            summary.pending = pending_count(s)
            summary.cursor = int(meta_get(s, CURSOR_KEY) or 0)
        summary.seconds = time.perf_counter() - started
        log.info(
            "sync done: pushed %d (rejected %d), pulled %d, removed %d, cursor %d, %.2f s",
            summary.pushed,
            summary.rejected,
            summary.pulled,
            summary.removed,
            summary.cursor,
            summary.seconds,
        )
        return summary

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled

    def _after_hello(self, hello: dict[str, Any]) -> None:
        """A new server epoch (head office restored or reset) means a full download; the
        server's clock moves ours forward so later local edits sort after its own."""
        epoch = str(hello.get("epoch") or "")
        with self.db.transaction() as s:
            known = meta_get(s, EPOCH_KEY)
            if known != epoch:
                if known is not None:
                    log.warning("head office epoch changed: a full download follows")
                meta_set(s, EPOCH_KEY, epoch)
                meta_del(s, CURSOR_KEY)
                meta_del(s, SNAPSHOT_KEY)
                sync_state.forget_seen(s)
            server_ms = hello.get("server_time_ms")
            now = self.clock()
            if P.plausible_server_time(server_ms, int(now.timestamp() * 1000)):
                meta.receive_remote(s, server_ms, now)
            else:
                # A clock no head office could have (malformed, or far from ours although
                # hello passed the skew check) never moves this device's clock.
                log.warning("head office sent an implausible time: ignored")
            user = hello.get("user") or {}
            if user.get("id"):
                meta_set(s, USER_KEY, str(user["id"]))

    # -- push -----------------------------------------------------------------------------------

    def _push(self, summary: SyncSummary) -> None:
        with self.db.reading() as s:
            total = pending_count(s)
        last_seq = 0
        done = 0
        while True:
            self._check_cancel()
            with self.db.reading() as s:
                ops = sync_state.queued_ops(s, last_seq, P.PUSH_BATCH)
            if not ops:
                return
            last_seq = ops[-1].seq
            seqs: list[int] = []
            wire: list[dict[str, Any]] = []
            unfit: list[tuple[int, dict[str, Any], P.PayloadError]] = []
            for o in ops:
                sent, problem = _wire(o)
                if problem is None:
                    seqs.append(o.seq)
                    wire.append(sent)
                else:
                    unfit.append((o.seq, sent, problem))
            if unfit:
                # Head office would refuse them anyway: they become conflicts here, and
                # the ops behind them go up.
                self._refuse(unfit, summary)
                done += len(unfit)
            if wire:
                answer = self.client.push(wire)
                results = answer.get("results")
                if not isinstance(results, list) or len(results) != len(seqs):
                    raise errors.server_failed(502)
                self._settle(seqs, wire, results, summary)
                summary.pushed += len(seqs)
                done += len(seqs)
            self.progress(Progress("push", done, total))

    def _refuse(
        self, unfit: list[tuple[int, dict[str, Any], P.PayloadError]], summary: SyncSummary
    ) -> None:
        """Ops that do not fit the protocol's models leave the outbox unsent, each as a
        rejected conflict with the reason, the way head office would have answered them."""
        now = self.clock()
        with self.db.transaction() as s:
            for seq, sent, problem in unfit:
                log.warning("op %s not sent: %s", sent["op_id"], problem.reason)
                result = {
                    "op_id": sent["op_id"],
                    "status": P.REJECTED,
                    "code": P.R_INVALID,
                    "message": problem.reason,
                    "invalid_fields": list(problem.fields),
                    "sent": False,
                }
                self._conflict(s, sent, result, "rejected", now)
                sync_state.drop_queued(s, seq)
                summary.rejected += 1

    def _settle(
        self,
        seqs: list[int],
        wire: list[dict[str, Any]],
        results: list[dict[str, Any]],
        summary: SyncSummary,
    ) -> None:
        """Record head office's answers and empty those ops from the outbox, atomically."""
        now = self.clock()
        with self.db.transaction() as s:
            conn = s.connection()
            to_apply: list[dict[str, Any]] = []
            for seq, sent, result in zip(seqs, wire, results, strict=True):
                if result.get("op_id") != sent["op_id"]:
                    raise errors.server_failed(502)
                status = result.get("status")
                original = result.get("original", status)
                if status == P.DUPLICATE:
                    summary.duplicates += 1
                if original == P.REJECTED:
                    summary.rejected += 1
                    self._conflict(s, sent, result, "rejected", now)
                elif result.get("superseded"):
                    summary.merged += 1
                    self._conflict(s, sent, result, "merged", now)
                else:
                    summary.applied += 1
                if isinstance(result.get("record"), dict):
                    to_apply.append(result["record"])
                sync_state.drop_queued(s, seq)
            if to_apply:
                # Head office's version replaces the refused local change (a few records:
                # applied carefully, so one that cannot be is quarantined).
                applier = Applier(conn)
                applier.careful = True
                applier.apply(to_apply)

    def _conflict(
        self,
        s: Session,
        sent: dict[str, Any],
        result: dict[str, Any],
        outcome: str,
        now: datetime,
    ) -> None:
        params = {
            k: v
            for k, v in result.items()
            if k not in ("op_id", "status", "original", "record", "code", "message", "version")
        }
        if outcome == "merged":
            params["fields"] = ", ".join(sorted(result.get("superseded") or {}))
        code = str(result.get("code") or (P.MERGED if outcome == "merged" else ""))
        if code == P.R_INVALID and result.get("message"):
            # The protocol's reason is the whole explanation of an op that does not fit.
            params["reason"] = str(result["message"])
        record = result.get("record")
        sync_state.add_conflict(
            s,
            op_id=sent["op_id"],
            entity=sent["entity"],
            entity_id=sent["entity_id"],
            kind=sent["kind"],
            outcome=outcome,
            code=code,
            reason=json.dumps(params, ensure_ascii=False, default=str),
            local_payload=json.dumps(sent["payload"], ensure_ascii=False),
            server_payload=json.dumps(record.get("data"), ensure_ascii=False)
            if isinstance(record, dict)
            else "",
            created_at=now,
        )

    # -- first download -------------------------------------------------------------------------

    def _snapshot(self, summary: SyncSummary) -> None:
        summary.snapshot = True
        with self.db.reading() as s:
            state = json.loads(meta_get(s, SNAPSHOT_KEY) or "null")
        total = 0
        try:
            total = sum(int(n) for n in self.client.counts().get("counts", {}).values())
        except DomainError:
            total = 0
        start: tuple[int | None, str | None] = (
            (state["as_of"], state["after"]) if state else (None, None)
        )
        done = int(state.get("done", 0)) if state else 0

        def fetch(position: tuple[int | None, str | None]) -> bytes:
            return self.client.snapshot_raw(position[0], position[1], self.snapshot_page)

        def following(page: dict[str, Any]) -> tuple[int | None, str | None] | None:
            return (int(page["as_of"]), page.get("after")) if page.get("more") else None

        beginning = state is None
        with (
            _young_collections_only(),
            download_writer(self.db) as conn,
            contextlib.closing(self._pages(fetch, start, following)) as pages,
        ):
            for page in pages:
                records = page.get("records") or []
                as_of = int(page["as_of"])
                after = page.get("after")
                more = bool(page.get("more"))
                if self._pinyin is not None:
                    # Never two threads building the same tables.
                    self._pinyin.join()
                    self._pinyin = None

                stats, removed = _carefully(
                    partial(self._snapshot_page, conn, records, beginning, more, as_of, after, done)
                )
                beginning = False
                done += len(records)
                summary.removed += removed
                summary.pulled += stats.upserted
                self.progress(Progress("download", done, max(total, done)))

    def _snapshot_page(
        self,
        conn: Connection,
        records: list[dict[str, Any]],
        beginning: bool,
        more: bool,
        as_of: int,
        after: Any,
        done: int,
        careful: bool,
    ) -> tuple[ApplyStats, int]:
        """Apply a page of a first download with where it ends, in one transaction; returns
        what was applied and how many records the last page's sweep removed."""
        with translate_errors(str(self.db.path)), conn.begin():
            if beginning and book_is_empty(conn):
                # Dropped with the first page, in its transaction (see take_down_indexes);
                # built again with the last.
                take_down_indexes(conn)
            applier = Applier(conn)
            applier.careful = careful
            stats = applier.apply(records, mark_seen=True)
            if more:
                position = {"as_of": as_of, "after": after, "done": done + len(records)}
                meta_set(conn, SNAPSHOT_KEY, json.dumps(position))
                return stats, 0
            put_back_indexes(conn)
            removed = sweep_unseen(conn)
            meta_del(conn, SNAPSHOT_KEY)
            meta_del(conn, RESNAPSHOT_KEY)
            meta_set(conn, CURSOR_KEY, str(as_of))
            return stats, removed

    # -- pull ------------------------------------------------------------------------------------

    def _pull_page(self, changes: list[dict[str, Any]], cursor: int, careful: bool) -> ApplyStats:
        """Apply a page of changes and the cursor after it, in one transaction."""
        with self.db.transaction() as s:
            conn = s.connection()
            stats = self._apply_changes(s, conn, changes, careful=careful)
            meta_set(s, CURSOR_KEY, str(cursor))
        return stats

    def _pull(self, summary: SyncSummary) -> None:
        with self.db.reading() as s:
            cursor = int(meta_get(s, CURSOR_KEY) or 0)

        def fetch(since: int) -> bytes:
            return self.client.pull_raw(since, self.pull_page)

        def following(page: dict[str, Any]) -> int | None:
            return int(page["cursor"]) if page.get("more") else None

        with (
            _young_collections_only(),
            contextlib.closing(self._pages(fetch, cursor, following)) as pages,
        ):
            for page in pages:
                changes = page.get("changes") or []
                new_cursor = int(page["cursor"])

                stats = _carefully(partial(self._pull_page, changes, max(new_cursor, cursor)))
                cursor = max(new_cursor, cursor)
                summary.pulled += stats.upserted
                summary.removed += stats.removed
                self.progress(Progress("pull", summary.pulled))

    def _pages(
        self,
        fetch: Callable[[Position], bytes],
        start: Position,
        following: Callable[[dict[str, Any]], Position | None],
    ) -> Generator[dict[str, Any], None, None]:
        """The pages ``fetch(start)``, ``fetch(following(page))``, … until ``following``
        says None, parsed.

        As soon as a page is parsed, the next one is requested in a helper thread, so head
        office builds it and it travels while this one is applied. The helper only moves
        bytes (the socket lets go of the interpreter); parsing here, in the thread that
        applies, keeps the two from taking turns on the interpreter lock row by row,
        which cost more than the overlap saved. Two pages at most are held; pages are
        applied only by the caller, in order, so every resume point stays as it was; a
        failed download is raised here; cancelling stops between two pages.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-fetch") as helper:
            ahead: Future[bytes] | None = helper.submit(fetch, start)
            try:
                while ahead is not None:
                    self._check_cancel()
                    page = decode(ahead.result())
                    position = following(page)
                    ahead = helper.submit(fetch, position) if position is not None else None
                    yield page
            finally:
                if ahead is not None and not ahead.cancel():
                    # Wait for the download under way (bounded by the client's timeouts)
                    # and drop it; its failure, if any, no longer matters.
                    with contextlib.suppress(Exception):
                        ahead.result()

    def _apply_changes(
        self, s: Session, conn: Connection, changes: list[dict[str, Any]], *, careful: bool = False
    ) -> ApplyStats:
        stats = ApplyStats()
        applier = Applier(conn)
        applier.careful = careful
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            if batch:
                stats.add(applier.apply(batch))
                batch.clear()

        for change in changes:
            op = change.get("op")
            if op == P.UPSERT and isinstance(change.get("record"), dict):
                batch.append(change["record"])
                continue
            flush()
            entity, key = str(change.get("entity")), str(change.get("id"))
            if (entity, key) in applier.pending:
                self._orphan_pending(s, entity, key)
                applier.pending.discard((entity, key))
            stats.add(applier.remove(entity, [key]))
        flush()
        return stats

    def _orphan_pending(self, s: Session, entity: str, key: str) -> None:
        """The record left this device while it had unsent changes: they become conflicts
        (kept, shown to the user) instead of ops head office would refuse anyway."""
        now = self.clock()
        for op in sync_state.queued_for(s, entity, key):
            sync_state.add_conflict(
                s,
                op_id=op.op_id,
                entity=op.entity,
                entity_id=op.entity_id,
                kind=op.kind,
                outcome="removed",
                code="removed",
                reason="{}",
                local_payload=op.payload,
                server_payload="",
                created_at=now,
            )
            sync_state.drop_queued(s, op.seq)

    # -- sanity ----------------------------------------------------------------------------------

    def _check_counts(self, summary: SyncSummary) -> None:
        """Compare what this device holds with what head office says it should (prospects);
        a difference schedules a full download at the next sync."""
        with self.db.reading() as s:
            if pending_count(s):
                return
        answer = self.client.counts("prospect")
        server = int(answer.get("counts", {}).get("prospect", 0))
        with self.db.transaction() as s:
            local = sync_state.prospect_count(s)
            summary.counts_ok = local == server
            if not summary.counts_ok:
                summary.mismatches.append(str(errors.count_mismatch("prospect", local, server)))
                log.warning("count check: %d prospects here, %d at head office", local, server)
                meta_set(s, RESNAPSHOT_KEY, "1")


Applied = TypeVar("Applied")


def _carefully(apply: Callable[[bool], Applied]) -> Applied:
    """``apply(False)``, a page applied fast in one transaction; if a record of it cannot
    be applied (the transaction rolled back), ``apply(True)``: the page again, record by
    record where need be, the records that cannot be applied quarantined."""
    try:
        return apply(False)
    except APPLY_ERRORS as exc:
        log.warning("a page from head office did not apply (%s): again, carefully", type(exc))
        return apply(True)


def _wire(o: QueuedOp) -> tuple[dict[str, Any], P.PayloadError | None]:
    """An outbox op as it goes up, and why it does not fit the protocol's models (the ones
    head office parses every op through), if it does not."""
    problem: P.PayloadError | None = None
    payload: Any
    try:
        payload = json.loads(o.payload)
    except ValueError:
        payload = o.payload
        problem = P.PayloadError(NOT_JSON, ("payload",))
    sent = {
        "op_id": o.op_id,
        "entity": o.entity,
        "entity_id": o.entity_id,
        "kind": o.kind,
        "payload": payload,
        "base_version": o.base_version,
        "hlc": o.hlc,
        "created_at": o.created_at.isoformat(timespec="microseconds"),
    }
    if problem is None:
        try:
            op = P.parse_op(sent)
            P.parse_payload(op.entity, op.kind, op.payload)
        except P.PayloadError as exc:
            problem = exc
    return sent, problem


def wipe(db: Database) -> None:
    """Remove every customer record and pending change (a revoked device)."""
    with db.transaction() as s:
        sync_state.wipe_book(s.connection())
        for key in SYNC_KEYS:
            meta_del(s, key)
        # A new identity: a revoked device id never comes back.
        meta.new_device_id(s)
    log.warning("this device was revoked by head office: customer data wiped")


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """No full runs of Python's cycle collector while pages are parsed and applied.

    A page parses into half a million dicts and lists that live until it is applied, so
    full collections came often and rescanned the pages held and everything else alive,
    for nothing: parsed JSON holds no cycles and reference counting frees each page once
    applied. Young collections go on, since they free the cycles each statement leaves
    (they hold its rows; without them memory grows with the download). Process-wide, so
    only for as long as the pages last.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1_000_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _load_pinyin() -> threading.Thread:
    """Load the pinyin tables a first download indexes names with in a helper thread,
    while this one waits for head office's first answers (loading them is not free)."""
    thread = threading.Thread(target=search.initials, args=("",), name="sync-pinyin", daemon=True)
    thread.start()
    return thread


@contextmanager
def closing(client: HeadOfficeClient) -> Iterator[HeadOfficeClient]:
    try:
        yield client
    finally:
        client.close()
