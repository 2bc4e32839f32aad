"""The Team page's tabs: its figures, and the RM scorecard (crm/ui/strategic/scorecard_view)
over the same period and scope, read when its tab is shown and again after the figures are
read for other choices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QWidget

from crm.ui.strategic.scorecard_view import ScorecardView

if TYPE_CHECKING:
    from crm.ui.team.page import TeamPage


class TeamTabs(QTabWidget):
    """The figures (``figures``, the page's scrolling body) and the scorecard."""

    def __init__(self, page: TeamPage, figures: QWidget) -> None:
        super().__init__(page)
        self.setObjectName("teamTabs")
        self.setDocumentMode(True)
        self.page = page
        self.addTab(figures, ScorecardView.figures_title())
        self.scorecard = ScorecardView(page.ui, self)
        self.addTab(self.scorecard, ScorecardView.title())
        # The choices the scores shown were read for (None: not read yet or stale).
        self._shown: tuple[object, ...] | None = None
        page.loaded.connect(self._figures_loaded)
        self.currentChanged.connect(lambda _index: self._refresh())

    def _choices(self) -> tuple[object, ...]:
        start, end = self.page.period_days()
        _kind, _key, who = self.page._scope_args()
        return (start, end, tuple(sorted(who.items())))

    def _figures_loaded(self) -> None:
        self._shown = None
        self._refresh()

    def _refresh(self) -> None:
        if self.currentWidget() is not self.scorecard:
            return
        choices = self._choices()
        if choices == self._shown:
            return
        self._shown = choices
        start, end = self.page.period_days()
        self.scorecard.load(start, end, self.page._scope_args()[2])
