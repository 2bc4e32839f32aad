"""The book's lock: whether it is encrypted, whose credentials this computer holds, and
unlocking it with a user's passphrase. Usable before ``Services`` exists (the app asks for
the passphrase before it opens the book) and by the ``crm`` command.

A user's credentials on this computer are their slot in the book's key file
(``crm.store.keys``): the book's data key wrapped under their passphrase. Unlocking checks
the passphrase against the slot; for a book whose key is kept only in slots (source
"passphrase") it also hands the key to every opener of the book in this process.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from crm.domain.errors import DomainError
from crm.domain.ids import new_id
from crm.domain.roles import Role, role_of
from crm.store import encryption, keys
from crm.store.backups import refuse_if_open
from crm.store.errors import StoreError, database_missing
from crm.store.keys import Source

KEYRING: Final = keys.KEYRING
PASSPHRASE: Final = keys.PASSPHRASE
SOURCES: Final = keys.SOURCES
# A bank's rule of thumb for something typed at every sign-in: long enough not to guess.
MIN_PASSPHRASE: Final = 8


@dataclass(frozen=True)
class BookSecurity:
    encrypted: bool
    source: Source | None  # None for a plain book
    users: tuple[str, ...]  # users whose credentials this computer holds, by name


@dataclass(frozen=True)
class UnlockResult:
    username: str
    source: Source


@dataclass(frozen=True)
class KeyPlace:
    """Where an encrypted book's key is, for ``crm book status``."""

    keys_file: Path
    book_id: str
    kept: str  # "keyring", "file", "slots" (only wrapped), "" (not found here)
    fallback_file: Path | None  # the private file, when that is where it is


def is_encrypted(path: Path | str) -> bool:
    """Whether the book at ``path`` is encrypted (has its key file beside it)."""
    return keys.has_key_file(Path(path))


def book_security(path: Path | str) -> BookSecurity:
    found = keys.read_key_file(Path(path))
    if found is None:
        return BookSecurity(False, None, ())
    return BookSecurity(True, found.source, found.users())


def unlock(path: Path | str, username: str, passphrase: str) -> UnlockResult:
    """Check ``username``'s passphrase against their slot; the book's key is then held for
    every opener of ``path`` in this process. Raises StoreError: no slot for the user here,
    a wrong passphrase (nothing changes), a key that does not open the book."""
    book = Path(path)
    found = _key_file(book)
    slot = found.slots.get(username)
    if slot is None:
        raise keys.no_credentials(book, username)
    key = found.bind(keys.unwrap(slot, passphrase, found.book, username))
    if book.exists():
        encryption.check_key(book, key)
    keys.remember(found.book, key)
    return UnlockResult(username, found.source)


def unlock_any(path: Path | str, passphrase: str) -> UnlockResult:
    """Unlock with whichever user's slot ``passphrase`` opens (a command run without
    ``--user``: the book's signed-in user is inside the locked book)."""
    book = Path(path)
    found = _key_file(book)
    if not found.slots:
        raise keys.book_locked(book)
    last: StoreError | None = None
    for username in found.users():
        try:
            return unlock(book, username, passphrase)
        except StoreError as exc:
            if exc.code != "book.wrong_passphrase":
                raise
            last = exc
    assert last is not None
    raise passphrase_fits_nobody() from last


def lock(path: Path | str) -> None:
    """Forget the book's key in this process (the app locks; the engine already open keeps
    its connections until it is closed)."""
    found = keys.read_key_file(Path(path))
    if found is not None:
        keys.forget(found.book)


def can_open(path: Path | str) -> bool:
    """Whether the book's key can be had without a passphrase now (a plain book, a keyring
    book whose key is here, a book unlocked in this process)."""
    try:
        keys.key_for(Path(path))
    except StoreError:
        return False
    return True


