"""The customer page's Checklist tab: the financial-literacy checklist's progress."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from crm.domain.visits import ChecklistProgress
from crm.ui.common.context import UiContext
from crm.ui.visits.checklist import ChecklistBar, ChecklistProgressView


class ChecklistTab(QWidget):
    """Progress on the financial-literacy checklist, area by area (ticked when visits are
    recorded)."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.prospect_id: str | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        top = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("panelTitle")
        self.bar = ChecklistBar(self)
        top.addWidget(self.summary)
        top.addWidget(self.bar, 1)
        layout.addLayout(top)
        hint = QLabel(
            self.tr(
                "Items are ticked in the visit record when they were covered with the customer."
            ),
            self,
        )
        hint.setProperty("muted", True)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.view = ChecklistProgressView(self)
        layout.addWidget(self.view)
        layout.addStretch(1)

    def load(self, prospect_id: str) -> None:
        self.prospect_id = prospect_id
        self._generation += 1
        generation = self._generation
        visits = self.ui.services.visits
        self.ui.tasks.read(
            self,
            lambda: visits.checklist_progress(prospect_id),
            lambda progress: self._loaded(generation, progress),
        )

    def _loaded(self, generation: int, progress: ChecklistProgress) -> None:
        if generation != self._generation:
            return
        self.summary.setText(
            self.tr("{done} of {total} items covered").format(
                done=progress.done, total=progress.total
            )
        )
        self.bar.set_counts(progress.done, progress.total)
        self.view.set_progress(progress)
