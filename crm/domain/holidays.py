"""Chinese public holidays and make-up working days (调休), as data handed in.

The State Council publishes each year's holidays in November or December of the year
before. Where a year is published (in the ``chinesecalendar`` package, or in a table head office
published), a day is a working day unless it is a holiday, and a weekend day is a working
day when it is a make-up day. For a year nobody has published yet, the calendar is
*provisional*: the statutory holidays (``statutory_year``) with no make-up days, until head
office publishes the State Council's schedule for it. Every day says which it is, so the
UI can show "provisional" rather than sending the RM anywhere.

Nothing here reads files or calls a package: the store builds the calendar from both
sources (and the lunar dates the statutory holidays fall on) and passes it in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from crm.domain.errors import DomainError

# The longest run of days off there has ever been is 10 (Spring Festival 2020); a search
# for the next working day that goes further than this has met bad data.
MAX_DAYS_OFF = 31


# Chinese names of the holidays as the chinesecalendar package names them in English; a
# table from head office may carry its own names in either language.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def holiday_name(name: str, language: str) -> str:
    """A holiday's name in ``language`` (zh_CN or en) when known, else as given."""
    if language.lower().startswith("zh"):
        return HOLIDAY_NAMES_ZH.get(name, name)
    english = {zh: en for en, zh in HOLIDAY_NAMES_ZH.items()}
    return english.get(name, name)


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    # A weekend day worked to make up for a holiday (调休上班).
    MAKEUP = "makeup"

    @property
    def is_working(self) -> bool:
        return self in (DayKind.WORKDAY, DayKind.MAKEUP)


class InvalidHolidayTable(DomainError):
    """A holiday table that cannot be used; says which entry is wrong."""


@dataclass(frozen=True)
class HolidayYear:
    """One year's days off and make-up working days, each with the holiday's name."""

    year: int
    holidays: Mapping[date, str]
    workdays: Mapping[date, str]
    source: str = ""
    # Computed from the statutory holidays, not published: replaced when head office
    # publishes the year.
    provisional: bool = False


@dataclass(frozen=True)
class DayInfo:
    day: date
    kind: DayKind
    # The holiday the day belongs to (a day off, or the make-up day for it); "" otherwise.
    name: str
    # False when the day's year has no table at all: only weekends are known.
    known: bool
    # True when the day's year is only the provisional (statutory) calendar.
    provisional: bool = False


# A year's provisional table (None when it cannot be computed), asked once per year.
ProvisionalSource = Callable[[int], "HolidayYear | None"]


