"""Words of the visit pages: kinds, statuses, holidays, warnings about the day chosen."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from crm.domain.holidays import DayInfo, DayKind, holiday_name
from crm.ui.common import fmt
from crm.ui.common.labels import lang

translate = QCoreApplication.translate

STATUS_COLOURS = {
    "planned": "#1f5fae",
    "draft": "#b7791f",
    "final": "#1f9254",
    "overdue": "#c2410c",
}
HOLIDAY_COLOUR = "#c62828"
MAKEUP_COLOUR = "#6b4fbb"


def kind(code: str) -> str:
    return {
        "site": translate("VisitLabels", "Site visit"),
        "phone": translate("VisitLabels", "Phone call"),
        "online": translate("VisitLabels", "Video call"),
    }.get(code, code)


def status(code: str) -> str:
    return {
        "planned": translate("VisitLabels", "Planned"),
        "draft": translate("VisitLabels", "Draft"),
        "final": translate("VisitLabels", "Finalized"),
    }.get(code, code)


def status_colour(code: str) -> QColor:
    return QColor(STATUS_COLOURS.get(code, "#5f6b7a"))


def holiday(name: str) -> str:
    return holiday_name(name, lang())


def off_mark() -> str:
    """The mark of a public holiday on a calendar (休)."""
    return translate("VisitLabels", "Off")


def work_mark() -> str:
    """The mark of a make-up working day on a calendar (班)."""
    return translate("VisitLabels", "Work")


def day_badge(info: DayInfo) -> str:
    """The short mark a calendar puts on a day: 休 (day off) or 班 (make-up working day)."""
    if info.kind == DayKind.HOLIDAY:
        return off_mark()
    if info.kind == DayKind.MAKEUP:
        return work_mark()
    return ""


def holiday_mark(info: DayInfo) -> str:
    """The holiday's name as a calendar shows it, said to be provisional when it is."""
    name = holiday(info.name)
    if info.provisional:
        return translate("VisitLabels", "{name} (provisional)").format(name=name)
    return name


def day_warning(info: DayInfo) -> str:
    """What to tell an RM who puts a visit on this day ('' for an ordinary working day)."""
    day = fmt.day(info.day)
    if info.kind == DayKind.HOLIDAY:
        return translate("VisitLabels", "{day} is a public holiday ({name}).").format(
            day=day, name=holiday_mark(info)
        )
    if info.kind == DayKind.WEEKEND:
        text = translate("VisitLabels", "{day} is a weekend day.").format(day=day)
        if not info.known:
            text += " " + unknown_year(info.day.year)
        return text
    if not info.known:
        return unknown_year(info.day.year)
    return ""


def day_note(info: DayInfo) -> str:
    """A neutral line about the day (make-up working days are worth knowing too)."""
    if info.kind == DayKind.MAKEUP:
        return translate("VisitLabels", "{day} is a make-up working day ({name}).").format(
            day=fmt.day(info.day), name=holiday(info.name)
        )
    warning = day_warning(info)
    if info.provisional and not warning:
        return translate(
            "VisitLabels",
            "The holidays of {year} are provisional until head office publishes them.",
        ).format(year=info.day.year)
    return warning


def unknown_year(year: int) -> str:
    return translate(
        "VisitLabels", "The public holidays of {year} are not known: only weekends are marked."
    ).format(year=year)


def provisional_year(year: int) -> str:
    """What a calendar says of a year whose days off are the statutory ones, computed."""
    return translate(
        "VisitLabels",
        "The public holidays of {year} shown are provisional: the statutory holidays, "
        "without make-up working days. They are replaced by the official schedule when head "
        "office publishes it.",
    ).format(year=year)
