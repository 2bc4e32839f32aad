"""The one door to every database file.

Everything that opens a local database goes through :func:`open_engine`, so the SQLite
build (the ``sqlcipher3`` binding, which bundles a current SQLite with FTS5 on every
platform), the PRAGMAs and, later, the encryption key are decided in one place.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlcipher3 import dbapi2 as sqlite_driver

from crm.store import errors
from crm.store.files import BUSY_TIMEOUT_MS, SQLITE_MAGIC, looks_like_sqlite, raw_connect

__all__ = [
    "BUSY_TIMEOUT_MS",
    "SQLITE_MAGIC",
    "Database",
    "classify",
    "looks_like_sqlite",
    "open_engine",
    "raw_connect",
    "translate_errors",
]


# The page size of a new book (an existing one keeps its own; only VACUUM outside WAL mode
# could change it). With 16 KiB pages a 100,000-prospect book's many indexes are a level
# shallower, and an import of 50,000 rows into it wrote about 15% faster than with
# SQLite's default 4 KiB (tests/benchmarks/bench_import.py).
PAGE_SIZE = 16384


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling fights SQLAlchemy's; let SQLAlchemy emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Before WAL mode: the size is fixed when the first table is made.
        cursor.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.execute("PRAGMA cache_size = -32000")
    finally:
        cursor.close()


def _on_begin(conn: Any) -> None:
    # Write transactions take the write lock up front: two deferred transactions that both
    # read and then write fail at once with SQLITE_BUSY instead of waiting their turn.
    immediate = conn.get_execution_options().get("crm_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_engine(path: Path | str, *, echo: bool = False) -> Engine:
    """An engine on the SQLite file at ``path`` (created if missing), with our PRAGMAs."""
    url = f"sqlite:///{Path(path)}"
    engine = create_engine(
        url,
        module=sqlite_driver,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        pool_pre_ping=False,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


class Database:
    """An open local database: the engine plus a session factory, one session per action."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits together, or not at all."""
        session = self._sessions()
        try:
            with translate_errors(str(self.path)):
                session.connection(execution_options={"crm_write": True})
                yield session
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only; nothing it does is committed."""
        session = self._sessions()
        try:
            with translate_errors(str(self.path)):
                yield session
        finally:
            session.rollback()
            session.close()

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def translate_errors(path: str) -> Iterator[None]:
    """Turn SQLite's known failures into messages a person can act on."""
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except DBAPIError as exc:
        known = classify(exc.orig, path)
        if known is None:
            raise
        raise known from exc


def classify(exc: BaseException | None, path: str) -> errors.StoreError | None:
    text = str(exc).lower()
    if "database is locked" in text or "database table is locked" in text:
        return errors.database_locked(path)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return errors.database_corrupt(path, str(exc))
    if "readonly" in text or "read-only" in text:
        return errors.database_read_only(path)
    if "disk is full" in text or "database or disk is full" in text:
        return errors.disk_full(path)
    return None
