"""Pipeline figures against a small book built by hand, whose answers are worked out here;
and the pipeline report read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from report_helpers import (
    BASE_14,
    RM1,
    RM2,
    RM3,
    Clock,
    complete,
    fonts,
    has_pdftoppm,
    ink_share,
    keep,
    page_texts,
    rasterised_pages,
)

from crm.domain.errors import DomainError
from crm.domain.pipeline_metrics import (
    CustomerLoans,
    Period,
    growth_bp,
    ratio_bp,
    two_increases,
    year_before,
)
from crm.domain.prospect import ProspectDraft
from crm.services.container import Services
from crm.services.loans import LoanDraft
from tests.strategic.helpers import give_plan

YUAN = 100
START, END = date(2026, 1, 1), date(2026, 6, 15)
TEAM_A = "禅城支行普惠团队"


@dataclass
class Book:
    p: dict[str, str]  # name -> prospect id


def _loan(
    services: Services, pid: str, yuan: int, start: date, months: int, product: str = "basic"
) -> str:
    maturity = date(
        start.year + (start.month - 1 + months) // 12,
        (start.month - 1 + months) % 12 + 1,
        start.day,
    ) - timedelta(days=1)
    draft = LoanDraft(yuan * YUAN, 385, start, maturity, product)
    return services.loans.record(pid, draft).id


@pytest.fixture
def book(services: Services, clock: Clock) -> Book:
    """Team A (王芳 RM1, 李强 RM2) and team B (赵磊 RM3), on a clock moved through 18 months:

    P1 RM1  in 2024-12-01, first loan 2025-01-15 (600,000), second 2026-01-20 (500,000),
            strategic 2026-01-20; visited 2026-06-01
    P2 RM1  in 2024-12-01, first loan 2026-02-05 (200,000, matures 2026-07-04); visited
            2025-12-20 and 2026-06-10; a bill discount of 3,000,000 on 2026-03-01 (left out)
    P3 RM1  in 2024-12-01, first loan 2026-04-01 (9,500,000, matures 2026-08-31); never visited
    P4 RM2  in 2024-12-01, first loan 2025-03-10 (300,000, to 2026-03-09, repaid then);
            visited 2026-03-15
    P5 RM2  in 2024-12-01, first loan 2025-06-01 (12,000,000: not inclusive)
    P7 RM2  in 2026-03-01, no loan; a draft visit 2026-06-12 (not counted)
    P8 RM1  in 2024-12-01, dropped 2026-04-15 (no need)
    P6 RM3  (team B) in 2024-12-01, first loan 2026-05-10
    """
    p: dict[str, str] = {}

    def create(name: str, rm: str) -> None:
        p[name] = services.prospects.create(
            ProspectDraft(name=f"佛山市测试{name}有限公司", owner_name="张三"), rm_id=rm
        ).id

    def first_loan(name: str, day: date, yuan: int, months: int) -> str:
        clock.set_day(day)
        loan = _loan(services, p[name], yuan, day, months)
        services.prospects.change_stage(p[name], "first_loan")
        return loan

    def visit(name: str, day: date, *, final: bool = True) -> None:
        clock.set_day(day, 16)
        v = services.visits.start_record(p[name], day)
        if final:
            services.visits.finalize(v.id, complete(day, next_visit_on=None))
        else:
            services.visits.save_draft(v.id, complete(day, next_visit_on=None))

    clock.set_day(date(2024, 12, 1))
    for name, rm in (("P1", RM1), ("P2", RM1), ("P3", RM1), ("P4", RM2), ("P5", RM2)):
        create(name, rm)
    create("P8", RM1)
    create("P6", RM3)
    first_loan("P1", date(2025, 1, 15), 600_000, 24)
    p4_loan = first_loan("P4", date(2025, 3, 10), 300_000, 12)
    first_loan("P5", date(2025, 6, 1), 12_000_000, 24)
    visit("P2", date(2025, 12, 20))
    clock.set_day(date(2026, 1, 20))
    _loan(services, p["P1"], 500_000, date(2026, 1, 20), 12)
    give_plan(services.ctx, p["P1"])
    services.prospects.change_stage(p["P1"], "strategic")
    first_loan("P2", date(2026, 2, 5), 200_000, 5)
    clock.set_day(date(2026, 3, 1))
    create("P7", RM2)
    _loan(services, p["P2"], 3_000_000, date(2026, 3, 1), 3, product="bill_discount")
    clock.set_day(date(2026, 3, 9))
    services.loans.record_outcome(p4_loan, "repaid", on=date(2026, 3, 9))
    visit("P4", date(2026, 3, 15))
    first_loan("P3", date(2026, 4, 1), 9_500_000, 5)
    clock.set_day(date(2026, 4, 15))
    services.prospects.change_stage(p["P8"], "dropped", "no_need", "暂无融资需求")
    first_loan("P6", date(2026, 5, 10), 100_000, 12)
    visit("P1", date(2026, 6, 1))
    visit("P2", date(2026, 6, 10))
    visit("P7", date(2026, 6, 12), final=False)
    clock.set_day(END)
    return Book(p)


def test_the_figures_of_a_team_are_those_worked_out_by_hand(services: Services, book: Book) -> None:
    f = services.reports.pipeline_figures(START, END, team=TEAM_A)
    assert f.as_of == END
    assert f.stages == {"strategic": 1, "first_loan": 4, "no_loan": 1, "dropped": 1}
    assert f.prospects == 7

    # Funnel: 7 in the pool by 15 June; P1–P5 reached a first loan; P1 strategic.
    steps = {s.stage: s for s in f.funnel.steps}
    assert steps["no_loan"].reached == 7
    assert (steps["first_loan"].reached, steps["first_loan"].rate_bp) == (5, 7143)
    assert (steps["strategic"].reached, steps["strategic"].rate_bp) == (1, 2000)
    # Days from the pool to the first loan: 45, 431, 486, 99, 182; P1's strategic after 370.
    assert steps["first_loan"].median_days == 182
    assert steps["strategic"].median_days == 370
    moves = (f.funnel.entered, f.funnel.to_first_loan, f.funnel.to_strategic, f.funnel.dropped)
    assert moves == (1, 2, 1, 1)

    # New first-loan customers: P2 and P3 this year; P1, P4 and P5 the same days of 2025.
    assert (f.first_loans.this_period, f.first_loans.same_period_last_year) == (2, 3)
    assert f.first_loans.growth_bp == -3333

    # Maturities within 90 days of 15 June: P2's on 4 July (19 days), P3's on 31 August
    # (77 days); the bill discount matured in May and P1's loans run to 2027.
    assert [(m.name, m.days_left, m.balance_fen) for m in f.maturities.listed] == [
        ("佛山市测试P2有限公司", 19, 200_000 * YUAN),
        ("佛山市测试P3有限公司", 77, 9_500_000 * YUAN),
    ]
    assert [(w.days, w.loans) for w in f.maturities.windows] == [(30, 1), (60, 0), (90, 1)]
    assert f.maturities.within(90) == 2

    # Two increases: at the start of 2026, P1 600,000 and P4 300,000 inclusive, P5
    # 12,000,000 not; now P1 1,100,000, P2 200,000 and P3 9,500,000 inclusive, P5 still not.
    ti = f.two_increases
    assert ti.year_start == date(2026, 1, 1)
    assert (ti.inclusive_balance_start_fen, ti.inclusive_balance_now_fen) == (
        900_000 * YUAN,
        10_800_000 * YUAN,
    )
    assert (ti.all_balance_start_fen, ti.all_balance_now_fen) == (
        12_900_000 * YUAN,
        22_800_000 * YUAN,
    )
    assert (ti.borrowers_start, ti.borrowers_now) == (2, 3)
    assert (ti.inclusive_growth_bp, ti.all_growth_bp) == (110_000, 7_674)
    assert ti.met


def test_visits_done_against_due_per_rm(services: Services, book: Book) -> None:
    f = services.reports.pipeline_figures(START, END, team=TEAM_A)
    by_rm = {v.rm: v for v in f.visits}
    assert set(by_rm) == {"王芳", "李强", "陈静"}
    # Worked out from each prospect's next contact day as the visits service keeps it.
    due_day = {
        name: services.visits.for_prospect(pid).next_visit_due for name, pid in book.p.items()
    }
    rm_of = {
        "P1": "王芳",
        "P2": "王芳",
        "P3": "王芳",
        "P8": "王芳",
        "P4": "李强",
        "P5": "李强",
        "P7": "李强",
    }
    contacted = {"P1", "P2", "P4"}
    for rm in ("王芳", "李强"):
        mine = [n for n, r in rm_of.items() if r == rm]
        done = [n for n in mine if n in contacted]
        due = [n for n in mine if n in contacted or (due_day[n] is not None and due_day[n] <= END)]
        overdue = [n for n in mine if due_day[n] is not None and due_day[n] < END]
        line = by_rm[rm]
        assert (line.done, line.due, line.overdue_prospects) == (len(done), len(due), len(overdue))
    assert (by_rm["王芳"].visits, by_rm["李强"].visits, by_rm["陈静"].visits) == (2, 1, 0)
    # P3 (a first loan on 1 April, never visited) is overdue for its post-loan visit.
    assert due_day["P3"] is not None and due_day["P3"] < END
    assert "佛山市测试P3有限公司" in [c.name for c in f.overdue.listed]
    assert f.overdue.total == sum(v.overdue_prospects for v in f.visits)


def test_an_rm_and_the_whole_book_are_scopes_too(services: Services, book: Book) -> None:
    rm3 = services.reports.pipeline_figures(START, END, rm="zhaolei")
    assert rm3.stages == {"first_loan": 1}
    assert rm3.first_loans.this_period == 1
    assert [v.rm for v in rm3.visits] == ["赵磊"]
    whole = services.reports.pipeline_figures(START, END)
    assert whole.prospects == 8
    assert whole.first_loans.this_period == 3


def test_unknown_scopes_and_backward_periods_are_refused(services: Services, book: Book) -> None:
    with pytest.raises(DomainError, match="no team called 不存在"):
        services.reports.pipeline_figures(START, END, team="不存在")
    with pytest.raises(DomainError, match="no user called nobody"):
        services.reports.pipeline_figures(START, END, rm="nobody")
    with pytest.raises(DomainError, match="starts"):
        services.reports.pipeline_figures(END, START)


def test_the_rules_at_their_edges() -> None:
    assert ratio_bp(1, 3) == 3333 and ratio_bp(2, 3) == 6667 and ratio_bp(1, 0) is None
    assert growth_bp(100, 150) == 5000 and growth_bp(3, 2) == -3333 and growth_bp(0, 5) is None
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert Period(date(2028, 2, 1), date(2028, 2, 29)).a_year_before().end == date(2027, 2, 28)
    cap = 10_000_000 * YUAN
    at_cap = CustomerLoans(cap, cap, cap, cap)
    over = CustomerLoans(cap + 1, cap + 1, cap + 1, cap + 1)
    ti = two_increases([at_cap, over], date(2026, 1, 1), date(2026, 6, 1))
    assert (ti.borrowers_start, ti.inclusive_balance_start_fen) == (1, cap)
    # Inclusive loans growing exactly as fast as all loans meet the first increase.
    same = two_increases(
        [CustomerLoans(100, 100, 110, 110), CustomerLoans(cap * 2, 100, cap * 2, 110)],
        date(2026, 1, 1),
        date(2026, 6, 1),
    )
    assert same.inclusive_growth_bp == same.all_growth_bp == 1000 and same.growth_met
    fewer = two_increases(
        [CustomerLoans(100, 100, 0, 0), CustomerLoans(100, 100, 200, 200)],
        date(2026, 1, 1),
        date(2026, 6, 1),
    )
    assert not fewer.borrowers_met and not fewer.met


def test_the_report_shows_the_figures_with_charts_in_embedded_fonts(
    services: Services, book: Book, tmp_path: Path
) -> None:
    data = services.reports.pipeline_pdf(START, END, team=TEAM_A, lang="zh_CN")
    keep("pipeline-zh.pdf", data)
    pages = page_texts(data)
    text = "\n".join(pages)
    for expected in (
        "客户培育进度报告",
        "团队：禅城支行普惠团队",
        "2026年1月1日 至 2026年6月15日",  # days as the app writes them
        "佛山分行禅城支行",
        "各阶段客户（当前）",
        "培育漏斗",
        "71.4%",
        "本期新增首贷户 2 户，上年同期 3 户（-33.33%）",
        "拜访完成情况（按客户经理）",
        "王芳",
        "逾期未联系客户",
        "佛山市测试P3有限公司",
        "未来 90 天到期贷款",
        "950.00万元",
        "“两增”情况",
        "1,080.00万元",
        "+1100.00%",
        "“两增”：达标",
    ):
        assert expected in text, expected
    for n, page in enumerate(pages, 1):
        assert f"第 {n} 页 / 共 {len(pages)} 页" in page
    used = fonts(data)
    assert used and all(used.values()), used
    assert not {name.split("+")[-1] for name in used} & BASE_14
    english = "\n".join(page_texts(services.reports.pipeline_pdf(START, END, lang="en")))
    assert "Pipeline report" in english and "The whole book" in english
    assert "Two increases: met" in english
    if has_pdftoppm():
        for png in rasterised_pages(data, tmp_path):
            assert ink_share(png) > 0.01, png.name


def test_long_lists_run_onto_pages_with_their_header_repeated(
    services: Services, clock: Clock
) -> None:
    clock.set_day(date(2026, 1, 5))
    for n in range(90):
        services.prospects.create(
            ProspectDraft(name=f"佛山市逾期联系客户{n:03d}号有限公司"), rm_id=RM1
        )
    clock.set_day(END)
    data = services.reports.pipeline_pdf(START, END, rm="wangfang", lang="zh_CN")
    pages = page_texts(data)
    with_rows = [p for p in pages if "逾期联系客户" in p]
    assert len(with_rows) >= 2
    for page in with_rows:
        assert "应联系日期" in page and "逾期天数" in page
    assert "截至 2026年6月15日，共有 90 户客户逾期未联系。" in "\n".join(pages)


def test_sample_reports_of_a_book(services: Services, book: Book) -> None:
    files = {f.name: f.data for f in services.reports.samples(lang="en")}
    assert set(files) == {
        "visit-final-en.pdf",
        "visit-draft-en.pdf",
        "visits-2026-06-10-en.pdf",
        "pipeline-book-en.pdf",
        "pipeline-team1-en.pdf",
        "pipeline-team2-en.pdf",
    }
    assert "DRAFT" in page_texts(files["visit-draft-en.pdf"])[0]
    assert "Team: " in page_texts(files["pipeline-team1-en.pdf"])[0]
