"""The encrypted book from the `crm` command, the real entry point in a subprocess: `crm demo`
builds an encrypted book no `grep` finds a phone number in; `crm book encrypt` converts a
plain one; a passphrase book opens with its passphrase only, and `--user` only as a user
whose credentials this computer holds; backups of it stay encrypted and restore; every
mistake is a message in the user's language, never a traceback.

Each test's user folders are its own (tests/conftest.py), so the key a keyring book keeps
in the app's private file (no keyring service here) is made and read in the same test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crm.demo.builder import build_demo

COMMAND = [sys.executable, "-m", "crm.cli"]
LEAD, RM = "ykw", "lxg"  # the seed-11 demo's team lead and one of the RMs
PASS, RM_PASS = "lead's long passphrase", "rm's own passphrase"


def crm(*args: str, lang: str = "en", **env: str) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, CRM_LANG=lang, PYTHONUTF8="1", **env)
    for name in ("CRM_PASSPHRASE", "CRM_NEW_PASSPHRASE"):
        if name not in env:
            full.pop(name, None)
    done = subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, env=full, timeout=120,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def plain_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "book.db"
    build_demo(path, prospects=80, seed=11)
    return path


@pytest.fixture(scope="module")
def phones(plain_book: Path) -> list[str]:
    with sqlite3.connect(plain_book) as conn:
        rows = conn.execute("SELECT phone FROM prospects WHERE phone != ''").fetchall()
    return [r[0] for r in rows]


def test_crm_demo_is_encrypted_and_grep_finds_no_phone(
    tmp_path: Path, plain_book: Path, phones: list[str]
) -> None:
    path = tmp_path / "demo.db"
    built = crm("demo", "--db", str(path), "--prospects", "80", "--seed", "11")
    assert built.returncode == 0, built.stderr
    data = path.read_bytes()
    assert phones and not any(p.encode() in data for p in phones)
    assert not re.search(rb"1[3-9]\d{9}", data)  # no mobile number at all
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT count(*) FROM prospects").fetchall()
    status = json.loads(crm("book", "status", "--db", str(path), "--json").stdout)
    assert status["encrypted"] and status["source"] == "keyring"
    assert status["key_kept"] == "file" and status["users"] == []
    listed = crm("prospects", "list", "--db", str(path), "--json", "--limit", "5")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["total"] == 80
    # No slots (the demo): --user keeps today's rule, any user of the book.
    assert crm("prospects", "list", "--db", str(path), "--user", RM, "--limit", "1").returncode == 0
    assert crm("check", "--db", str(path)).returncode == 0
    text = crm("book", "status", "--db", str(path), lang="zh_CN").stdout
    assert "已加密" in text and "只有本账户可读" in text
    plain = crm("demo", "--db", str(tmp_path / "old.db"), "--prospects", "5", "--plain")
    assert plain.returncode == 0 and (tmp_path / "old.db").read_bytes().startswith(b"SQLite")


def test_a_passphrase_book_opens_with_its_passphrase_only(tmp_path: Path, plain_book: Path) -> None:
    path = tmp_path / "book.db"
    shutil.copyfile(plain_book, path)
    encrypted = crm(
        "book", "encrypt", "--db", str(path), "--source", "passphrase", "--user", LEAD,
        CRM_PASSPHRASE=PASS, XDG_DATA_HOME=str(tmp_path / "data"),
    )  # fmt: skip
    assert encrypted.returncode == 0, encrypted.stderr
    assert "every one checked" in encrypted.stdout
    assert not list((tmp_path / "data").rglob("*before-encrypt*"))  # the plain copy went
    before = digest(path), digest(path.with_name("book.db.keys"))

    locked = crm("prospects", "list", "--db", str(path))
    assert locked.returncode == 1 and "CRM_PASSPHRASE" in locked.stderr
    wrong = crm("prospects", "list", "--db", str(path), CRM_PASSPHRASE="not it at all")
    assert wrong.returncode == 1 and "Nothing has been changed" in wrong.stderr
    zh = crm("prospects", "list", "--db", str(path), "--user", LEAD, lang="zh_CN",
             CRM_PASSPHRASE="not it at all")  # fmt: skip
    assert zh.returncode == 1 and "口令不正确" in zh.stderr
    stranger = crm("prospects", "list", "--db", str(path), "--user", RM, CRM_PASSPHRASE=PASS)
    assert stranger.returncode == 1 and "no credentials of lxg" in stranger.stderr
    assert (digest(path), digest(path.with_name("book.db.keys"))) == before

    listed = crm("prospects", "list", "--db", str(path), "--json", CRM_PASSPHRASE=PASS)
    assert listed.returncode == 0 and json.loads(listed.stdout)["total"] == 80

    # The lead vouches for the RM's new credentials; then the RM may act as the RM.
    added = crm("passphrase", "set", "--db", str(path), "--user", RM,
                CRM_PASSPHRASE=PASS, CRM_NEW_PASSPHRASE=RM_PASS)  # fmt: skip
    assert added.returncode == 0, added.stderr
    as_rm = crm("prospects", "list", "--db", str(path), "--user", RM, CRM_PASSPHRASE=RM_PASS)
    assert as_rm.returncode == 0, as_rm.stderr
    # An RM may not take anyone's credentials off; the lead may.
    refused = crm("passphrase", "remove", "--db", str(path), "--user", LEAD,
                  CRM_PASSPHRASE=RM_PASS)  # fmt: skip
    assert refused.returncode == 1 and "team lead" in refused.stderr
    removed = crm("passphrase", "remove", "--db", str(path), "--user", RM, CRM_PASSPHRASE=PASS)
    assert removed.returncode == 0, removed.stderr
    gone = crm("prospects", "list", "--db", str(path), "--user", RM, CRM_PASSPHRASE=RM_PASS)
    assert gone.returncode == 1 and "no credentials" in gone.stderr

    # A backup is encrypted, its key file beside it, and restores.
    folder = tmp_path / "bk"
    made = crm("backup", "--db", str(path), "--to", str(folder), "--json", CRM_PASSPHRASE=PASS)
    assert made.returncode == 0, made.stderr
    copy = Path(json.loads(made.stdout)["path"])
    assert not copy.read_bytes().startswith(b"SQLite") and copy.with_name(copy.name + ".keys")
    path.write_bytes(b"")  # the book lost
    back = crm("restore", str(copy), "--db", str(path), "--to", str(folder), "--yes",
               CRM_PASSPHRASE=PASS)  # fmt: skip
    assert back.returncode == 0, back.stderr
    again = crm("prospects", "list", "--db", str(path), "--json", CRM_PASSPHRASE=PASS)
    assert again.returncode == 0 and json.loads(again.stdout)["total"] == 80


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_mistake_is_a_message(tmp_path: Path, plain_book: Path, lang: str) -> None:
    path = tmp_path / "book.db"
    shutil.copyfile(plain_book, path)
    cases = [
        ("passphrase", "set", "--db", str(path), "--user", LEAD),  # a plain book
        ("book", "encrypt", "--db", str(tmp_path / "none.db")),  # no book
        ("book", "status", "--db", str(tmp_path / "none.db")),
        ("book", "encrypt", "--db", str(path), "--user", "nobody"),  # no such user
        ("book", "encrypt", "--db", str(path), "--source", "passphrase", "--user", LEAD),
    ]
    for args in cases:
        done = crm(*args, lang=lang)
        assert done.returncode == 1 and done.stderr.startswith("crm: "), (args, done.stderr)
        assert not book_is_encrypted(path), args
        if lang == "zh_CN":  # said in Chinese
            assert re.search("[\u4e00-\u9fff]", done.stderr), done.stderr
    short = crm("book", "encrypt", "--db", str(path), "--source", "passphrase", "--user", LEAD,
                lang=lang, CRM_PASSPHRASE="short")  # fmt: skip
    assert short.returncode == 1 and ("8" in short.stderr)
    assert not book_is_encrypted(path)
    assert crm("book", "encrypt", "--db", str(path), lang=lang).returncode == 0
    twice = crm("book", "encrypt", "--db", str(path), lang=lang)
    assert twice.returncode == 1 and ("already" in twice.stderr or "已经加密" in twice.stderr)
    whom = crm("passphrase", "remove", "--db", str(path), lang=lang)
    assert whom.returncode == 1
    path.with_name("book.db.keys").unlink()
    lost = crm("prospects", "list", "--db", str(path), lang=lang)
    assert lost.returncode == 1 and "book.db.keys" in lost.stderr
    assert "damaged" not in lost.stderr and "损坏" not in lost.stderr
    if lang == "zh_CN":
        assert "密钥文件" in lost.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def book_is_encrypted(path: Path) -> bool:
    return path.with_name(path.name + ".keys").exists() or not path.read_bytes().startswith(
        b"SQLite format 3"
    )


def test_the_desktop_app_is_left_to_ask_for_the_passphrase_itself(
    tmp_path: Path, plain_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm.commands.book import unlock_for
    from crm.domain.errors import DomainError
    from crm.services import book_lock
    from crm.store import keys

    path = tmp_path / "book.db"
    shutil.copyfile(plain_book, path)
    book_lock.encrypt_book(
        path, "passphrase", username=LEAD, passphrase=PASS, keep_backup=lambda b: None
    )
    keys.forget_all()
    monkeypatch.delenv("CRM_PASSPHRASE", raising=False)
    for command in ("gui", None):  # `crm gui` and `crm` alone: the app's sign-in asks
        unlock_for(argparse.Namespace(command=command, db=str(path), user=None))
    with pytest.raises(DomainError):  # a command without a terminal or CRM_PASSPHRASE
        unlock_for(argparse.Namespace(command="prospects", db=str(path), user=None))
    keys.forget_all()
