"""The database file itself, without SQLAlchemy: its header, its schema revision, a bare
connection. Start-up reads the first page of the book through these before the data stack
has loaded (see crm.store.first_look); opening for real goes through crm.store.migrate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlite_driver

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def raw_connect(path: Path | str, *, read_only: bool = False) -> Any:
    """A bare DB-API connection for checks that must not change the file (no PRAGMAs)."""
    target = Path(path)
    if read_only:
        return sqlite_driver.connect(
            f"file:{target.as_posix()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    return sqlite_driver.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000)


def looks_like_sqlite(path: Path) -> bool:
    """True when the file starts with SQLite's header (an empty file counts as new)."""
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
