"""The "Products and facts" tab of a prospect page: the product panel (a pre-assessment of
every product), the services the customer holds with the next one to offer, and the
business facts editor beside them.

For the prospect page: make a ``ProspectProductsView(ui, parent)`` and call ``load(id)``
when a prospect is shown. Saving facts writes them and re-runs the matching in one task, so
the panel shows the new result as soon as the write is done. A "missing data" prompt for a
fact of the prospect form (kind, industry, founding date) emits ``formFieldRequested`` with
the form's field name; the page shows the form there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QVBoxLayout, QWidget

from crm.domain.errors import DomainError
from crm.domain.stages import Stage
from crm.ui.common.context import UiContext
from crm.ui.common.errors import show_error
from crm.ui.products import source
from crm.ui.products.facts_editor import FORM_FIELDS, FactsEditor
from crm.ui.products.match_panel import ProductMatchPanel
from crm.ui.products.model import ProspectProducts
from crm.ui.products.services_view import HeldServicesView


class ProspectProductsView(QWidget):
    # A form field to show (kind, industry_code, established_on).
    formFieldRequested = Signal(str)
    # The facts were saved (the prospect's id).
    factsChanged = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prospectProducts")
        self.ui = ui
        self.prospect_id: str | None = None
        self.data: ProspectProducts | None = None
        self._generation = 0
        # Milliseconds from "Save facts" to the panel showing the new result (last save).
        self.last_update_ms: float | None = None
        self._saving_since: float | None = None
        # What runs once the facts being saved are saved (the page's unsaved-changes guard).
        self._then: Callable[[], None] | None = None
        # The prospect whose facts the editor holds.
        self._facts_of: str | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        left = QScrollArea(self.splitter)
        left.setWidgetResizable(True)
        left.setFrameShape(QFrame.Shape.NoFrame)
        left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(left)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.setSpacing(10)
        self.services = HeldServicesView(body)
        self.panel = ProductMatchPanel(body)
        body_layout.addWidget(self.services)
        body_layout.addWidget(self.panel)
        body_layout.addStretch(1)
        left.setWidget(body)
        self.left = left
        self.facts = FactsEditor(self.splitter)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.facts)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter)

        self.panel.factRequested.connect(self.jump_to)
        self.services.serviceToggled.connect(self._toggle_service)
        self.facts.factsSaved.connect(self._save)
        self.setEnabled(False)
        ui.events.prospectsChanged.connect(self._refresh_all)

    def _refresh_all(self, ids: list[str]) -> None:
        """F5 (an empty list): read again, keeping facts being edited."""
        if not ids and self.prospect_id is not None and not self.facts.is_dirty():
            self.load(self.prospect_id)

    # -- loading ---------------------------------------------------------------------------

    def load(self, prospect_id: str) -> None:
        if prospect_id != self.prospect_id:
            self.setEnabled(False)
        self.prospect_id = prospect_id
        self._generation += 1
        generation = self._generation
        ui = self.ui
        self.ui.tasks.read(
            self,
            lambda: source.prospect_products(ui, prospect_id),
            lambda data: self._loaded(generation, prospect_id, data),
        )

    def _loaded(self, generation: int, prospect_id: str, data: ProspectProducts) -> None:
        if generation != self._generation:
            return
        self.show_data(data)
        # Facts being edited stay as typed (a stage move reads the tab again meanwhile).
        if self._facts_of != prospect_id or not self.facts.is_dirty():
            self.facts.set_facts(data.facts)
            self._facts_of = prospect_id

    def show_data(self, data: ProspectProducts) -> None:
        self.data = data
        self.setEnabled(True)
        self.panel.set_match(data.match)
        self.services.set_services(data.services, data.stage == Stage.NO_LOAN.value)

    # -- facts -----------------------------------------------------------------------------

    def jump_to(self, key: str) -> None:
        """A "missing data" prompt: the cursor goes to where that fact is entered."""
        if key in FORM_FIELDS:
            self.formFieldRequested.emit(FORM_FIELDS[key])
        else:
            self.facts.focus_fact(key)

    def save_facts(self, then: Callable[[], None] | None = None) -> bool:
        """Save the edited facts (the page's Save and its unsaved-changes guard); ``then``
        runs once they are saved. False when a fact is wrong (the cursor goes there)."""
        if self.facts.problems():
            self.facts.focus_first_problem()
            return False
        to_set, to_clear = self.facts.changes()
        if not to_set and not to_clear:
            if then is not None:
                then()
            return True
        self._save(to_set, to_clear, then)
        return True

    def discard_facts(self) -> None:
        """Back to the facts as saved."""
        self.facts.set_facts(self.data.facts if self.data else {})

    def _save(
        self,
        to_set: dict[str, Any],
        to_clear: list[str],
        then: Callable[[], None] | None = None,
    ) -> None:
        prospect_id = self.prospect_id
        if prospect_id is None:
            return
        self._then = then
        self._saving_since = time.perf_counter()
        self._generation += 1
        generation = self._generation
        ui = self.ui
        stage = self.data.stage if self.data else ""
        self.ui.tasks.write(
            self,
            lambda: source.save_facts(ui, prospect_id, to_set, to_clear, stage),
            lambda data: self._saved(generation, prospect_id, data),
            self._save_failed,
        )

    def _toggle_service(self, code: str, held: bool) -> None:
        prospect_id = self.prospect_id
        if prospect_id is None:
            return
        self._generation += 1
        generation = self._generation
        ui = self.ui
        stage = self.data.stage if self.data else ""
        self.ui.tasks.write(
            self,
            lambda: source.set_service(ui, prospect_id, code, held, stage),
            lambda data: self._toggled(generation, data),
            lambda _error: self.load(prospect_id),
        )

    def _toggled(self, generation: int, data: ProspectProducts) -> None:
        if generation == self._generation:
            self.show_data(data)

    def _save_failed(self, error: BaseException) -> None:
        """The edits stay in the editor to correct; a refusal is said in a message."""
        self._saving_since = None
        self._then = None
        self.facts.update_state()
        if isinstance(error, DomainError):
            show_error(self, error)

    def _saved(self, generation: int, prospect_id: str, data: ProspectProducts) -> None:
        if generation == self._generation:
            self.show_data(data)
            self.facts.set_facts(data.facts)
            if self._saving_since is not None:
                self.last_update_ms = (time.perf_counter() - self._saving_since) * 1000
        self._saving_since = None
        self.factsChanged.emit(prospect_id)
        then, self._then = self._then, None
        if then is not None:
            then()

    @staticmethod
    def title() -> str:
        """The tab's name on the prospect page."""
        return QCoreApplication.translate("ProspectProductsView", "Products and facts")
