"""The first look (the book's first screen read with the bare driver) says what the
services would say, and steps aside for anything unusual."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crm.demo.builder import build_demo
from crm.domain.query import ProspectFilter, Sort
from crm.services import reference
from crm.services.container import open_services
from crm.services.first_look import first_look
from crm.store.engine import raw_connect


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("look") / "book.db"
    build_demo(path, prospects=700, seed=5)
    return path


@pytest.fixture
def book(demo_book: Path, tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    shutil.copy(demo_book, path)
    return path


def test_the_first_look_is_what_the_services_say(book: Path) -> None:
    look = first_look(book, 200)
    assert look is not None
    services = open_services(book)
    try:
        assert look.rows == services.prospects.page(ProspectFilter(), Sort(), 0, 200)
        assert look.total == services.prospects.count(ProspectFilter()) == 700
        assert look.user == services.users.current()
        assert look.users == services.users.all()
        assert look.districts == reference.districts(services.ctx)
    finally:
        services.close()


def test_a_new_user_and_unassigned_prospects_read_the_same(book: Path) -> None:
    conn = raw_connect(book)
    conn.execute("DELETE FROM app_meta WHERE key = 'current_user'")
    conn.execute("UPDATE prospects SET assigned_rm_id = NULL, last_contact_on = NULL")
    conn.commit()
    conn.close()
    look = first_look(book, 50)
    assert look is not None and look.user is None
    services = open_services(book)
    try:
        assert look.rows == services.prospects.page(ProspectFilter(), Sort(), 0, 50)
    finally:
        services.close()


def test_the_first_look_imports_nothing_of_sqlalchemy(book: Path) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from crm.services.first_look import first_look\n"
        f"assert first_look(Path({str(book)!r}), 200) is not None\n"
        "import crm.ui.shell.main_window, crm.ui.prospects.page\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]"


def _set_revision(path: Path, revision: str) -> None:
    conn = raw_connect(path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.commit()
    conn.close()


def test_anything_unusual_is_left_to_the_careful_open(book: Path, tmp_path: Path) -> None:
    assert first_look(tmp_path / "missing.db", 200) is None
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    assert first_look(junk, 200) is None
    wal = book.with_name(book.name + "-wal")
    wal.write_bytes(os.urandom(4096))  # a crash left the log behind
    assert first_look(book, 200) is None
    wal.unlink()
    _set_revision(book, "0001")  # older: to be backed up and upgraded
    assert first_look(book, 200) is None
    _set_revision(book, "9999")  # newer: to be refused
    assert first_look(book, 200) is None


def test_the_credentials_asked_at_start_are_book_locks_and_load_no_sqlalchemy(
    tmp_path: Path,
) -> None:
    from crm.services import book_lock
    from crm.services.first_look import credential_holders

    path = tmp_path / "locked.db"
    build_demo(path, prospects=5, seed=3)
    assert credential_holders(path) == book_lock.book_security(path).users
    if not book_lock.is_encrypted(path):
        services = open_services(path)
        users = [u.username for u in services.users.all()][:2]
        services.close()
        book_lock.encrypt_book(
            path,
            book_lock.PASSPHRASE,
            username=users[0],
            passphrase="brass-lantern-42",
            keep_backup=lambda _book: None,
        )
        book_lock.set_passphrase(path, users[1], "other-passphrase-9")
        book_lock.lock(path)
    held = credential_holders(path)
    assert held and held == book_lock.book_security(path).users
    # What the launcher runs on the UI thread before anything shows.
    code = (
        "import sys; from pathlib import Path\n"
        "import crm.ui.launch\n"
        "from crm.services.first_look import credential_holders\n"
        f"print(credential_holders(Path({str(path)!r})))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.splitlines() == [repr(held), "[]"]
