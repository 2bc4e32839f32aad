"""`crm match --facts FILE [--catalog FILE] [--json]`, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crm.cli import main
from crm.i18n import set_language
from crm.resources import catalogue_document

FACTS = {
    "kind": "enterprise",
    "industry": "C33",
    "tax_credit_grade": "B",
    "annual_invoicing": 820000,
    "avg_monthly_turnover": 60000,
    "owner_serious_overdue": False,
    "in_cultivation_pool": True,
}


def _write(tmp_path: Path, data: object, name: str = "facts.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _run(capsys: pytest.CaptureFixture[str], *args: str, lang: str = "en") -> tuple[int, str, str]:
    try:
        status = main(["--lang", lang, "match", *args])
    finally:
        set_language("en")
    out, err = capsys.readouterr()
    return status, out, err


def test_json_output_has_the_issue_s_shape_with_amounts_in_yuan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(capsys, "--facts", _write(tmp_path, FACTS), "--json")
    assert status == 0, err
    data = json.loads(out)
    assert set(data) == {"products", "overlays", "warnings"}
    basic = data["products"][0]
    assert basic["code"] == "basic" and basic["status"] == "not_eligible"
    gap = next(c for c in basic["criteria"] if c["key"] == "annual_invoicing")
    assert gap == {
        "key": "annual_invoicing",
        "status": "fail",
        "message": "annual VAT invoicing CNY 820,000 < CNY 1,000,000",
    }
    assert basic["rate"] == 3.8 and basic["term_months_max"] == 60
    relending = next(o for o in data["overlays"] if o["code"] == "relending")
    assert relending == {
        "code": "relending",
        "applies": True,
        "amount_max": 2000000,
        "rate_cap": 3.5,
    }
    assert data["warnings"] == []


def test_amounts_are_yuan_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = {**FACTS, "annual_invoicing": 1_500_000}
    status, out, _ = _run(capsys, "--facts", _write(tmp_path, facts), "--json")
    assert status == 0
    basic = json.loads(out)["products"][0]
    assert basic["status"] == "eligible"
    assert (basic["amount_min"], basic["amount_max"]) == (18000, 30000)


def test_json_messages_follow_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = _run(capsys, "--facts", _write(tmp_path, FACTS), "--json", lang="zh_CN")
    assert status == 0
    messages = [c["message"] for c in json.loads(out)["products"][0]["criteria"]]
    assert "年开票额 82 万元 < 100 万元" in messages


def test_the_table_reads_in_the_user_s_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = _run(capsys, "--facts", _write(tmp_path, FACTS), lang="zh_CN")
    assert status == 0
    assert out.startswith("预授信参考")
    for text in ("基础信用贷", "不符合", "✗ 年开票额 82 万元 < 100 万元", "叠加政策", "12–60 个月"):
        assert text in out, text
    status, out, _ = _run(capsys, "--facts", _write(tmp_path, FACTS))
    assert status == 0
    assert "Pre-assessment for reference only" in out
    assert "Basic first-loan credit loan" in out
    assert "✗ annual VAT invoicing CNY 820,000 < CNY 1,000,000" in out


@pytest.mark.parametrize(
    ("facts", "named"),
    [
        ({"tax_credit_grade": "E"}, "tax_credit_grade"),
        ({"annual_invoicing": "lots"}, "annual_invoicing"),
        ({"insured_staff": 2.5}, "insured_staff"),
        ({"established_on": "yesterday"}, "established_on"),
        ({"turnover": 1}, "turnover"),
        (["kind"], "JSON object"),
    ],
)
def test_a_bad_facts_file_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], facts: Any, named: str
) -> None:
    status, out, err = _run(capsys, "--facts", _write(tmp_path, facts), "--json")
    assert status == 2
    assert out == ""
    assert named in err
    assert "Traceback" not in err


def test_an_unreadable_facts_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _run(capsys, "--facts", str(tmp_path / "none.json"))
    assert status == 2 and "does not exist" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{kind: enterprise", encoding="utf-8")
    status, _, err = _run(capsys, "--facts", str(broken))
    assert status == 2 and "is not valid JSON" in err
    status, _, err = _run(capsys)
    assert status == 2 and "--facts" in err


def test_another_catalogue_can_be_given_and_a_bad_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = catalogue_document()
    document["products"] = [p for p in document["products"] if p["code"] == "trade"]
    facts = _write(tmp_path, FACTS)
    status, out, _ = _run(
        capsys, "--facts", facts, "--catalog", _write(tmp_path, document, "c.json"), "--json"
    )
    assert status == 0
    assert [p["code"] for p in json.loads(out)["products"]] == ["trade"]
    document["products"][0]["amount"]["cap"] = "1,000,000"
    status, out, err = _run(
        capsys, "--facts", facts, "--catalog", _write(tmp_path, document, "bad.json")
    )
    assert status == 2
    assert "product trade: amount.cap must be a number" in err


def test_the_installed_command_runs(tmp_path: Path) -> None:
    env = dict(os.environ, CRM_LANG="en", PYTHONUTF8="1")
    result = subprocess.run(
        [sys.executable, "-m", "crm.cli", "match", "--facts", _write(tmp_path, FACTS), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["products"][0]["code"] == "basic"
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "crm.cli",
            "match",
            "--facts",
            _write(tmp_path, {"kind": 1}, "b.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "fact 'kind' must be one of enterprise, individual" in bad.stderr
