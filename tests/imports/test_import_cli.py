"""`crm import`, run as a user runs it: a subprocess on real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from legacy_xls import write_encrypted_xlsx
from lists import sample_rows, table_digest, write_csv, write_xlsx


def crm(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRM_LANG=lang, PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def db(book_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "book.db"
    shutil.copyfile(book_template, target)
    return target


def test_json_prints_one_object_with_the_counts_and_errors(db: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", sample_rows())
    out = crm("import", str(path), "--db", str(db), "--source", "park", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {k: data[k] for k in ("rows", "created", "merged", "flagged", "rejected")} == {
        "rows": 4,
        "created": 2,
        "merged": 1,
        "flagged": 0,
        "rejected": 1,
    }
    assert data["errors"] == [
        {
            "row": 7,
            "field": "uscc",
            "column": "统一社会信用代码",
            "message": data["errors"][0]["message"],
        }
    ]
    assert "check character" in data["errors"][0]["message"]
    assert out.stderr == ""  # no progress with --json


def test_dry_run_then_import_then_undo(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", sample_rows(), encoding="gbk")
    before = table_digest(db)
    dry = crm("import", str(path), "--db", str(db), "--source", "park", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run" in dry.stdout and "2 new" in dry.stdout
    assert table_digest(db) == before
    done = crm("import", str(path), "--db", str(db), "--source", "park", "--json")
    batch = json.loads(done.stdout)["batch"]
    listed = crm("import", "--list", "--db", str(db))
    assert batch in listed.stdout
    undo = crm("import", "--undo", batch, "--db", str(db))
    assert undo.returncode == 0, undo.stderr
    assert "2 prospects deleted" in undo.stdout


def test_messages_follow_the_language(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", sample_rows())
    out = crm("import", str(path), "--db", str(db), "--source", "park", lang="zh_CN")
    assert out.returncode == 0, out.stderr
    assert "校验码应为" in out.stdout
    assert "新增" in out.stdout


def test_rejected_rows_are_saved_with_an_option(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", sample_rows())
    target = tmp_path / "fix-me.csv"
    out = crm("import", str(path), "--db", str(db), "--rejected", str(target))
    assert out.returncode == 0, out.stderr
    assert "佛山市坏码贸易有限公司" in target.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("kind", ["encrypted", "missing", "empty"])
def test_a_file_that_cannot_be_read_exits_with_2(db: Path, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.xlsx"
    if kind == "encrypted":
        write_encrypted_xlsx(path)
    elif kind == "empty":
        path.write_bytes(b"")
    before = table_digest(db)
    out = crm("import", str(path), "--db", str(db), "--source", "park")
    assert out.returncode == 2
    assert out.stderr.startswith("crm: ") and "Traceback" not in out.stderr
    assert table_digest(db) == before
    as_json = crm("import", str(path), "--db", str(db), "--json")
    assert as_json.returncode == 2
    assert "error" in json.loads(as_json.stdout)


def test_help_lists_the_import_command() -> None:
    out = crm("--help")
    assert "import" in out.stdout
