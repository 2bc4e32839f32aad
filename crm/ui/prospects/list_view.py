"""The prospect list: filters, search as you type, the paged table and bulk actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.query import Sort
from crm.domain.roles import Permission
from crm.services.records import ProspectRow
from crm.ui.common import fmt, labels
from crm.ui.common.collector import note_busy
from crm.ui.common.context import UiContext
from crm.ui.common.filter_bar import FilterBar
from crm.ui.common.icons import icon
from crm.ui.common.widgets import EmptyState
from crm.ui.prospects.cell_delegate import ProspectCellDelegate
from crm.ui.prospects.table_model import COLUMNS, ID_ROLE, ProspectTableModel
from crm.ui.stages.mover import StageMover

if TYPE_CHECKING:
    # The dialogs load when first opened: importing them made the first frame 3 ms later.
    from crm.ui.prospects.bulk import AssignDialog, TagDialog
    from crm.ui.prospects.list_short_name import ShortNameDialog

COLUMN_WIDTHS = (235, 165, 150, 75, 120, 185, 105, 100)
# Beyond this many loaded rows, a change reloads from the top instead of re-reading them all.
REFRESH_LIMIT = 1000


class ProspectTable(QTableView):
    """The table; Enter or a double click opens the prospect."""

    openRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A viewport made here, set up as QAbstractScrollArea sets up its own: asked for
        # the one Qt made, PySide6 would load every widget class to find its type (about
        # 6 ms of the first frame, as each brings its enums).
        viewport = QWidget()
        viewport.setObjectName("qt_scrollarea_viewport")
        viewport.setBackgroundRole(QPalette.ColorRole.Base)
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)
        viewport.lower()  # below the headers and scroll bars, as Qt's own is
        self._viewport = viewport
        self.setObjectName("prospectTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setSectionsMovable(True)
        self.horizontalHeader().setStretchLastSection(True)
        self.doubleClicked.connect(self._open)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if isinstance(model, ProspectTableModel):
            # Cells are drawn from the model's rows and text laid out once (see the module).
            self.setItemDelegate(
                ProspectCellDelegate(self, model.cell, labels.stage_icon, model.muted_colour)
            )

    def paintEvent(self, event: QPaintEvent) -> None:
        note_busy()  # a scroll or a selection: full garbage collections wait
        delegate = self.itemDelegate()
        if isinstance(delegate, ProspectCellDelegate) and delegate.can_paint_view():
            # The rows in one Python call, instead of a delegate call for every cell.
            painter = QPainter(self._viewport)
            try:
                delegate.paint_view(painter, event.rect())
            finally:
                painter.end()
            return
        super().paintEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.openRequested.emit(str(index.data(ID_ROLE)))


class _EmptyNotice(EmptyState):
    """Shown over the table when nothing matches: why, and what to try."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(parent=table.viewport())
        self.hide()
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect().adjusted(20, 20, -20, -20))
        return False