def set_passphrase(path: Path | str, username: str, new: str, old: str | None = None) -> None:
    """Give ``username`` a slot (their credentials on this computer) or change theirs:
    changing needs the old passphrase; a new slot needs the book's key at hand (a keyring
    book, or one unlocked in this process)."""
    book = Path(path)
    found = _key_file(book)
    check_passphrase(new)
    if not username.strip():
        raise no_user()
    slot = found.slots.get(username)
    if slot is not None:
        if old is None:
            raise old_passphrase_needed(username)
        key = found.bind(keys.unwrap(slot, old, found.book, username))
    else:
        held = keys.key_for(book)
        assert held is not None  # the key file exists: key_for gives a key or raises
        key = held
    if book.exists():
        encryption.check_key(book, key)
    keys.write_key_file(book, found.with_slot(username, keys.wrap(key, new, found.book, username)))
    keys.remember(found.book, key)


def remove_passphrase(path: Path | str, username: str, role: str | None) -> None:
    """Take ``username``'s credentials off this computer; a team lead's or an
    administrator's act (``role``: the acting user's). The last slot of a book whose key
    is kept only in slots is never removed: the book would be lost."""
    book = Path(path)
    found = _key_file(book)
    if role_of(role) not in (Role.LEAD, Role.ADMIN):
        raise lead_only()
    if username not in found.slots:
        raise keys.no_credentials(book, username)
    if found.source == PASSPHRASE and len(found.slots) == 1:
        raise last_slot(username)
    keys.write_key_file(book, found.without_slot(username))


def may_act_as(path: Path | str, username: str) -> None:
    """Refuse ``username`` (a command's ``--user``) unless this computer holds their
    credentials: a slot in the book's key file, and for a book whose key is only in slots,
    the slot that unlocked it. A plain book, and an encrypted one with no slots (the demo),
    keep the old rule: any user of the book."""
    book = Path(path)
    found = keys.read_key_file(book)
    if found is None or not found.slots:
        return
    if username not in found.slots:
        raise keys.no_credentials(book, username)


def key_place(path: Path | str) -> KeyPlace | None:
    """Where the encrypted book's key is (None for a plain book)."""
    book = Path(path)
    found = keys.read_key_file(book)
    if found is None:
        return None
    if found.source == PASSPHRASE:
        return KeyPlace(keys.keys_path(book), found.book, "slots", None)
    kept = keys.load_stored_key(found.book)[1]
    fallback = keys.stored_keys_path() if kept == keys.FILE else None
    return KeyPlace(keys.keys_path(book), found.book, kept, fallback)


def encrypt_book(
    path: Path | str,
    source: Source,
    *,
    username: str | None,
    passphrase: str | None,
    keep_backup: Callable[[Path], Path | None],
) -> dict[str, int]:
    """Turn the plain book at ``path`` (closed) into an encrypted one; returns the rows of
    every table, checked equal after. ``keep_backup(book)`` keeps the plain book as a
    backup first (the backups folder), so nothing is lost until the encrypted book is in
    place and checked; then that plain copy goes (it would hold every row in clear). A
    passphrase book needs a user and their passphrase (its only way in)."""
    book = Path(path)
    if keys.has_key_file(book):
        raise already_encrypted(book)
    if not book.is_file() or book.stat().st_size == 0:
        raise not_a_book(book)
    if source == PASSPHRASE and (not username or passphrase is None):
        raise passphrase_needed()
    if passphrase is not None:
        check_passphrase(passphrase)
        if not username:
            raise no_user()
    refuse_if_open(book)
    plain_copy = keep_backup(book)
    key = keys.BookKey.new()
    book_id = new_id()
    slots = (
        {username: keys.wrap(key, passphrase, book_id, username)}
        if username and passphrase is not None
        else {}
    )
    found = keys.KeyFile(book_id, source, slots)
    part = book.with_name(f".{book.name}.encrypting")
    counts = encryption.export_encrypted(book, part, key)
    if source == KEYRING:
        keys.store_key(book_id, key)
    keys.remember(book_id, key)
    try:
        # The key file first: a book in place without it would be unreadable; a key file
        # beside the plain book is caught by the check that follows the rename. The plain
        # book's log goes before: its rows are in the copy, and SQLite would apply it to
        # the new file.
        keys.write_key_file(book, found)
        for suffix in ("-wal", "-shm"):
            book.with_name(book.name + suffix).unlink(missing_ok=True)
        os.replace(part, book)
    except BaseException:
        keys.keys_path(book).unlink(missing_ok=True)
        part.unlink(missing_ok=True)
        raise
    encryption.check_key(book, key)
    if plain_copy is not None:
        plain_copy.unlink(missing_ok=True)
    return counts


