"""The database file itself, without SQLAlchemy: its header, its schema revision, a bare
connection. Start-up reads the first page of the book through these before the data stack
has loaded (see crm.store.first_look); opening for real goes through crm.store.migrate.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
from pathlib import Path
from typing import Any, Literal

from sqlcipher3 import dbapi2 as sqlite_driver

from crm.store import keys
from crm.store.errors import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def raw_connect(
    path: Path | str,
    *,
    read_only: bool = False,
    key: keys.BookKey | Literal["book"] | None = "book",
) -> Any:
    """A bare DB-API connection for checks that must not change the file (no PRAGMAs but
    the key). ``key``: "book" applies the book's own (``keys.key_for``: none for a plain
    book; a StoreError when it is encrypted and its key cannot be had); a file of our own
    making (a spill, a copy) is given one, or None for a plain one."""
    target = Path(path)
    applied = keys.key_for(target) if isinstance(key, str) else key
    if read_only:
        conn = sqlite_driver.connect(
            f"file:{target.as_posix()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    else:
        conn = sqlite_driver.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000)
    if applied is not None:
        apply_key(conn, applied)
    return conn


def apply_key(conn: Any, key: keys.BookKey) -> None:
    """Give a new connection its key, before anything reads the file."""
    for statement in key.statements():
        conn.execute(statement)


def looks_like_sqlite(path: Path) -> bool:
    """True when the file starts with SQLite's header (an empty file counts as new); an
    encrypted book does not (``keys.has_key_file`` says it is one)."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    return head == SQLITE_MAGIC or head == b""


def left_unclean(path: Path) -> bool:
    """True when the last session did not close the database cleanly.

    SQLite checkpoints and removes the write-ahead log when the last connection closes, so
    a non-empty -wal file at open means a crash or power loss (or another process that has
    the book open right now, where the check costs time but no harm).
    """
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


_log = logging.getLogger(__name__)
SIDECARS = ("-wal", "-shm")


def sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def read_only_problem(path: Path) -> StoreError | None:
    """What keeps SQLite from writing the book, named: the file, its folder, or a -wal or
    -shm file beside it; None when none of them is read-only (then SQLite's own reason
    stands)."""
    path = Path(path)
    if not path.exists():
        return None
    if not os.access(path, os.W_OK):
        return StoreError(
            "db.read_only_file",
            "The database {path} is a read-only file; FirstLoan CRM needs to write to it. "
            "Allow writing to the file (its properties or permissions) and try again.",
            path=str(path),
        )
    if not os.access(path.parent, os.W_OK):
        return StoreError(
            "db.read_only_folder",
            "The folder {folder} cannot be written, and the database {path} needs to keep "
            "its journal files beside it. Move the database to a folder you can write to.",
            path=str(path),
            folder=str(path.parent),
        )
    for suffix in SIDECARS:
        side = sidecar(path, suffix)
        if side.exists() and not os.access(side, os.W_OK):
            return StoreError(
                "db.read_only_sidecar",
                "The database {path} can be written, but {file} beside it cannot (it was "
                "left by a session on the book while it was read-only). Allow writing to "
                "{file}, or delete it when no program has the book open.",
                path=str(path),
                file=str(side),
            )
    return None


def clear_stale_sidecars(path: Path) -> None:
    """-wal and -shm files a session left while the book was read-only keep their
    read-only permissions; once the book can be written again, they get the book's own
    permissions (or, holding nothing, are removed), so SQLite can use them. Nothing
    changes while the book itself is read-only: `read_only_problem` then says so."""
    if not path.exists() or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return
    stale = [
        side for side in map(lambda s: sidecar(path, s), SIDECARS)
        if side.exists() and not os.access(side, os.W_OK)
    ]  # fmt: skip
    if not stale:
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    for side in stale:
        with contextlib.suppress(OSError):
            os.chmod(side, mode)
            _log.info("%s was read-only, left by a read-only session; made writable", side)
    wal = sidecar(path, "-wal")
    if any(not os.access(side, os.W_OK) for side in stale) and _empty(wal):
        # Not ours to change, and the log holds nothing: both can go.
        for side in stale:
            with contextlib.suppress(OSError):
                side.unlink()


def _empty(wal: Path) -> bool:
    try:
        return wal.stat().st_size == 0
    except OSError:
        return True


def migrations_dir() -> Path:
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "migrations", here.parents[1] / "_migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the migrations folder is missing from this installation")


def known_revisions() -> list[str]:
    """Revision ids in order; our revision ids are the 4-digit prefixes of their files."""
    names = (p.name for p in (migrations_dir() / "versions").iterdir())
    return sorted(m.group(1) for n in names if (m := _REVISION_FILE.match(n)))


def head_revision() -> str:
    return known_revisions()[-1]
