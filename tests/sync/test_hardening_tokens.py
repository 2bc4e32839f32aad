"""Where a device token is kept (issue #20): the OS keyring where one works; otherwise a
file in the app's private data folder (never the current directory), mode 0600, keyed by
the book's device id and the server; ``crm sync status`` says which; a token head office
issued is never lost."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backends import fail

from crm.sync import credentials
from tests.sync.harness import Device, MemoryKeyring, Server


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return home


class RefusingKeyring(MemoryKeyring):
    """A keyring that is there but refuses to store (a locked Secret Service)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")


def test_without_a_keyring_the_token_goes_to_a_private_file_not_the_current_directory(
    data_home: Path, server: Server, device: Callable[..., Device]
) -> None:
    keyring.set_keyring(fail.Keyring())
    d = device()
    d.sign_in()
    path = credentials.tokens_path()
    assert path.is_relative_to(data_home) and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert list(Path.cwd().iterdir()) == []
    tokens = json.loads(path.read_text(encoding="utf-8"))
    status = d.sync.status()
    assert list(tokens) == [f"{status.device_id}@{server.url}"]
    assert status.configured and status.token_store == credentials.FILE
    assert status.token_file == str(path)
    # The same book from another directory is still registered, and syncs.
    os.chdir(data_home)
    d.create("佛山市禅城区石湾陶瓷贸易行")
    assert d.run().pushed == 2  # the prospect, and the audit line of the sign-in

    d.sync.sign_out()
    assert json.loads(path.read_text(encoding="utf-8")) == {}
    assert d.sync.status().token_store == ""


def test_with_a_keyring_the_token_is_kept_there_and_no_file_is_written(
    data_home: Path, server: Server, device: Callable[..., Device], memory_keyring: MemoryKeyring
) -> None:
    d = device()
    d.sign_in()
    assert d.sync.status().token_store == credentials.KEYRING
    assert len(memory_keyring.items) == 1
    assert not credentials.tokens_path().exists()


def test_a_keyring_that_refuses_at_the_last_moment_does_not_lose_the_token(
    data_home: Path, server: Server, device: Callable[..., Device]
) -> None:
    keyring.set_keyring(RefusingKeyring())
    d = device()
    d.sign_in()
    assert d.sync.status().token_store == credentials.FILE
    d.create("佛山市南海区鸿运五金厂")
    assert d.run().pushed == 2  # the prospect, and the audit line of the sign-in