def new_keyring_book(path: Path | str) -> str:
    """Make a new, not yet written book at ``path`` an encrypted one whose key is kept in
    the keyring (the demo builder): its key file is written and its key held, so the book
    is created encrypted by whatever opens it first. Returns where the key is kept."""
    book = Path(path)
    key = keys.BookKey.new()
    book_id = new_id()
    kept = keys.store_key(book_id, key)
    keys.remember(book_id, key)
    keys.write_key_file(book, keys.KeyFile(book_id, KEYRING, {}))
    return kept


def forget_key_file(path: Path | str) -> None:
    """Drop the key file of a book being replaced by a plain one (``crm demo --plain
    --force``), and its stored key."""
    book = Path(path)
    found = keys.read_key_file(book)
    if found is None:
        return
    keys.forget(found.book)
    keys.delete_stored_key(found.book)
    keys.keys_path(book).unlink(missing_ok=True)


def passphrase_from_environment(name: str = "CRM_PASSPHRASE") -> str | None:
    """CRM_PASSPHRASE (or CRM_NEW_PASSPHRASE, for a new one), for scripts and tests (a
    terminal asks instead)."""
    return os.environ.get(name) or None


def locked(path: Path | str) -> StoreError:
    """The refusal of a book whose key only a passphrase gives, when none was given."""
    return keys.book_locked(Path(path))


def _key_file(book: Path) -> keys.KeyFile:
    found = keys.read_key_file(book)
    if found is None:
        raise not_encrypted(book)
    return found


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise passphrase_too_short()


# ---- messages --------------------------------------------------------------------------


def missing_book(path: Path) -> StoreError:
    return database_missing(str(path))


def not_encrypted(path: Path) -> StoreError:
    return StoreError(
        "book.not_encrypted",
        "The book {path} is not encrypted; encrypt it first (crm book encrypt).",
        path=str(path),
    )


def already_encrypted(path: Path) -> StoreError:
    return StoreError(
        "book.already_encrypted", "The book {path} is already encrypted.", path=str(path)
    )


def not_a_book(path: Path) -> StoreError:
    return StoreError("book.missing", "There is no book at {path} to encrypt.", path=str(path))


def passphrase_too_short() -> DomainError:
    return DomainError(
        "book.passphrase_short",
        "A passphrase needs at least {count} characters.",
        count=MIN_PASSPHRASE,
    )


def passphrase_needed() -> DomainError:
    return DomainError(
        "book.passphrase_needed",
        "A book whose key is kept only under passphrases needs a user and a passphrase "
        "(--user, and CRM_PASSPHRASE or the terminal).",
    )


def old_passphrase_needed(username: str) -> DomainError:
    return DomainError(
        "book.old_passphrase_needed",
        "{user} already has a passphrase here: give the old one to change it.",
        user=username,
    )


def no_user() -> DomainError:
    return DomainError(
        "book.no_user", "Say whose passphrase it is (--user, or sign the book in first)."
    )


def lead_only() -> DomainError:
    return DomainError(
        "book.lead_only",
        "Only a team lead or an administrator may remove a user's credentials.",
    )


def last_slot(username: str) -> DomainError:
    return DomainError(
        "book.last_slot",
        "{user}'s passphrase is the only way into this book; set another user's first.",
        user=username,
    )


def passphrase_fits_nobody() -> StoreError:
    return StoreError(
        "book.wrong_passphrase_any",
        "The passphrase opens no user's credentials for this book. Nothing has been changed.",
    )
