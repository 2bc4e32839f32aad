"""`crm demo` builds its book atomically (#21 item 5): killed half-way it leaves no book at
the path and no worker behind, and the next build clears what it left and succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crm.demo.builder import build_demo


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_build_killed_half_way_leaves_no_book_and_no_workers(tmp_path: Path) -> None:
    book = tmp_path / "demo.db"
    env = dict(os.environ, PYTHONUTF8="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "crm.cli", "demo", "--db", str(book), "--prospects", "60000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 90
        # Half-way: the workers are drawing chunks into the spill folder.
        while time.monotonic() < deadline:
            spilled = list(tmp_path.glob(".demo-*/chunk-*.db"))
            workers = _children(process.pid)
            if spilled and workers:
                break
            assert process.poll() is None, "the build ended before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("the build never got going")
        assert list(tmp_path.glob(".demo.db.building-*"))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert not book.exists()
    # Its workers die with it.
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(w) for w in workers), workers
    assert _leftovers(tmp_path)  # what it left beside the book …

    summary = build_demo(book, prospects=50, seed=3)
    assert summary.prospects == 50 and book.exists()
    assert _leftovers(tmp_path) == []  # … is gone after the next build
    check = subprocess.run(
        [sys.executable, "-m", "crm.cli", "check", "--db", str(book)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr


def test_a_failed_build_leaves_the_old_book_untouched(tmp_path: Path) -> None:
    book = tmp_path / "demo.db"
    build_demo(book, prospects=20, seed=1)
    before = book.read_bytes()

    def fail(done: int, total: int) -> None:
        raise RuntimeError("disk trouble")

    with pytest.raises(RuntimeError):
        build_demo(book, prospects=20, seed=2, progress=fail, replace=True)
    assert book.read_bytes() == before
    assert _leftovers(tmp_path) == []