@dataclass(frozen=True)
class HolidayCalendar:
    """Working days in China: the published ``years``; for the others, the provisional
    table ``provisional`` computes (weekends only where there is none)."""

    years: Mapping[int, HolidayYear] = field(default_factory=dict)
    provisional: ProvisionalSource | None = None
    _computed: dict[int, HolidayYear | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def table(self, year: int) -> HolidayYear | None:
        """The year's published table, else its provisional one, else None."""
        found = self.years.get(year)
        if found is not None or self.provisional is None:
            return found
        if year not in self._computed:
            self._computed[year] = self.provisional(year)
        return self._computed[year]

    def known(self, year: int) -> bool:
        return self.table(year) is not None

    def published(self, year: int) -> bool:
        return year in self.years

    def info(self, day: date) -> DayInfo:
        table = self.table(day.year)
        weekend = day.weekday() >= 5
        if table is None:
            return DayInfo(day, DayKind.WEEKEND if weekend else DayKind.WORKDAY, "", False)
        guess = table.provisional
        name = table.holidays.get(day)
        if name is not None:
            return DayInfo(day, DayKind.HOLIDAY, name, True, guess)
        name = table.workdays.get(day)
        if name is not None:
            return DayInfo(day, DayKind.MAKEUP, name, True, guess)
        return DayInfo(day, DayKind.WEEKEND if weekend else DayKind.WORKDAY, "", True, guess)

    def kind(self, day: date) -> DayKind:
        return self.info(day).kind

    def is_workday(self, day: date) -> bool:
        # The same answer as info(day).kind.is_working, without building a DayInfo: due
        # dates for a whole book ask this hundreds of thousands of times.
        table = self.years.get(day.year) or self.table(day.year)
        if table is not None:
            if day in table.holidays:
                return False
            if day in table.workdays:
                return True
        return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        """``day`` itself when it is a working day, else the first working day after it."""
        current = day
        for _ in range(MAX_DAYS_OFF + 1):
            if self.is_workday(current):
                return current
            current += timedelta(days=1)
        raise InvalidHolidayTable(
            "holiday.no_workday",
            "no working day within {days} days after {day}: the holiday table is wrong",
            days=MAX_DAYS_OFF,
            day=day.isoformat(),
        )

    def previous_workday(self, day: date) -> date:
        """``day`` itself when it is a working day, else the last working day before it."""
        current = day
        for _ in range(MAX_DAYS_OFF + 1):
            if self.is_workday(current):
                return current
            current -= timedelta(days=1)
        return day

    def span(self, start: date, end: date) -> list[DayInfo]:
        """Every day from ``start`` to ``end`` inclusive."""
        return [self.info(start + timedelta(days=n)) for n in range((end - start).days + 1)]

    def unknown_years(self, start: date, end: date) -> tuple[int, ...]:
        return tuple(y for y in range(start.year, end.year + 1) if not self.known(y))

    def provisional_years(self, start: date, end: date) -> tuple[int, ...]:
        """Years from ``start`` to ``end`` whose calendar is only the provisional one."""
        return tuple(
            y
            for y in range(start.year, end.year + 1)
            if (t := self.table(y)) is not None and t.provisional
        )

    def with_year(self, table: HolidayYear) -> HolidayCalendar:
        return HolidayCalendar({**self.years, table.year: table}, self.provisional)


# -- the statutory holidays, for a year nobody has published yet --------------------------------


def statutory_year(
    year: int, *, new_years_eve: date, qingming: date, dragon_boat: date, mid_autumn: date
) -> HolidayYear:
    """The days off 《全国年节及纪念日放假办法》 (as revised in 2024) gives in ``year``:
    元旦 1 day, 春节 4 days from New Year's Eve (除夕 to 初三), 清明 1, 劳动节 2 (1-2 May),
    端午 1, 中秋 1, 国庆 3 (1-3 October). The lunar dates are handed in.

    Its article 6 gives a day off on a working day for a holiday day that falls on a
    weekend; the same is done here for a day two holidays share (中秋 on 1 October). The
    State Council's make-up working days (调休) cannot be foreseen: there are none here,
    and the table is marked provisional."""
    blocks = [
        ("New Year's Day", [date(year, 1, 1)]),
        ("Spring Festival", [new_years_eve + timedelta(days=n) for n in range(4)]),
        ("Tomb-sweeping Day", [qingming]),
        ("Labour Day", [date(year, 5, 1), date(year, 5, 2)]),
        ("Dragon Boat Festival", [dragon_boat]),
        ("Mid-autumn Festival", [mid_autumn]),
        ("National Day", [date(year, 10, n) for n in (1, 2, 3)]),
    ]
    blocks.sort(key=lambda block: block[1][0])
    days: dict[date, str] = {}
    for name, block in blocks:
        owed = 0
        for day in block:
            if day in days or day.weekday() >= 5:
                owed += 1
            days.setdefault(day, name)
        following = block[-1] + timedelta(days=1)
        while owed and following.year == year:
            if following.weekday() < 5 and following not in days:
                days[following] = name
                owed -= 1
            following += timedelta(days=1)
    return HolidayYear(year, days, {}, "statutory", provisional=True)


# -- head office's tables -----------------------------------------------------------------


def _day(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidHolidayTable(
        "holiday.bad_date",
        "{where}: '{value}' is not a date (YYYY-MM-DD)",
        where=where,
        value=value,
    )


def _entries(raw: object, where: str) -> Iterable[tuple[date, str]]:
    """Days of a list whose entries are dates, {date, name} or {from, to, name} ranges."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidHolidayTable("holiday.not_list", "{where} must be a list", where=where)
    days: list[tuple[date, str]] = []
    for n, entry in enumerate(raw, 1):
        here = f"{where} #{n}"
        if isinstance(entry, str):
            days.append((_day(entry, here), ""))
            continue
        if not isinstance(entry, dict):
            raise InvalidHolidayTable(
                "holiday.bad_entry", "{where}: expected a date or an object", where=here
            )
        name = str(entry.get("name", "") or "")
        if "date" in entry:
            days.append((_day(entry["date"], here), name))
            continue
        first, last = _day(entry.get("from"), here), _day(entry.get("to"), here)
        if last < first or (last - first).days > MAX_DAYS_OFF:
            raise InvalidHolidayTable(
                "holiday.bad_range",
                "{where}: the range {first} to {last} is not a holiday",
                where=here,
                first=first.isoformat(),
                last=last.isoformat(),
            )
        days.extend((first + timedelta(days=k), name) for k in range((last - first).days + 1))
    return days


def parse_year_table(data: Mapping[str, Any], source: str = "") -> HolidayYear:
    """A year's table as head office publishes it (JSON)::

        {"year": 2027,
         "holidays": [{"from": "2027-02-06", "to": "2027-02-14", "name": "Spring Festival"},
                      "2027-01-01", ...],
         "workdays": [{"date": "2027-02-20", "name": "Spring Festival"}, ...]}

    Every date must fall in the year; a day cannot be both a holiday and a working day.
    """
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidHolidayTable(
            "holiday.year", "the table needs its year (2000-2100), got '{value}'", value=year
        )
    holidays = dict(_entries(data.get("holidays"), "holidays"))
    workdays = dict(_entries(data.get("workdays"), "workdays"))
    if not holidays:
        raise InvalidHolidayTable(
            "holiday.empty", "the table for {year} lists no holidays", year=year
        )
    for day in (*holidays, *workdays):
        if day.year != year:
            raise InvalidHolidayTable(
                "holiday.other_year",
                "{day} is not in {year}, the year of the table",
                day=day.isoformat(),
                year=year,
            )
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise InvalidHolidayTable(
            "holiday.both",
            "{day} is listed both as a holiday and as a working day",
            day=both[0].isoformat(),
        )
    return HolidayYear(year, holidays, workdays, source or str(data.get("source", "") or ""))


def year_table_data(table: HolidayYear) -> dict[str, Any]:
    """The JSON form of a table (what ``parse_year_table`` reads back)."""
    return {
        "year": table.year,
        "source": table.source,
        "holidays": [{"date": d.isoformat(), "name": n} for d, n in sorted(table.holidays.items())],
        "workdays": [{"date": d.isoformat(), "name": n} for d, n in sorted(table.workdays.items())],
    }
