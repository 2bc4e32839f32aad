"""One column of the pipeline board: a stage's header with its count, cards, "Show more".

Dropping cards here asks to move them to this column's stage (``moveRequested``); the
board decides through the same flow as everywhere else. A right-click menu (and the
keyboard: Enter opens, the menu key offers "Move to") does the same without a mouse drag.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.stages import Stage
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext
from crm.ui.common.style import SURFACE
from crm.ui.pipeline.card_delegate import CardDelegate
from crm.ui.pipeline.card_model import ID_ROLE, MIME_TYPE, CardModel, decode
from crm.ui.stages.dialog import MoveItem

translate = QCoreApplication.translate


class CardList(QListView):
    """The cards; accepts cards dragged from other columns."""

    dropped = Signal(list)  # list[MoveItem]
    dragHover = Signal(bool)
    openRequested = Signal(str)
    menuRequested = Signal(QPoint)

    def __init__(self, stage: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.setObjectName("cardList")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(SURFACE))
        self.setPalette(palette)
        self.doubleClicked.connect(lambda index: self.openRequested.emit(str(index.data(ID_ROLE))))

    # -- receiving cards -------------------------------------------------------------------

    def _incoming(self, event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> list[MoveItem]:
        mime = event.mimeData()
        if mime is None or not mime.hasFormat(MIME_TYPE):
            return []
        return [i for i in decode(bytes(mime.data(MIME_TYPE).data())) if i.stage != self.stage]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._incoming(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.dragHover.emit(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._incoming(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.dragHover.emit(False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self.dragHover.emit(False)
        items = self._incoming(event)
        if not items:
            event.ignore()
            return
        # Copy, not move: the source column must not delete anything; the service decides
        # and both columns reload afterwards.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.dropped.emit(items)

    # -- keyboard and menu -----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.openRequested.emit(str(self.currentIndex().data(ID_ROLE)))
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self.indexAt(event.pos()).isValid() or self.selectionModel().hasSelection():
            self.menuRequested.emit(event.globalPos())


class StageColumn(QFrame):
    moveRequested = Signal(list, str)  # list[MoveItem], target stage
    openRequested = Signal(str)

    def __init__(
        self, ui: UiContext, stage: str, stalled_after: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.stage = stage
        self.total: int | None = None
        self.setObjectName("stageColumn")
        self.model = CardModel(ui, stage, stalled_after, self)
        self.model.loaded.connect(self._update_footer)
        self.model.rowsInserted.connect(lambda *_a: self._update_footer())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.setSpacing(4)
        header = QHBoxLayout()
        header.setContentsMargins(6, 0, 6, 0)
        bar = QFrame(self)
        bar.setFixedSize(4, 18)
        bar.setStyleSheet(f"background: {labels.STAGE_COLOURS[stage]}; border-radius: 2px;")
        header.addWidget(bar)
        self.title = QLabel(labels.stage(stage), self)
        self.title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        header.addWidget(self.title)
        header.addStretch(1)
        self.count = QLabel("…", self)
        self.count.setObjectName("countLabel")
        header.addWidget(self.count)
        layout.addLayout(header)

        self.list = CardList(stage, self)
        self.list.setModel(self.model)
        self.list.setItemDelegate(CardDelegate(ui.today, self.list))
        self.list.dropped.connect(lambda items: self.moveRequested.emit(items, self.stage))
        self.list.dragHover.connect(self._highlight)
        self.list.openRequested.connect(self.openRequested)
        self.list.menuRequested.connect(self._menu)
        layout.addWidget(self.list, 1)

        self.more = QPushButton(self)
        self.more.setFlat(True)
        self.more.clicked.connect(self.model.more)
        self.more.hide()
        layout.addWidget(self.more)

    def set_total(self, total: int) -> None:
        self.total = total
        self.count.setText(fmt.integer(total))
        self._update_footer()

    def selected_items(self) -> list[MoveItem]:
        rows = sorted(i.row() for i in self.list.selectionModel().selectedIndexes())
        return [self.model.item(r) for r in rows]

    def _update_footer(self) -> None:
        shown = self.model.count()
        more = not self.model.exhausted and self.total is not None and shown < self.total
        if more:
            self.more.setText(
                translate("StageColumn", "Show more ({shown} of {total})").format(
                    shown=fmt.integer(shown), total=fmt.integer(self.total or 0)
                )
            )
        self.more.setVisible(more)

    def _highlight(self, on: bool) -> None:
        self.setProperty("dropTarget", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def _menu(self, position: QPoint) -> None:
        items = self.selected_items()
        if not items:
            return
        menu = QMenu(self)
        if len(items) == 1:
            menu.addAction(
                translate("StageColumn", "Open"), lambda: self.openRequested.emit(items[0].id)
            )
        move = menu.addMenu(translate("StageColumn", "Move to"))
        for target in labels.STAGES:
            if target == Stage(self.stage):
                continue
            move.addAction(
                labels.stage_icon(target.value),
                labels.stage(target.value),
                lambda t=target.value: self.moveRequested.emit(items, t),
            )
        menu.popup(position)
