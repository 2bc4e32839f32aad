"""Copies of a book in the backups folder: made on request, checked before they replace
anything, and restored without losing the book they replace.

A copy is made with SQLite's online backup (consistent while the app has the book open),
written under a temporary name and renamed only once its every page has been checked, so a
half-written copy never looks like a backup. A restore checks the copy first (a file that is
not a book, a damaged one or one from a newer version is refused with the book untouched),
keeps the current book as a backup of its own (byte for byte when it is damaged), and puts
the copy in place with one rename.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from crm.domain.errors import Message
from crm.store import errors, keys
from crm.store.engine import classify
from crm.store.files import SIDECARS, known_revisions, looks_like_sqlite, raw_connect, sidecar
from crm.store.migrate import current_revision

# Backups kept per book; the oldest go when a new one is made.
KEEP: Final = 20
_NAME: Final = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<tag>[a-z0-9-]+))?\.db$")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime  # UTC, from the file's name
    size: int
    tag: str  # "" for a backup made on request; "before-restore", "damaged"


def no_backup(path: Path) -> errors.StoreError:
    return errors.StoreError("backup.missing", "There is no backup at {path}.", path=str(path))


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _target(folder: Path, stem: str, now: datetime, tag: str) -> Path:
    suffix = f"-{tag}" if tag else ""
    target = folder / f"{stem}-{_stamp(now)}{suffix}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{_stamp(now)}{suffix or '-copy'}{n}.db"
    return target


def _sync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _copy_pages(source: Path, target: Path) -> None:
    """A consistent copy of the database ``source`` at ``target`` (SQLite's online backup)."""
    # Read-write although it only reads: a read-only connection to a WAL database leaves its
    # -wal and -shm files behind. An encrypted book's copy is encrypted with its key (the
    # caller puts its key file beside it).
    key = keys.key_for(source)
    src = raw_connect(source, key=key)
    dest = raw_connect(target, key=key)
    try:
        src.backup(dest)
        # One self-contained file (no write-ahead log beside it); the app sets WAL again
        # when it opens a restored book.
        dest.execute("PRAGMA journal_mode = DELETE")
    except Exception as exc:
        raise classify(exc, str(source)) or exc from exc
    finally:
        dest.close()
        src.close()
    for suffix in SIDECARS:
        sidecar(target, suffix).unlink(missing_ok=True)
    _sync(target)


def make_backup(
    book: Path, folder: Path, now: datetime, *, tag: str = "", keep: int = KEEP
) -> Backup:
    """Copy ``book`` into ``folder`` now; the oldest backups beyond ``keep`` go."""
    if not book.is_file():
        raise errors.database_missing(str(book))
    folder.mkdir(parents=True, exist_ok=True)
    target = _target(folder, book.stem, now, tag)
    part = target.with_name(target.name + ".part")
    try:
        _copy_key_file(book, part)
        _copy_pages(book, part)
        check_backup(part)
        _move_key_file(part, target)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
        keys.keys_path(part).unlink(missing_ok=True)
        for suffix in SIDECARS:
            sidecar(part, suffix).unlink(missing_ok=True)
    _prune(book, folder, keep)
    return Backup(target, now.astimezone(UTC), target.stat().st_size, tag)


def list_backups(book: Path, folder: Path) -> list[Backup]:
    """The backups of ``book`` in ``folder``, newest first."""
    found = []
    if not folder.is_dir():
        return []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or match["stem"] != book.stem or not path.is_file():
            continue
        taken = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        found.append(Backup(path, taken, path.stat().st_size, match["tag"] or ""))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def _prune(book: Path, folder: Path, keep: int) -> None:
    for old in list_backups(book, folder)[keep:]:
        with contextlib.suppress(OSError):
            old.path.unlink()
            keys.keys_path(old.path).unlink(missing_ok=True)


def _copy_key_file(book: Path, copy: Path) -> None:
    """The key file of an encrypted book beside its copy (none for a plain book)."""
    if keys.has_key_file(book):
        shutil.copy2(keys.keys_path(book), keys.keys_path(copy))
    else:
        keys.keys_path(copy).unlink(missing_ok=True)


def _move_key_file(copy: Path, target: Path) -> None:
    if keys.has_key_file(copy):
        os.replace(keys.keys_path(copy), keys.keys_path(target))
    else:
        keys.keys_path(target).unlink(missing_ok=True)


def check_backup(path: Path) -> str:
    """The schema revision of the copy at ``path`` after reading every page of it; a file
    that is not a book, is damaged, is empty or is from a newer version raises StoreError."""
    if not path.is_file():
        raise no_backup(path)
    revision = current_revision(path, thorough=True)
    if revision is None:
        raise errors.database_not_ours(str(path), Message("it holds no book (it is empty)"))
    if revision not in known_revisions():
        raise errors.database_too_new(str(path), revision)
    return revision


def restore_backup(backup: Path, book: Path, folder: Path, now: datetime) -> Backup | None:
    """Put the copy ``backup`` in place of ``book`` (which nothing may have open); returns
    the backup kept of the book it replaced (None when there was none)."""
    check_backup(backup)
    kept: Backup | None = None
    if book.exists() and book.stat().st_size > 0:
        refuse_if_open(book)
        try:
            kept = make_backup(book, folder, now, tag="before-restore", keep=KEEP + 1)
        except errors.StoreError:
            # The book is damaged (or not a book): kept byte for byte, never lost.
            folder.mkdir(parents=True, exist_ok=True)
            target = _target(folder, book.stem, now, "damaged")
            shutil.copy2(book, target)
            if keys.has_key_file(book):
                shutil.copy2(keys.keys_path(book), keys.keys_path(target))
            for suffix in SIDECARS:
                if sidecar(book, suffix).exists():
                    shutil.copy2(sidecar(book, suffix), sidecar(target, suffix))
            kept = Backup(target, now.astimezone(UTC), target.stat().st_size, "damaged")
    book.parent.mkdir(parents=True, exist_ok=True)
    part = book.with_name(f".{book.name}.restoring")
    try:
        _copy_key_file(backup, part)
        _copy_pages(backup, part)
        for suffix in SIDECARS:
            sidecar(book, suffix).unlink(missing_ok=True)
        # The key file first: a crash between the two renames leaves the book beside a
        # key file that does not open it (told as such), and its backup kept above.
        _move_key_file(part, book)
        os.replace(part, book)
    finally:
        part.unlink(missing_ok=True)
        keys.keys_path(part).unlink(missing_ok=True)
        for suffix in SIDECARS:
            sidecar(part, suffix).unlink(missing_ok=True)
    return kept


def refuse_if_open(book: Path) -> None:
    """A book another process has open is not replaced under it (a restore, a conversion
    to an encrypted book): its lock says so."""
    if not looks_like_sqlite(book) and not keys.has_key_file(book):
        return
    try:
        conn = raw_connect(book)
    except Exception:
        return  # not openable: a damaged book, kept byte for byte by the caller
    try:
        conn.execute("PRAGMA busy_timeout = 500")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except Exception as exc:
        problem = classify(exc, str(book))
        if problem is not None and problem.code == "db.locked":
            raise problem from exc
    finally:
        conn.close()
