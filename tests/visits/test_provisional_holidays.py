"""A year nobody has published yet has a provisional calendar: the statutory holidays
(《全国年节及纪念日放假办法》, 2024), computed from the lunar calendar, until head office
publishes the State Council's schedule; `crm visits holidays list --year` shows either."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from visit_helpers import Book, Clock, complete

from crm.cli import main
from crm.domain.cadence import CadenceFacts, due_date
from crm.domain.holidays import DayKind, HolidayCalendar, statutory_year
from crm.services.context import Context
from crm.services.visit_rules import default_cadence, holiday_calendar
from crm.services.visit_setup import VisitSetupService
from crm.services.visits import VisitService
from crm.store.due_dates import calendar_of, package_years, provisional_year
from crm.store.migrate import upgrade

CAL = calendar_of(package_years())
SPRING_2027 = [date(2027, 2, 5) + timedelta(days=n) for n in range(4)]  # 除夕 to 初三


def test_2027_is_provisional_with_new_year_and_the_spring_festival_off() -> None:
    assert not CAL.published(2027) and CAL.known(2027)
    new_year = CAL.info(date(2027, 1, 1))
    assert (new_year.kind, new_year.name, new_year.provisional) == (
        DayKind.HOLIDAY,
        "New Year's Day",
        True,
    )
    for day in SPRING_2027:
        info = CAL.info(day)
        assert (info.kind, info.name, info.provisional) == (
            DayKind.HOLIDAY,
            "Spring Festival",
            True,
        )
    # Sat 6 and Sun 7 Feb are festival days on a weekend: the law gives Tue 9 and Wed 10.
    assert CAL.kind(date(2027, 2, 9)) == DayKind.HOLIDAY
    assert CAL.kind(date(2027, 2, 10)) == DayKind.HOLIDAY
    assert CAL.kind(date(2027, 2, 11)) == DayKind.WORKDAY
    assert CAL.provisional_years(date(2026, 12, 1), date(2027, 3, 1)) == (2027,)
    # The years the package has stay as published.
    assert not CAL.info(date(2026, 2, 16)).provisional


def test_every_statutory_holiday_of_2027_from_the_lunar_calendar() -> None:
    table = provisional_year(2027)
    assert table is not None and table.provisional and not table.workdays
    names = {day: name for day, name in table.holidays.items()}
    assert names[date(2027, 4, 5)] == "Tomb-sweeping Day"  # 清明, a solar term
    assert names[date(2027, 6, 9)] == "Dragon Boat Festival"  # 五月初五
    assert names[date(2027, 9, 15)] == "Mid-autumn Festival"  # 八月十五
    # 1-2 May are a Saturday and a Sunday: Monday and Tuesday are given.
    assert [d for d, n in sorted(names.items()) if n == "Labour Day"] == [
        date(2027, 5, n) for n in (1, 2, 3, 4)
    ]
    # 2-3 October are a Saturday and a Sunday: 4 and 5 October are given.
    assert [d for d, n in sorted(names.items()) if n == "National Day"] == [
        date(2027, 10, n) for n in (1, 2, 3, 4, 5)
    ]


def test_a_day_two_holidays_share_gives_another_day_off() -> None:
    # 2020: Mid-autumn fell on 1 October.
    table = statutory_year(
        2020,
        new_years_eve=date(2020, 1, 24),
        qingming=date(2020, 4, 4),
        dragon_boat=date(2020, 6, 25),
        mid_autumn=date(2020, 10, 1),
    )
    off = sorted(d for d in table.holidays if d.month == 10)
    assert off == [date(2020, 10, n) for n in (1, 2, 3, 5, 6)]


def test_no_table_and_no_provisional_source_means_weekends_only() -> None:
    bare = HolidayCalendar(package_years())
    assert not bare.known(2027) and bare.kind(date(2027, 1, 1)) == DayKind.WORKDAY
    assert provisional_year(2100) is None and provisional_year(1900) is None


def test_due_dates_avoid_provisional_holidays() -> None:
    rules = default_cadence().rules

    def due(last: date) -> date | None:
        return due_date(CadenceFacts("no_loan", last, date(2026, 6, 1)), rules, CAL)

    # 2 Dec 2026 + 30 = Fri 1 Jan 2027, New Year's Day: Mon 4 Jan.
    assert due(date(2026, 12, 2)) == date(2027, 1, 4)
    # 6 Jan + 30 = Fri 5 Feb, New Year's Eve: the festival runs to Wed 10 Feb.
    assert due(date(2027, 1, 6)) == date(2027, 2, 11)


def test_the_book_plans_no_visit_due_on_a_provisional_holiday(
    visits: VisitService, book: Book, ctx: Context, clock: Clock
) -> None:
    clock.set_day(date(2026, 12, 2))
    visits.finalize(
        visits.start_record(book.huaxing).id,
        complete(day=date(2026, 12, 2), credit_auth_on=None, credit_auth=False, next_visit_on=None),
    )
    assert visits.for_prospect(book.huaxing).next_visit_due == date(2027, 1, 4)
    with ctx.db.reading() as s:
        info = holiday_calendar(s).info(date(2027, 1, 1))
    assert info.kind == DayKind.HOLIDAY and info.provisional


def test_cli_lists_a_years_days_off_provisional_then_published(
    ctx: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(ctx.db.path)
    assert main(["visits", "holidays", "list", "--year", "2027", "--db", db, "--json"]) == 0
    days = json.loads(capsys.readouterr().out)
    first = days[0]
    assert first == {
        "date": "2027-01-01",
        "kind": "holiday",
        "name_zh": "元旦",
        "name_en": "New Year's Day",
        "provisional": True,
    }
    listed = {d["date"]: d for d in days}
    assert all(listed[d.isoformat()]["name_zh"] == "春节" for d in SPRING_2027)
    assert all(d["provisional"] for d in days) and {d["kind"] for d in days} == {"holiday"}

    table = tmp_path / "2027.json"
    table.write_text(
        json.dumps(
            {
                "year": 2027,
                "holidays": [
                    {"from": "2027-01-01", "to": "2027-01-03", "name": "New Year's Day"},
                    {"from": "2027-02-05", "to": "2027-02-13", "name": "Spring Festival"},
                ],
                "workdays": [{"date": "2027-02-20", "name": "Spring Festival"}],
            }
        ),
        encoding="utf-8",
    )
    VisitSetupService(ctx).load_holidays(json.loads(table.read_text("utf-8")), "国务院办公厅")
    assert main(["visits", "holidays", "list", "--year", "2027", "--db", db, "--json"]) == 0
    days = json.loads(capsys.readouterr().out)
    assert not any(d["provisional"] for d in days)
    makeup = [d for d in days if d["kind"] == "makeup"]
    assert makeup == [
        {
            "date": "2027-02-20",
            "kind": "makeup",
            "name_zh": "春节",
            "name_en": "Spring Festival",
            "provisional": False,
        }
    ]
    # The text form names the days and says nothing is provisional any more.
    assert main(["visits", "holidays", "list", "--year", "2027", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "2027-02-20" in out and "Provisional" not in out
    assert main(["visits", "holidays", "list", "--year", "2028", "--db", db]) == 0
    assert "Provisional" in capsys.readouterr().out


def test_planning_on_a_provisional_holiday_from_the_cli_says_so(
    ctx: Context, book: Book, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set_day(date(2026, 12, 1))
    db = ["--db", str(ctx.db.path), "--user", "wangfang", "--lang", "en"]
    assert main(["visits", "plan", book.huaxing, "--date", "2027-02-08", *db]) == 0
    err = capsys.readouterr().err
    assert "2027-02-08 is a public holiday (Spring Festival, provisional" in err
    assert main(["visits", "plan", book.meijia, "--date", "2027-01-01", "--json", *db]) == 0
    planned = json.loads(capsys.readouterr().out)
    assert planned["day_kind"] == "holiday" and planned["holiday"] == "New Year's Day"
    assert planned["holidays_provisional"] is True


def test_a_book_upgraded_moves_its_due_dates_off_provisional_holidays(
    ctx: Context, book: Book
) -> None:
    # As an older version computed it: 2 Dec + 30 = Fri 1 Jan 2027, a working day then.
    with ctx.db.transaction() as s:
        s.execute(
            text(
                "UPDATE prospects SET last_contact_on = '2026-12-02', "
                "next_visit_due = '2027-01-01' WHERE id = :id"
            ),
            {"id": book.huaxing},
        )
    upgrade(ctx.db)
    assert VisitService(ctx).for_prospect(book.huaxing).next_visit_due == date(2027, 1, 4)
