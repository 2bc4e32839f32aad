"""`crm report …` run as a user runs it (a subprocess) on a demo book: PDFs written whole,
and an unknown id or an unwritable path answered with a message and no file at all."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from report_helpers import page_texts

from crm.demo.builder import build_demo


def crm(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRM_LANG=lang, PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report-cli") / "demo.db"
    build_demo(path, prospects=300, seed=7)
    return path


def _final_visit(db: Path) -> tuple[str, str, str]:
    conn = sqlite3.connect(db)
    try:
        vid, day, name = conn.execute(
            "SELECT v.id, v.visit_on, p.name FROM visits v "
            "JOIN prospects p ON p.id = v.prospect_id WHERE v.status = 'final' "
            "AND v.amends_id IS NULL ORDER BY v.visit_on DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return vid, day, name


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_visit_report_is_written_in_the_users_language(demo: Path, tmp_path: Path) -> None:
    vid, _, name = _final_visit(demo)
    out = tmp_path / "visit.pdf"
    result = crm("report", "visit", vid, "--db", str(demo), "-o", str(out), lang="zh_CN")
    assert result.returncode == 0, result.stderr
    assert f"已写入 {out}" in result.stdout
    text = "\n".join(page_texts(out.read_bytes()))
    assert "客户拜访报告" in text and name in text
    assert _left(tmp_path) == ["visit.pdf"]


def test_an_unknown_visit_gets_a_message_and_no_file(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "visit.pdf"
    result = crm("report", "visit", "no-such-visit", "--db", str(demo), "-o", str(out))
    assert result.returncode == 1
    assert "no visit with id no-such-visit" in result.stderr
    assert "Traceback" not in result.stderr
    assert _left(tmp_path) == []


def test_an_unwritable_path_gets_a_message_and_no_file(demo: Path, tmp_path: Path) -> None:
    vid, _, _ = _final_visit(demo)
    missing = tmp_path / "no-such-folder" / "visit.pdf"
    result = crm("report", "visit", vid, "--db", str(demo), "-o", str(missing), lang="zh_CN")
    assert result.returncode == 1
    assert f"没有文件或文件夹 {missing}" in result.stderr
    assert _left(tmp_path) == []
    result = crm("report", "visit", vid, "--db", str(demo), "-o", str(tmp_path))
    assert result.returncode == 1 and "is a folder, not a file" in result.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = crm("report", "visit", vid, "--db", str(demo), "-o", str(blocker / "visit.pdf"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert _left(tmp_path) == ["a-file"]
    if os.geteuid() != 0:  # root writes into read-only folders anyway
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        result = crm("report", "visit", vid, "--db", str(demo), "-o", str(locked / "v.pdf"))
        assert result.returncode == 1 and "permission denied" in result.stderr
        assert _left(locked) == []


def test_a_period_of_visits_in_one_file_or_one_file_each(demo: Path, tmp_path: Path) -> None:
    _, day, _ = _final_visit(demo)
    one = tmp_path / "day.pdf"
    result = crm("report", "visits", "--db", str(demo), "--from", day, "--to", day, "-o", str(one))
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "each"
    folder.mkdir()
    result = crm(
        "report",
        "visits",
        "--db",
        str(demo),
        "--from",
        day,
        "--to",
        day,
        "-o",
        f"{folder}/",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)["files"]
    assert len(files) == len(_left(folder)) >= 1
    assert all(name.startswith(day) and name.endswith(".pdf") for name in _left(folder))
    firsts = [p for p in page_texts(one.read_bytes()) if "Page 1 of" in p]
    assert len(firsts) == len(files)


def test_the_pipeline_report_and_its_refusals(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "pipeline.pdf"
    result = crm(
        "report",
        "pipeline",
        "--db",
        str(demo),
        "--team",
        "普惠金融一部",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "-o",
        str(out),
        lang="zh_CN",
    )
    assert result.returncode == 0, result.stderr
    assert "团队：普惠金融一部" in "\n".join(page_texts(out.read_bytes()))
    bad = tmp_path / "bad.pdf"
    result = crm(
        "report",
        "pipeline",
        "--db",
        str(demo),
        "--team",
        "nobody",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "-o",
        str(bad),
    )
    assert result.returncode == 1 and "no team called nobody" in result.stderr
    result = crm(
        "report",
        "pipeline",
        "--db",
        str(demo),
        "--from",
        "2026-03-31",
        "--to",
        "2026-01-01",
        "-o",
        str(bad),
    )
    assert result.returncode == 1 and "after it ends" in result.stderr
    assert _left(tmp_path) == ["pipeline.pdf"]
