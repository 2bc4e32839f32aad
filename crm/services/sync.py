"""Sync with head office as the UI and the CLI use it: sign in (register this computer),
sync now or on a schedule, see and resolve conflicts, claim from the shared pool.

The engine is in crm.sync; this facade adds the signed-in context, the keyring and plain
dataclasses for the presentation layers.
"""

from __future__ import annotations

import json
import platform
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crm.domain.audit import ENTITY as AUDIT_ENTITY
from crm.domain.audit import Action, is_id
from crm.domain.errors import DomainError, Message
from crm.domain.wire import wire
from crm.services import book_lock
from crm.services.audit import AuditService
from crm.services.context import Context, NotFound
from crm.services.outbox import pending_count, record
from crm.store import book_export, sync_state, user_queries
from crm.store.engine import Database
from crm.store.indexes_down import put_back_indexes
from crm.store.migrate import head_revision
from crm.store.replica import QUARANTINED
from crm.store.sync_state import ConflictRow
from crm.store.unit_of_work import Session
from crm.sync import credentials, errors
from crm.sync import protocol as P
from crm.sync.client import HeadOfficeClient, check_url
from crm.sync.engine import (
    CURRENT_USER_KEY,
    CURSOR_KEY,
    DEVICE_KEY,
    LAST_OK_KEY,
    RESNAPSHOT_KEY,
    SERVER_KEY,
    SNAPSHOT_KEY,
    USER_KEY,
    Progress,
    SyncEngine,
    SyncSummary,
    device_id,
    meta_get,
    meta_set,
)
from crm.sync.local import Applier, indexes_are_down
from crm.sync.scheduler import SyncScheduler, SyncState

__all__ = [
    "ConflictInfo",
    "Progress",
    "SyncService",
    "SyncState",
    "SyncStatus",
    "SyncSummary",
    "export_book",
]

ACCEPT = "accept_server"
RESEND = "send_again"
DISMISS = "dismiss"
RESOLUTIONS = (ACCEPT, RESEND, DISMISS)


@dataclass(frozen=True)
class SyncStatus:
    configured: bool
    server_url: str | None
    user_id: str | None
    last_sync: datetime | None
    pending: int
    conflicts: int
    # The last change of head office's log this computer has (None before a first sync).
    cursor: int | None = None
    device_id: str = ""
    user_name: str = ""
    # A first download stopped part-way (it resumes at the next sync).
    downloading: bool = False
    # Where the device token is kept: "keyring", "file" (crm.sync.credentials) or "".
    token_store: str = ""
    token_file: str = ""
    # Records from head office this computer could not apply, kept aside (open conflicts).
    quarantined: int = 0
    # Lines of the audit log not yet at head office (sent with the changes).
    audit_waiting: int = 0


@dataclass(frozen=True)
class ConflictInfo:
    id: str
    entity: str
    entity_id: str
    kind: str
    outcome: str
    code: str
    message: Message
    title: str
    local: dict[str, Any]
    server: dict[str, Any] | None
    created_at: datetime
    resolved_at: datetime | None
    resolution: str


