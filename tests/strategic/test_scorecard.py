"""The RM scorecard: the pure scoring on hand-built figures worked out here, what head office
may publish (no deposit, profit or fee-income measure; credit loans and first-loan customers
weigh most; visit discipline counts), the published card reaching a laptop through a real
head office, and each RM's figures counted from a small book."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from crm import resources
from crm.cli import main
from crm.demo.builder import build_demo
from crm.domain.prospect import ProspectDraft
from crm.domain.scorecard import (
    InvalidScorecard,
    Measure,
    RmFigures,
    Scorecard,
    parse_scorecard,
    period_target,
    score,
)
from crm.headoffice.models import Record
from crm.services.container import Services, open_services
from crm.services.loans import LoanDraft
from crm.services.scorecard import ScorecardService, check_scorecard
from tests.strategic.helpers import give_plan
from tests.sync.conftest import device, memory_keyring, people, running_server, server
from tests.sync.harness import Device, Server, Team

__all__ = ["device", "memory_keyring", "people", "running_server", "server"]

CARD = Scorecard(
    (
        Measure("credit_loans", 40, 4),
        Measure("first_loan_customers", 40, 2),
        Measure("visit_discipline", 20, 8000),
    )
)


def _figures(rm: str, credit: int, first: int, done: int, due: int) -> RmFigures:
    return RmFigures(rm, rm, credit, credit * 500_000_00, first, 0, done, due)


def test_scores_worked_out_by_hand() -> None:
    rows = score(
        CARD,
        [
            # 2 of 4 credit loans: 50 % of 40 = 20; 1 of 2 first loans: 20; 6 of 10 visits
            # = 6000 bp of 8000 = 75 % of 20 = 15. Total 55.
            _figures("甲", 2, 1, 6, 10),
            # Past every target: capped at the weights, 100.
            _figures("乙", 9, 5, 10, 10),
            # Nothing due: nothing missed (20); nothing else (0).
            _figures("丙", 0, 0, 0, 0),
            # 3 of 4 = 7500 bp: 30; 0 first loans; 7 of 9 = 7777 bp, 97.21 % of 20 = 19.44.
            _figures("丁", 3, 0, 7, 9),
        ],
        days=30,
    )
    assert [(r.rm, r.total_centi) for r in rows] == [
        ("乙", 100_00),
        ("甲", 55_00),
        ("丁", 49_44),
        ("丙", 20_00),
    ]
    d = rows[2]
    assert [(m.code, m.actual, m.attainment_bp, m.points_centi) for m in d.measures] == [
        ("credit_loans", 3, 7500, 30_00),
        ("first_loan_customers", 0, 0, 0),
        ("visit_discipline", 7777, 9721, 19_44),
    ]


def test_targets_are_for_thirty_days_and_scale_with_the_period() -> None:
    credit, _first, visits = CARD.measures
    assert period_target(credit, 30) == 4
    assert period_target(credit, 7) == 1  # 0.93, rounded up
    assert period_target(credit, 365) == 49  # 48.67
    assert period_target(visits, 365) == 8000  # a share does not scale
    # A week: 1 credit loan of a target of 1 is full marks.
    week = score(CARD, [_figures("甲", 1, 0, 0, 0)], days=7)[0]
    assert week.measures[0].target == 1 and week.measures[0].points_centi == 40_00


BUNDLED = resources.load_json("data", "scorecard.json")


def _card(**changes: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(BUNDLED))
    doc["measures"] = changes.get("measures", doc["measures"])
    return dict(doc)


@pytest.mark.parametrize(
    "measure",
    [
        {"measure": "deposit_balance", "weight": 10, "target": 1},
        {"measure": "fee_income", "weight": 10, "target": 1},
        {"measure": "credit_loans", "weight": 10, "target": 1, "name_zh": "日均存款"},
        {"measure": "profit", "weight": 10, "target": 1},
        {"measure": "strategic_clients", "weight": 10, "target": 1, "name_zh": "中间业务收入"},
    ],
)
def test_a_deposit_profit_or_fee_income_measure_is_refused_with_the_notice(
    measure: dict[str, Any],
) -> None:
    doc = _card(measures=[*BUNDLED["measures"][:-1], measure])
    with pytest.raises(InvalidScorecard) as refused:
        check_scorecard(doc)
    assert refused.value.code == "scorecard.forbidden"
    assert "Nanyang notice 十一" in str(refused.value)


@pytest.mark.parametrize(
    ("measures", "code"),
    [
        # The weights add up to 90.
        (
            [
                {"measure": "credit_loans", "weight": 40, "target": 2},
                {"measure": "first_loan_customers", "weight": 40, "target": 2},
                {"measure": "visit_discipline", "weight": 10, "target": 9000},
            ],
            "scorecard.total",
        ),
        # Visits weigh more than first-loan customers.
        (
            [
                {"measure": "credit_loans", "weight": 40, "target": 2},
                {"measure": "first_loan_customers", "weight": 20, "target": 2},
                {"measure": "visit_discipline", "weight": 40, "target": 9000},
            ],
            "scorecard.weights",
        ),
        # No visit discipline.
        (
            [
                {"measure": "credit_loans", "weight": 50, "target": 2},
                {"measure": "first_loan_customers", "weight": 50, "target": 2},
            ],
            "scorecard.visits",
        ),
        # A measure named twice.
        (
            [
                {"measure": "credit_loans", "weight": 40, "target": 2},
                {"measure": "credit_loans", "weight": 40, "target": 2},
                {"measure": "visit_discipline", "weight": 20, "target": 9000},
            ],
            "scorecard.twice",
        ),
        # Unknown measure, a weight of text: the schema says where.
        ([{"measure": "happiness", "weight": 100, "target": 1}], "scorecard.schema"),
        ([{"measure": "credit_loans", "weight": "40", "target": 1}], "scorecard.schema"),
    ],
)
def test_what_a_scorecard_must_be(measures: list[dict[str, Any]], code: str) -> None:
    with pytest.raises(InvalidScorecard) as refused:
        check_scorecard(_card(measures=measures))
    assert refused.value.code == code


def test_the_bundled_scorecard_is_valid_and_weighs_credit_and_first_loans_most() -> None:
    card = check_scorecard(BUNDLED)
    top = max(m.weight for m in card.measures)
    assert card.weight("credit_loans") == card.weight("first_loan_customers") == top
    # The rules hold without the schema too (a device reads what was published).
    assert parse_scorecard(BUNDLED) == card


def test_publishing_refuses_a_deposit_measure_and_a_laptop_takes_the_published_card(
    device: Callable[..., Device], server: Server, people: Team, tmp_path: Path, capsys: Any
) -> None:
    laptop = device("chenjing")
    laptop.sign_in()
    laptop.run()
    service = ScorecardService(laptop.ctx)
    assert service.card()[1] == "bundled"
    deposit = _card(
        measures=[*BUNDLED["measures"][:-1], {"measure": "deposits", "weight": 10, "target": 1}]
    )
    with pytest.raises(InvalidScorecard, match="deposit"):
        server.admin.publish("scorecard", deposit)
    with server.ho.store.read() as s:
        assert s.get(Record, ("reference", "scorecard")) is None
    lean = {
        "name": "季度考核",
        "measures": [
            {"measure": "credit_loans", "weight": 40, "target": 3},
            {"measure": "first_loan_customers", "weight": 40, "target": 3},
            {"measure": "visit_discipline", "weight": 20, "target": 8500},
        ],
    }
    assert server.admin.publish("scorecard", lean) == 1
    laptop.run()
    card, source = service.card()
    assert source == "published" and card.name == "季度考核"
    assert [(m.code, m.weight, m.target) for m in card.measures] == [
        ("credit_loans", 40, 3),
        ("first_loan_customers", 40, 3),
        ("visit_discipline", 20, 8500),
    ]

    # The command refuses such a file in the user's language, and publishes the bundled one.
    url = f"sqlite:///{tmp_path / 'ho.db'}"
    path = tmp_path / "scorecard.json"
    path.write_text(json.dumps(deposit, ensure_ascii=False), encoding="utf-8")
    status = main(["--lang", "zh_CN", "headoffice", "publish", "scorecard", str(path), "--db", url])
    assert status == 1 and "存款" in capsys.readouterr().err
    assert main(["headoffice", "publish", "scorecard", "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"kind": "scorecard", "version": 1}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    path = tmp_path / "book.db"
    build_demo(path, prospects=0, seed=5)
    s = open_services(path)
    with s.ctx.db.transaction() as session:
        from crm.store.models import AppMeta
        from crm.store.replica import CRITERIA_KEY

        easy = {"min_months_as_customer": 0, "min_loans": 1, "min_total_credit_fen": 1}
        session.merge(AppMeta(key=CRITERIA_KEY, value=json.dumps(easy)))
    yield s
    s.close()


def test_each_rm_s_figures_are_counted_from_the_book(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    me = services.users.current()
    assert me is not None and me.team_id is not None
    rms = [u for u in services.users.all() if u.role == "rm" and u.team_id == me.team_id][:2]
    a, b = rms[0], rms[1]
    today = services.ctx.today()
    start = today - timedelta(days=29)

    def customer(name: str, rm: str, product: str, amount: int, day: date) -> str:
        pid = services.prospects.create(ProspectDraft(name=name, kind="enterprise"), rm_id=rm).id
        services.loans.record(
            pid, LoanDraft(amount, 385, day, day + timedelta(days=365), product_code=product)
        )
        services.prospects.change_stage(pid, "first_loan")
        return pid

    # A: two credit loans this period (one a first loan, one becoming strategic), one before.
    customer("佛山市甲一厂", a.id, "basic", 500_000_00, today - timedelta(days=3))
    second = customer("佛山市甲二厂", a.id, "tech", 300_000_00, today - timedelta(days=10))
    give_plan(services.ctx, second)
    services.prospects.change_stage(second, "strategic")
    old = customer("佛山市甲三厂", a.id, "basic", 100_000_00, start - timedelta(days=1))
    # B: one loan of a product that is no credit loan of the catalogue (a service).
    customer("佛山市乙一厂", b.id, "settlement_account", 200_000_00, today)
    report = services.scorecard.report(start, today, team=me.team_id)
    by_rm = {f.rm_id: f for f in report.figures}
    fa, fb = by_rm[a.id], by_rm[b.id]
    assert (fa.credit_loans, fa.credit_loan_amount_fen) == (2, 800_000_00)
    # Every one of A's three became a first-loan customer today (the stage moves are now).
    assert (fa.first_loan_customers, fa.strategic_clients) == (3, 1)
    assert (fb.credit_loans, fb.credit_loan_amount_fen, fb.first_loan_customers) == (0, 0, 1)
    assert services.prospects.get(old).stage == "first_loan"
    rows = {r.rm_id: r for r in report.rows}
    # The old loan's post-loan visit (15 days after it) fell due in the period, not done.
    assert (fa.visits_done, fa.visits_due, fb.visits_due) == (0, 1, 0)
    # The bundled card over 30 days: A has 2 of 2 credit loans and 3 of 2 first loans (30 +
    # 30), 800,000 of 1,000,000 yuan (8.00 of 10), 1 of 1 strategic (10), 0 of 1 visits (0):
    # 78. B: 1 of 2 first loans (15), nothing due (20): 35.
    assert rows[a.id].total_centi == 78_00
    assert rows[b.id].total_centi == 35_00
    assert report.rows[0].rm_id == a.id

    db = str(services.db_path)
    assert (
        main(["scorecard", "--db", db, "--team", me.team_id, "--json", "--from", start.isoformat()])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["scorecard"]["source"] == "bundled"
    first = data["rms"][0]
    assert first["rm_id"] == a.id and first["total"] == 78.0
    assert first["measures"]["credit_loans"] == {
        "actual": 2,
        "target": 2,
        "weight": 30,
        "attainment_bp": 10000,
        "points": 30.0,
    }
    with pytest.raises(SystemExit) as usage:
        main(["--lang", "zh_CN", "scorecard", "--db", db, "--from", "2026-13-01"])
    assert usage.value.code == 2 and "不是日期" in capsys.readouterr().err
    assert main(["scorecard", "--db", db, "--rm", "nobody"]) == 1
    assert "nobody" in capsys.readouterr().err
