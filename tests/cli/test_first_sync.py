"""`crm sync` on a new computer: the book does not exist yet, the command creates it and runs
the first download (progress on stderr, the result on stdout), against a real head office
on 127.0.0.1; what goes wrong before anything was downloaded leaves no file behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.sync.harness import PASSWORD, Device, MemoryKeyring, Server, seed_people, start_server

NAMES = ("佛山市南海区桂城鸿运五金制品厂", "佛山市禅城区张记陶瓷商行", "佛山市顺德区美味餐饮店")


@pytest.fixture(scope="module")
def head_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A head office holding three prospects of wangfang's, sent up from her old laptop."""
    folder = tmp_path_factory.mktemp("first-sync")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    server = start_server(f"sqlite:///{folder / 'ho.db'}")
    try:
        seed_people(server.admin)
        laptop = Device(folder / "old-laptop.db", server.url, "wangfang")
        laptop.sign_in()
        laptop.run()
        for name in NAMES:
            laptop.create(name)
        laptop.run()
        laptop.close()
        yield server
    finally:
        server.stop()
        keyring.set_keyring(previous)


def crm(
    *args: str, folder: Path, lang: str = "en", stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        CRM_LANG=lang,
        PYTHONUTF8="1",
        PYTHON_KEYRING_BACKEND="crm.sync.credentials.DemoFileKeyring",
        CRM_DEMO_KEYRING=str(folder / "keyring.json"),
    )
    env.pop("CRM_PASSWORD", None)
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


def test_sync_on_a_new_file_creates_the_book_and_downloads_it(
    head_office: Server, tmp_path: Path
) -> None:
    book = tmp_path / "FirstLoan" / "wangfang.db"  # its folder does not exist either
    result = crm(
        "sync",
        "--db",
        str(book),
        "--server",
        head_office.url,
        "--username",
        "wangfang",
        "--password-stdin",
        "--json",
        folder=tmp_path,
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["snapshot"] is True
    assert "Traceback" not in result.stderr
    # Progress went to stderr, in words, as lines (stderr is no terminal here).
    assert "Downloading the book" in result.stderr
    assert book.is_file()

    listed = crm("prospects", "list", "--db", str(book), "--json", "--all", folder=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert sorted(row["name"] for row in listed.stdout and json.loads(listed.stdout)["rows"]) == (
        sorted(NAMES)
    )
    # The signed-in RM is the book's user, and a second sync only asks for changes.
    again = crm("sync", "--db", str(book), "--json", "--quiet", folder=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["snapshot"] is False
    assert again.stderr == ""
    status = json.loads(crm("sync", "status", "--db", str(book), "--json", folder=tmp_path).stdout)
    assert status["configured"] is True and status["server_url"] == head_office.url


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "password"), ("zh_CN", "密码")], ids=["en", "zh_CN"]
)
def test_a_wrong_password_on_a_new_file_leaves_no_book_behind(
    head_office: Server, tmp_path: Path, lang: str, words: str
) -> None:
    book = tmp_path / "new.db"
    result = crm(
        "sync",
        "--db",
        str(book),
        "--server",
        head_office.url,
        "--username",
        "wangfang",
        "--password-stdin",
        folder=tmp_path,
        lang=lang,
        stdin="not-her-password\n",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert words in result.stderr.lower()
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["keyring.json"])


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "there is no book at"), ("zh_CN", "还没有数据库")],
    ids=["en", "zh_CN"],
)
def test_a_new_file_without_a_server_is_explained_and_not_made(
    tmp_path: Path, lang: str, words: str
) -> None:
    book = tmp_path / "new.db"
    result = crm("sync", "--db", str(book), "--username", "wangfang", folder=tmp_path, lang=lang)
    assert result.returncode == 1
    assert words in result.stderr and "--server" in result.stderr
    assert "Traceback" not in result.stderr
    assert not book.exists()
