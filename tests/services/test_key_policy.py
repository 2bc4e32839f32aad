"""The book's key follows head office's key source (crm.services.key_policy) on real key
files: into the passphrase slots only (the keyring's copy removed: the book then opens only
with a passphrase), back into the keyring while unlocked; never where the way in would be
lost (no slot yet, or the key not at hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.domain.security_policy import SecurityPolicy
from crm.services import book_lock
from crm.services.container import open_services
from crm.services.key_policy import follow_key_source
from crm.store import keys
from crm.store.errors import StoreError

PASSPHRASE_ONLY = SecurityPolicy(key_source="passphrase")
KEYRING = SecurityPolicy(key_source="keyring")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    book_lock.new_keyring_book(path)
    services = open_services(path, create=True)
    services.close()
    return path


def _stored(path: Path) -> bool:
    found = keys.read_key_file(path)
    assert found is not None
    return keys.load_stored_key(found.book)[0] is not None


def test_the_key_leaves_the_keyring_only_once_a_passphrase_holds_it(book: Path) -> None:
    assert not follow_key_source(book, PASSPHRASE_ONLY)  # no slot: it would be lost
    assert book_lock.book_security(book).source == "keyring" and _stored(book)

    book_lock.set_passphrase(book, "wangfang", "brass-lantern-42")
    assert follow_key_source(book, PASSPHRASE_ONLY)
    assert book_lock.book_security(book).source == "passphrase" and not _stored(book)
    assert not follow_key_source(book, PASSPHRASE_ONLY)  # already there

    book_lock.lock(book)
    assert not book_lock.can_open(book)
    with pytest.raises(StoreError):
        open_services(book)
    book_lock.unlock(book, "wangfang", "brass-lantern-42")
    open_services(book).close()


def test_the_key_goes_back_to_the_keyring_while_unlocked(book: Path) -> None:
    book_lock.set_passphrase(book, "wangfang", "brass-lantern-42")
    follow_key_source(book, PASSPHRASE_ONLY)
    book_lock.lock(book)
    assert not follow_key_source(book, KEYRING)  # locked: not at hand, nothing changes
    assert book_lock.book_security(book).source == "passphrase"

    book_lock.unlock(book, "wangfang", "brass-lantern-42")
    assert follow_key_source(book, KEYRING)
    assert book_lock.book_security(book).source == "keyring" and _stored(book)
    book_lock.lock(book)
    assert book_lock.can_open(book)  # from the keyring, with no passphrase


def test_a_plain_book_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    open_services(path, create=True).close()
    assert not follow_key_source(path, PASSPHRASE_ONLY)
    assert not book_lock.is_encrypted(path)
