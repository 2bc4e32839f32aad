"""One prospect: the editable form, its stage history and loans, saved with Ctrl+S.

Saving sends the version the form was loaded at; if someone else (a sync, another window)
changed the prospect meanwhile, the service refuses (StaleEdit) and the user chooses to
reload. Leaving with unsaved changes asks Save / Discard / Cancel.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.domain.prospect import InvalidProspect
from crm.services.records import DuplicateUSCC, ProspectDetail, StaleEdit
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said, show_error
from crm.ui.common.icons import icon
from crm.ui.common.widgets import StageChip, heading, muted
from crm.ui.loans.panel import LoansPanel
from crm.ui.prospects.form import ProspectForm

if TYPE_CHECKING:
    from crm.ui.products.prospect_view import ProspectProductsView
    from crm.ui.visits.prospect_panel import ProspectVisitsPanel
from crm.ui.prospects.timeline import StageTimeline
from crm.ui.stages.dialog import MoveItem
from crm.ui.stages.mover import StageMover

translate = QCoreApplication.translate


def ask_open_existing(parent: QWidget, error: DuplicateUSCC) -> bool:
    """Offer to open the prospect that already has this USCC."""
    answer = QMessageBox.question(
        parent,
        translate("ProspectDetailView", "Already in your book"),
        said(error)
        + "\n\n"
        + translate("ProspectDetailView", "Open the existing prospect instead?"),
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Open,
    )
    return answer == QMessageBox.StandardButton.Open


class ProspectDetailView(QWidget):
    backRequested = Signal()
    openRequested = Signal(str)
    message = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prospectDetail")
        self.ui = ui
        self.detail: ProspectDetail | None = None
        self._loading_id: str | None = None
        self._saving = False
        self.mover = StageMover(ui, self)
        self.mover.moved.connect(self._after_move)
        self.mover.message.connect(self.message)

        self.form = ProspectForm(ui, self)
        self.form.changed.connect(self._update_state)
        self.form.undo_stack.cleanChanged.connect(self._clean_changed)
        self.form.openExisting.connect(self.openRequested)

        self.save_action = QAction(icon("save"), self.tr("Save"), self)
        self.save_action.setShortcut(QKeySequence("Ctrl+S"))
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_action.setToolTip(self.tr("Save the changes (Ctrl+S)"))
        self.save_action.triggered.connect(lambda: self.save())
        self.back_action = QAction(icon("back"), self.tr("Back to the list"), self)
        self.back_action.setShortcut(QKeySequence("Alt+Left"))
        self.back_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.back_action.setToolTip(self.tr("Back to the list (Alt+Left)"))
        self.back_action.triggered.connect(self.backRequested)
        self.addActions(
            [self.save_action, self.back_action, self.form.undo_action, self.form.redo_action]
        )
        self._build()
        self._update_state()

    # -- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)

        header = QHBoxLayout()
        back = QToolButton(self)
        back.setDefaultAction(self.back_action)
        back.setAutoRaise(True)
        header.addWidget(back)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        first = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chip = StageChip("", self)
        first.addWidget(self.title)
        first.addWidget(self.chip)
        first.addStretch(1)
        titles.addLayout(first)
        self.subtitle = muted("", self)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        for action in (self.form.undo_action, self.form.redo_action):
            tool = QToolButton(self)
            tool.setDefaultAction(action)
            tool.setAutoRaise(True)
            tool.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            header.addWidget(tool)
        self.stage_button = QPushButton(icon("stage"), self.tr("Change stage…"), self)
        self.stage_button.setToolTip(self.tr("Move this prospect to another stage"))
        self.stage_button.clicked.connect(self.change_stage)
        self.revert_button = QPushButton(self.tr("Revert"), self)
        self.revert_button.setToolTip(self.tr("Throw away the unsaved changes"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(icon("save"), self.tr("Save"), self)
        self.save_button.setToolTip(self.save_action.toolTip())
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        for button in (self.stage_button, self.revert_button, self.save_button):
            header.addWidget(button)
        layout.addLayout(header)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        # The form, and (made when the first prospect opens) its products and facts.
        self.tabs = QTabWidget(self.splitter)
        self.tabs.setDocumentMode(True)
        form_panel = QFrame(self.tabs)
        form_panel.setObjectName("panel")
        form_layout = QVBoxLayout(form_panel)
        form_layout.setContentsMargins(1, 1, 1, 1)
        form_layout.addWidget(self.form)
        self.tabs.addTab(form_panel, self.tr("Details"))
        self.products: ProspectProductsView | None = None
        self.splitter.addWidget(self.tabs)

        side = QScrollArea(self.splitter)
        side.setWidgetResizable(True)
        side.setFrameShape(QFrame.Shape.NoFrame)
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_body = QWidget(side)
        side_layout = QVBoxLayout(side_body)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(10)
        side.setWidget(side_body)

        summary_panel, summary_layout = _panel(side_body, self.tr("Summary"))
        self.summary = QLabel(summary_panel)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary_layout.addWidget(self.summary)
        side_layout.addWidget(summary_panel)
        self.loans = LoansPanel(self.ui, side_body)
        self.loans.changed.connect(self._loans_changed)
        self.loans.firstLoanMove.connect(self._move_to_first_loan)
        side_layout.addWidget(self.loans)
        # The visits panel (contact rhythm, plans, history, checklist) goes after the loans,
        # made when the first prospect opens: the list shows sooner at start without it.
        self.side_layout = side_layout
        self.visits: ProspectVisitsPanel | None = None

        history_panel, history_layout = _panel(side_body, self.tr("Stage history"))
        self.timeline = StageTimeline(history_panel)
        history_layout.addWidget(self.timeline)
        side_layout.addWidget(history_panel)
        side_layout.addStretch(1)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([780, 440])
        layout.addWidget(self.splitter, 1)

    # -- loading ---------------------------------------------------------------------------

    @property
    def prospect_id(self) -> str | None:
        return self.detail.id if self.detail else self._loading_id

    def load(self, prospect_id: str) -> None:
        self._loading_id = prospect_id
        self.detail = None
        self.title.setText(self.tr("Loading…"))
        self.subtitle.setText("")
        self.chip.set_stage("")
        self.form.setEnabled(False)
        self._update_state()
        self._visits_panel().load(prospect_id)
        self._products_view().load(prospect_id)
        self.loans.load(prospect_id)
        service = self.ui.services.prospects
        self.ui.tasks.read(
            self,
            lambda: service.get(prospect_id),
            lambda detail: self._loaded(prospect_id, detail),
            lambda err: self._load_failed(prospect_id, err),
        )

    def _visits_panel(self) -> ProspectVisitsPanel:
        if self.visits is None:
            from crm.ui.visits.prospect_panel import ProspectVisitsPanel

            body = self.side_layout.parentWidget()
            self.visits = ProspectVisitsPanel(self.ui, body)
            # After the summary and the loans (renewals come before routine contact).
            self.side_layout.insertWidget(self.side_layout.indexOf(self.loans) + 1, self.visits)
        return self.visits

    def _products_view(self) -> ProspectProductsView:
        if self.products is None:
            from crm.ui.products.prospect_view import ProspectProductsView

            self.products = ProspectProductsView(self.ui, self.tabs)
            self.products.formFieldRequested.connect(self.show_form_field)
            self.products.facts.dirtyChanged.connect(lambda _dirty: self._update_state())
            self.tabs.addTab(self.products, ProspectProductsView.title())
        return self.products

    def show_form_field(self, name: str) -> None:
        """Show the form with the cursor in field ``name`` (a product prompt asked for it)."""
        self.tabs.setCurrentIndex(0)
        widget = self.form.widgets.get(name)
        if widget is not None:
            self.form.scroll_area.ensureWidgetVisible(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _loaded(self, prospect_id: str, detail: ProspectDetail) -> None:
        if prospect_id != self._loading_id:
            return
        self.detail = detail
        self.form.load(detail.draft(), detail.id)
        self.form.setEnabled(True)
        self._show_detail(detail)

    def _load_failed(self, prospect_id: str, error: BaseException) -> None:
        if prospect_id != self._loading_id:
            return
        self.title.setText(self.tr("This prospect could not be opened"))
        if isinstance(error, DomainError):
            self.subtitle.setText(said(error))

    def _show_detail(self, detail: ProspectDetail) -> None:
        zone = self.ui.zone
        today = self.ui.today()
        in_stage = (today - fmt.local(detail.stage_changed_at, zone).date()).days
        self.chip.set_stage(detail.stage)
        parts = [
            self.tr("RM: {name}").format(name=detail.rm_name or self.tr("unassigned")),
            self.tr("{days} in this stage").format(days=fmt.days(in_stage)),
            self.tr("Last contact: {day}").format(day=fmt.day(detail.last_contact_on))
            if detail.last_contact_on
            else self.tr("Never contacted"),
        ]
        self.subtitle.setText(" · ".join(parts))
        district = labels.district(self.ui.district(detail.district_code), detail.district_code)
        rows = [
            (self.tr("Kind"), labels.kind(detail.kind)),
            (self.tr("District"), district or "—"),
            (
                self.tr("Industry"),
                labels.industry_long(detail.industry_code) if detail.industry_code else "—",
            ),
            (
                self.tr("Registered capital"),
                fmt.money(detail.registered_capital_fen)
                if detail.registered_capital_fen is not None
                else "—",
            ),
            (self.tr("In the book since"), fmt.day(fmt.local(detail.created_at, zone).date())),
            (self.tr("Last changed"), fmt.moment(detail.updated_at, zone)),
        ]
        self.summary.setText(
            "<table cellspacing='3'>"
            + "".join(
                f"<tr><td style='color:#5f6b7a; padding-right:10px'>{_esc(k)}</td>"
                f"<td>{_esc(v)}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )
        self.timeline.set_history(detail.history, zone)
        self._update_state()

    # -- state -----------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        return self.detail is not None and (self.form.is_dirty() or self._facts_dirty())

    def _facts_dirty(self) -> bool:
        """Business facts edited on the products tab and not saved yet."""
        return self.products is not None and self.products.facts.is_dirty()

    def _clean_changed(self, _clean: bool) -> None:
        # A stack with unsaved edits says "clean" once more while it is being destroyed
        # (QUndoStack clears itself), when the widgets around it may be gone already.
        with contextlib.suppress(RuntimeError):
            self._update_state()

    def _update_state(self) -> None:
        dirty = self.is_dirty()
        loaded = self.detail is not None
        name = self.form.value("name") if loaded else ""
        if loaded:
            self.title.setText(
                (name or self.detail.name if self.detail else "") + (" *" if dirty else "")
            )
        self.save_action.setEnabled(loaded and dirty and not self._saving)
        self.save_button.setEnabled(loaded and dirty and not self._saving)
        self.revert_button.setEnabled(loaded and dirty and not self._saving)
        self.stage_button.setEnabled(loaded and not self._saving)
        self.setWindowModified(dirty)

    # -- actions ---------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Save through the service; ``then`` runs once the save succeeded."""
        if self.detail is None or self._saving:
            return
        products = self.products
        if products is not None and products.facts.is_dirty():
            # The facts are saved after the form (if it has changes): one Save for the page.
            after = then
            if not self.form.is_dirty():
                if not products.save_facts(after):
                    self.tabs.setCurrentWidget(products)
                return
            then = partial(_save_facts, products, after)
        if not self.form.is_dirty():
            if then is not None:
                then()
            return
        self.form.validate_all()
        if not self.form.is_valid():
            self.form.focus_first_error()
            self.message.emit(self.tr("Not saved: correct the fields marked in red."))
            return
        draft = self.form.draft()
        prospect_id, version = self.detail.id, self.detail.version
        service = self.ui.services.prospects
        self._saving = True
        self._update_state()
        self.ui.tasks.write(
            self,
            lambda: service.update(prospect_id, draft, expected_version=version),
            lambda detail: self._saved(draft, detail, then),
            self._save_failed,
        )

    def _saved(self, sent: object, detail: ProspectDetail, then: Callable[[], None] | None) -> None:
        self._saving = False
        self.detail = detail
        if self.form.draft() == sent:
            self.form.accept_saved(detail.draft())
        self._show_detail(detail)
        if self.products is not None:
            self.products.load(detail.id)  # kind, industry and founding date are matched
        self.ui.events.prospectsChanged.emit([detail.id])
        self.message.emit(self.tr("Saved {name}").format(name=detail.name))
        if then is not None:
            then()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self._update_state()
        if isinstance(error, InvalidProspect):
            self.form.show_errors(error.errors)
        elif isinstance(error, DuplicateUSCC):
            if ask_open_existing(self, error):
                self.revert()
                self.openRequested.emit(error.existing_id)
        elif isinstance(error, StaleEdit):
            answer = QMessageBox.question(
                self,
                self.tr("Changed elsewhere"),
                said(error)
                + "\n\n"
                + self.tr("Reload the prospect now? Your unsaved changes will be lost."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer == QMessageBox.StandardButton.Yes and self.detail is not None:
                self.load(self.detail.id)
        elif isinstance(error, DomainError):
            show_error(self, error)

    def revert(self) -> None:
        """Back to the last saved values (the undone edits stay available for redo)."""
        stack = self.form.undo_stack
        if stack.cleanIndex() >= 0:
            stack.setIndex(stack.cleanIndex())
        elif self.detail is not None:
            self.form.load(self.detail.draft(), self.detail.id)
        if self.products is not None:
            self.products.discard_facts()

    def guard(self, then: Callable[[], None]) -> None:
        """Run ``then`` unless the user cancels leaving unsaved changes."""
        if not self.is_dirty():
            then()
            return
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("{name} has unsaved changes. Save them before leaving?").format(
                name=self.detail.name if self.detail else ""
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            self.save(then)
        elif answer == QMessageBox.StandardButton.Discard:
            self.revert()
            then()

    def change_stage(self) -> None:
        if self.detail is not None:
            self.mover.request([MoveItem(self.detail.id, self.detail.name, self.detail.stage)])

    def _move_to_first_loan(self, prospect_id: str) -> None:
        """The first loan is recorded and the user agreed: the usual move, gate and all."""
        if self.detail is not None and self.detail.id == prospect_id:
            item = MoveItem(self.detail.id, self.detail.name, self.detail.stage)
            self.mover.request([item], "first_loan")

    def _loans_changed(self, prospect_id: str) -> None:
        if self.detail is None or self.detail.id != prospect_id:
            return
        self.ui.events.prospectsChanged.emit([prospect_id])
        service = self.ui.services.prospects
        self.ui.tasks.read(self, lambda: service.get(prospect_id), self._refreshed)

    def _after_move(self, moved: list[str]) -> None:
        if self.detail is None or self.detail.id not in moved:
            return
        self.ui.events.prospectsChanged.emit(moved)
        prospect_id = self.detail.id
        service = self.ui.services.prospects
        self.ui.tasks.read(self, lambda: service.get(prospect_id), self._refreshed)

    def _refreshed(self, detail: ProspectDetail) -> None:
        """New stage and version after a move; edits in the form are kept."""
        if self.detail is None or detail.id != self.detail.id:
            return
        self.detail = detail
        if not self.form.is_dirty():
            self.form.load(detail.draft(), detail.id)
        self._show_detail(detail)
        if self.products is not None:
            self.products.load(detail.id)


def _panel(parent: QWidget, title: str) -> tuple[QFrame, QVBoxLayout]:
    panel = QFrame(parent)
    panel.setObjectName("panel")
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(12, 10, 12, 10)
    layout.addWidget(heading(title, panel))
    return panel, layout


def _save_facts(products: ProspectProductsView, then: Callable[[], None] | None) -> None:
    products.save_facts(then)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
