"""Numbers, dates and money as the user's language writes them.

Dates are calendar days (2026-11-23 in Chinese, 23 Nov 2026 in English); timestamps are
stored in UTC and shown in the user's zone (Asia/Shanghai unless told otherwise).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QTime

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


def day(value: date | None) -> str:
    if value is None:
        return ""
    return QLocale().toString(qdate(value), "yyyy-MM-dd" if _zh() else "d MMM yyyy")


def short_day(value: date | None, today: date) -> str:
    """Month and day this year (11-02, 2 Nov), the full date otherwise."""
    if value is None:
        return ""
    if value.year != today.year:
        return day(value)
    return QLocale().toString(qdate(value), "MM-dd" if _zh() else "d MMM")


def local(value: datetime, zone: ZoneInfo = DEFAULT_ZONE) -> datetime:
    return value.astimezone(zone)


def moment(value: datetime | None, zone: ZoneInfo = DEFAULT_ZONE) -> str:
    """A stored UTC timestamp in the user's zone: 2026-11-23 14:05."""
    if value is None:
        return ""
    shown = local(value, zone)
    time = QLocale().toString(QTime(shown.hour, shown.minute), "HH:mm")
    return f"{day(shown.date())} {time}"


def days(count: int) -> str:
    """A number of days: 1 day, 23 days / 1 天, 23 天."""
    if count == 1:
        return translate("Format", "1 day")
    return translate("Format", "{count} days").format(count=integer(count))


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
