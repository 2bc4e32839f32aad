"""Head office's database: SQLite by default, PostgreSQL with a ``postgresql+psycopg://`` URL.

Write transactions take the change-log counter row first (``SELECT … FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), allocate sequence numbers from it and write it
back before committing: writers are serialised by that one row, so a reader that sees
sequence *n* has already seen every change below *n*. Reads run in one snapshot
(REPEATABLE READ on PostgreSQL; a read transaction is a snapshot in SQLite's WAL mode).
An administrative action or a device registration writes its audit line (``audit``) in the
action's transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from crm.domain import clock
from crm.headoffice.blobs import HoBlob, HoBlobChunk
from crm.headoffice.device_audit import DeviceAudit
from crm.headoffice.models import (
    SCHEMA_VERSION,
    SEQ_COUNTER,
    Audit,
    Base,
    Change,
    Counter,
    Meta,
    SignInCount,
)
from crm.headoffice.wire import dumps

EPOCH_KEY = "epoch"
SCHEMA_KEY = "schema_version"


def utcnow() -> datetime:
    return clock.utcnow()  # the wall clock, or the day CRM_CLOCK sets (crm.domain.clock)


def normalise_url(url: str) -> str:
    """Accept a bare path as a SQLite file; PostgreSQL URLs must name the psycopg driver."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    try:
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
    finally:
        cur.close()


def _sqlite_begin(conn: Any) -> None:
    write = conn.get_execution_options().get("ho_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=8,
            max_overflow=32,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=True)


@dataclass
class Tx:
    """One write transaction: a session plus the change-log sequence it allocates from."""

    session: Session
    seq: int
    changes: list[dict[str, Any]] = field(default_factory=list)
    now: datetime = field(default_factory=utcnow)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def log(
        self,
        entity: str,
        entity_id: str,
        owner_id: str | None,
        team_id: str | None,
        *,
        prev_owner_id: str | None = None,
        prev_team_id: str | None = None,
        pool: bool = False,
    ) -> int:
        seq = self.next_seq()
        self.changes.append(
            {
                "seq": seq,
                "entity": entity,
                "entity_id": entity_id,
                "owner_id": owner_id,
                "team_id": team_id,
                "prev_owner_id": prev_owner_id,
                "prev_team_id": prev_team_id,
                "pool": pool,
                "at": self.now,
            }
        )
        return seq


def audit(s: Session, actor: str, action: str, target: str, detail: dict[str, Any]) -> None:
    """A line of the audit trail, in the action's own transaction (ids and counts only,
    never customer data)."""
    s.add(Audit(at=utcnow(), actor=actor, action=action, target=target, detail=dumps(detail)))


class Store:
    """The head-office database: engine, sessions, the write and read transactions."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    # -- schema ----------------------------------------------------------------------------

    def init(self) -> bool:
        """Create the tables of a new database (or upgrade an older one); True if created."""
        with self.engine.begin() as conn:
            existing = conn.dialect.has_table(conn, Meta.__tablename__)
        if existing:
            self.migrate()
            return False
        Base.metadata.create_all(self.engine)
        with self.write() as tx:
            s = tx.session
            s.add(Meta(key=SCHEMA_KEY, value=str(SCHEMA_VERSION)))
            s.add(Meta(key=EPOCH_KEY, value=secrets.token_hex(8)))
        return True

    def migrate(self) -> None:
        """Bring an older head-office schema to SCHEMA_VERSION (one step per version)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(Meta.value).where(Meta.key == SCHEMA_KEY)
            ).scalar_one_or_none()
        current = int(row or 0)
        if current > SCHEMA_VERSION:
            raise RuntimeError(
                f"this head-office database has schema {current}, newer than this program's "
                f"{SCHEMA_VERSION}: update the program"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            step = MIGRATIONS[version]
            with self.engine.begin() as conn:
                step(conn)
                conn.execute(
                    text(f"UPDATE {Meta.__tablename__} SET value = :v WHERE key = :k"),
                    {"v": str(version), "k": SCHEMA_KEY},
                )

    def reset(self) -> None:
        """Drop and re-create everything (tests, demo rebuilds); devices will re-download."""
        Base.metadata.drop_all(self.engine)
        self.init()

    def clear(self) -> None:
        """Delete every row and start a new epoch (tests; a demo rebuild)."""
        with self.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
        with self.write() as tx:
            tx.session.add(Meta(key=SCHEMA_KEY, value=str(SCHEMA_VERSION)))
            tx.session.add(Meta(key=EPOCH_KEY, value=secrets.token_hex(8)))

    def dispose(self) -> None:
        self.engine.dispose()

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Tx]:
        session = self._sessions()
        try:
            session.connection(execution_options={"ho_write": True})
            counter = session.execute(
                select(Counter).where(Counter.name == SEQ_COUNTER).with_for_update()
            ).scalar_one_or_none()
            if counter is None:
                counter = Counter(name=SEQ_COUNTER, value=0)
                session.add(counter)
            tx = Tx(session, int(counter.value))
            yield tx
            if tx.changes:
                session.execute(insert(Change), tx.changes)
            if tx.seq != counter.value:
                counter.value = tx.seq
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            if not self.is_sqlite:
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session
        finally:
            # close() ends the transaction without expiring what was read.
            session.close()

    def meta(self, key: str) -> str | None:
        with self.read() as s:
            return s.execute(select(Meta.value).where(Meta.key == key)).scalar_one_or_none()


def _v2_pool_walk(conn: Connection) -> None:
    """Schema 2: the shared pool is walked in (ord, id) order by snapshots."""
    conn.execute(text("DROP INDEX IF EXISTS ix_ho_records_pool"))
    conn.execute(
        text("CREATE INDEX IF NOT EXISTS ix_ho_records_pool_walk ON ho_records (pool, ord, id)")
    )


def _v3_sign_in_counts(conn: Connection) -> None:
    """Schema 3: sign-in counts survive a restart (per address and unknown name), and a
    user's lockouts grow one after another."""
    stamp = "DATETIME" if conn.dialect.name == "sqlite" else "TIMESTAMP WITH TIME ZONE"
    have = {c["name"] for c in inspect(conn).get_columns("ho_users")}
    for name, kind in (("lockouts", "INTEGER NOT NULL DEFAULT 0"), ("failed_at", stamp)):
        if name not in have:
            conn.execute(text(f"ALTER TABLE ho_users ADD COLUMN {name} {kind}"))
    SignInCount.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


def _v4_blobs(conn: Connection) -> None:
    """Schema 4: the bytes of visit records' files (crm/headoffice/blobs.py)."""
    for table in (HoBlob.__table__, HoBlobChunk.__table__):
        table.create(conn, checkfirst=True)  # type: ignore[attr-defined]


def _v5_device_audit(conn: Connection) -> None:
    """Schema 5: devices' audit lines (crm/headoffice/device_audit.py)."""
    DeviceAudit.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _v2_pool_walk,
    3: _v3_sign_in_counts,
    4: _v4_blobs,
    5: _v5_device_audit,
}