class ProspectListView(QWidget):
    table: ProspectTable
    openRequested = Signal(str)
    newRequested = Signal()
    message = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prospectList")
        self.ui = ui
        self.model = ProspectTableModel(ui, self)
        self.mover = StageMover(ui, self)
        self.mover.moved.connect(self._after_bulk)
        self.mover.message.connect(self.message)
        self.dialog: AssignDialog | TagDialog | ShortNameDialog | None = None
        self._build()
        self.model.totalChanged.connect(lambda _n: self._update_count())
        self.model.loadingChanged.connect(lambda _b: self._update_count())
        self.model.reloaded.connect(self._update_count)
        self.model.modelReset.connect(self._update_selection)
        self.filters.filterChanged.connect(self.apply_filters)
        ui.events.prospectsChanged.connect(self._data_changed)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)

        top = QHBoxLayout()
        title = QLabel(self.tr("Prospects"), self)
        title.setObjectName("pageTitle")
        top.addWidget(title)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        top.addWidget(self.count_label)
        top.addStretch(1)
        # The bulk actions sit in the title row, their room kept while hidden: a bar that
        # appeared above the table on the first click of a double click pushed the rows
        # down, and the second click landed on another row.
        self.bulk_bar = QFrame(self)
        self.bulk_bar.setObjectName("bulkBar")
        bulk = QHBoxLayout(self.bulk_bar)
        bulk.setContentsMargins(10, 4, 10, 4)
        self.selection_label = QLabel(self.bulk_bar)
        bulk.addWidget(self.selection_label)
        bulk.addStretch(1)
        self.assign_button = QPushButton(icon("assign"), self.tr("Assign to RM…"), self.bulk_bar)
        self.assign_button.setToolTip(self.tr("Give the selected prospects to an RM"))
        self.assign_button.clicked.connect(self.assign_selected)
        # Reassigning is a lead's (within the team) or head office's: not offered to an RM.
        self.assign_button.setVisible(self.ui.acting.may(Permission.REASSIGN))
        self.tag_button = QPushButton(icon("tag"), self.tr("Add tag…"), self.bulk_bar)
        self.tag_button.setToolTip(self.tr("Add a tag to the selected prospects"))
        self.tag_button.clicked.connect(self.tag_selected)
        self.stage_button = QPushButton(icon("stage"), self.tr("Change stage…"), self.bulk_bar)
        self.stage_button.setToolTip(self.tr("Move the selected prospects to another stage"))
        self.stage_button.clicked.connect(self.change_stage_selected)
        clear = QToolButton(self.bulk_bar)
        clear.setText("✕")
        clear.setAutoRaise(True)
        clear.setToolTip(self.tr("Clear the selection"))
        clear.clicked.connect(lambda: self.table.clearSelection())
        for widget in (self.assign_button, self.tag_button, self.stage_button, clear):
            bulk.addWidget(widget)
        kept = self.bulk_bar.sizePolicy()
        kept.setRetainSizeWhenHidden(True)
        self.bulk_bar.setSizePolicy(kept)
        top.addWidget(self.bulk_bar)
        self.new_button = QPushButton(icon("add"), self.tr("New prospect"), self)
        self.new_button.setToolTip(self.tr("Add a prospect (Ctrl+N)"))
        self.new_button.clicked.connect(self.newRequested)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        self.filters = FilterBar(self.ui, parent=self, debounce_ms=0)
        layout.addWidget(self.filters)

        self.table = ProspectTable(self)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.openRequested.connect(self.openRequested)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(lambda *_args: self._update_selection())
        layout.addWidget(self.table, 1)
        self._empty: _EmptyNotice | None = None
        self._update_selection()

    @property
    def empty(self) -> _EmptyNotice:
        # Made the first time a list is empty: asking the table for its viewport makes
        # PySide6 load every widget class to find the viewport's type, about 3 ms before
        # the first frame of a list that has rows.
        if self._empty is None:
            self._empty = _EmptyNotice(self.table)
            self._empty.actionClicked.connect(self._empty_action)
        return self._empty

    # -- querying --------------------------------------------------------------------------

    def apply_filters(self) -> None:
        self.model.set_query(self.filters.current())

    def restore(self) -> None:
        """Column layout as the user left it."""
        state = self.ui.settings.state("prospect_table")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)
        self.apply_filters()

    def save_state(self) -> None:
        self.ui.settings.set_state("prospect_table", self.table.horizontalHeader().saveState())

    def focus_search(self) -> None:
        self.filters.focus_search()

    def sort_by(self, sort: Sort) -> None:
        column = next(i for i, c in enumerate(COLUMNS) if c.sort == sort.column)
        order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
        self.table.sortByColumn(column, order)

    def _data_changed(self, _ids: list[str]) -> None:
        if self.model.rowCount() > REFRESH_LIMIT:
            self.model.reload()
        else:
            self.model.refresh()

    def _update_count(self) -> None:
        total = self.model.total
        if total is None:
            text = self.tr("Counting…")
        elif total == 1:
            text = self.tr("1 prospect")
        else:
            text = self.tr("{count} prospects").format(count=fmt.integer(total))
        if self.model.loading:
            text += " · " + self.tr("loading…")
        self.count_label.setText(text)
        nothing = not self.model.loading and self.model.rowCount() == 0
        if nothing:
            self._say_empty()
            self.empty.setVisible(True)
        elif self._empty is not None:
            self._empty.setVisible(False)

    def _say_empty(self) -> None:
        current = self.filters.current()
        if current.is_empty():
            self.empty.set_texts(
                self.tr("No prospects yet"),
                self.tr("Add one, or import a list from the Import page."),
                self.tr("New prospect"),
            )
            return
        words = current.text.strip()
        if words:
            title = self.tr("Nothing matches “{text}”").format(text=words)
            hints = [
                self.tr(
                    "Try part of the name (天佑), its pinyin (tianyou) or initials (ty), "
                    "a USCC or a phone number."
                )
            ]
            if len(words) > 4:
                hints.append(self.tr("Fewer characters find more."))
            if current != type(current)(text=current.text):
                hints.append(self.tr("The other filters narrow the search too."))
        else:
            title = self.tr("No prospect matches these filters")
            hints = [self.tr("Loosen a filter, or clear them all.")]
        self.empty.set_texts(title, " ".join(hints), self.tr("Clear filters"))

    def _empty_action(self) -> None:
        if self.filters.current().is_empty():
            self.newRequested.emit()
        else:
            self.filters.reset()

    # -- selection and bulk actions ---------------------------------------------------------

    def selected_rows(self) -> list[ProspectRow]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row_at(r) for r in rows]

    def _update_selection(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.bulk_bar.setVisible(count > 0)
        self.selection_label.setText(self.tr("{count} selected").format(count=fmt.integer(count)))

    def assign_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        from crm.ui.prospects.bulk import AssignDialog

        dialog = AssignDialog(
            len(rows),
            self.ui.users_in_scope(),
            self,
            unassign=self.ui.acting.may(Permission.REASSIGN_ANYONE),
        )
        if self.ui.user is not None:
            dialog.select(self.ui.user.id)
        dialog.chosen.connect(lambda code: self._assign([r.id for r in rows], code))
        self._open_dialog(dialog)

    def _assign(self, ids: list[str], code: str) -> None:
        from crm.ui.prospects.bulk import UNASSIGN

        rm_id = None if code == UNASSIGN else code
        rm = self.ui.user_by_id(rm_id)
        service = self.ui.services.prospects
        self.ui.tasks.write(
            self,
            lambda: service.assign(ids, rm_id),
            lambda n: self._assigned(ids, n, rm.display_name if rm else None),
        )

    def _assigned(self, ids: list[str], count: int, rm_name: str | None) -> None:
        if rm_name is None:
            self.message.emit(self.tr("Unassigned %Ln prospect(s)", "", count))
        else:
            self.message.emit(
                self.tr("Assigned %Ln prospect(s) to {rm}", "", count).format(rm=rm_name)
            )
        self.ui.events.prospectsChanged.emit(ids)

    def tag_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        from crm.ui.prospects.bulk import TagDialog

        dialog = TagDialog(len(rows), self)
        dialog.chosen.connect(lambda code: self._tag([r.id for r in rows], code))
        self._open_dialog(dialog)

    def _tag(self, ids: list[str], tag: str) -> None:
        service = self.ui.services.prospects
        self.ui.tasks.write(
            self, lambda: service.add_tag(ids, tag), lambda n: self._tagged(ids, n, tag)
        )

    def _tagged(self, ids: list[str], count: int, tag: str) -> None:
        self.message.emit(
            self.tr("Tagged %Ln prospect(s) as {tag}", "", count).format(tag=labels.tag(tag))
        )
        self.ui.events.prospectsChanged.emit(ids)

    def change_stage_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            from crm.ui.stages.dialog import MoveItem

            self.mover.request([MoveItem(r.id, r.name, r.stage) for r in rows])

    def _after_bulk(self, moved: list[str]) -> None:
        if moved:
            self.ui.events.prospectsChanged.emit(moved)

    def _row_menu(self, where: QPoint) -> None:
        index = self.table.indexAt(where)
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        menu = QMenu(self)
        menu.addAction(icon("open"), self.tr("Open"), lambda: self.openRequested.emit(row.id))
        menu.addAction(self.tr("Short name…"), lambda: self.edit_short_name(row))
        menu.popup(self.table.viewport().mapToGlobal(where))

    def edit_short_name(self, row: ProspectRow) -> None:
        from crm.ui.prospects.list_short_name import ShortNameDialog

        dialog = ShortNameDialog(self.ui, row, self)
        dialog.saved.connect(lambda pid: self.ui.events.prospectsChanged.emit([pid]))
        self._open_dialog(dialog)

    def _open_dialog(self, dialog: AssignDialog | TagDialog | ShortNameDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
