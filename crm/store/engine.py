"""The one door to every database file.

Everything that opens a local database goes through :func:`open_engine`, so the SQLite
build (the ``sqlcipher3`` binding, which bundles a current SQLite with FTS5 on every
platform), the PRAGMAs and the encryption key (``crm.store.keys``) are decided in one place.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlcipher3 import dbapi2 as sqlite_driver

from crm.store import errors, keys
from crm.store.files import (
    BUSY_TIMEOUT_MS,
    SQLITE_MAGIC,
    apply_key,
    looks_like_sqlite,
    raw_connect,
    read_only_problem,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "SQLITE_MAGIC",
    "Database",
    "checkpoints_held",
    "classify",
    "looks_like_sqlite",
    "open_engine",
    "raw_connect",
    "translate_errors",
]

_log = logging.getLogger(__name__)


# The page size of a new book (an existing one keeps its own; only VACUUM outside WAL mode
# could change it). With 16 KiB pages a large book's many indexes are a level shallower
# than with SQLite's default 4 KiB, so a bulk write touches fewer pages and ends sooner.
PAGE_SIZE = 16384


def _on_connect(dbapi_connection: Any, _record: Any, key: keys.BookKey | None = None) -> None:
    # The driver's own transaction handling fights SQLAlchemy's; let SQLAlchemy emit BEGIN.
    dbapi_connection.isolation_level = None
    if key is not None:
        apply_key(dbapi_connection, key)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Before WAL mode: the size is fixed when the first table is made. An encrypted
        # book's is its cipher's page size, set with its key (here it would reset the
        # cipher's).
        if key is None:
            cursor.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA temp_store = MEMORY")
        # 16 MB a connection: the app keeps a few open, each filling its own cache as it
        # reads; at 32 MB each, scrolling the 100,000-prospect list to its end took the
        # desktop app past 300 MB (310 -> 278 MB; bench_ui.py).
        cursor.execute("PRAGMA cache_size = -16000")
    finally:
        cursor.close()


def _on_begin(conn: Any) -> None:
    # Write transactions take the write lock up front: two deferred transactions that both
    # read and then write fail at once with SQLITE_BUSY instead of waiting their turn.
    immediate = conn.get_execution_options().get("crm_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_engine(path: Path | str, *, echo: bool = False) -> Engine:
    """An engine on the SQLite file at ``path`` (created if missing), with our PRAGMAs and,
    for an encrypted book, its key on every connection (resolved once, here: a book whose
    key cannot be had raises StoreError before any connection is made)."""
    key = keys.key_for(path)
    url = f"sqlite:///{Path(path)}"
    engine = create_engine(
        url,
        module=sqlite_driver,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        pool_pre_ping=False,
    )
    event.listen(engine, "connect", lambda conn, record: _on_connect(conn, record, key))
    event.listen(engine, "begin", _on_begin)
    return engine


class Database:
    """An open local database: the engine plus a session factory, one session per action."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        self._local = threading.local()
        self._checkpoint_lock = threading.Lock()
        self._checkpointer: threading.Thread | None = None
        _OPEN.add(self)

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[Session]:
        """A session whose work commits together, or not at all.

        `bulk`: a write of thousands of rows (an import). SQLite copies the write-ahead log
        into the database file, with a flush to disk, in the commit that takes the log past
        1,000 pages: for a bulk write, most of what it wrote, and a large part of its commit.
        A bulk commit leaves that copy to a background thread, so the rows are in, and the
        user told, sooner; `settle` and `close` wait for it.
        """
        if bulk:
            with self._bulk_transaction() as session:
                yield session
            return
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
    def _bulk_transaction(self) -> Iterator[Session]:
        committed = False
        with (
            translate_errors(str(self.path)),
            self.engine.connect() as conn,
            checkpoints_held(conn) as every,
        ):
            session = self._sessions(bind=conn.execution_options(crm_write=True))
            try:
                session.connection()  # BEGIN IMMEDIATE now, as `transaction` does
                yield session
                session.commit()
                committed = True
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        if committed and every > 0:
            self._checkpoint_soon()

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

    def settle(self, timeout: float | None = None) -> None:
        """Wait for a background copy of the log into the file (see `transaction`)."""
        with self._checkpoint_lock:
            running = self._checkpointer
        if running is not None:
            running.join(timeout)

    def close(self) -> None:
        """Wait for a background checkpoint, copy the write-ahead log into the book and
        empty it, and close every pooled connection: SQLite removes the log when the last
        one closes, so the next open sees a clean shutdown and takes the fast path."""
        self.settle()
        if self.path.exists():
            self._truncate_log()
        self.engine.dispose()
        _OPEN.discard(self)

    def _truncate_log(self) -> None:
        try:
            raw = self.engine.raw_connection()
            try:
                driver: Any = raw.driver_connection
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                raw.close()
        except Exception:
            # A read-only book, or a reader holding the log: it stays, and is copied in at
            # the next open; nothing is lost.
            _log.info("could not empty the write-ahead log of %s", self.path, exc_info=True)

    def _checkpoint_soon(self) -> None:
        """Copy the write-ahead log into the database file in a background thread."""
        with self._checkpoint_lock:
            previous = self._checkpointer
            thread = threading.Thread(
                target=self._checkpoint, args=(previous,), name="crm-wal-checkpoint", daemon=True
            )
            self._checkpointer = thread
            thread.start()

    def _checkpoint(self, previous: threading.Thread | None) -> None:
        if previous is not None:
            previous.join()
        try:
            raw = self.engine.raw_connection()
            try:
                driver: Any = raw.driver_connection
                # PASSIVE: readers and writers carry on; whatever they hold is copied later.
                driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                raw.close()
        except Exception:
            # Nothing is lost: the log stays, and the next checkpoint copies it.
            _log.warning("background checkpoint of %s failed", self.path, exc_info=True)


# Databases not closed yet: closed at exit (a command's work ends with its process), so no
# process that ends normally leaves a write-ahead log behind.
_OPEN: weakref.WeakSet[Database] = weakref.WeakSet()


def _close_all() -> None:
    for db in list(_OPEN):
        try:
            db.close()
        except Exception:
            _log.warning("closing %s at exit failed", db.path, exc_info=True)


atexit.register(_close_all)


@contextmanager
def checkpoints_held(conn: Connection) -> Iterator[int]:
    """Hold back SQLite's automatic checkpoints on this connection while a bulk write runs
    (its caller checkpoints once, after); yields the setting, which is put back through the
    driver (no transaction of its own) before the connection goes back to the pool."""
    driver: Any = conn.connection.driver_connection
    every = int(driver.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    driver.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield every
    finally:
        try:
            driver.execute(f"PRAGMA wal_autocheckpoint = {every}")
        except Exception:
            conn.invalidate()  # never back to the pool with its checkpoints held back


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
    if "not a database" in text and keys.has_key_file(path):
        # An encrypted book its key does not open: not damaged, the wrong key file.
        return keys.key_file_mismatch(Path(path))
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return errors.database_corrupt(path, str(exc))
    if "readonly" in text or "read-only" in text:
        return read_only_problem(Path(path)) or errors.database_read_only(path)
    if "disk is full" in text or "database or disk is full" in text:
        return errors.disk_full(path)
    if "unable to open database file" in text:
        return errors.cannot_open(path)
    return None
