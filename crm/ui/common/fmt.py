"""Numbers, dates and money as the user's language writes them.

One date format per language, used wherever a date is shown: 2026年11月23日 (this year
11月23日) in Chinese, 23 Nov 2026 (23 Nov) in English. Timestamps are stored in UTC and shown
in the user's zone (Asia/Shanghai unless told otherwise). Counts of things go through Qt's
plural forms (``Format``), so English says "1 day" and "2 days".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QObject, QTime

from crm import i18n as core_i18n
from crm.domain.clock import utcnow
from crm.domain.money import FEN_PER_WAN, format_wan, format_yuan

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


translate = QCoreApplication.translate


def _zh() -> bool:
    return core_i18n.language() == "zh_CN"


def integer(value: int) -> str:
    """1,234 (both languages group by thousands)."""
    return QLocale().toString(value)


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def today() -> date:
    """The user's day by the app's clock (CRM_CLOCK honoured), for a widget that shows
    something before its page hands it the context's day (``UiContext.today``)."""
    return utcnow().astimezone(DEFAULT_ZONE).date()


# Qt date patterns of each language: a full date and one within the current year.
DAY_PATTERN = {"zh_CN": "yyyy年M月d日", "en": "d MMM yyyy"}
SHORT_DAY_PATTERN = {"zh_CN": "M月d日", "en": "d MMM"}


def _language() -> str:
    return "zh_CN" if _zh() else "en"


def day(value: date | None) -> str:
    """A calendar day: 2026年11月23日 / 23 Nov 2026."""
    if value is None:
        return ""
    return QLocale().toString(qdate(value), DAY_PATTERN[_language()])


def day_edit_format() -> str:
    """A date field's display format: the day as the language writes it everywhere else
    (2026年12月5日 / 5 Dec 2026), each part still edited on its own."""
    return DAY_PATTERN[_language()]


def short_day(value: date | None, today: date) -> str:
    """Month and day this year (11月2日, 2 Nov), the full date otherwise."""
    if value is None:
        return ""
    if value.year != today.year:
        return day(value)
    return QLocale().toString(qdate(value), SHORT_DAY_PATTERN[_language()])


def local(value: datetime, zone: ZoneInfo = DEFAULT_ZONE) -> datetime:
    return value.astimezone(zone)


def clock_time(value: datetime) -> str:
    return QLocale().toString(QTime(value.hour, value.minute), "HH:mm")


def moment(value: datetime | None, zone: ZoneInfo = DEFAULT_ZONE) -> str:
    """A stored UTC timestamp in the user's zone: 2026年11月23日 14:05 / 23 Nov 2026 14:05."""
    if value is None:
        return ""
    shown = local(value, zone)
    return f"{day(shown.date())} {clock_time(shown)}"


def recent_moment(
    value: datetime | None, on: date | None = None, zone: ZoneInfo = DEFAULT_ZONE
) -> str:
    """A timestamp as people say it, ``on`` the user's day: today 09:30, yesterday 18:02,
    11月3日 09:30."""
    if value is None:
        return ""
    shown = local(value, zone)
    on = on if on is not None else today()
    time = clock_time(shown)
    if shown.date() == on:
        return translate("Format", "today {time}").format(time=time)
    if shown.date() == on - timedelta(days=1):
        return translate("Format", "yesterday {time}").format(time=time)
    return f"{short_day(shown.date(), on)} {time}"


class Format(QObject):
    """Counts with Qt's plural forms (1 day, 2 days / 1 天, 2 天).

    A string is a plural (numerus) one only where lupdate sees ``self.tr(text, "", n)``,
    so plural texts live in methods of a QObject: pages do the same in their own classes
    (``self.tr("%Ln visit(s)", "", n)``), with the English forms in the feature's *_en.ts.
    """

    def days(self, number: int) -> str:
        return self.tr("%Ln day(s)", "", number)


_format = Format()


def days(number: int) -> str:
    """A number of days: 1 day, 1,200 days / 1 天, 1,200 天."""
    return _format.days(number)


def money(fen: int) -> str:
    """Amounts as bankers read them: 万元 in Chinese, yuan with separators in English."""
    return format_wan(fen) if _zh() else format_yuan(fen)


def wan_number(fen: int) -> str:
    """An amount as a plain number of 万元 for an input field: 500, 12.5."""
    return (
        format(Decimal(fen) / FEN_PER_WAN, "f").rstrip("0").rstrip(".")
        if fen % FEN_PER_WAN
        else str(fen // FEN_PER_WAN)
    )
