"""`crm import` under faults (#21 items 2 and 4): every mistake a message and a status,
never a traceback; a sheet whose used range is absurd is read in bounded time and memory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lists import HEADERS, sample_rows, table_digest, uscc, write_csv
from openpyxl import Workbook


def crm(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRM_LANG="en", PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        **kw,  # type: ignore[call-overload]
    )


@pytest.fixture
def db(book_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "book.db"
    shutil.copyfile(book_template, target)
    return target


def _no_traceback(out: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in out.stderr, out.stderr
    assert "Error:" not in out.stderr, out.stderr


def test_a_folder_given_as_the_file_is_named_a_folder(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    out = crm("import", str(folder), "--db", str(db))
    _no_traceback(out)
    assert out.returncode == 2
    assert "is a folder" in out.stderr and "there is no file" not in out.stderr


def test_a_file_in_a_missing_folder_says_which_folder(db: Path, tmp_path: Path) -> None:
    out = crm("import", str(tmp_path / "nowhere" / "l.csv"), "--db", str(db))
    _no_traceback(out)
    assert out.returncode == 2 and "does not exist" in out.stderr


def test_a_file_that_cannot_be_read_is_a_message(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    path = write_csv(folder / "l.csv", sample_rows())
    path.chmod(0)
    try:
        out = crm("import", str(path), "--db", str(db))
        _no_traceback(out)
        if os.geteuid() != 0:  # root reads it anyway
            assert out.returncode == 2 and "permission denied" in out.stderr
    finally:
        path.chmod(0o644)


def test_permission_denied_as_another_user(db: Path, tmp_path: Path) -> None:
    """As root, the same refusal seen by an ordinary user (nobody) running crm."""
    if os.geteuid() != 0:
        pytest.skip("needs root to act as another user")
    import pwd

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user nobody")
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="crm-perm-"))
    try:
        shared.chmod(0o777)
        book = shared / "book.db"
        shutil.copyfile(db, book)
        os.chown(book, nobody.pw_uid, nobody.pw_gid)
        path = write_csv(shared / "l.csv", sample_rows())
        path.chmod(0o600)  # root's, unreadable to nobody
        probe = subprocess.run(
            [sys.executable, "-c", "import crm"], user=nobody.pw_uid, capture_output=True
        )
        if probe.returncode != 0:
            pytest.skip("the environment is not readable by nobody")
        out = crm("import", str(path), "--db", str(book), user=nobody.pw_uid, cwd=shared)
        _no_traceback(out)
        assert out.returncode == 2 and "permission denied" in out.stderr
    finally:
        shutil.rmtree(shared, ignore_errors=True)


@pytest.mark.parametrize("where", ["missing folder", "folder", "kind"])
def test_a_bad_rejected_path_is_refused_before_the_import_and_the_book_is_unchanged(
    db: Path, tmp_path: Path, where: str
) -> None:
    path = write_csv(tmp_path / "l.csv", sample_rows())
    target = {
        "missing folder": tmp_path / "nowhere" / "out.csv",
        "folder": tmp_path,
        "kind": tmp_path / "out.pdf",
    }[where]
    before = table_digest(db)
    out = crm("import", str(path), "--db", str(db), "--source", "park", "--rejected", str(target))
    _no_traceback(out)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("crm: ")
    assert table_digest(db) == before
    assert not (tmp_path / "nowhere").exists()


def test_a_closed_pipe_ends_quietly(db: Path, tmp_path: Path) -> None:
    # Far more than a pipe holds, so `crm` is still writing when head has gone.
    rows = [[n, f"佛山市管道测试{n}厂", "bad", "", "", "", "", ""] for n in range(1, 3000)]
    path = write_csv(tmp_path / "l.csv", rows)
    env = dict(os.environ, PYTHONUTF8="1")
    command = (
        f"{sys.executable} -m crm.cli --lang en import {path} --db {db} --source park"
        " --dry-run --json | head -1"
    )
    out = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.stdout.count("\n") == 1
    assert "BrokenPipeError" not in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert "Exception ignored" not in out.stderr, out.stderr


def test_a_command_leaves_no_write_ahead_log(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", sample_rows())
    out = crm("import", str(path), "--db", str(db), "--source", "park")
    assert out.returncode == 0, out.stderr
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    listed = crm("prospects", "list", "--db", str(db))
    assert listed.returncode == 0
    assert not wal.exists() or wal.stat().st_size == 0


# --------------------------------------------------------------------------- bounded reading


def _far_cell_book(path: Path, far: str) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(HEADERS)
    for n in range(1, 21):
        ws.append([n, f"佛山市远格测试{n}厂", uscc(300 + n), "吴一", "", "", "2020-01-02", ""])
    ws[far] = "x"
    book.save(path)
    return path


@pytest.mark.parametrize("far", ["XFD1048576", "XFD5000"])
def test_a_value_far_away_is_read_in_bounded_time_and_memory(
    db: Path, tmp_path: Path, far: str
) -> None:
    path = _far_cell_book(tmp_path / "far.xlsx", far)
    env = dict(os.environ, CRM_LANG="en", PYTHONUTF8="1")
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, "import", str(path), "--db", str(db), "--source",
         "park", "--json"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert out.returncode == 0, out.stderr
    assert '"created": 20' in out.stdout
    assert seconds < 10, seconds
    # Its peak memory (Linux gives KiB): far below the gigabytes of the sheet's range.
    peak_mib = int(out.stderr.split("PEAK ")[1].split()[0]) / 1024
    assert peak_mib < 600, peak_mib


# Runs `crm` and then says the process's peak memory on stderr (KiB). Linux keeps
# ru_maxrss across exec, so a child of a large pytest process starts with its parent's peak
# (the whole suite's process passed 600 MiB); VmHWM belongs to the process's own memory.
_PEAK = (
    "import resource, sys\n"
    "from crm.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "try:\n"
    "    status_lines = open('/proc/self/status').read().splitlines()\n"
    "    peak = next(l.split()[1] for l in status_lines if l.startswith('VmHWM:'))\n"
    "except (OSError, StopIteration):\n"
    "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "sys.stderr.write(f'PEAK {peak}\\n')\n"
    "sys.exit(status)\n"
)
