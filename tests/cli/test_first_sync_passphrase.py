"""`crm sync` on a new computer sets the RM's passphrase on the new book once head office
has accepted them (CRM_PASSPHRASE for scripts; a terminal asks twice): the book is
encrypted from the start, this computer holds their credentials, and a passphrase too short
is refused before any file is made. Against a real head office on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crm.services import book_lock
from tests.cli.test_first_sync import NAMES, head_office  # noqa: F401 - the fixture
from tests.sync.harness import PASSWORD, Server


def crm(*args: str, folder: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environ = dict(
        os.environ,
        CRM_LANG="en",
        PYTHONUTF8="1",
        PYTHON_KEYRING_BACKEND="crm.sync.credentials.DemoFileKeyring",
        CRM_DEMO_KEYRING=str(folder / "keyring.json"),
        **env,
    )
    for name in ("CRM_PASSWORD", "CRM_PASSPHRASE"):
        if name not in env:
            environ.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", *args],
        capture_output=True,
        text=True,
        env=environ,
        input=stdin,
        timeout=120,
    )


def _first_sync(server: Server, book: Path, folder: Path, **env: str):
    return crm(
        "sync",
        "--db",
        str(book),
        "--server",
        server.url,
        "--username",
        "wangfang",
        "--password-stdin",
        "--json",
        folder=folder,
        stdin=PASSWORD + "\n",
        **env,
    )


def test_the_new_book_holds_the_rm_s_passphrase(head_office: Server, tmp_path: Path) -> None:  # noqa: F811
    book = tmp_path / "wangfang.db"
    result = _first_sync(head_office, book, tmp_path, CRM_PASSPHRASE="brass-lantern-42")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "No passphrase" not in result.stderr
    security = book_lock.book_security(book)
    assert security.encrypted and security.users == ("wangfang",)
    assert not book.read_bytes().startswith(b"SQLite format 3")
    # Only a user whose credentials this computer holds may be acted as.
    listed = crm(
        "prospects",
        "list",
        "--db",
        str(book),
        "--user",
        "wangfang",
        "--json",
        "--all",
        folder=tmp_path,
    )
    assert listed.returncode == 0, listed.stderr
    assert sorted(r["name"] for r in json.loads(listed.stdout)["rows"]) == sorted(NAMES)
    other = crm("prospects", "list", "--db", str(book), "--user", "chenjing", folder=tmp_path)
    assert other.returncode != 0 and other.stdout == "" and "Traceback" not in other.stderr


def test_a_short_passphrase_is_refused_before_anything_is_made(
    head_office: Server,  # noqa: F811
    tmp_path: Path,
) -> None:
    book = tmp_path / "new.db"
    result = _first_sync(head_office, book, tmp_path, CRM_PASSPHRASE="short")
    assert result.returncode == 1 and "8" in result.stderr
    assert "Traceback" not in result.stderr
    assert not book.exists() and not book_lock.is_encrypted(book)


def test_without_a_passphrase_the_command_says_how_to_set_one(
    head_office: Server,  # noqa: F811
    tmp_path: Path,
) -> None:
    book = tmp_path / "script.db"
    result = _first_sync(head_office, book, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "crm passphrase set" in result.stderr
    assert book_lock.is_encrypted(book) and book_lock.book_security(book).users == ()


def test_a_passphrase_only_policy_takes_the_key_out_of_the_keyring(
    head_office: Server,  # noqa: F811
    tmp_path: Path,
) -> None:
    head_office.admin.publish("security", {"key_source": "passphrase"})
    try:
        book = tmp_path / "strict.db"
        result = _first_sync(head_office, book, tmp_path, CRM_PASSPHRASE="brass-lantern-42")
        assert result.returncode == 0, result.stderr
        assert book_lock.book_security(book).source == "passphrase"
        # Nothing opens it now without her passphrase.
        locked = crm("prospects", "list", "--db", str(book), "--json", folder=tmp_path)
        assert locked.returncode != 0 and "Traceback" not in locked.stderr
        opened = crm(
            "prospects",
            "list",
            "--db",
            str(book),
            "--json",
            "--all",
            folder=tmp_path,
            CRM_PASSPHRASE="brass-lantern-42",
        )
        assert opened.returncode == 0, opened.stderr
        assert len(json.loads(opened.stdout)["rows"]) == len(NAMES)
    finally:
        head_office.admin.publish("security", {})
