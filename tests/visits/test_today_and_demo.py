"""Today's lists, `crm visits due`, and the demo book's visit history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from visit_helpers import LEAD, RM1, RM2, TODAY, Book, Clock, complete

from crm.cli import main
from crm.demo.builder import build_demo
from crm.domain.visits import VisitDraft
from crm.services.container import Services, open_services
from crm.services.context import Context
from crm.services.today import Scope, TodayService
from crm.services.visit_rules import refresh_due
from crm.services.visits import VisitService

DEMO_DAY = date(2026, 11, 23)


def test_scopes_follow_roles(ctx: Context) -> None:
    today = TodayService(ctx)
    assert today.scope_for(RM1).rm_ids == (RM1,)
    assert set(today.scope_for(LEAD).rm_ids or ()) == {RM1, RM2, LEAD}
    assert today.scope_for(None).everyone


def test_today_lists_what_an_rm_has_to_do(
    visits: VisitService, book: Book, ctx: Context, clock: Clock
) -> None:
    visits.plan(book.huaxing, VisitDraft(visit_on=TODAY, start_time="15:00"))
    visits.plan(book.meijia, VisitDraft(visit_on=TODAY - timedelta(days=3)))  # never recorded
    visits.plan(book.taoci, VisitDraft(visit_on=TODAY))  # RM2's
    with ctx.db.transaction() as s:
        s.execute(
            text("UPDATE prospects SET last_contact_on = :d"), {"d": TODAY - timedelta(days=45)}
        )
        refresh_due(s, ctx)
    mine = TodayService(ctx).summary(Scope((RM1,)))
    assert [v.prospect_name for v in mine.planned] == ["佛山市南海区华兴五金制品厂"]
    assert [v.visit_on for v in mine.overdue_visits] == [TODAY - timedelta(days=3)]
    # 19 Dec + 30 = Sun 18 Jan: due Mon 19 Jan, 14 days ago.
    assert mine.overdue_count == 2 and {p.overdue_days for p in mine.overdue} == {14}
    meijia = next(p for p in mine.overdue if p.id == book.meijia)
    assert meijia.next_planned_on == TODAY - timedelta(days=3)
    # Recording the visit clears the prospect from the overdue list.
    visits.finalize(visits.start_record(book.huaxing).id, complete(next_visit_on=None))
    after = TodayService(ctx).summary(Scope((RM1,)))
    assert after.overdue_count == 1 and after.overdue[0].id == book.meijia
    team = TodayService(ctx).summary(TodayService(ctx).scope_for(LEAD))
    assert len(team.planned) == 2


def test_stalled_checklists_of_first_loan_customers(
    visits: VisitService, book: Book, ctx: Context, clock: Clock
) -> None:
    visits.finalize(visits.start_record(book.huaxing).id, complete(next_visit_on=None))
    with ctx.db.transaction() as s:
        s.execute(
            text("UPDATE prospects SET stage = 'first_loan' WHERE id = :id"), {"id": book.huaxing}
        )
    clock.advance(days=30)
    assert TodayService(ctx).summary(Scope((RM1,))).stalled_count == 0
    clock.advance(days=31)
    summary = TodayService(ctx).summary(Scope((RM1,)))
    assert summary.stalled_count == 1
    stalled = summary.stalled[0]
    assert (stalled.done, stalled.total, stalled.since) == (2, 19, TODAY)
    assert stalled.idle_days == 61


def test_today_says_when_the_coming_weeks_have_only_provisional_holidays(
    ctx: Context, clock: Clock
) -> None:
    summary = TodayService(ctx).summary(Scope(None))
    assert (summary.unknown_holiday_years, summary.provisional_holiday_years) == ((), ())
    clock.set_day(date(2026, 12, 1))
    summary = TodayService(ctx).summary(Scope(None))
    # 2027 is not published: its statutory holidays stand in, said to be provisional.
    assert (summary.unknown_holiday_years, summary.provisional_holiday_years) == ((), (2027,))


def test_crm_visits_due_lists_planned_and_overdue_as_json(
    visits: VisitService, book: Book, ctx: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    visits.plan(book.huaxing, VisitDraft(visit_on=date(2026, 3, 5), start_time="10:00"))
    db = str(ctx.db.path)
    with ctx.db.transaction() as s:
        refresh_due(s, ctx)
    assert (
        main(["visits", "due", "--db", db, "--rm", "wangfang", "--date", "2026-03-05", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [v["prospect_name"] for v in data["planned"]] == ["佛山市南海区华兴五金制品厂"]
    overdue = {p["name"]: p["overdue_days"] for p in data["overdue"]}
    assert overdue == {"佛山市南海区华兴五金制品厂": 1, "佛山市顺德区美嘉家具有限公司": 1}
    assert data["day"] == "2026-03-05"
    assert main(["visits", "due", "--db", db, "--date", "2026-03-05"]) == 0
    assert "禅城区陶瓷之家经营部" in capsys.readouterr().out  # everyone's, RM2's too


def test_crm_visits_due_pages_long_lists(
    book: Book, ctx: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(ctx.db.path)
    with ctx.db.transaction() as s:
        refresh_due(s, ctx)
    assert main(["visits", "due", "--db", db, "--date", "2026-03-05", "--json", "--all"]) == 0
    whole = json.loads(capsys.readouterr().out)
    names = [p["name"] for p in whole["overdue"]]
    assert len(names) == whole["overdue_count"] >= 2
    pages = []
    for offset in range(len(names)):
        args = ["visits", "due", "--db", db, "--date", "2026-03-05", "--json"]
        assert main([*args, "--limit", "1", "--offset", str(offset)]) == 0
        page = json.loads(capsys.readouterr().out)
        assert page["overdue_count"] == len(names)
        pages += [p["name"] for p in page["overdue"]]
    assert pages == names  # page by page, the same rows in the same order
    assert main(["visits", "due", "--db", db, "--date", "2026-03-05", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert f"1 of {len(names)}" in out and "--offset 1" in out
    assert main(["visits", "due", "--db", db, "--limit", "0"]) == 2
    assert "--limit" in capsys.readouterr().err


def test_crm_visits_holidays_import_changes_due_dates(
    visits: VisitService,
    book: Book,
    ctx: Context,
    clock: Clock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock.set_day(date(2026, 12, 30))
    visits.finalize(
        visits.start_record(book.huaxing).id,
        complete(
            day=date(2026, 12, 30), credit_auth_on=None, credit_auth=False, next_visit_on=None
        ),
    )
    # 30 Dec + 30 = Fri 29 Jan 2027: a working day while 2027 is unknown.
    assert visits.for_prospect(book.huaxing).next_visit_due == date(2027, 1, 29)
    table = tmp_path / "2027.json"
    table.write_text(
        json.dumps(
            {
                "year": 2027,
                "holidays": [{"from": "2027-01-28", "to": "2027-02-03", "name": "Spring Festival"}],
            }
        ),
        encoding="utf-8",
    )
    db = str(ctx.db.path)
    assert main(["visits", "holidays", "import", str(table), "--db", db]) == 0
    assert "Holidays of 2027 loaded" in capsys.readouterr().out
    assert visits.for_prospect(book.huaxing).next_visit_due == date(2027, 2, 4)
    assert main(["visits", "holidays", "list", "--db", db, "--json"]) == 0
    years = {y["year"]: y["source"] for y in json.loads(capsys.readouterr().out)}
    assert years[2027] == "2027.json" and years[2026] == "chinesecalendar"
    bad = tmp_path / "bad.json"
    bad.write_text('{"year": 2027, "holidays": ["2028-01-01"]}', encoding="utf-8")
    assert main(["visits", "holidays", "import", str(bad), "--db", db]) == 1
    assert "not in 2027" in capsys.readouterr().err


# -- the demo book ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    path = tmp_path_factory.mktemp("demo-visits") / "demo.db"
    summary = build_demo(path, prospects=1500, seed=5, today=DEMO_DAY)
    assert 3500 < summary.visits < 5500
    services = open_services(path)
    services.ctx.clock = Clock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    yield services
    services.close()


def test_the_demo_history_verifies_and_has_every_kind_of_record(demo: Services) -> None:
    report = VisitService(demo.ctx).verify()
    assert report.ok and report.checked > 2500
    conn = sqlite3.connect(demo.db_path)
    counts = dict(conn.execute("SELECT status, count(*) FROM visits GROUP BY status"))
    assert counts["final"] > 2500 and counts["planned"] > 300 and counts["draft"] > 5
    assert conn.execute("SELECT count(*) FROM visits WHERE amends_id IS NOT NULL").fetchone()[0]
    assert (
        conn.execute(
            "SELECT count(*) FROM visits WHERE status = 'planned' AND visit_on > ?", ("2026-11-23",)
        ).fetchone()[0]
        > 200
    )
    # Last contact is the latest finalized record wherever there are records.
    mismatched = conn.execute(
        "SELECT count(*) FROM prospects p JOIN (SELECT prospect_id, max(visit_on) last "
        "FROM visits WHERE status = 'final' GROUP BY prospect_id) v ON v.prospect_id = p.id "
        "WHERE p.last_contact_on != v.last"
    ).fetchone()[0]
    assert mismatched == 0
    # Every checklist tick points at the finalized visit that covered it.
    orphans = conn.execute(
        "SELECT count(*) FROM checklist_ticks t LEFT JOIN visits v ON v.id = t.visit_id "
        "WHERE v.status IS NOT 'final' OR instr(v.checklist_items, t.item_code) = 0"
    ).fetchone()[0]
    assert orphans == 0
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_demo_due_dates_are_what_the_rules_say(demo: Services) -> None:
    conn = sqlite3.connect(demo.db_path)
    before = dict(conn.execute("SELECT id, next_visit_due FROM prospects"))
    with demo.ctx.db.transaction() as s:
        assert refresh_due(s, demo.ctx) == 0
    assert sum(1 for v in before.values() if v is None) < len(before) * 0.15


def test_today_on_the_demo_database(demo: Services) -> None:
    service = TodayService(demo.ctx)
    lead = demo.users.current()
    assert lead is not None and lead.role == "lead"
    summary = service.summary(service.scope_for(lead.id))
    assert summary.day == DEMO_DAY
    assert summary.planned and summary.overdue_visits and summary.overdue
    assert summary.due_soon and summary.stalled
    assert summary.overdue_count >= len(summary.overdue)
    assert all(p.overdue_days > 0 for p in summary.overdue)
    assert (summary.unknown_holiday_years, summary.provisional_holiday_years) == ((), (2027,))


def test_the_same_seed_gives_the_same_visits(tmp_path: Path) -> None:
    def dump(path: Path) -> list[tuple[object, ...]]:
        return (
            sqlite3.connect(path)
            .execute(
                "SELECT id, prospect_id, status, visit_on, content_hash FROM visits ORDER BY id"
            )
            .fetchall()
        )

    build_demo(tmp_path / "a.db", prospects=300, seed=9, today=DEMO_DAY)
    build_demo(tmp_path / "b.db", prospects=300, seed=9, today=DEMO_DAY)
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")


def test_the_demo_plans_nothing_and_is_due_nothing_on_new_year_or_spring_festival_2027(
    demo: Services,
) -> None:
    days_off = [date(2027, 1, 1)] + [date(2027, 2, 5) + timedelta(days=n) for n in range(6)]
    with sqlite3.connect(demo.ctx.db.path) as conn:
        marks = ",".join("?" * len(days_off))
        args = [d.isoformat() for d in days_off]
        planned = conn.execute(f"SELECT count(*) FROM visits WHERE visit_on IN ({marks})", args)
        due = conn.execute(
            f"SELECT count(*) FROM prospects WHERE next_visit_due IN ({marks})", args
        )
        assert (planned.fetchone()[0], due.fetchone()[0]) == (0, 0)
        # The book does reach into 2027: the days off are avoided, not out of range.
        assert conn.execute("SELECT max(next_visit_due) FROM prospects").fetchone()[0] > "2027-02"
