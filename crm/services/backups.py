"""Backing up a book and restoring it (``crm backup``, ``crm restore``, File ▸ Back up now).

The backups of a book live in the platform's data folder (``crm.app.backups_dir``), one file
per backup named by the time it was taken; the app makes one a day by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from crm.domain.clock import utcnow
from crm.store import backups as store
from crm.store.backups import Backup as Backup

# The app backs the book up by itself when its newest backup is older than this.
DAILY: Final = timedelta(hours=24)


class BackupService:
    def __init__(self, book: Path, folder: Path, clock: Callable[[], datetime] = utcnow) -> None:
        self.book = Path(book)
        self.folder = Path(folder)
        self.clock = clock

    def back_up(self, tag: str = "") -> Backup:
        """A copy of the book now (while it may be open: the copy is consistent); an
        encrypted book's copy is encrypted with its key, its key file beside it. ``tag``
        names why it was made ("before-encrypt")."""
        return store.make_backup(self.book, self.folder, self.clock(), tag=tag)

    def backups(self) -> list[Backup]:
        """The book's backups, newest first."""
        return store.list_backups(self.book, self.folder)

    def latest(self) -> Backup | None:
        found = self.backups()
        return found[0] if found else None

    def due(self) -> bool:
        """Whether the daily backup is due (none yet, or the newest older than a day)."""
        newest = next((b for b in self.backups() if not b.tag), None)
        return newest is None or self.clock() - newest.taken_at >= DAILY

    def check(self, path: Path) -> str:
        """Read every page of the copy at ``path``; its schema revision, or StoreError."""
        return store.check_backup(Path(path))

    def restore(self, path: Path) -> Backup | None:
        """Put the copy at ``path`` in place of the book (closed by the caller); returns
        the backup kept of the book it replaced."""
        return store.restore_backup(Path(path), self.book, self.folder, self.clock())
