"""Service plans whose review has come, as Today lists them (a tab beside the renewals):
the columns and the tab's caption. Double-clicking a row plans the visit that holds the
review (the Today page's own action)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from crm.ui.common import fmt
from crm.ui.strategic.plan_panel import area_label, list_separator, status_label
from crm.ui.today.tables import Column

if TYPE_CHECKING:
    from crm.services.service_plans import PlanSummary

translate = QCoreApplication.translate
OVERDUE_COLOUR = "#c0392b"
DUE_COLOUR = "#8e44ad"


def reviews_caption(count: int) -> str:
    return translate("PlanReviews", "Plan reviews ({count})").format(count=fmt.integer(count))


def review_columns() -> list[Column]:
    def waiting(p: PlanSummary) -> str:
        if p.overdue_days <= 0:
            return translate("PlanReviews", "today")
        return fmt.days(p.overdue_days)

    return [
        Column(
            translate("PlanReviews", "Review on"),
            lambda p: fmt.day(p.review_on),
            lambda p: OVERDUE_COLOUR if p.overdue_days > 0 else DUE_COLOUR,
        ),
        Column(translate("PlanReviews", "Waiting"), waiting, right=True),
        Column(translate("PlanReviews", "Prospect"), lambda p: p.prospect_name, stretch=True),
        Column(translate("PlanReviews", "Owner"), lambda p: p.owner_name or ""),
        Column(translate("PlanReviews", "Status"), lambda p: status_label(p.status)),
        Column(
            translate("PlanReviews", "Provides"),
            lambda p: list_separator().join(area_label(code) for code in p.items),
        ),
    ]
