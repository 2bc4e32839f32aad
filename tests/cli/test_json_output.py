"""`--json` is for `jq` and for a pager: the whole of stdout is one JSON document, UTF-8 as
written (no \\u escapes of Chinese), ending in a newline, with nothing else on stdout (no
progress, no log lines, no terminal control characters); the options may come first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crm.demo.builder import build_demo


def crm(*args: str, lang: str = "zh_CN") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRM_LANG=lang, PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("json") / "book.db"
    build_demo(path, prospects=120, seed=7)
    return path


COMMANDS = [
    ["prospects", "list", "--district", "南海区"],
    ["--json", "prospects", "list", "--stage", "strategic"],
    ["visits", "due"],
    ["visits", "holidays", "list", "--year", "2026"],
    ["visits", "cadence", "show"],
    ["loans", "list"],
    ["renewals", "due"],
    ["sync", "status"],
    ["sync", "conflicts"],
    ["pipeline"],
    ["check"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_the_whole_output_is_one_json_document(book: Path, args: list[str]) -> None:
    result = crm(*args, "--db", str(book), *([] if "--json" in args else ["--json"]))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.endswith("\n")
    json.loads(result.stdout)
    assert "\\u" not in result.stdout
    assert "\r" not in result.stdout and "\x1b" not in result.stdout


def test_chinese_is_written_as_utf8_and_filters_by_name_agree_with_codes(book: Path) -> None:
    by_name = json.loads(
        crm(
            "prospects", "list", "--db", str(book), "--json", "--all", "--district", "Nanhai"
        ).stdout
    )
    by_code = json.loads(
        crm(
            "prospects", "list", "--db", str(book), "--json", "--all", "--district", "440605"
        ).stdout
    )
    assert by_name["total"] == by_code["total"] > 0
    assert len(by_name["rows"]) == by_name["total"]
    assert {row["district_code"] for row in by_name["rows"]} == {"440605"}
    assert any("佛山" in row["name"] for row in by_name["rows"])


def test_an_error_with_json_leaves_stdout_empty(book: Path, tmp_path: Path) -> None:
    result = crm("prospects", "show", "no-such-prospect", "--db", str(book), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("crm: ") and "Traceback" not in result.stderr
