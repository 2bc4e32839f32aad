"""``crm gui --smoke``: the packaged app's check (CI runs it on the frozen bundle too) opens
a book — made and migrated when there is none — renders the main window offscreen and ends
with 0; a file that is not a book ends with 1 and says so, without a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from crm.ui.launch import SMOKE_MARKER

CRM = Path(sys.executable).with_name("crm")


def _smoke(db: Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": ""}  # --smoke chooses offscreen by itself
    env.pop("DISPLAY", None)
    return subprocess.run(
        [str(CRM), "--lang", lang, "gui", "--smoke", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def test_smoke_makes_and_migrates_a_fresh_book_and_paints_the_window(tmp_path: Path) -> None:
    db = tmp_path / "新账本.db"
    done = _smoke(db)
    assert done.returncode == 0, done.stderr
    assert SMOKE_MARKER in done.stdout
    assert "Traceback" not in done.stderr
    with sqlite3.connect(db) as conn:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    newest = sorted(p.name for p in versions.glob("0*.py"))[-1]
    assert version == newest[:4]
    assert "(1366×768)" in done.stdout


def test_smoke_on_a_file_that_is_not_a_book_says_so(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("客户名单\n", encoding="utf-8")
    done = _smoke(db, "zh_CN")
    assert done.returncode == 1
    assert "不是首贷通的数据库" in done.stderr
    assert "Traceback" not in done.stderr
    assert db.read_text(encoding="utf-8") == "客户名单\n"
