"""The `crm` command, run as a user runs it: a subprocess on real database files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    build_demo(path, prospects=400, seed=3)
    return path


def test_help_lists_every_command() -> None:
    result = crm("--help")
    assert result.returncode == 0
    for command in ("gui", "demo", "prospects"):
        assert command in result.stdout
    sub = crm("prospects", "--help")
    for action in ("list", "show", "add", "stage", "assign"):
        assert action in sub.stdout


def test_demo_builds_a_database_and_reports_it_as_json(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    result = crm("demo", "--db", str(path), "--prospects", "120", "--seed", "5", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["prospects"] == 120
    assert summary["teams"] == 3
    assert path.exists()


def test_demo_refuses_to_overwrite_without_force(demo_db: Path) -> None:
    result = crm("demo", "--db", str(demo_db), "--prospects", "10")
    assert result.returncode == 1
    assert "--force" in result.stderr
    assert "Traceback" not in result.stderr


def test_prospects_list_json_pages_filters_and_sorts(demo_db: Path) -> None:
    result = crm("prospects", "list", "--db", str(demo_db), "--json", "--limit", "25")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == 400
    names = [row["name"] for row in data["rows"]]
    assert len(names) == 25
    keys = [row["sort_key"] for row in data["rows"]]  # by pinyin, then the name itself
    assert keys == sorted(keys)
    first_loan = json.loads(
        crm(
            "prospects",
            "list",
            "--db",
            str(demo_db),
            "--json",
            "--stage",
            "first_loan",
            "--limit",
            "500",
        ).stdout
    )
    assert first_loan["total"] == len(first_loan["rows"]) > 0
    assert {row["stage"] for row in first_loan["rows"]} == {"first_loan"}


def test_prospects_list_searches_chinese_substrings(demo_db: Path) -> None:
    data = json.loads(
        crm(
            "prospects",
            "list",
            "--db",
            str(demo_db),
            "--json",
            "--search",
            "有限",
            "--limit",
            "500",
        ).stdout
    )
    assert data["total"] > 0
    assert all("有限" in row["name"] for row in data["rows"])


def test_prospects_show_by_uscc_in_json_and_text(demo_db: Path) -> None:
    listing = json.loads(
        crm("prospects", "list", "--db", str(demo_db), "--json", "--stage", "strategic").stdout
    )
    row = next(r for r in listing["rows"] if r["uscc"])
    shown = crm("prospects", "show", row["uscc"], "--db", str(demo_db), "--json")
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    assert detail["id"] == row["id"]
    assert [h["to_stage"] for h in detail["history"]][-1] == "strategic"
    assert len(detail["loans"]) >= 2
    text = crm("prospects", "show", row["uscc"], "--db", str(demo_db), lang="zh_CN")
    assert "统一社会信用代码" in text.stdout and "战略客户" in text.stdout


def test_missing_database_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    result = crm("prospects", "list", "--db", str(tmp_path / "nope.db"))
    assert result.returncode == 1
    assert "no database" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "nope.db").exists()


def test_a_file_that_is_no_book_is_reported_in_chinese_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    result = crm("prospects", "list", "--db", str(path), lang="zh_CN")
    assert result.returncode == 1
    assert "不是首贷通的数据库" in result.stderr and "已损坏" not in result.stderr
    assert path.read_bytes() == before


def test_wrong_uscc_is_explained(demo_db: Path, tmp_path: Path) -> None:
    result = crm(
        "prospects",
        "add",
        "--db",
        str(demo_db),
        "--name",
        "测试五金店",
        "--uscc",
        "91350100M000100Y44",
    )
    assert result.returncode == 1
    assert "check character should be 3, got 4" in result.stderr
    zh = crm(
        "prospects",
        "add",
        "--db",
        str(demo_db),
        "--name",
        "测试五金店",
        "--uscc",
        "91350100M000100Y44",
        lang="zh_CN",
    )
    assert "校验码应为 3，实际为 4" in zh.stderr


def test_refused_stage_move_names_the_gate(demo_db: Path, tmp_path: Path) -> None:
    added = crm(
        "prospects",
        "add",
        "--db",
        str(demo_db),
        "--name",
        "佛山市测试陶瓷有限公司",
        "--uscc",
        "91350100M000100Y43",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    pid = json.loads(added.stdout)["id"]
    refused = crm("prospects", "stage", pid, "first_loan", "--db", str(demo_db))
    assert refused.returncode == 1
    assert "needs a recorded loan" in refused.stderr
    dropped = crm(
        "prospects",
        "stage",
        pid,
        "dropped",
        "--db",
        str(demo_db),
        "--reason-code",
        "no_need",
        "--json",
    )
    assert dropped.returncode == 0, dropped.stderr
    assert json.loads(dropped.stdout)["stage"] == "dropped"


def test_assign_moves_prospects_to_an_rm(demo_db: Path) -> None:
    from crm.services.container import open_services

    services = open_services(demo_db)
    rm = services.users.all(role="rm")[0]
    services.close()
    rows = json.loads(
        crm("prospects", "list", "--db", str(demo_db), "--json", "--limit", "3").stdout
    )["rows"]
    result = crm(
        "prospects",
        "assign",
        *[r["id"] for r in rows],
        "--rm",
        rm.username,
        "--db",
        str(demo_db),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["assigned"] == sum(1 for r in rows if r["rm_id"] != rm.id)
    mine = json.loads(
        crm(
            "prospects",
            "list",
            "--db",
            str(demo_db),
            "--json",
            "--rm",
            rm.username,
            "--limit",
            "500",
        ).stdout
    )
    assert {r["id"] for r in rows} <= {r["id"] for r in mine["rows"]}


def test_unknown_user_is_reported(demo_db: Path) -> None:
    result = crm("prospects", "list", "--db", str(demo_db), "--rm", "nobody")
    assert result.returncode == 1
    assert "no user called nobody" in result.stderr


def test_delete_needs_confirmation_then_removes_the_prospect(demo_db: Path) -> None:
    added = crm("prospects", "add", "--db", str(demo_db), "--name", "误录入测试商行", "--json")
    pid = json.loads(added.stdout)["id"]
    refused = crm("prospects", "delete", pid, "--db", str(demo_db))
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    done = crm("prospects", "delete", pid, "--db", str(demo_db), "--yes", "--reason", "typo")
    assert done.returncode == 0, done.stderr
    gone = crm("prospects", "show", pid, "--db", str(demo_db))
    assert gone.returncode == 1
    found = json.loads(
        crm("prospects", "list", "--db", str(demo_db), "--json", "--search", "误录入").stdout
    )
    assert found["total"] == 0


def test_check_reads_every_page_and_reports_damage_in_chinese(
    demo_db: Path, tmp_path: Path
) -> None:
    good = crm("check", "--db", str(demo_db), lang="zh_CN")
    assert good.returncode == 0, good.stderr
    assert "所有页面检查无误" in good.stdout
    broken = tmp_path / "broken.db"
    data = bytearray(demo_db.read_bytes())
    for i in range(len(data) - 20 * 4096, len(data)):
        data[i] = (data[i] * 7 + 13) & 0xFF
    broken.write_bytes(bytes(data))
    before = broken.read_bytes()
    result = crm("check", "--db", str(broken), lang="zh_CN")
    assert result.returncode == 1
    assert "已损坏" in result.stderr
    assert broken.read_bytes() == before


def test_prospects_show_says_words_not_codes(demo_db: Path) -> None:
    from crm.resources import sources, stage_labels

    listing = json.loads(
        crm("prospects", "list", "--db", str(demo_db), "--json", "--stage", "strategic").stdout
    )
    row = next(r for r in listing["rows"] if r["uscc"])
    codes = {s.code for s in sources()} | {s.code for s in stage_labels()}
    for lang, words in (
        ("en", ["No-loan prospect → First-loan customer", "District: ", "Registered capital: ¥"]),
        ("zh_CN", ["无贷户 → 首贷户", "区县: ", "注册资本: "]),
    ):
        shown = crm("prospects", "show", row["id"], "--db", str(demo_db), lang=lang)
        assert shown.returncode == 0, shown.stderr
        tokens = set(shown.stdout.replace(",", " ").replace("、", " ").split())
        assert not tokens & codes, tokens & codes
        for expected in words:
            assert expected in shown.stdout, (expected, shown.stdout)


def test_a_list_that_stops_early_says_how_to_see_the_rest(demo_db: Path) -> None:
    first = crm("prospects", "list", "--db", str(demo_db), "--limit", "1")
    assert re.fullmatch(r"1 of [\d,]+ prospects", first.stdout.splitlines()[-2])
    assert "--offset 1 for the next page, --all for every row" in first.stdout
    every = crm("prospects", "list", "--db", str(demo_db), "--all", "--search", "有限")
    assert "More rows follow" not in every.stdout
    one = json.loads(
        crm("prospects", "list", "--db", str(demo_db), "--json", "--limit", "1").stdout
    )["rows"][0]
    single = crm("prospects", "list", "--db", str(demo_db), "--search", one["uscc"] or one["name"])
    assert single.stdout.rstrip().endswith("1 of 1 prospect"), single.stdout
