"""An encrypted book's file: checking a key against it, and turning a plain book into an
encrypted one without losing a row.

The conversion copies the plain book into a new file with SQLCipher's ``sqlcipher_export``,
checks that every table holds as many rows as before and that the search index answers,
and only then replaces the book with one rename; the plain book is kept as a backup until
the check has passed (see ``crm.services.book_lock.encrypt_book``).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from crm.store import errors, keys
from crm.store.engine import classify
from crm.store.files import SIDECARS, raw_connect, sidecar


def key_opens(path: Path, key: keys.BookKey) -> bool:
    """Whether ``key`` reads the book at ``path`` (its first page decrypts)."""
    try:
        conn = raw_connect(path, key=key)
    except Exception:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except Exception:
        return False
    finally:
        conn.close()


def check_key(path: Path, key: keys.BookKey) -> None:
    """Raise the key file's mismatch (the book untouched) unless ``key`` opens the book."""
    if not key_opens(path, key):
        raise keys.key_file_mismatch(path)


def table_counts(conn: Any) -> dict[str, int]:
    """Rows in every table of the book (the search index's own shadow tables included)."""
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    return {
        name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names
    }


def _search_answers(conn: Any) -> bool:
    """The prospects' full-text index finds a word of the first prospect indexed (a book
    without prospects, or without the index, has nothing to find)."""
    has_index = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'prospect_search'"
    ).fetchone()
    if has_index is None:
        return True
    row = conn.execute(
        "SELECT rowid, body FROM prospect_search WHERE body IS NOT NULL AND body != '' LIMIT 1"
    ).fetchone()
    if row is None:
        return True
    word = next((w for w in str(row[1]).split() if w.isalnum()), None)
    if word is None:
        return True
    found = conn.execute(
        "SELECT rowid FROM prospect_search WHERE prospect_search MATCH ?", (f'"{word}"',)
    ).fetchall()
    return any(r[0] == row[0] for r in found)


def export_encrypted(plain: Path, target: Path, key: keys.BookKey) -> dict[str, int]:
    """Copy the plain book ``plain`` into a new encrypted file ``target`` under ``key``;
    returns the row counts of every table, checked equal in both files, the copy's search
    index checked to answer. ``plain`` is only read; ``target`` is removed on failure."""
    for leftover in (target, *(sidecar(target, s) for s in SIDECARS)):
        leftover.unlink(missing_ok=True)
    source = raw_connect(plain, key=None)
    source.isolation_level = None
    try:
        source.execute("PRAGMA busy_timeout = 1500")
        for statement in key.defaults():
            source.execute(statement)
        source.execute("ATTACH DATABASE ? AS encrypted " + key.attach_clause(), (str(target),))
        # The book's write lock while it is counted and copied: a program that writes
        # meanwhile waits, or is told the book is in use; no row written then is lost.
        source.execute("BEGIN IMMEDIATE")
        before = table_counts(source)
        source.execute("SELECT sqlcipher_export('encrypted')").fetchall()
        version = source.execute("PRAGMA main.user_version").fetchone()[0]
        source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        source.execute("COMMIT")
        source.execute("DETACH DATABASE encrypted")
    except Exception as exc:
        _remove(target)
        raise _known(exc, plain) from exc
    finally:
        source.close()
    try:
        copy = raw_connect(target, key=key)
        try:
            after = table_counts(copy)
            searching = _search_answers(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        if after != before:
            lost = sorted(n for n in before if before[n] != after.get(n))
            raise conversion_failed(plain, ", ".join(lost))
        if not searching:
            raise conversion_failed(plain, "prospect_search")
        with open(target, "rb") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        _remove(target)
        raise
    return after


def conversion_failed(path: Path, tables: str) -> errors.StoreError:
    return errors.StoreError(
        "book.conversion_failed",
        "The encrypted copy of {path} did not match it ({tables}); the book has been left "
        "as it was.",
        path=str(path),
        tables=tables,
    )


def _known(exc: Exception, path: Path) -> Exception:
    return classify(exc, str(path)) or exc


def _remove(target: Path) -> None:
    for leftover in (target, *(sidecar(target, s) for s in SIDECARS)):
        with contextlib.suppress(OSError):
            leftover.unlink()


__all__ = [
    "check_key",
    "conversion_failed",
    "export_encrypted",
    "key_opens",
    "table_counts",
]
