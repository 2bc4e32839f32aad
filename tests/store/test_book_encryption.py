"""An encrypted book (crm/store/keys.py, crm/services/book_lock.py): the stdlib's SQLite
cannot read it and its bytes hold no phone number; it opens with its key (kept in the
keyring, or only under users' passphrases); a wrong passphrase, a missing or foreign key
file and a book opened without its key are refused with a clear message, the file left
untouched; a plain book converted keeps every row and its search.

scrypt runs at its real cost (about 0.1 s a slot): one passphrase book serves the module.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from store_helpers import digest, make_prospect

from crm.services import book_lock
from crm.store import keys, search
from crm.store.errors import StoreError
from crm.store.files import raw_connect
from crm.store.first_look import read_first_rows
from crm.store.migrate import (
    current_revision,
    downgrade,
    head_revision,
    known_revisions,
    open_database,
)

PHONE = "13912345678"
NAMES = ("佛山市南海区甲五金厂", "佛山市顺德区乙电器厂", "广州市天河区丙软件公司")
PASS = "correct horse battery"


def _plain_book(folder: Path, template: Path) -> Path:
    path = folder / "book.db"
    shutil.copyfile(template, path)
    db, _ = open_database(path)
    with db.transaction() as s:
        s.add_all(make_prospect(n, phone=PHONE, owner_name="王伟") for n in NAMES)
    db.close()
    return path


def _matches(path: Path, query: str) -> int:
    db, _ = open_database(path)
    try:
        expression = search.match_expression(query)
        with db.reading() as s:
            rows = s.execute(text(search.matching_ids_sql()), {"fts_query": expression})
            return len(rows.all())
    finally:
        db.close()


def _count(path: Path) -> int:
    db, _ = open_database(path)
    try:
        with db.reading() as s:
            return int(s.execute(text("SELECT count(*) FROM prospects")).scalar_one())
    finally:
        db.close()


@pytest.fixture(scope="module")
def locked_book(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Path]:
    """A book converted to source "passphrase" with one slot (王伟's), its key held."""
    folder = tmp_path_factory.mktemp("locked")
    path = _plain_book(folder, template_db)
    assert _matches(path, "天河") == 1
    plain_copy = folder / "plain-copy.db"

    def keep(book: Path) -> Path:
        return Path(shutil.copyfile(book, plain_copy))

    counts = book_lock.encrypt_book(
        path, "passphrase", username="wangwei", passphrase=PASS, keep_backup=keep
    )
    # The plain copy kept while converting goes once the encrypted book is checked.
    assert counts["prospects"] == len(NAMES) and not plain_copy.exists()
    yield path
    keys.forget_all()


def test_the_stdlib_cannot_read_it_and_grep_finds_no_phone(locked_book: Path) -> None:
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(locked_book).execute("SELECT count(*) FROM sqlite_master").fetchall()
    data = locked_book.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert PHONE.encode() not in data and "天河".encode() not in data
    security = book_lock.book_security(locked_book)
    assert security == book_lock.BookSecurity(True, "passphrase", ("wangwei",))
    assert book_lock.is_encrypted(locked_book)
    assert oct(keys.keys_path(locked_book).stat().st_mode & 0o777) == "0o600"


def test_converted_book_keeps_every_row_and_its_search(locked_book: Path) -> None:
    book_lock.unlock(locked_book, "wangwei", PASS)
    assert _count(locked_book) == len(NAMES)
    assert _matches(locked_book, "天河") == 1 and _matches(locked_book, "五金") == 1
    assert current_revision(locked_book, thorough=True) == head_revision()
    first = read_first_rows(locked_book, 10)
    assert first is not None and first.total == len(NAMES)


def test_without_its_key_the_book_is_refused_as_locked_not_damaged(locked_book: Path) -> None:
    before = digest(locked_book), digest(keys.keys_path(locked_book))
    keys.forget_all()
    with pytest.raises(StoreError) as refused:
        open_database(locked_book)
    assert refused.value.code == "book.locked"
    assert "encrypted" in str(refused.value) and "damaged" not in str(refused.value)
    assert read_first_rows(locked_book, 10) is None
    assert not book_lock.can_open(locked_book)
    with pytest.raises(StoreError) as wrong:
        book_lock.unlock(locked_book, "wangwei", "not the passphrase")
    assert wrong.value.code == "book.wrong_passphrase"
    with pytest.raises(StoreError) as stranger:
        book_lock.unlock(locked_book, "lina", PASS)
    assert stranger.value.code == "book.no_credentials"
    assert (digest(locked_book), digest(keys.keys_path(locked_book))) == before
    assert book_lock.unlock(locked_book, "wangwei", PASS) == book_lock.UnlockResult(
        "wangwei", "passphrase"
    )
    assert book_lock.can_open(locked_book)


def test_a_second_user_gets_a_slot_and_changes_it_with_the_old_one(locked_book: Path) -> None:
    book_lock.unlock(locked_book, "wangwei", PASS)
    with pytest.raises(Exception, match="at least 8"):
        book_lock.set_passphrase(locked_book, "lina", "short")
    book_lock.set_passphrase(locked_book, "lina", "lina's long one")
    assert book_lock.book_security(locked_book).users == ("lina", "wangwei")
    with pytest.raises(Exception, match="old one"):
        book_lock.set_passphrase(locked_book, "lina", "another long one")
    with pytest.raises(StoreError, match="wrong"):
        book_lock.set_passphrase(locked_book, "lina", "another long one", old="guess guess")
    book_lock.set_passphrase(locked_book, "lina", "another long one", old="lina's long one")
    keys.forget_all()
    with pytest.raises(StoreError, match="opens no user"):
        book_lock.unlock_any(locked_book, "lina's long one")
    assert book_lock.unlock_any(locked_book, "another long one").username == "lina"
    with pytest.raises(Exception, match="team lead"):
        book_lock.remove_passphrase(locked_book, "lina", "rm")
    book_lock.remove_passphrase(locked_book, "lina", "lead")
    with pytest.raises(Exception, match="only way"):
        book_lock.remove_passphrase(locked_book, "wangwei", "admin")
    assert book_lock.book_security(locked_book).users == ("wangwei",)


@pytest.fixture(params=["no keyring", "a keyring"])
def keyring_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """No keyring service (keyring's own fail backend: a headless Linux), or a working one
    (the sync tests' in-memory keyring); the process's own is put back after."""
    import keyring
    from keyring.backends import fail

    from tests.sync.harness import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring() if request.param == "no keyring" else MemoryKeyring())
    yield request.param
    keyring.set_keyring(previous)


