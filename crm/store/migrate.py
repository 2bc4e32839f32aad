"""Opening a user's database safely: check it, back it up, upgrade it.

Start-up must not pay for importing Alembic when nothing is to do, so the schema revision
is read with one query and compared with the revision files' names; Alembic is imported
only to create or upgrade. A database from a newer version, a corrupt file or a locked file
is reported and left untouched: the checks before any upgrade only read.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crm.store import errors, keys
from crm.store.engine import Database, classify, open_engine
from crm.store.files import (
    clear_stale_sidecars,
    head_revision,
    known_revisions,
    left_unclean,
    looks_like_sqlite,
    migrations_dir,
    raw_connect,
)

__all__ = [
    "OpenReport",
    "backup_copy",
    "current_revision",
    "downgrade",
    "head_revision",
    "known_revisions",
    "left_unclean",
    "migrations_dir",
    "open_current",
    "open_database",
    "upgrade",
]

if TYPE_CHECKING:
    from sqlalchemy import Connection

log = logging.getLogger(__name__)

IGNORED_TABLES_PREFIX = "prospect_search"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """FTS5 tables and their shadow tables are made by hand in revisions, not by the ORM."""
    return not (type_ == "table" and name is not None and name.startswith(IGNORED_TABLES_PREFIX))


@dataclass(frozen=True)
class OpenReport:
    """What opening the database did: for the log and the status bar."""

    created: bool
    upgraded_from: str | None
    backup: Path | None


def current_revision(path: Path, *, thorough: bool = False) -> str | None:
    """The schema revision recorded in the file, None for a new or empty database.

    Raises StoreError when the file is not a database, is damaged, or is locked. The
    page-by-page integrity check (seconds on a large book) runs only when asked for or
    after an unclean shutdown; otherwise damage is found by the pages actually read, and
    reported as the same clear error by translate_errors.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    if not looks_like_sqlite(path) and not keys.has_key_file(path):
        # Random bytes and an encrypted book without its key file look the same.
        why = keys.maybe_encrypted(path) if keys.looks_encrypted(path) else None
        raise errors.database_not_ours(str(path), why or errors.not_a_database_file())
    unclean_shutdown = left_unclean(path)
    try:
        # Read-write although it only reads: a read-only connection to a WAL database
        # leaves -wal/-shm files behind that it may not remove.
        conn = raw_connect(path)
        conn.execute("PRAGMA busy_timeout = 1500")
    except Exception as exc:
        raise classify(exc, str(path)) or exc from exc
    try:
        if thorough or unclean_shutdown:
            row = conn.execute("PRAGMA quick_check(1)").fetchone()
            if row is None or row[0] != "ok":
                raise errors.database_corrupt(str(path), str(row[0] if row else "no answer"))
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has_table:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise errors.database_not_ours(str(path), errors.another_programs_database())
            return None
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(version[0]) if version else None
    except errors.StoreError:
        raise
    except Exception as exc:
        raise classify(exc, str(path)) or exc from exc
    finally:
        conn.close()


def _check_writable(path: Path) -> None:
    """Fail early, without changing anything, when another process holds the write lock."""
    conn = raw_connect(path)
    try:
        conn.execute("PRAGMA busy_timeout = 1500")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except Exception as exc:
        raise classify(exc, str(path)) or exc from exc
    finally:
        conn.close()


def backup_copy(path: Path, revision: str) -> Path:
    """A consistent copy next to the database, named by date and schema revision."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}-r{revision}{path.suffix or '.db'}")
    key = keys.key_for(path)
    if key is not None:
        # Encrypted with the book's key, its key file beside it: never a plain copy.
        shutil.copy2(keys.keys_path(path), keys.keys_path(target))
    source = raw_connect(path, read_only=True)
    dest = raw_connect(target, key=key)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    return target


def upgrade(db: Database, target: str = "head") -> None:
    """Run Alembic on an open database (the only place that imports it)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with db.engine.begin() as conn:
        _put_back_indexes(conn)
        config.attributes["connection"] = conn
        command.upgrade(config, target)
        if target == "head":
            _refresh_due_dates(conn)


def _refresh_due_dates(conn: Connection) -> None:
    """Due dates an older version computed for years nobody has published (weekends only,
    before provisional holidays) move off the statutory holidays; an upgrade is rare, and
    the due dates already right are not written."""
    from zoneinfo import ZoneInfo

    from crm.store.due_dates import refresh_after_package_years

    changed = refresh_after_package_years(conn, ZoneInfo("Asia/Shanghai"))
    if changed:
        log.info("moved %d due dates off provisional public holidays", changed)


def _put_back_indexes(conn: Connection) -> None:
    """Indexes a first download took down and, stopped part-way, never built again: a
    migration may change one of them (0005 drops ix_prospects_rm_stage), so they come back
    first, in the upgrade's transaction."""
    from crm.store.indexes_down import put_back_indexes

    has_meta = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'app_meta'"
    ).first()
    if has_meta is not None and (built := put_back_indexes(conn)):
        log.info("built %d indexes a stopped first download had taken down", built)


def downgrade(db: Database, target: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, target)


def open_database(
    path: Path, *, create: bool = False, thorough: bool = False
) -> tuple[Database, OpenReport]:
    """Open (and if needed create or upgrade) the database at ``path``.

    ``create=False`` refuses a missing file, so a typo in a path never makes an empty book.
    ``thorough=True`` checks every page first, as after an unclean shutdown.
    """
    path = Path(path).expanduser().resolve()
    if not path.exists() and not create:
        raise errors.database_missing(str(path))
    if path.exists() and not path.is_file() and not path.is_dir():
        raise errors.not_a_file(str(path))  # a device, a pipe: SQLite fails on it obscurely
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    clear_stale_sidecars(path)
    revision = current_revision(path, thorough=thorough)
    known = known_revisions()
    if revision is not None and revision not in known:
        raise errors.database_too_new(str(path), revision)
    if path.exists():
        _check_writable(path)
    backup: Path | None = None
    if revision is not None and revision != known[-1]:
        backup = backup_copy(path, revision)
        log.info("backed up %s to %s before upgrading from %s", path, backup, revision)
    db = Database(path, open_engine(path))
    if revision != known[-1]:
        try:
            upgrade(db)
        except Exception:
            db.close()
            raise
    return db, OpenReport(
        created=revision is None, upgraded_from=revision if backup else None, backup=backup
    )


def open_current(path: Path) -> Database | None:
    """The database at ``path`` opened as it is when its schema is at the head revision,
    for a quick read: none of ``open_database``'s checks (the integrity scan takes seconds
    on a large book), no backup, no upgrade. None for anything else (a missing, empty, old
    or unreadable file), which the caller opens with ``open_database``."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    clear_stale_sidecars(path)
    engine = open_engine(path)
    try:
        with engine.connect() as conn:
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except Exception:
        revision = None
    if revision == head_revision():
        return Database(path, engine)
    engine.dispose()
    return None
