"""The pipeline report of the whole book, a team or an RM over a period, for the weekly
meeting: chosen at the top, made on a worker, previewed below, printed or saved."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said
from crm.ui.reports.period import PeriodPicker
from crm.ui.reports.preview import ReportViewer, fit_to_screen

BOOK, TEAM, RM = "book", "team", "rm"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def pipeline_file_name(who: str, start: date, end: date) -> str:
    """``pipeline_南海支行一组_2026-11-01_2026-11-30.pdf``: safe on every system."""
    name = _UNSAFE.sub("_", who).strip("._")[:40] or "book"
    return f"pipeline_{name}_{start.isoformat()}_{end.isoformat()}.pdf"


class PipelineReportDialog(QDialog):
    """Choose whose pipeline and which period; the report shows below as it is made."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pipelineReportDialog")
        self.setWindowTitle(self.tr("Pipeline report"))
        self.ui = ui
        self.reports = ui.services.reports
        self._generation = 0
        # The plain name of each choice (for the file name), by its (kind, key).
        self._names: dict[tuple[str, str], str] = {}
        fit_to_screen(self, (1120, 760))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        choices = QHBoxLayout()
        choices.addWidget(QLabel(self.tr("Report on"), self))
        self.scope = QComboBox(self)
        self._fill_scopes()
        choices.addWidget(self.scope)
        choices.addSpacing(12)
        choices.addWidget(QLabel(self.tr("Period"), self))
        self.period = PeriodPicker(ui.today(), "this_month", self)
        choices.addWidget(self.period)
        self.make_button = QPushButton(self.tr("Make report"), self)
        self.make_button.setDefault(True)
        choices.addWidget(self.make_button)
        choices.addStretch(1)
        layout.addLayout(choices)
        self.viewer = ReportViewer(ui, self)
        layout.addWidget(self.viewer, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.make_button.clicked.connect(self.make)

    def _fill_scopes(self) -> None:
        """The book, each team and each RM; the user's own team or self comes first chosen."""
        self.scope.addItem(self.tr("The whole book"), (BOOK, ""))
        teams = sorted(
            {(u.team_id, u.team_name or "") for u in self.ui.users if u.team_id},
            key=lambda t: t[1],
        )
        for team_id, name in teams:
            self.scope.addItem(self.tr("Team: {name}").format(name=name), (TEAM, team_id))
            self._names[(TEAM, team_id)] = name
        for user in sorted(self.ui.users, key=lambda u: (u.team_name or "", u.display_name)):
            if user.role == "rm":
                self.scope.addItem(
                    self.tr("Relationship manager: {name}").format(name=user.display_name),
                    (RM, user.username),
                )
                self._names[(RM, user.username)] = user.username
        me = self.ui.user
        wanted: tuple[str, str] = (BOOK, "")
        if me is not None and me.role == "rm":
            wanted = (RM, me.username)
        elif me is not None and me.role == "lead" and me.team_id:
            wanted = (TEAM, me.team_id)
        self.scope.setCurrentIndex(max(self._index_of(wanted), 0))

    def _index_of(self, choice: tuple[str, str]) -> int:
        # QComboBox.findData cannot compare Python tuples: compare them here.
        return next((n for n in range(self.scope.count()) if self.scope.itemData(n) == choice), -1)

    def choose(self, kind: str, key: str = "") -> None:
        """Report on the book, the team ``key`` (its id) or the RM ``key`` (a username)."""
        found = self._index_of((kind, key))
        if found < 0:
            raise ValueError(f"no such choice: {kind} {key}")
        self.scope.setCurrentIndex(found)

    def make(self) -> None:
        """Make the report for the choices shown, in the background."""
        self._generation += 1
        generation = self._generation
        kind, key = self.scope.currentData()
        start, end = self.period.period()
        name = pipeline_file_name(self._names.get((kind, key), "book"), start, end)
        reports = self.reports
        self.viewer.show_message(self.tr("Making the report…"))
        self.make_button.setEnabled(False)
        self.ui.tasks.read(
            self,
            lambda: reports.pipeline_pdf(
                start,
                end,
                team=key if kind == TEAM else None,
                rm=key if kind == RM else None,
            ),
            lambda data: self._made(generation, data, name),
            lambda error: self._failed(generation, error),
        )

    def _made(self, generation: int, data: bytes, name: str) -> None:
        if generation != self._generation:
            return
        self.make_button.setEnabled(True)
        self.viewer.set_pdf(data, name)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.make_button.setEnabled(True)
        if isinstance(error, DomainError):
            self.viewer.show_message(said(error))
        else:
            self.viewer.show_message(self.tr("The report could not be made."))
