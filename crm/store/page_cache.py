"""A larger SQLite page cache for one connection while a bulk write runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def page_cache(session: Session, kib: int) -> Iterator[None]:
    """Use a page cache of `kib` KiB on this session's connection, then put it back."""
    conn = session.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-abs(int(kib))}")
    try:
        yield
    finally:
        if before is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
