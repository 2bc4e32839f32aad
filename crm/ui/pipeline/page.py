"""The pipeline board: 无贷户 / 首贷户 / 战略客户 / 已退出, cards dragged between columns.

The counts come from one grouped query; each column loads its own first page, stalled cards
(no stage change and no contact for head office's number of days) first and then the
longest in the stage, or in the order the sort box names. Filters: search, RM and source
list, as in the prospect list.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from crm.domain.query import ProspectFilter
from crm.services import reference
from crm.ui.common import labels
from crm.ui.common.context import UiContext
from crm.ui.common.filter_bar import FilterBar
from crm.ui.pipeline.card_model import CardOrder
from crm.ui.pipeline.column import StageColumn
from crm.ui.shell.page import Page
from crm.ui.stages.dialog import MoveItem
from crm.ui.stages.mover import StageMover


class PipelinePage(Page):
    key = "pipeline"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.setObjectName("pipelinePage")
        self.stalled_after = reference.stalled_days()
        self._generation = 0
        self._stale = False
        self.mover = StageMover(ui, self)
        self.mover.moved.connect(self._after_move)
        self.mover.message.connect(self.message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel(self.title(), self)
        title.setObjectName("pageTitle")
        top.addWidget(title)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("countLabel")
        top.addWidget(self.total_label)
        top.addStretch(1)
        legend = QLabel(
            f"<span style='color:{labels.STALLED_COLOUR}'>■</span> "
            + self.tr("Stalled: no stage change and no contact for {days} days").format(
                days=self.stalled_after
            ),
            self,
        )
        legend.setProperty("muted", True)
        legend.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(legend)
        top.addSpacing(12)
        sort_label = QLabel(self.tr("Sort:"), self)
        top.addWidget(sort_label)
        self.sort_box = QComboBox(self)
        self.sort_box.setObjectName("boardSort")
        for order, text in (
            (CardOrder.STALLED, self.tr("Stalled first")),
            (CardOrder.LONGEST, self.tr("Longest in stage")),
            (CardOrder.RECENT, self.tr("Recently moved")),
            (CardOrder.NAME, self.tr("Name")),
        ):
            self.sort_box.addItem(text, order.value)
        self.sort_box.setToolTip(self.tr("The order of the cards in every column"))
        sort_label.setBuddy(self.sort_box)
        self.sort_box.currentIndexChanged.connect(lambda _i: self._sort_changed())
        top.addWidget(self.sort_box)
        layout.addLayout(top)

        self.filters = FilterBar(ui, ("search", "rm", "source"), self)
        self.filters.filterChanged.connect(self.reload)
        layout.addWidget(self.filters)

        board = QHBoxLayout()
        board.setSpacing(10)
        self.columns: dict[str, StageColumn] = {}
        for stage in labels.STAGES:
            column = StageColumn(ui, stage.value, self.stalled_after, self)
            column.moveRequested.connect(self.request_move)
            column.openRequested.connect(self.openProspect)
            board.addWidget(column, 1)
            self.columns[stage.value] = column
        layout.addLayout(board, 1)
        hint = QLabel(
            self.tr(
                "Drag a card to another column to move it; double-click to open. "
                "Right-click for more."
            ),
            self,
        )
        hint.setProperty("muted", True)
        layout.addWidget(hint)
        ui.events.prospectsChanged.connect(self._data_changed)

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("Navigation", "Pipeline")

    def start(self) -> None:
        self.reload()

    def focus_search(self) -> None:
        self.filters.focus_search()

    # -- loading ---------------------------------------------------------------------------

    def set_order(self, order: CardOrder) -> None:
        self.sort_box.setCurrentIndex(self.sort_box.findData(order.value))

    def _sort_changed(self) -> None:
        order = CardOrder(self.sort_box.currentData())
        for column in self.columns.values():
            column.model.order = order
        self.reload()

    def current_filter(self) -> ProspectFilter:
        return self.filters.current()

    def reload(self, keep_shown: bool = False) -> None:
        flt = self.current_filter()
        self._generation += 1
        generation = self._generation
        service = self.ui.services.prospects
        self.ui.tasks.read(
            self, lambda: service.stage_counts(flt), lambda counts: self._counts(generation, counts)
        )
        for column in self.columns.values():
            column.model.load(flt, keep=column.model.count() if keep_shown else 0)

    def _counts(self, generation: int, counts: dict[str, int]) -> None:
        if generation != self._generation:
            return
        for stage, column in self.columns.items():
            column.set_total(counts.get(stage, 0))
        total = sum(counts.values())
        self.total_label.setText(self.tr("%Ln prospect(s)", "", total))

    def _data_changed(self, _ids: list[str]) -> None:
        if self.isVisible():
            self.reload(keep_shown=True)
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload(keep_shown=True)

    # -- moving ----------------------------------------------------------------------------

    def request_move(self, items: list[MoveItem], target: str) -> None:
        """What a drop (or the Move to menu) does: ask for the move through the gates."""
        self.mover.request(items, target)

    def _after_move(self, moved: list[str]) -> None:
        if moved:
            self.ui.events.prospectsChanged.emit(moved)