def test_a_keyring_book_opens_without_a_passphrase(
    tmp_path: Path, template_db: Path, keyring_backend: str
) -> None:
    import keyring

    path = _plain_book(tmp_path, template_db)
    book_lock.encrypt_book(
        path, "keyring", username=None, passphrase=None, keep_backup=lambda book: None
    )
    keys.forget_all()  # as a new process: the key comes from where it is kept
    assert _count(path) == len(NAMES)
    place = book_lock.key_place(path)
    assert place is not None
    if keyring_backend == "no keyring":
        # The app's private file holds it, readable by this account only; status says so.
        assert place.kept == "file" and place.fallback_file == keys.stored_keys_path()
        assert oct(keys.stored_keys_path().stat().st_mode & 0o777) == "0o600"
    else:
        assert place.kept == "keyring" and place.fallback_file is None
        assert keyring.get_password(keys.SERVICE, place.book_id)
        assert not keys.stored_keys_path().exists()
    assert PHONE.encode() not in path.read_bytes()
    with pytest.raises(StoreError, match="already encrypted"):
        book_lock.encrypt_book(path, "keyring", username=None, passphrase=None, keep_backup=print)


def test_a_missing_or_foreign_key_file_is_named_and_the_book_untouched(
    tmp_path: Path, template_db: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, other = (
        _plain_book(tmp_path / "a", template_db),
        _plain_book(tmp_path / "b", template_db),
    )
    for book in (first, other):
        book_lock.encrypt_book(
            book, "keyring", username=None, passphrase=None, keep_backup=lambda b: None
        )
    before = digest(first)
    shutil.copyfile(keys.keys_path(other), keys.keys_path(first))
    with pytest.raises(StoreError) as foreign:
        open_database(first)
    assert foreign.value.code == "book.keys_mismatch"
    keys.keys_path(first).unlink()
    with pytest.raises(StoreError) as missing:
        open_database(first)
    # Without its key file it is bytes with no pattern: said to be possibly a book whose
    # key file is missing, and never "damaged".
    assert missing.value.code == "db.not_ours"
    assert "key file" in str(missing.value) and "damaged" not in str(missing.value)
    assert digest(first) == before


def test_the_key_file_says_the_cipher_and_a_forged_one_is_refused(locked_book: Path) -> None:
    book_lock.unlock(locked_book, "wangwei", PASS)
    path = keys.keys_path(locked_book)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["cipher"] == {"page_size": keys.CIPHER_PAGE_SIZE, "hmac": keys.CIPHER_HMAC}
    conn = raw_connect(locked_book)
    try:
        assert int(conn.execute("PRAGMA page_size").fetchone()[0]) == keys.CIPHER_PAGE_SIZE
    finally:
        conn.close()
    # The settings go into PRAGMAs: anything but a known value is refused, never run.
    original = path.read_text(encoding="utf-8")
    try:
        written["cipher"]["hmac"] = "HMAC_SHA256; PRAGMA key = ''"
        path.write_text(json.dumps(written), encoding="utf-8")
        with pytest.raises(StoreError) as forged:
            raw_connect(locked_book)
        assert forged.value.code == "book.keys_unreadable"
    finally:
        path.write_text(original, encoding="utf-8")


def test_the_copy_kept_before_an_upgrade_is_encrypted_too(
    tmp_path: Path, template_db: Path
) -> None:
    path = _plain_book(tmp_path, template_db)
    book_lock.encrypt_book(
        path, "keyring", username=None, passphrase=None, keep_backup=lambda book: None
    )
    earlier = known_revisions()[-2]
    db, _ = open_database(path)
    downgrade(db, earlier)
    db.close()
    db, report = open_database(path)
    db.close()
    assert report.upgraded_from == earlier and report.backup is not None
    copy = report.backup.read_bytes()
    assert not copy.startswith(b"SQLite format 3") and PHONE.encode() not in copy
    assert keys.has_key_file(report.backup)
    assert current_revision(report.backup, thorough=True) == earlier


def test_a_book_in_use_is_not_converted_under_its_user(tmp_path: Path, template_db: Path) -> None:
    path = _plain_book(tmp_path, template_db)
    holder = raw_connect(path)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program writing to it
        before = digest(path)
        with pytest.raises(StoreError) as refused:
            book_lock.encrypt_book(
                path, "keyring", username=None, passphrase=None, keep_backup=lambda b: None
            )
        assert refused.value.code == "db.locked"
        assert digest(path) == before and not keys.has_key_file(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
