"""`crm loans …` and `crm renewals due`, run as a user runs them: a subprocess on a real
database file, on a fixed day (CRM_CLOCK=2026-06-15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crm.domain.prospect import ProspectDraft
from crm.domain.uscc import make_uscc
from crm.services.container import open_services

USCC = make_uscc("9", "1", "440605", "000000042").value


def crm(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRM_LANG=lang, PYTHONUTF8="1", CRM_CLOCK="2026-06-15")
    env.pop("CRM_CLOCK_STARTED", None)
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def book(tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "crm.db"
    services = open_services(path, create=True)
    pid = services.prospects.create(
        ProspectDraft(name="佛山市南海区华兴五金制品厂", uscc=USCC, district_code="440605")
    ).id
    services.close()
    return str(path), pid


def test_a_loan_is_recorded_repaid_and_renewed_from_the_command_line(
    book: tuple[str, str],
) -> None:
    db, pid = book
    added = crm(
        "loans", "add", USCC, "--product", "basic", "--amount", "80万", "--start",
        "2025-09-23", "--maturity", "2026-09-23", "--rate", "3.85", "--credit-line",
        "1,000,000", "--repayment", "interest_monthly", "--db", db, "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    loan = json.loads(added.stdout)
    assert loan["prospect_id"] == pid and loan["amount"] == 800_000
    assert loan["credit_line"] == 1_000_000 and loan["rate"] == 3.85
    assert loan["status"] == "active" and loan["balance"] == 800_000

    repaid = crm("loans", "repay", loan["id"], "--amount", "300000.50", "--db", db, "--json")
    assert repaid.returncode == 0, repaid.stderr
    assert json.loads(repaid.stdout)["balance"] == 499_999.5

    listed = crm("loans", "list", pid, "--db", db, "--json")
    assert [row["id"] for row in json.loads(listed.stdout)] == [loan["id"]]

    due = crm("renewals", "due", "--db", db, "--days", "100", "--json")
    assert due.returncode == 0, due.stderr
    [row] = json.loads(due.stdout)
    assert row["loan_id"] == loan["id"] and row["prospect_id"] == pid
    assert (row["maturity"], row["days_left"], row["reminder"]) == ("2026-09-23", 100, None)
    assert row["balance"] == 499_999.5

    renewed = crm("loans", "renew", loan["id"], "--maturity", "2027-09-23", "--db", db, "--json")
    assert renewed.returncode == 0, renewed.stderr
    new = json.loads(renewed.stdout)
    assert new["renewed_from_id"] == loan["id"] and new["start_date"] == "2026-09-23"
    text = crm("loans", "list", "--db", db, lang="zh_CN")
    assert "已续贷" in text.stdout and "还款中" in text.stdout


def test_a_refused_action_exits_1_and_a_wrong_usage_2(book: tuple[str, str]) -> None:
    db, pid = book
    args = ["loans", "add", pid, "--product", "basic", "--start", "2026-06-01"]
    bad_amount = crm(*args, "--amount", "lots", "--maturity", "2027-06-01", "--rate", "4",
                     "--db", db)  # fmt: skip
    assert bad_amount.returncode == 2 and "lots" in bad_amount.stderr
    bad_date = crm(*args, "--amount", "5万", "--maturity", "someday", "--rate", "4", "--db", db)
    assert bad_date.returncode == 2
    backwards = crm(*args, "--amount", "5万", "--maturity", "2026-05-01", "--rate", "4",
                    "--db", db, lang="zh_CN")  # fmt: skip
    assert backwards.returncode == 1
    assert "早于起始日" in backwards.stderr
    assert "Traceback" not in backwards.stderr
    added = crm(*args, "--amount", "5万", "--maturity", "2027-06-01", "--rate", "4", "--db", db)
    assert added.returncode == 0, added.stderr
    assert "first_loan" in added.stdout
    loan_id = added.stdout.splitlines()[2].split()[0]  # the table's first row, first column
    too_much = crm("loans", "repay", loan_id, "--amount", "6万", "--db", db)
    assert too_much.returncode == 1 and "more than" in too_much.stderr
    missing = crm("loans", "repay", "no-such-loan", "--amount", "1", "--db", db)
    assert missing.returncode == 1 and "no loan" in missing.stderr


def test_the_renewal_precheck_from_the_command_line(book: tuple[str, str]) -> None:
    db, pid = book
    added = crm(
        "loans", "add", pid, "--product", "basic", "--amount", "50万", "--start", "2025-09-23",
        "--maturity", "2026-09-23", "--rate", "3.85", "--db", db, "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    loan = json.loads(added.stdout)["id"]
    checked = crm("renewals", "check", loan, "--db", db, "--json")
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout)
    assert result["product"] == "basic" and result["status"] == "unknown"
    assert "tax_credit_grade" in result["missing"] and result["changed"] == []
    text = crm("renewals", "check", loan, "--db", db, lang="zh_CN")
    assert text.returncode == 0 and "预授信" in text.stdout


def test_a_lead_confirms_dropping_a_customer_with_a_loan(book: tuple[str, str]) -> None:
    from datetime import UTC, datetime

    from crm.store.engine import Database, open_engine
    from crm.store.models import User

    db, pid = book
    database = Database(Path(db), open_engine(Path(db)))
    with database.transaction() as s:
        s.add(
            User(
                id="0190f000-0000-7000-8000-000000000003",
                username="chenjing",
                display_name="陈静",
                role="lead",
                created_at=datetime(2026, 6, 1, tzinfo=UTC),
            )
        )
    database.close()
    args = ["--amount", "5万", "--start", "2026-06-01", "--maturity", "2027-06-01", "--rate", "4"]
    assert crm("loans", "add", pid, "--product", "basic", *args, "--db", db).returncode == 0
    assert crm("prospects", "stage", pid, "first_loan", "--db", db).returncode == 0
    drop = ["prospects", "stage", USCC, "dropped", "--reason-code", "risk", "--reason", "经营异常"]
    refused = crm(*drop, "--db", db)
    assert refused.returncode == 1 and "post-loan care" in refused.stderr
    not_a_lead = crm(*drop, "--lead-confirmed", "--db", db)
    assert not_a_lead.returncode == 1 and "only a team lead" in not_a_lead.stderr
    confirmed = crm(*drop, "--lead-confirmed", "--user", "chenjing", "--db", db, "--json")
    assert confirmed.returncode == 0, confirmed.stderr
    assert json.loads(confirmed.stdout)["stage"] == "dropped"
