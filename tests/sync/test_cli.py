"""`crm sync`, `crm sync status` and `crm sync conflicts`, run as a user runs them: a
subprocess on a real book, against a real head office on loopback.

The subprocess keeps the device token in the demo's file keyring (loopback only), which
the test's own devices share, so both see the same registration.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from crm.sync.credentials import DemoFileKeyring
from tests.sync.harness import PASSWORD, Device, Server


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("CRM_DEMO_KEYRING", str(path))
    previous = keyring.get_keyring()
    keyring.set_keyring(DemoFileKeyring())
    yield path
    keyring.set_keyring(previous)


def crm(
    *args: str, keyring_file: Path, lang: str = "en", stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        CRM_LANG=lang,
        PYTHONUTF8="1",
        PYTHON_KEYRING_BACKEND="crm.sync.credentials.DemoFileKeyring",
        CRM_DEMO_KEYRING=str(keyring_file),
    )
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


def _conflicted_pair(device) -> tuple[Device, Device, str]:
    """Two computers of one RM; the laptop ends with a merged note and a refused stage move."""
    a: Device = device("wangfang", name="laptop")
    b: Device = device("wangfang", name="tablet")
    for d in (a, b):
        d.sign_in()
        d.run()
    pid = a.create("佛山市南海区桂城鸿运五金制品厂")
    a.run()
    b.run()
    for d, note in ((a, "老板计划扩产（笔记本）"), (b, "已开立结算账户（平板）")):
        draft = d.prospects.get(pid).draft()
        draft.notes = note
        d.prospects.update(pid, draft)
        time.sleep(0.01)
    a.prospects.change_stage(pid, "dropped", "no_need", "暂无需求")
    b.prospects.change_stage(pid, "dropped", "other_bank", "已在他行获得授信")
    b.run()
    a.run()
    return a, b, pid


def test_status_of_a_computer_never_set_up(tmp_path: Path, file_keyring: Path) -> None:
    db = tmp_path / "new.db"
    Device(db, "http://127.0.0.1:9", "nobody").close()  # an empty, migrated book
    result = crm("sync", "status", "--db", str(db), "--json", keyring_file=file_keyring)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["configured"] is False
    assert status["server_url"] is None and status["last_sync"] is None
    assert status["cursor"] is None
    assert (status["pending"], status["conflicts"]) == (0, 0)
    text = crm("sync", "status", "--db", str(db), keyring_file=file_keyring)
    assert text.returncode == 0, text.stderr
    assert "not set up" in text.stdout and "Last sync: never" in text.stdout


def test_sync_registers_then_status_and_conflicts_report_it(
    device, server: Server, tmp_path: Path, file_keyring: Path
) -> None:
    # A new computer registers and syncs from the command line (password on stdin).
    fresh = tmp_path / "fresh.db"
    Device(fresh, server.url, "wangfang").close()
    first = crm(
        "sync",
        "--db",
        str(fresh),
        "--server",
        server.url,
        "--username",
        "wangfang",
        "--password-stdin",
        "--json",
        keyring_file=file_keyring,
        stdin=PASSWORD + "\n",
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["snapshot"] is True

    a, _b, pid = _conflicted_pair(device)
    draft = a.prospects.get(pid).draft()
    draft.phone = "13800138000"
    a.prospects.update(pid, draft)  # one change waiting to go up
    db = str(a.path)

    result = crm("sync", "status", "--db", db, "--json", keyring_file=file_keyring)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["configured"] is True
    assert status["server_url"] == server.url
    assert status["user_name"] == "王芳"
    assert status["last_sync"] is not None
    assert status["cursor"] == server.ho.head()
    assert status["pending"] == 1
    assert status["conflicts"] == 2
    assert status["downloading"] is False

    for lang, lines in (
        ("en", ["Open conflicts: 2", "Changes waiting to be sent: 1", "(registered)"]),
        ("zh_CN", ["待处理的冲突：2", "待发送的修改：1", "（已注册）"]),
    ):
        text = crm("sync", "status", "--db", db, keyring_file=file_keyring, lang=lang)
        assert text.returncode == 0, text.stderr
        for line in lines:
            assert line in text.stdout, text.stdout
        assert f"{status['cursor']}" in text.stdout

    listed = crm("sync", "conflicts", "--db", db, "--json", keyring_file=file_keyring)
    assert listed.returncode == 0, listed.stderr
    conflicts = json.loads(listed.stdout)
    assert sorted(c["code"] for c in conflicts) == ["merged", "stage_conflict"]
    stage = next(c for c in conflicts if c["code"] == "stage_conflict")
    assert stage["title"] == "佛山市南海区桂城鸿运五金制品厂"
    # Stages by their names, not their codes.
    assert "(now Dropped)" in stage["message"] and "dropped" not in stage["message"]
    assert stage["local"]["reason_code"] == "no_need"
    assert stage["server"]["stage"] == "dropped"

    zh = crm("sync", "conflicts", "--db", db, keyring_file=file_keyring, lang="zh_CN")
    assert zh.returncode == 0, zh.stderr
    assert "“已退出”" in zh.stdout and "共 2 条冲突" in zh.stdout

    a.sync.resolve(stage["id"], "dismiss")
    open_only = json.loads(
        crm("sync", "conflicts", "--db", db, "--json", keyring_file=file_keyring).stdout
    )
    assert [c["code"] for c in open_only] == ["merged"]
    every = crm("sync", "conflicts", "--db", db, "--all", keyring_file=file_keyring)
    assert every.returncode == 0, every.stderr
    assert "(resolved: dismissed)" in every.stdout and "2 conflicts" in every.stdout


def test_conflicts_of_a_computer_without_any(tmp_path: Path, file_keyring: Path) -> None:
    db = tmp_path / "calm.db"
    Device(db, "http://127.0.0.1:9", "nobody").close()
    result = crm("sync", "conflicts", "--db", str(db), keyring_file=file_keyring)
    assert result.returncode == 0, result.stderr
    assert "No conflicts" in result.stdout
    assert (
        json.loads(
            crm("sync", "conflicts", "--db", str(db), "--json", keyring_file=file_keyring).stdout
        )
        == []
    )
