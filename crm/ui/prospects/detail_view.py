"""One prospect: the customer 360 page (header, figures, tabs), its form saved with Ctrl+S.

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
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.domain.prospect import InvalidProspect
from crm.services.audit import Action
from crm.services.detail_records import ContactInfo, ProspectDetail
from crm.services.records import DuplicateUSCC, StaleEdit
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said, show_error
from crm.ui.common.icons import icon
from crm.ui.common.widgets import StageChip, heading, muted
from crm.ui.loans.panel import LoansPanel
from crm.ui.prospects.customer.checklist import ChecklistTab
from crm.ui.prospects.customer.contacts import ContactsTab
from crm.ui.prospects.customer.documents import DocumentsTab
from crm.ui.prospects.customer.glance import GlanceStrip
from crm.ui.prospects.customer.history import HistoryTab
from crm.ui.prospects.customer.overview import (
    ModeActions,
    ProfileSheet,
    ShortNameButton,
    tab_title,
)
from crm.ui.prospects.form import ProspectForm
from crm.ui.prospects.timeline import StageTimeline
from crm.ui.stages.dialog import MoveItem
from crm.ui.stages.mover import StageMover
from crm.ui.visits.actions import visit_events

if TYPE_CHECKING:
    from crm.services.customer import CustomerGlance
    from crm.ui.products.prospect_view import ProspectProductsView
    from crm.ui.visits.prospect_panel import ProspectVisitsPanel

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
    """The customer 360 page: a header with the figures an RM needs at a glance, and tabs.

    Read mode by default: the Overview tab shows the details as text; Edit (Ctrl+E) puts the
    form in its place, with Save (Ctrl+S) and Cancel (Esc). Tabs other than the overview,
    loans, visits and products read their data when first shown for a prospect.
    """

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
        self.editing = False
        self._auto_editing = False  # editing because of an edit, not because Edit was chosen
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
        self.modes = ModeActions(self)
        self.modes.edit.triggered.connect(self.start_editing)
        self.modes.cancel.triggered.connect(self.cancel_editing)
        self.addActions(
            [
                self.save_action,
                self.back_action,
                self.form.undo_action,
                self.form.redo_action,
                self.modes.edit,
                self.modes.cancel,
            ]
        )
        # Tab key -> the prospect its data were last read for (lazy tabs read when shown).
        self._read_for: dict[str, str] = {}
        self._build()
        self._update_state()

    # -- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)

        header = QHBoxLayout()
        header.setSpacing(6)
        back = QToolButton(self)
        back.setDefaultAction(self.back_action)
        back.setAutoRaise(True)
        header.addWidget(back, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        first = QHBoxLayout()
        first.setSpacing(12)  # the chip never touches the name
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(120)
        self.chip = StageChip("", self)
        self.short_name = ShortNameButton(self)
        self.short_name.clicked.connect(self.rename_short)
        first.addWidget(self.title, 0, Qt.AlignmentFlag.AlignVCenter)
        first.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignVCenter)
        first.addWidget(self.short_name, 0, Qt.AlignmentFlag.AlignVCenter)
        first.addStretch(1)
        titles.addLayout(first)
        self.subtitle = muted("", self)
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        self.undo_buttons: list[QToolButton] = []
        for action in (self.form.undo_action, self.form.redo_action):
            tool = QToolButton(self)
            tool.setDefaultAction(action)
            tool.setAutoRaise(True)
            tool.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            header.addWidget(tool, 0, Qt.AlignmentFlag.AlignTop)
            self.undo_buttons.append(tool)
        self.edit_button = QPushButton(self.modes.edit.text(), self)
        self.edit_button.setToolTip(self.modes.edit.toolTip())
        self.edit_button.clicked.connect(self.start_editing)
        self.cancel_button = QPushButton(self.modes.cancel.text(), self)
        self.cancel_button.setToolTip(self.modes.cancel.toolTip())
        self.cancel_button.clicked.connect(self.cancel_editing)
        self.stage_button = QPushButton(icon("stage"), self.tr("Change stage…"), self)
        self.stage_button.setToolTip(self.tr("Move this prospect to another stage"))
        self.stage_button.clicked.connect(self.change_stage)
        # Revert keeps editing (Cancel also leaves the form); offered from the keyboard's
        # undo history and kept for the unsaved-changes guard.
        self.revert_button = QPushButton(self.tr("Revert"), self)
        self.revert_button.setToolTip(self.tr("Throw away the unsaved changes"))
        self.revert_button.clicked.connect(self.revert)
        self.revert_button.hide()
        self.save_button = QPushButton(icon("save"), self.tr("Save"), self)
        self.save_button.setToolTip(self.save_action.toolTip())
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        for button in (self.edit_button, self.cancel_button, self.save_button, self.stage_button):
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)

        self.glance = GlanceStrip(self)
        layout.addWidget(self.glance)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        layout.addWidget(self.tabs, 1)

        # Overview: the details as text, or the form while editing.
        self.overview_stack = QStackedWidget(self.tabs)
        self.overview = QScrollArea(self.overview_stack)
        self.overview.setWidgetResizable(True)
        self.overview.setFrameShape(QFrame.Shape.NoFrame)
        self.overview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self.overview)
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 8, 0, 8)
        columns.setSpacing(10)
        left = QVBoxLayout()
        left.setSpacing(10)
        profile_panel, profile_layout = _panel(body, self.tr("Details"))
        self.profile = ProfileSheet(self.ui, profile_panel)
        profile_layout.addWidget(self.profile)
        left.addWidget(profile_panel)
        summary_panel, summary_layout = _panel(body, self.tr("Summary"))
        self.summary = QLabel(summary_panel)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary_layout.addWidget(self.summary)
        left.addWidget(summary_panel)
        left.addStretch(1)
        columns.addLayout(left, 3)
        history_panel, history_layout = _panel(body, self.tr("Stage history"))
        self.timeline = StageTimeline(history_panel)
        history_layout.addWidget(self.timeline)
        right = QVBoxLayout()
        right.addWidget(history_panel)
        right.addStretch(1)
        columns.addLayout(right, 2)
        self.overview.setWidget(body)
        form_panel = QFrame(self.overview_stack)
        form_panel.setObjectName("panel")
        form_layout = QVBoxLayout(form_panel)
        form_layout.setContentsMargins(1, 1, 1, 1)
        form_layout.addWidget(self.form)
        self.form_panel = form_panel
        self.overview_stack.addWidget(self.overview)
        self.overview_stack.addWidget(form_panel)
        self.tabs.addTab(self.overview_stack, tab_title("overview"))

        self.contacts = ContactsTab(self.ui, self.tabs)
        self.contacts.changed.connect(self._contacts_changed)
        self.tabs.addTab(self.contacts, tab_title("contacts"))
        # The visits panel (contact rhythm, plans, history) is made when the first
        # prospect opens: the list shows sooner at start without it.
        self.visits_tab = QWidget(self.tabs)
        self.visits_layout = QVBoxLayout(self.visits_tab)
        self.visits_layout.setContentsMargins(0, 8, 0, 0)
        self.visits: ProspectVisitsPanel | None = None
        self.tabs.addTab(self.visits_tab, tab_title("visits"))

        self.loans_scroll = QScrollArea(self.tabs)
        self.loans_scroll.setWidgetResizable(True)
        self.loans_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.loans_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        loans_body = QWidget(self.loans_scroll)
        loans_layout = QVBoxLayout(loans_body)
        loans_layout.setContentsMargins(0, 8, 0, 0)
        self.loans = LoansPanel(self.ui, loans_body)
        self.loans.changed.connect(self._loans_changed)
        self.loans.firstLoanMove.connect(self._move_to_first_loan)
        loans_layout.addWidget(self.loans)
        loans_layout.addStretch(1)
        self.loans_scroll.setWidget(loans_body)
        self.tabs.addTab(self.loans_scroll, tab_title("loans"))

        self.checklist = ChecklistTab(self.ui, self.tabs)
        self.tabs.addTab(self.checklist, tab_title("checklist"))
        self.products: ProspectProductsView | None = None  # made with the first prospect
        from crm.ui.strategic.plan_panel import ServicePlanPanel

        self.plan = ServicePlanPanel(self.ui, self.tabs)
        # The strategic gate reads the plan: the page's stage and figures follow it.
        self.plan.changed.connect(self._loans_changed)
        self.tabs.addTab(self.plan, tab_title("plan"))
        self.history = HistoryTab(self.ui, self.tabs)
        self.tabs.addTab(self.history, tab_title("history"))
        self.documents = DocumentsTab(self.ui, self.tabs)
        self.tabs.addTab(self.documents, tab_title("documents"))
        self._lazy_tabs: list[tuple[str, QWidget, Callable[[str], None]]] = [
            ("contacts", self.contacts, self.contacts.load),
            ("checklist", self.checklist, self.checklist.load),
            ("history", self.history, self.history.load),
            ("documents", self.documents, self.documents.load),
            ("plan", self.plan, self.plan.set_prospect),
        ]
        self.tabs.currentChanged.connect(lambda _index: self._read_current_tab())
        visit_events(self.ui).changed.connect(self._visits_changed)

    # -- loading ---------------------------------------------------------------------------

    @property
    def prospect_id(self) -> str | None:
        return self.detail.id if self.detail else self._loading_id

    def load(self, prospect_id: str) -> None:
        another = prospect_id != self.prospect_id
        self._loading_id = prospect_id
        self.detail = None
        self.title.setText(self.tr("Loading…"))
        self.subtitle.setText("")
        self.chip.set_stage("")
        self.form.setEnabled(False)
        if another:
            self._to_top()
            self.glance.clear()
        self._set_editing(False)
        self._update_state()
        self._read_for.clear()
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
        self._read_glance(prospect_id)
        self._read_current_tab()

    def _to_top(self) -> None:
        """A prospect opens at its top: the first tab, every scroll area at its start."""
        self.tabs.setCurrentIndex(0)
        for area in (self.overview, self.form.scroll_area, self.loans_scroll):
            area.verticalScrollBar().setValue(0)
        self.history.tree.scrollToTop()
        self.contacts.table.scrollToTop()

    def _read_glance(self, prospect_id: str) -> None:
        customer = self.ui.services.customer
        products = self.ui.services.products

        def read() -> tuple[CustomerGlance, list[ContactInfo], tuple[int, int, int]]:
            match = products.match(prospect_id)
            statuses = [p.status.value for p in match.products]
            fit = (statuses.count("eligible"), statuses.count("unknown"), len(statuses))
            return customer.glance(prospect_id), customer.contacts(prospect_id), fit

        def show(
            result: tuple[CustomerGlance, list[ContactInfo], tuple[int, int, int]],
        ) -> None:
            if prospect_id != self.prospect_id:
                return
            glance, people, fit = result
            self.glance.set_glance(glance)
            self.glance.set_contact(people[0] if people else None, len(people))
            self.glance.set_product_fit(*fit)

        # A prospect that cannot be read is said once, by the page's own read.
        self.ui.tasks.read(self, read, show, lambda _error: None)

    def _read_current_tab(self) -> None:
        """The shown tab reads its prospect's data the first time it is shown for it."""
        prospect_id = self.prospect_id
        current = self.tabs.currentWidget()
        if prospect_id is None:
            return
        for key, tab, read in self._lazy_tabs:
            if tab is current and self._read_for.get(key) != prospect_id:
                self._read_for[key] = prospect_id
                read(prospect_id)

    def _visits_panel(self) -> ProspectVisitsPanel:
        if self.visits is None:
            from crm.ui.visits.prospect_panel import ProspectVisitsPanel

            self.visits = ProspectVisitsPanel(self.ui, self.visits_tab)
            self.visits_layout.addWidget(self.visits)
        return self.visits

    def _products_view(self) -> ProspectProductsView:
        if self.products is None:
            from crm.ui.products.prospect_view import ProspectProductsView

            self.products = ProspectProductsView(self.ui, self.tabs)
            self.products.formFieldRequested.connect(self.show_form_field)
            self.products.facts.dirtyChanged.connect(lambda _dirty: self._update_state())
            # After the checklist: what to offer follows what the customer has learnt.
            at = self.tabs.indexOf(self.checklist) + 1
            self.tabs.insertTab(at, self.products, ProspectProductsView.title())
        return self.products

    def show_form_field(self, name: str) -> None:
        """Show the form with the cursor in field ``name`` (a product prompt asked for it)."""
        self.start_editing()
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
        focus = QApplication.focusWidget()
        if not self.editing and (focus is None or not focus.isVisible()):
            # Read mode: the keyboard starts at the tabs (Ctrl+E edits, arrows change tab).
            self.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)

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
        self.short_name.set_short_name(detail.short_name or detail.name)
        self.subtitle.setText(" · ".join(parts))
        self.profile.set_detail(detail)
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

    def rename_short(self) -> None:
        """The RM writes the short name shown where space is tight (kept on this device)."""
        if self.detail is None:
            return
        typed = self.short_name.ask()
        if typed is None:
            return
        prospect_id = self.detail.id
        service = self.ui.services.prospects

        def done(detail: ProspectDetail) -> None:
            self.ui.events.prospectsChanged.emit([prospect_id])
            self._refreshed(detail)

        self.ui.tasks.write(
            self,
            lambda: service.set_short_name(prospect_id, typed),
            done,
            lambda error: show_error(self, error) if isinstance(error, DomainError) else None,
        )

    # -- read and edit modes ---------------------------------------------------------------

    def start_editing(self) -> None:
        """Edit: the form takes the overview's place, the cursor in the name."""
        if self.detail is None:
            return
        if self.detail.phone and not self.editing:
            # The form shows the number in full, as Show does: the audit log says so.
            audit, pid = self.ui.services.audit, self.detail.id
            self.ui.tasks.write(
                self,
                lambda: audit.record(Action.UNMASK, pid, {"field": "phone", "via": "edit"}),
            )
        self._set_editing(True)
        self.tabs.setCurrentIndex(0)
        self.form.widgets["name"].setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel_editing(self) -> None:
        """Cancel (Esc): back to reading; unsaved changes of the form and facts are thrown
        away (still on the undo stack, for Redo)."""
        if not self.editing:
            return
        if self.is_dirty():
            self.revert()
        self._set_editing(False)

    def _set_editing(self, editing: bool) -> None:
        self.editing = editing
        self._auto_editing = False
        self.overview_stack.setCurrentWidget(self.form_panel if editing else self.overview)
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
        if dirty != self.editing and (dirty or self._auto_editing):
            # An edit made elsewhere on the page (a fact on the products tab) is an edit:
            # Save and Cancel show, and go again once it is saved or undone.
            self.editing = self._auto_editing = dirty
            self.overview_stack.setCurrentWidget(self.form_panel if dirty else self.overview)
        name = self.form.value("name") if loaded else ""
        if loaded:
            self.title.setText(
                (name or self.detail.name if self.detail else "") + (" *" if dirty else "")
            )
            self.title.setToolTip(self.title.text())
        editing = self.editing
        self.save_action.setEnabled(loaded and dirty and not self._saving)
        self.save_button.setEnabled(loaded and dirty and not self._saving)
        self.revert_button.setEnabled(loaded and dirty and not self._saving)
        self.stage_button.setEnabled(loaded and not self._saving)
        self.modes.edit.setEnabled(loaded and not editing)
        self.modes.cancel.setEnabled(editing and not self._saving)
        self.edit_button.setVisible(not editing)
        self.edit_button.setEnabled(loaded)
        self.cancel_button.setVisible(editing)
        self.cancel_button.setEnabled(not self._saving)
        self.save_button.setVisible(editing)
        for tool in self.undo_buttons:
            tool.setVisible(editing)
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
        if not self.is_dirty():
            self._set_editing(False)
        if self.products is not None:
            self.products.load(detail.id)  # kind, industry and founding date are matched
        self._after_change(detail.id)
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
        self._after_change(detail.id)

    def _after_change(self, prospect_id: str) -> None:
        """The header's figures and the tabs already read follow a change."""
        self._read_glance(prospect_id)
        self._read_for.clear()
        self._read_current_tab()

    def _contacts_changed(self, prospect_id: str) -> None:
        if prospect_id == self.prospect_id:
            self._read_glance(prospect_id)
            self._read_for.pop("history", None)

    def _visits_changed(self, prospect_id: str) -> None:
        if self.detail is not None and prospect_id in ("", self.detail.id):
            self._after_change(self.detail.id)


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
