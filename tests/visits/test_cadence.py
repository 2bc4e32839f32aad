"""Due dates follow each stage's rhythm and Chinese working days, make-up days included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.domain.cadence import (
    CadenceFacts,
    CadenceRule,
    InvalidCadence,
    due_date,
    overdue_days,
    parse_rules,
)
from crm.domain.holidays import (
    DayKind,
    HolidayCalendar,
    InvalidHolidayTable,
    holiday_name,
    parse_year_table,
)
from crm.services.visit_rules import default_cadence, package_years

RULES = default_cadence().rules
CAL = HolidayCalendar(package_years())


def due(
    stage: str,
    last: date | None,
    entered: date = date(2025, 6, 1),
    drawdown: date | None = None,
    cal: HolidayCalendar = CAL,
) -> date | None:
    return due_date(CadenceFacts(stage, last, entered, drawdown), RULES, cal)


def test_the_shipped_defaults_are_the_briefs() -> None:
    assert RULES["no_loan"] == CadenceRule("no_loan", 30, None)
    assert RULES["first_loan"] == CadenceRule("first_loan", 90, 15)
    assert RULES["strategic"] == CadenceRule("strategic", 90, None)
    assert "dropped" not in RULES


# -- Spring Festival 2026: days off 15-23 Feb, make-up working days Sat 14 and Sat 28 Feb ------


def test_spring_festival_days_and_make_up_days_are_known() -> None:
    assert CAL.kind(date(2026, 2, 17)) == DayKind.HOLIDAY
    assert CAL.info(date(2026, 2, 17)).name == "Spring Festival"
    assert holiday_name("Spring Festival", "zh_CN") == "春节"
    assert CAL.kind(date(2026, 2, 14)) == DayKind.MAKEUP  # a Saturday worked
    assert CAL.kind(date(2026, 2, 28)) == DayKind.MAKEUP
    assert CAL.kind(date(2026, 2, 24)) == DayKind.WORKDAY
    assert CAL.kind(date(2026, 3, 7)) == DayKind.WEEKEND


def test_a_due_date_in_the_spring_festival_moves_to_the_first_working_day_after() -> None:
    # 20 Jan + 30 days = Thu 19 Feb, in the holiday: due Tue 24 Feb.
    assert due("no_loan", date(2026, 1, 20)) == date(2026, 2, 24)
    # 16 Jan + 30 = Sun 15 Feb, the first day off: also 24 Feb.
    assert due("no_loan", date(2026, 1, 16)) == date(2026, 2, 24)


def test_a_due_date_on_a_make_up_saturday_stays_there() -> None:
    # 15 Jan + 30 days = Sat 14 Feb, a working day in 2026.
    assert due("no_loan", date(2026, 1, 15)) == date(2026, 2, 14)
    # 29 Jan + 30 = Sat 28 Feb, the make-up day after the festival.
    assert due("no_loan", date(2026, 1, 29)) == date(2026, 2, 28)


def test_post_loan_visit_within_15_days_of_a_drawdown_before_the_festival() -> None:
    # First drawdown Thu 5 Feb: 15 days is Fri 20 Feb (holiday) -> Tue 24 Feb.
    assert due("first_loan", date(2026, 1, 10), drawdown=date(2026, 2, 5)) == date(2026, 2, 24)
    # Once the post-loan visit is done, the 90-day rhythm runs from it.
    assert due("first_loan", date(2026, 2, 24), drawdown=date(2026, 2, 5)) == date(2026, 5, 25)


# -- National Day 2026: days off 1-7 Oct, make-up working days Sun 20 Sep and Sat 10 Oct --------


def test_a_due_date_in_national_day_moves_to_8_october() -> None:
    # Post-loan visit: drawdown 16 Sep + 15 = 1 Oct -> Thu 8 Oct.
    assert due("first_loan", None, drawdown=date(2026, 9, 16)) == date(2026, 10, 8)
    # A strategic client seen on 5 Jul: +90 = Sat 3 Oct -> Thu 8 Oct.
    assert due("strategic", date(2026, 7, 5)) == date(2026, 10, 8)


def test_national_day_make_up_days_are_working_days() -> None:
    # 21 Aug + 30 = Sun 20 Sep (worked): stays.
    assert due("no_loan", date(2026, 8, 21)) == date(2026, 9, 20)
    # 10 Sep + 30 = Sat 10 Oct (worked): stays.
    assert due("no_loan", date(2026, 9, 10)) == date(2026, 10, 10)
    # 11 Sep + 30 = Sun 11 Oct, an ordinary Sunday: Monday 12 Oct.
    assert due("no_loan", date(2026, 9, 11)) == date(2026, 10, 12)


def test_mid_autumn_weekend_and_labour_day() -> None:
    # 26 Aug + 30 = Fri 25 Sep, Mid-autumn: next working day Mon 28 Sep.
    assert due("no_loan", date(2026, 8, 26)) == date(2026, 9, 28)
    # 2 Apr + 30 = Sat 2 May, Labour Day (1-5 May): Wed 6 May.
    assert due("no_loan", date(2026, 4, 2)) == date(2026, 5, 6)
    # 9 Apr + 30 = Sat 9 May, the make-up day: stays.
    assert due("no_loan", date(2026, 4, 9)) == date(2026, 5, 9)


def test_never_contacted_prospects_count_from_entering_their_stage() -> None:
    assert due("no_loan", None, entered=date(2026, 3, 2)) == date(2026, 4, 1)


def test_dropped_prospects_have_no_rhythm() -> None:
    assert due("dropped", date(2026, 3, 2)) is None


def test_overdue_days() -> None:
    assert overdue_days(date(2026, 2, 24), date(2026, 2, 24)) == 0
    assert overdue_days(date(2026, 2, 24), date(2026, 3, 2)) == 6
    assert overdue_days(None, date(2026, 3, 2)) == 0


# -- a year nobody has published yet ---------------------------------------------------------


def test_2027_is_unknown_to_the_package_and_falls_back_to_weekends() -> None:
    assert not CAL.known(2027)
    info = CAL.info(date(2027, 1, 1))
    assert (info.kind, info.known) == (DayKind.WORKDAY, False)  # a Friday, as far as we know
    # 9 Dec 2026 + 30 = Fri 8 Jan 2027.
    assert due("no_loan", date(2026, 12, 9)) == date(2027, 1, 8)
    # 10 Dec + 30 = Sat 9 Jan 2027: Monday 11 Jan.
    assert due("no_loan", date(2026, 12, 10)) == date(2027, 1, 11)


HEAD_OFFICE_2027 = {
    "year": 2027,
    "holidays": [
        {"from": "2027-01-01", "to": "2027-01-03", "name": "New Year's Day"},
        {"from": "2027-02-06", "to": "2027-02-14", "name": "Spring Festival"},
    ],
    "workdays": [{"date": "2027-02-20", "name": "Spring Festival"}],
}


def test_a_head_office_table_makes_2027_known() -> None:
    cal = CAL.with_year(parse_year_table(HEAD_OFFICE_2027, "总行2027"))
    assert cal.known(2027)
    assert cal.kind(date(2027, 1, 1)) == DayKind.HOLIDAY
    assert cal.kind(date(2027, 2, 20)) == DayKind.MAKEUP
    # 8 Jan + 30 = Sun 7 Feb, in the festival: Mon 15 Feb.
    assert due("no_loan", date(2027, 1, 8), cal=cal) == date(2027, 2, 15)
    # 21 Jan + 30 = Sat 20 Feb, the make-up day: stays.
    assert due("no_loan", date(2027, 1, 21), cal=cal) == date(2027, 2, 20)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"holidays": ["2027-01-01"]}, "year"),
        ({"year": 2027, "holidays": []}, "no holidays"),
        ({"year": 2027, "holidays": ["2026-12-31"]}, "not in 2027"),
        ({"year": 2027, "holidays": ["2027-13-01"]}, "not a date"),
        ({"year": 2027, "holidays": ["2027-02-20"], "workdays": ["2027-02-20"]}, "both"),
    ],
)
def test_a_wrong_holiday_table_is_refused_with_a_reason(table: dict, words: str) -> None:
    with pytest.raises(InvalidHolidayTable, match=words):
        parse_year_table(table)


def test_cadence_tables_are_validated() -> None:
    with pytest.raises(InvalidCadence, match="not a stage"):
        parse_rules({"rules": [{"stage": "dropped", "every_days": 30}]})
    with pytest.raises(InvalidCadence, match="every_days"):
        parse_rules({"rules": [{"stage": "no_loan", "every_days": 0}]})
    table = parse_rules({"rules": [{"stage": "no_loan", "every_days": 14}]})
    assert table.rules["no_loan"].every_days == 14


# -- properties over every year the package knows ----------------------------------------------

days = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 9, 30))


@settings(max_examples=300, deadline=None)
@given(last=days, stage=st.sampled_from(["no_loan", "first_loan", "strategic"]))
def test_a_due_date_is_the_first_working_day_on_or_after_the_interval(
    last: date, stage: str
) -> None:
    result = due(stage, last)
    assert result is not None
    deadline = last + timedelta(days=RULES[stage].every_days)
    assert result >= deadline
    assert CAL.is_workday(result)
    # Every day skipped was a day off, and no run of days off is longer than ten (Spring
    # Festival 2020, extended to 2 February: 24 January to 2 February).
    skipped = [deadline + timedelta(days=n) for n in range((result - deadline).days)]
    assert all(not CAL.is_workday(d) for d in skipped)
    assert len(skipped) <= 10


@settings(max_examples=200, deadline=None)
@given(drawdown=days, last=st.one_of(st.none(), days))
def test_the_post_loan_visit_comes_first_until_someone_visits_after_the_drawdown(
    drawdown: date, last: date | None
) -> None:
    result = due("first_loan", last, drawdown=drawdown)
    assert result is not None
    if last is None or last < drawdown:
        assert result == CAL.next_workday(drawdown + timedelta(days=15))
    else:
        assert result == CAL.next_workday(last + timedelta(days=90))