class SyncService:
    def __init__(
        self,
        ctx: Context,
        *,
        verify: bool | str = True,
        protocol: int = P.PROTOCOL_VERSION,
        page: int | None = None,
    ) -> None:
        self.ctx = ctx
        self.verify = verify
        self.protocol = protocol
        self.page = page

    @property
    def db(self) -> Database:
        return self.ctx.db

    # -- state -------------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        with self.db.reading() as s:
            server = meta_get(s, SERVER_KEY)
            last = meta_get(s, LAST_OK_KEY)
            # The RM's changes; the audit log's lines travel too, but are not theirs to wait on.
            pending = pending_count(s, but=AUDIT_ENTITY)
            audit_waiting = pending_count(s, entity=AUDIT_ENTITY)
            open_conflicts = sync_state.open_conflict_count(s)
            quarantined = (
                sum(
                    1
                    for c in sync_state.conflicts(s, include_resolved=False, limit=1000)
                    if c.outcome == QUARANTINED
                )
                if open_conflicts
                else 0
            )
            user_id = meta_get(s, USER_KEY)
            cursor = meta_get(s, CURSOR_KEY)
            downloading = meta_get(s, SNAPSHOT_KEY) is not None
            user_name = (sync_state.user_name(s, user_id) if user_id else None) or ""
            device = meta_get(s, DEVICE_KEY) or ""
        store = credentials.token_store(server, device) if server and device else ""
        return SyncStatus(
            configured=bool(server and store),
            server_url=server,
            user_id=user_id,
            last_sync=datetime.fromisoformat(last) if last else None,
            pending=pending,
            conflicts=open_conflicts,
            cursor=int(cursor) if cursor and cursor.isdigit() else None,
            device_id=device,
            user_name=user_name,
            downloading=downloading,
            token_store=store,
            quarantined=quarantined,
            audit_waiting=audit_waiting,
            token_file=str(credentials.tokens_path()) if store == credentials.FILE else "",
        )

    def server_url(self) -> str | None:
        with self.db.reading() as s:
            return meta_get(s, SERVER_KEY)

    @staticmethod
    def registered_with(server_url: str, status: SyncStatus) -> bool:
        """Whether this computer (its ``status``) is signed in with head office at
        ``server_url``; an insecure URL is refused (only looked at when signed in)."""
        return status.configured and check_url(server_url) == status.server_url

    def export_book(self, *, batch: int = 2000) -> Iterator[dict[str, Any]]:
        """This book as head-office records (to seed a head office, fill the shared pool);
        the audit log says the book was read out whole."""
        AuditService(self.ctx).record(Action.EXPORT, detail={"format": "records", "what": "book"})
        return export_book(self.db, batch=batch)

    # -- signing in --------------------------------------------------------------------------

    def sign_in(
        self, server_url: str, username: str, password: str, device_name: str = ""
    ) -> dict[str, Any]:
        """Register this computer with head office (once, online); the token goes to the
        OS keyring. Returns head office's view of the user."""
        url = check_url(server_url)
        device = device_id(self.db)
        credentials.ready()  # somewhere to keep the token before head office issues it
        # Head office's security policy may refuse a plain book (encryption_required).
        encrypted = book_lock.is_encrypted(self.db.path)
        with self._client(url, None) as client:
            answer = client.register(
                username,
                password,
                device,
                device_name or platform.node()[:100],
                encrypted=encrypted,
            )
        credentials.save_token(url, device, str(answer["token"]))
        user = answer.get("user") or {}
        with self.db.transaction() as s:
            meta_set(s, SERVER_KEY, url)
            if user.get("id"):
                meta_set(s, USER_KEY, str(user["id"]))
                if sync_state.knows_user(s, user["id"]):
                    meta_set(s, CURRENT_USER_KEY, str(user["id"]))
            AuditService(self.ctx).record_in(
                s, Action.SIGN_IN, user_id=str(user["id"]) if is_id(user.get("id")) else None
            )
        return dict(user)

    def sign_out(self) -> None:
        url = self.server_url()
        if url:
            credentials.delete_token(url, device_id(self.db))
        # A first download stopped part-way resumes only once signed in again: meanwhile
        # the book is worked on with all its indexes.
        with self.db.reading() as s:
            down = indexes_are_down(s.connection())
        if down:
            with self.db.transaction() as s:
                put_back_indexes(s.connection())

    # -- syncing -------------------------------------------------------------------------------

    def sync(
        self,
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncSummary:
        url = self.server_url()
        token = credentials.load_token(url, device_id(self.db)) if url else None
        if not url or not token:
            raise errors.not_set_up()
        role = self._signed_in_role()
        with self._client(url, token) as client:

            def run() -> SyncSummary:
                return SyncEngine(
                    self.db,
                    client,
                    schema=head_revision(),
                    progress=progress,
                    cancel=cancel,
                    clock=self.ctx.clock,
                    page=self.page,
                ).run()

            summary = run()
            if role is not None and self._signed_in_role() != role:
                # Head office changed the user's role or team: what this book may hold
                # changed with it. The new scope is downloaded afresh, in this same sync:
                # records now out of it leave, those now in it arrive.
                with self.db.transaction() as s:
                    meta_set(s, RESNAPSHOT_KEY, "role")
                summary = run()
        self._adopt_user()
        return summary

    def _signed_in_role(self) -> tuple[str, str | None] | None:
        """The role and team of the user this book is signed in as, when it has them."""
        with self.db.reading() as s:
            user_id = meta_get(s, USER_KEY)
            user = user_queries.person(s, user_id) if user_id else None
        return (user.role, user.team_id) if user is not None else None

    def _adopt_user(self) -> None:
        """After the first download the signed-in user exists locally: make it current."""
        with self.db.transaction() as s:
            user_id = meta_get(s, USER_KEY)
            if user_id and sync_state.knows_user(s, user_id):
                if meta_get(s, CURRENT_USER_KEY) != user_id:
                    meta_set(s, CURRENT_USER_KEY, user_id)
                self.ctx.actor_id = user_id

    def scheduler(
        self, on_state: Callable[[SyncState], None], *, interval: float = 300.0
    ) -> SyncScheduler:
        """A background scheduler over this service (start-up, every few minutes, retry)."""
        return SyncScheduler(
            lambda progress, cancel: self.sync(progress, cancel), on_state, interval=interval
        )

    def _client(self, url: str, token: str | None) -> HeadOfficeClient:
        return HeadOfficeClient(url, token, verify=self.verify, protocol=self.protocol)

    # -- the shared pool --------------------------------------------------------------------------

    def claim(self, prospect_id: str) -> None:
        """Ask head office for a prospect of the shared pool; only one RM wins (sync to
        know: the winner keeps it, the others see it leave with a conflict saying so)."""
        with self.db.transaction() as s:
            p = sync_state.prospect_state(s, prospect_id)
            if p is None:
                raise NotFound("prospect", prospect_id)
            record(
                s,
                self.ctx,
                entity="prospect",
                entity_id=p.id,
                kind="claim",
                payload={},
                base_version=p.version,
            )

    # -- conflicts ---------------------------------------------------------------------------------

    def conflicts(self, *, include_resolved: bool = False) -> list[ConflictInfo]:
        with self.db.reading() as s:
            rows = sync_state.conflicts(s, include_resolved=include_resolved, limit=1000)
            names = sync_state.prospect_names(s, {_prospect_of(c) for c in rows})
            return [_info(c, names) for c in rows]

    def resolve(self, conflict_id: str, resolution: str) -> None:
        """accept_server: keep head office's version (a local-only record goes);
        send_again: queue my change again as a new edit; dismiss: just acknowledge."""
        if resolution not in RESOLUTIONS:
            raise DomainError("sync.resolution", "unknown resolution {name}", name=resolution)
        with self.db.transaction() as s:
            c = sync_state.conflict(s, conflict_id)
            if c is None:
                raise NotFound("conflict", conflict_id)
            if c.resolved_at is not None:
                return
            if resolution == ACCEPT:
                self._accept(s, c)
            elif resolution == RESEND:
                self._resend(s, c)
            sync_state.mark_resolved(s, conflict_id, self.ctx.now(), resolution)

    def _accept(self, s: Session, c: ConflictRow) -> None:
        if c.entity == "prospect" and c.kind == "create" and not c.server_payload:
            p = sync_state.prospect_state(s, c.entity_id)
            if p is not None and not sync_state.has_queued(s, c.entity_id):
                Applier(s.connection()).remove("prospect", [c.entity_id])

    def _resend(self, s: Session, c: ConflictRow) -> None:
        payload = json.loads(c.local_payload or "{}")
        base: int | None = None
        if c.entity == "prospect":
            p = sync_state.prospect_state(s, c.entity_id)
            if p is None:
                raise DomainError(
                    "sync.resend_gone",
                    "the prospect is no longer on this computer; the change cannot be sent again",
                )
            base = p.version
            if c.kind == "stage":
                payload["from"] = p.stage
        record(
            s,
            self.ctx,
            entity=c.entity,
            entity_id=c.entity_id,
            kind=c.kind,
            payload=payload,
            base_version=base,
        )


def _prospect_of(c: ConflictRow) -> str:
    if c.entity == "prospect":
        return c.entity_id
    try:
        data = json.loads(c.local_payload or "{}")
    except ValueError:
        return ""
    return str(data.get("prospect_id", "")) if isinstance(data, dict) else ""


def _info(c: ConflictRow, names: dict[str, str]) -> ConflictInfo:
    params = json.loads(c.reason or "{}") if c.reason.startswith("{") else {}
    local = json.loads(c.local_payload or "{}")
    server = json.loads(c.server_payload) if c.server_payload else None
    return ConflictInfo(
        id=c.id,
        entity=c.entity,
        entity_id=c.entity_id,
        kind=c.kind,
        outcome=c.outcome,
        code=c.code,
        message=errors.conflict_message(c.code, params),
        title=names.get(_prospect_of(c), ""),
        local=local if isinstance(local, dict) else {"value": local},
        server=server if isinstance(server, dict) else None,
        created_at=c.created_at,
        resolved_at=c.resolved_at,
        resolution=c.resolution,
    )


# -- seeding a head office from a book (the demo's local head office, benchmarks) ------------


def export_book(db: Database, *, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every team, user and prospect (with its children) of a local database as head-office
    records, parents first, a batch at a time (memory stays flat)."""
    with db.reading() as s:
        directory: list[dict[str, Any]] = [
            {"entity": "team", "id": t.id, "data": {"name": t.name, "branch": t.branch}}
            for t in book_export.teams(s)
        ]
        team_of: dict[str, str | None] = {}
        for u in book_export.users(s):
            team_of[u.id] = u.team_id
            directory.append(
                {
                    "entity": "user",
                    "id": u.id,
                    "data": {
                        "username": u.username,
                        "display_name": u.display_name,
                        "role": u.role,
                        "team_id": u.team_id,
                        "phone": u.phone,
                        "active": u.active,
                    },
                }
            )
    yield from directory
    last = ""
    while True:
        with db.reading() as s:
            found = book_export.prospect_batch(s, last, batch)
        if found is None:
            return
        last = found.prospects[-1]["id"]
        owner = {p["id"]: p["assigned_rm_id"] for p in found.prospects}
        children: list[dict[str, Any]] = []
        for row in found.children:
            rec = _child(row, owner, team_of)
            if row.entity == "checklist_tick":
                rec["id"] = f"{row.prospect_id}/{row.columns['item_code']}"
            children.append(rec)
        out: list[dict[str, Any]] = []
        for p in found.prospects:
            pid = p["id"]
            data = {
                name: wire(p[name])
                for name in sorted(P.PROSPECT_FIELDS)
                if name not in ("tags", "sources") and name in p
            }
            data.update(
                stage=p["stage"],
                stage_changed_at=wire(p["stage_changed_at"]),
                rm_id=p["assigned_rm_id"],
                created_at=wire(p["created_at"]),
                updated_at=wire(p["updated_at"]),
                tags=sorted(found.tags.get(pid, [])),
                sources=sorted(found.sources.get(pid, [])),
                history=[
                    {
                        "id": e.id,
                        "from": e.from_stage,
                        "to": e.to_stage,
                        "reason_code": e.reason_code,
                        "reason": e.reason_text,
                        "by": e.changed_by,
                        "at": wire(e.changed_at),
                    }
                    for e in found.history.get(pid, [])
                ],
            )
            rm = p["assigned_rm_id"]
            out.append(
                {
                    "entity": "prospect",
                    "id": pid,
                    "owner_id": rm,
                    "team_id": team_of.get(rm) if rm else None,
                    "prospect_id": pid,
                    "pool": rm is None,
                    "version": p["version"],
                    "data": data,
                }
            )
        yield from out
        yield from children


def _child(
    row: book_export.ChildRow, owner: dict[str, str | None], team_of: dict[str, str | None]
) -> dict[str, Any]:
    data = {name: wire(value) for name, value in row.columns.items()}
    rm = owner.get(row.prospect_id)
    return {
        "entity": row.entity,
        "id": row.id,
        "owner_id": rm,
        "team_id": team_of.get(rm) if rm else None,
        "prospect_id": row.prospect_id,
        "pool": rm is None,
        "data": data,
    }
