"""The report's own wording in its language, and how it writes days, times and money.

Reports are made in the language asked for (a zh_CN report from an English session is
normal: the customer file is Chinese), so wording is looked up in that language's core
catalogue (resources/i18n/core.zh_CN.json), not the session's.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from crm.domain.errors import Message, render
from crm.domain.money import format_rate, format_wan, format_yuan
from crm.i18n import catalogue

DASH = "—"
# English month abbreviations, as the app's English dates (Qt's en_US locale) write them;
# not the C library's locale, which the report's language does not follow.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ReportText:
    """Translation and formatting for one report's language (``zh_CN`` or ``en``)."""

    def __init__(self, lang: str) -> None:
        self.lang = "zh_CN" if lang.lower().startswith("zh") else "en"
        self._catalogue = catalogue(self.lang)

    @property
    def chinese(self) -> bool:
        return self.lang == "zh_CN"

    def translate(self, template: str) -> str:
        return self._catalogue.get(template, template)

    def tr(self, template: str, /, **params: object) -> str:
        """A fixed wording of the report, filled in."""
        return render(template, params, self.translate)

    def message(self, message: Message) -> str:
        """A message from the domain (a matching criterion, a warning) in this language."""
        return message.render(self.translate)

    # -- values ---------------------------------------------------------------------------

    def day(self, value: date | None) -> str:
        """A day as the app writes it in this language: 2026年6月15日 / 15 Jun 2026."""
        if value is None:
            return DASH
        if self.chinese:
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"

    def moment(self, value: datetime | None) -> str:
        return f"{self.day(value.date())} {value:%H:%M}" if value is not None else DASH

    def money(self, fen: int | None) -> str:
        if fen is None:
            return DASH
        return format_wan(fen) if self.chinese else format_yuan(fen)

    def money_range(self, low: int | None, high: int | None) -> str:
        if low is None and high is None:
            return DASH
        if low is None or low == high:
            return self.money(high)
        if high is None:
            return self.money(low)
        return f"{self.money(low)} – {self.money(high)}"

    def rate(self, bp: int | None) -> str:
        return format_rate(bp) if bp is not None else DASH

    def percent(self, numerator: int, denominator: int) -> str:
        """A share in percent with one decimal; a dash when there is nothing to divide by."""
        if denominator <= 0:
            return DASH
        value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        return f"{value}%"

    def count(self, n: int) -> str:
        return f"{n:,}"

    def yes_no(self, value: bool | None) -> str:
        if value is None:
            return DASH
        return self.tr("yes") if value else self.tr("no")

    def months(self, n: int | None) -> str:
        return DASH if n is None else self.tr("{months} months", months=n)


def markup(text: str) -> str:
    """Plain text made safe for a Paragraph (its mini-language is XML), line breaks kept."""
    return escape(text).replace("\n", "<br/>")
