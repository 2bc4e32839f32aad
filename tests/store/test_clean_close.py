"""Books close cleanly (#21 item 6): no write-ahead log is left by a normal close, even
after a bulk write, so the next open takes the fast path; -wal/-shm files a read-only
session left are recognised, and cleared once the book can be written again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from store_helpers import make_prospect, sidecars

from crm.store import errors
from crm.store.files import clear_stale_sidecars, left_unclean, read_only_problem
from crm.store.migrate import open_database


def test_a_close_after_a_bulk_write_leaves_no_log(db_path: Path) -> None:
    db, _ = open_database(db_path)
    with db.transaction(bulk=True) as s:
        for n in range(300):
            s.add(make_prospect(f"佛山市收尾测试{n}厂"))
    db.close()
    assert not left_unclean(db_path)
    assert sidecars(db_path) == []


def test_an_open_book_is_closed_at_exit(db_path: Path) -> None:
    """A command that never closes its book (its process simply ends) leaves no log."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from crm.store.migrate import open_database\n"
        "db, _ = open_database(Path(sys.argv[1]))\n"
        "with db.transaction() as s:\n"
        "    s.connection().exec_driver_sql(\n"
        "        \"INSERT INTO app_meta (key, value) VALUES ('exit-test', '1')\"\n"
        "    )\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(db_path)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert not left_unclean(db_path)


def _emulate_read_only_session(path: Path) -> None:
    """What a session on a read-only book leaves: -wal and -shm as read-only as the book."""
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if not side.exists():
            side.write_bytes(b"")
        side.chmod(0o444)


def test_stale_read_only_sidecars_are_cleared_when_the_book_is_writable(db_path: Path) -> None:
    path = db_path
    path.chmod(0o444)
    _emulate_read_only_session(path)
    if os.geteuid() != 0:  # root writes anyway
        problem = read_only_problem(path)
        assert problem is not None and problem.code == "db.read_only_file"
        with pytest.raises(errors.StoreError) as info:
            open_database(path)
        assert "read-only file" in str(info.value)
    path.chmod(0o644)
    clear_stale_sidecars(path)
    db, _ = open_database(path)
    with db.transaction() as s:
        s.add(make_prospect("佛山市可写回来厂"))
    db.close()
    assert sidecars(path) == []


def test_a_read_only_session_then_a_writable_one_as_an_ordinary_user(template_db: Path) -> None:
    """The same as an ordinary user (nobody), for whom permissions hold; needs root to
    become one."""
    if os.geteuid() != 0:
        pytest.skip("needs root to act as another user")
    import pwd

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user nobody")
    probe = subprocess.run([sys.executable, "-c", "import crm"], user=nobody.pw_uid)
    if probe.returncode != 0:
        pytest.skip("the environment is not readable by nobody")
    shared = Path(tempfile.mkdtemp(prefix="crm-ro-"))
    try:
        shared.chmod(0o777)
        path = shared / "book.db"
        shutil.copyfile(template_db, path)
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
        out = subprocess.run(
            [sys.executable, "-c", _AS_NOBODY, str(path)],
            user=nobody.pw_uid,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=shared,
        )
        assert out.returncode == 0, out.stdout + out.stderr
        assert "read-only session refused: db.read_only_file" in out.stdout
        assert "sidecar named: db.read_only_sidecar" in out.stdout
        assert "writable session: ok" in out.stdout
        assert sidecars(path) == []
    finally:
        shutil.rmtree(shared, ignore_errors=True)


_AS_NOBODY = """
import sys
from pathlib import Path
from crm.store import errors
from crm.store.files import read_only_problem
from crm.store.migrate import open_database
from crm.store.models import AppMeta

path = Path(sys.argv[1])
path.chmod(0o444)
try:
    db, _ = open_database(path)  # reading a read-only book works
    with db.transaction() as s:
        s.add(AppMeta(key="ro-test", value="0"))
except errors.StoreError as exc:
    print("read-only session refused:", exc.code)
db.close()
left = [p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-")]
print("left by the read-only session:", sorted(left))
for suffix in ("-wal", "-shm"):
    side = path.with_name(path.name + suffix)
    if not side.exists():
        side.write_bytes(b"")
    side.chmod(0o444)
path.chmod(0o644)
print("sidecar named:", read_only_problem(path).code)
db, _ = open_database(path)
with db.transaction() as s:
    s.add(AppMeta(key="ro-test", value="1"))
db.close()
print("writable session: ok")
"""
