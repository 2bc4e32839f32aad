"""The figures the pipeline report lacked, on the report tests' hand-built book (its
docstring lists it: tests/reports/test_pipeline_report.py): conversion by source list
against each list's target, stalled prospects, new first-loan customers' share of new loan
customers; and `crm pipeline`'s JSON and refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from crm.cli import main
from crm.services.container import Services
from crm.services.loans import LoanDraft
from tests.reports.test_pipeline_report import END, START, TEAM_A, Book

# Targets of resources/data/sources.json.
NEW_REG, TAXPAYER = "gov_new_registration", "gov_taxpayer"


def _on_lists(services: Services, book: Book, lists: dict[str, list[str]]) -> None:
    for name, codes in lists.items():
        detail = services.prospects.get(book.p[name])
        draft = detail.draft()
        draft.sources = codes
        services.prospects.update(book.p[name], draft)


@pytest.fixture
def listed(services: Services, book: Book) -> Book:
    """P1 (strategic), P2 (first loan in February) and P7 (no loan) on the taxpayer list;
    P3 (first loan on 1 April) and P8 (dropped) on the new-registration list; P6 (team B)
    on the taxpayer list too."""
    _on_lists(
        services,
        book,
        {"P1": [TAXPAYER], "P2": [TAXPAYER], "P7": [TAXPAYER], "P3": [NEW_REG], "P8": [NEW_REG]},
    )
    _on_lists(services, book, {"P6": [TAXPAYER]})
    return book


def test_conversion_by_source_list_against_its_target(services: Services, listed: Book) -> None:
    f = services.reports.pipeline_figures(START, END, team=TEAM_A)
    by = {s.source: s for s in f.by_source}
    # Taxpayers: P1, P2 won of 3 = 66.67 % against 25 %; new registrations: P3 of 2 = 50 %.
    assert (by[TAXPAYER].prospects, by[TAXPAYER].first_loans, by[TAXPAYER].rate_bp) == (
        3,
        2,
        6667,
    )
    assert (by[TAXPAYER].target_bp, by[TAXPAYER].met) == (2500, True)
    assert (by[NEW_REG].prospects, by[NEW_REG].first_loans, by[NEW_REG].rate_bp) == (2, 1, 5000)
    # A list with a target and nobody on it is shown with nothing to rate.
    assert by["online_application"].prospects == 0 and by["online_application"].met is None
    # By the end of March P3 had no loan yet: 0 of 2 misses the new-registration target.
    march = services.reports.pipeline_figures(START, date(2026, 3, 31), team=TEAM_A)
    early = {s.source: s for s in march.by_source}
    assert (early[NEW_REG].first_loans, early[NEW_REG].rate_bp, early[NEW_REG].met) == (
        0,
        0,
        False,
    )
    # The whole book counts team B's P6 (won in May) on the taxpayer list too.
    whole = {s.source: s for s in services.reports.pipeline_figures(START, END).by_source}
    assert (whole[TAXPAYER].prospects, whole[TAXPAYER].first_loans) == (4, 3)


def test_stalled_prospects_no_stage_change_and_no_contact_for_60_days(
    services: Services, book: Book, clock
) -> None:
    # On 15 June (60 days back: 16 April): P3 (first loan 1 April, never visited), P4 (last
    # contact 15 March), P5 (first loan 2025, never visited) and P7 (in the pool since
    # 1 March, only a draft visit) are stalled; P1 and P2 were visited in June, P8 dropped.
    f = services.reports.pipeline_figures(START, END, team=TEAM_A)
    assert (f.stalled.after_days, f.stalled.by_stage) == (60, {"first_loan": 3, "no_loan": 1})
    # P3's stage changed on 1 April: stalled on the 60th day (31 May), not the 59th.
    clock.set_day(date(2026, 5, 30))
    assert (
        services.reports.pipeline_figures(START, date(2026, 5, 30), team=TEAM_A).stalled.total == 3
    )
    clock.set_day(date(2026, 5, 31))
    assert (
        services.reports.pipeline_figures(START, date(2026, 5, 31), team=TEAM_A).stalled.total == 4
    )


def test_new_first_loan_customers_share_of_new_loan_customers(
    services: Services, book: Book
) -> None:
    # P7 gets a loan on 1 June without being moved to first loan: a new loan customer, not
    # recorded as a first-loan one. New loan customers of team A this year: P2, P3, P7 (P1's
    # first loan was in 2025, P4's and P5's too) — 2 of 3 are first-loan customers.
    services.loans.record(
        book.p["P7"], LoanDraft(50_000 * 100, 385, date(2026, 6, 1), date(2027, 5, 31), "basic")
    )
    f = services.reports.pipeline_figures(START, END, team=TEAM_A)
    assert (f.new_loans.new_loan_customers, f.new_loans.first_loan_customers) == (3, 2)
    assert f.new_loans.share_bp == 6667
    # Only the first half of February: P2 alone.
    feb = services.reports.pipeline_figures(date(2026, 2, 1), date(2026, 2, 15), team=TEAM_A)
    assert (feb.new_loans.new_loan_customers, feb.new_loans.share_bp) == (1, 10000)


def _crm(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_CLOCK")}
    env.update(CRM_CLOCK=END.isoformat(), PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, "-c", "import sys; from crm.cli import main; sys.exit(main())",
         "--lang", "en", "pipeline", "--db", str(db), *args],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip


def test_the_command_prints_the_figures_as_json_and_as_a_table(
    services: Services, listed: Book, db
) -> None:
    done = _crm(db.path, "--team", TEAM_A, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    # The default period: the year to date of the app's clock (CRM_CLOCK = 15 June).
    assert data["period"] == {"from": "2026-01-01", "to": "2026-06-15"}
    assert data["stages"] == {"no_loan": 1, "first_loan": 4, "strategic": 1, "dropped": 1}
    assert sum(data["stages"].values()) == 7
    funnel = data["funnel"]
    assert {"entered", "to_first_loan", "to_strategic", "rates", "median_days"} <= set(funnel)
    assert (funnel["entered"], funnel["to_first_loan"], funnel["to_strategic"]) == (1, 2, 1)
    assert funnel["rates"] == {"to_first_loan": 7143, "to_strategic": 2000}
    assert funnel["median_days"] == {"to_first_loan": 182.0, "to_strategic": 370.0}
    assert data["first_loans"]["this_period"] == 2
    assert data["first_loans"]["same_period_last_year"] == 3
    taxpayer = next(s for s in data["by_source"] if s["source"] == TAXPAYER)
    assert taxpayer == {
        "source": TAXPAYER, "prospects": 3, "first_loans": 2, "rate": 6667, "target": 2500,
        "met": True,
    }  # fmt: skip
    assert {v["rm"] for v in data["visits"]} == {"王芳", "李强", "陈静"}
    assert set(data["visits"][0]) >= {"rm", "done", "due", "overdue_prospects"}
    assert data["maturities"] == {"30": 1, "60": 1, "90": 2}
    assert data["two_increases"] == {
        "inclusive_balance_start": 900_000,
        "inclusive_balance_now": 10_800_000,
        "inclusive_growth": 110_000,
        "all_balance_start": 12_900_000,
        "all_balance_now": 22_800_000,
        "all_growth": 7_674,
        "borrowers_start": 2,
        "borrowers_now": 3,
        "met": True,
    }
    table = _crm(db.path, "--rm", "zhaolei", "--from", "2026-01-01", "--to", "2026-06-15")
    assert table.returncode == 0, table.stderr
    assert "Prospects by stage" in table.stdout and "First-loan customer: 1" in table.stdout


def test_unknown_scopes_and_backward_periods_are_refused(
    db, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--lang", "en", "pipeline", "--db", str(db.path), "--from", "2026-01-01"]
    assert main([*base, "--to", "2026-06-15", "--team", "不存在"]) == 1
    assert "no team called 不存在" in capsys.readouterr().err
    assert main([*base, "--to", "2026-06-15", "--rm", "nobody"]) == 1
    assert "no user called nobody" in capsys.readouterr().err
    assert main([*base, "--to", "2025-12-31"]) == 1
    assert "starts (2026-01-01) after it ends (2025-12-31)" in capsys.readouterr().err
    assert main(["--lang", "zh_CN", "pipeline", "--db", str(db.path), "--rm", "nobody"]) == 1
    err = capsys.readouterr().err
    assert "nobody" in err and "no user" not in err


def test_two_increases_at_the_credit_cap_with_bill_discounting_left_out(
    services: Services, book: Book
) -> None:
    """P3's credit brought to exactly 10,000,000 yuan keeps it inclusive (a bill discount
    of 2,000,000 beside is left out); one fen more takes it out, and the increases fail."""

    def loan(fen: int, product: str = "basic") -> None:
        draft = LoanDraft(fen, 385, date(2026, 6, 1), date(2026, 12, 1), product)
        services.loans.record(book.p["P3"], draft)

    loan(500_000 * 100)
    loan(2_000_000 * 100, "bill_discount")
    ti = services.reports.pipeline_figures(START, END, team=TEAM_A).two_increases
    # Inclusive now: P1 1,100,000 + P2 200,000 + P3 10,000,000; all loans 23,300,000
    # against 12,900,000 at the start of the year (+80.62 %); inclusive 900,000 then.
    assert (ti.inclusive_balance_now_fen, ti.borrowers_now) == (11_300_000 * 100, 3)
    assert (ti.all_balance_now_fen, ti.all_growth_bp, ti.inclusive_growth_bp) == (
        23_300_000 * 100,
        8062,
        115_556,
    )
    assert ti.met
    loan(1)
    ti = services.reports.pipeline_figures(START, END, team=TEAM_A).two_increases
    # P3 is out: inclusive 1,300,000 (+44.44 %) grows slower than all loans (+80.62 %).
    assert (ti.inclusive_balance_now_fen, ti.borrowers_now) == (1_300_000 * 100, 2)
    assert (ti.inclusive_growth_bp, ti.all_growth_bp) == (4444, 8062)
    assert ti.borrowers_met and not ti.growth_met and not ti.met


def test_the_whole_books_conversion_by_list_read_without_prospects_is_the_same(
    services: Services, listed: Book
) -> None:
    """When every prospect had entered before the period's end, the whole book's lists are
    counted without reading a prospect; the counts are those of the general query (here
    through a scope of every RM: every prospect of this book has one)."""
    from datetime import datetime, time, timedelta

    from crm.store import pipeline_queries as q

    def bound(day: date) -> str:
        return q.stamp(datetime.combine(day, time(0), services.ctx.zone))

    every_rm = tuple(u.id for u in services.users.all())
    with services.ctx.db.reading() as s:
        for day in (END + timedelta(days=1), date(2026, 3, 2), date(2025, 1, 1)):
            before = bound(day)
            whole = q.by_source(s, None, before)
            assert whole == q.by_source(s, every_rm, before), day
        assert whole[TAXPAYER] == (3, 0)  # on 1 January 2025 no one on it had a loan
        assert q.by_source(s, None, bound(END + timedelta(days=1)))[TAXPAYER] == (4, 3)
