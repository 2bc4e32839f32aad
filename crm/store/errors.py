"""Database problems a person can act on, as translatable messages.

Known failures (locked, corrupt, too new, read-only, disk full) are told plainly; anything
else is a bug and propagates. Following qutebrowser's split of SQLite errors.
"""

from __future__ import annotations

import logging

from crm.domain.errors import DomainError, Message


class StoreError(DomainError):
    """A database problem the user can understand and act on."""


def database_locked(path: str) -> StoreError:
    return StoreError(
        "db.locked",
        "The database {path} is in use by another program (or another copy of FirstLoan CRM). "
        "Close it and try again.",
        path=path,
    )


def database_corrupt(path: str, detail: str) -> StoreError:
    return StoreError(
        "db.corrupt",
        "The database {path} is damaged and cannot be opened ({detail}). It has been left "
        "untouched; restore it from a backup or ask IT for help.",
        path=path,
        detail=_damage(detail),
    )


def _damage(detail: str) -> Message | str:
    """SQLite's word for the damage, in the user's language where it is a known one (a page
    check's own report is kept as it is, for IT)."""
    text = detail.lower()
    if "malformed" in text:
        return Message("its pages do not fit together")
    if "not a database" in text:
        return Message("its first page is not a database page")
    if text.startswith("*** in database") or text.startswith("page "):
        # SQLite's page check lists each damaged page: for IT, in the log.
        logging.getLogger(__name__).info("page check of a damaged book: %s", detail)
        return Message("the page check found damaged pages")
    return detail


def database_not_ours(path: str, why: Message) -> StoreError:
    """A file that is no book of ours (a document, another program's database), as against a
    book of ours that is damaged: the user picked the wrong file and has nothing to repair."""
    return StoreError(
        "db.not_ours",
        "{path} is not a FirstLoan CRM book: {why}. It has been left untouched; choose the "
        "book's file.",
        path=path,
        why=why,
    )


def not_a_database_file() -> Message:
    return Message("it is not a database file")


def another_programs_database() -> Message:
    return Message("it is another program's database")


def not_a_file(path: str) -> StoreError:
    return StoreError(
        "db.not_a_file",
        "{path} is not a file (a device or another special file); choose the book's file.",
        path=path,
    )


def cannot_open(path: str) -> StoreError:
    return StoreError(
        "db.cannot_open",
        "The database {path} cannot be opened or created there: check that its folder exists "
        "and may be written to.",
        path=path,
    )


def database_too_new(path: str, revision: str) -> StoreError:
    return StoreError(
        "db.too_new",
        "The database {path} was written by a newer version of FirstLoan CRM (schema {revision}). "
        "It has been left untouched; please update the app.",
        path=path,
        revision=revision,
    )


def database_missing(path: str) -> StoreError:
    return StoreError(
        "db.missing",
        "There is no database at {path}. Create one with 'crm demo --db {path}' or choose "
        "another file.",
        path=path,
    )


def database_read_only(path: str) -> StoreError:
    return StoreError(
        "db.read_only",
        "The database {path} cannot be written (read-only file or folder).",
        path=path,
    )


def disk_full(path: str) -> StoreError:
    return StoreError(
        "db.disk_full",
        "The disk holding {path} is full; nothing was saved. Free some space and try again.",
        path=path,
    )
