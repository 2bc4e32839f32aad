"""The non-performing ratio (不良率) against all loans with its 3-point tolerance: the pure
rule on hand-built loans, then on the report tests' hand-built book (its docstring:
tests/reports/test_pipeline_report.py) through the service, `crm pipeline --json` and the
Team page's drill-down list, passing exactly at 3 points and failing one fen past them."""

from __future__ import annotations

import json

from crm.domain.pipeline_metrics import (
    INCLUSIVE_CREDIT_CAP_FEN,
    ClassifiedLoan,
    NonPerforming,
    non_performing,
)
from crm.services.container import Services
from crm.services.team import Drill, TeamService
from tests.pipeline.test_pipeline_figures_more import _crm
from tests.reports.test_pipeline_report import END, START, TEAM_A, YUAN, Book

WAN = 10_000 * YUAN


def test_the_rule_on_hand_built_loans() -> None:
    """A: 60万 substandard, 40万 normal (inclusive); B: two loans whose credit together is
    exactly the cap, 20万 doubtful (inclusive); C: a loan one fen over the cap, 300万 of it
    loss (not inclusive)."""
    cap = INCLUSIVE_CREDIT_CAP_FEN
    loans = [
        ClassifiedLoan("A", 60 * WAN, 60 * WAN, "substandard"),
        ClassifiedLoan("A", 40 * WAN, 40 * WAN, "normal"),
        ClassifiedLoan("B", 20 * WAN, cap - 100 * WAN, "doubtful"),
        ClassifiedLoan("B", 80 * WAN, 100 * WAN, "special_mention"),
        ClassifiedLoan("C", 300 * WAN, cap + 1, "loss"),
    ]
    npl = non_performing(loans)
    # Inclusive: A and B, 80万 bad of 200万 = 40 %; all: 380万 of 500万 = 76 %.
    assert (npl.inclusive_npl_fen, npl.inclusive_balance_fen) == (80 * WAN, 200 * WAN)
    assert (npl.all_npl_fen, npl.all_balance_fen) == (380 * WAN, 500 * WAN)
    assert (npl.inclusive_ratio_bp, npl.all_ratio_bp, npl.met) == (4000, 7600, True)
    # Without C, both ratios are 40 %: met. With a normal 300万 at C instead, all loans are
    # 80万 of 500万 = 16 %, 24 points under the inclusive 40 %: not met.
    assert non_performing(loans[:4]).met
    healthy = non_performing([*loans[:4], ClassifiedLoan("C", 300 * WAN, cap + 1, "normal")])
    assert (healthy.inclusive_ratio_bp, healthy.all_ratio_bp, healthy.met) == (4000, 1600, False)


def test_the_tolerance_is_met_at_exactly_three_points_and_not_past_them() -> None:
    # 6 % against 3 %: exactly 3 points.
    assert NonPerforming(6 * WAN, 100 * WAN, 6 * WAN, 200 * WAN).met
    # One fen less balance makes the inclusive ratio a hair over 6 %: not met, though both
    # ratios still show as 6.00 % and 3.00 %.
    past = NonPerforming(6 * WAN, 100 * WAN - 1, 6 * WAN, 200 * WAN)
    assert (past.inclusive_ratio_bp, past.all_ratio_bp, past.met) == (600, 300, False)
    # Nothing outstanding: no ratio, nothing to fail.
    empty = NonPerforming(0, 0, 0, 0)
    assert (empty.inclusive_ratio_bp, empty.all_ratio_bp, empty.met) == (None, None, True)


def _loan(services: Services, pid: str, amount_fen: int) -> str:
    return next(lo.id for lo in services.loans.of_prospect(pid) if lo.amount_fen == amount_fen)


def test_the_ratio_of_a_team_at_the_boundary(services: Services, book: Book, db) -> None:
    """Team A owes P1 60万 + 50万, P2 20万 (its bill discount left out), P3 950万 (all
    inclusive, 1,080万) and P5 1,200万 (not inclusive): 2,280万 in all.

    P1's 60万 graded substandard; P3 repays 80万 and P5 200万: inclusive 60万 of 1,000万 =
    6 %, all loans 60万 of 2,000万 = 3 %: exactly the tolerance, met. P2 repaying one fen
    takes the inclusive ratio past it."""
    p = book.p
    before = services.reports.pipeline_figures(START, END, team=TEAM_A).npl
    assert (before.inclusive_npl_fen, before.all_npl_fen, before.met) == (0, 0, True)
    assert (before.inclusive_balance_fen, before.all_balance_fen) == (1_080 * WAN, 2_280 * WAN)

    services.loans.reclassify(_loan(services, p["P1"], 60 * WAN), "substandard")
    services.loans.repay(_loan(services, p["P3"], 950 * WAN), 80 * WAN)
    services.loans.repay(_loan(services, p["P5"], 1_200 * WAN), 200 * WAN)
    npl = services.reports.pipeline_figures(START, END, team=TEAM_A).npl
    assert (npl.inclusive_npl_fen, npl.inclusive_balance_fen) == (60 * WAN, 1_000 * WAN)
    assert (npl.all_npl_fen, npl.all_balance_fen) == (60 * WAN, 2_000 * WAN)
    assert (npl.inclusive_ratio_bp, npl.all_ratio_bp, npl.met) == (600, 300, True)

    done = _crm(db.path, "--team", TEAM_A, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["npl"] == {
        "inclusive_ratio": 600,
        "all_ratio": 300,
        "tolerance": 300,
        "met": True,
        "inclusive_npl": 600_000,
        "inclusive_balance": 10_000_000,
        "all_npl": 600_000,
        "all_balance": 20_000_000,
    }
    table = _crm(db.path, "--team", TEAM_A)
    assert "Non-performing ratio: inclusive 6.00% (600,000 of 10,000,000 yuan)" in table.stdout
    assert "all loans 3.00%; tolerance 3 points; met" in table.stdout

    services.loans.repay(_loan(services, p["P2"], 20 * WAN), 1)
    past = services.reports.pipeline_figures(START, END, team=TEAM_A).npl
    assert (past.inclusive_ratio_bp, past.all_ratio_bp, past.met) == (600, 300, False)
    data = json.loads(_crm(db.path, "--team", TEAM_A, "--json").stdout)["npl"]
    assert (data["inclusive_balance"], data["met"]) == (9_999_999.99, False)

    # The drill-down lists the customers behind the non-performing balance: P1 alone (the
    # whole book's view adds none: team B's P6 is performing).
    lines = TeamService(services.ctx).prospects(Drill("npl"), START, END, team=TEAM_A)
    assert [line.prospect_id for line in lines] == [p["P1"]]
    assert [
        x.prospect_id for x in TeamService(services.ctx).prospects(Drill("npl"), START, END)
    ] == [p["P1"]]
