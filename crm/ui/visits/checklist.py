"""Financial-literacy checklist (固本强基) widgets: progress and ticking items in a visit.

For other pages:

- ``ChecklistProgressView`` shows a prospect's progress per area (the prospect page);
  feed it ``VisitService.checklist_progress(prospect_id)`` (or ``ProspectVisitsPanel``
  does it all).
- ``paint_checklist_bar(painter, rect, done, total)`` draws the compact bar a pipeline card
  can carry; get ``(done, total)`` for a page of cards with one call to
  ``VisitService.checklist_progress_many(ids)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from crm.domain.visits import ChecklistProgress, ChecklistTemplate
from crm.ui.common import fmt
from crm.ui.common.labels import lang

DONE_COLOUR = QColor("#1f9254")
TRACK_COLOUR = QColor("#e3e7ed")
TEXT_COLOUR = QColor("#5f6b7a")


def area_name(name_zh: str, name_en: str) -> str:
    return name_zh if lang() == "zh_CN" else name_en


def paint_checklist_bar(
    painter: QPainter, rect: QRect | QRectF, done: int, total: int, *, label: bool = True
) -> None:
    """A thin bar with the share of items covered, and "6/19" after it (for card delegates)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = QRectF(rect)
    text_width = 0.0
    if label:
        font = QFont(painter.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        painter.setFont(font)
        text = f"{done}/{total}"
        text_width = painter.fontMetrics().horizontalAdvance(text) + 6.0
        painter.setPen(TEXT_COLOUR)
        painter.drawText(
            QRectF(box.right() - text_width + 6, box.top(), text_width, box.height()),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            text,
        )
    height = min(6.0, box.height())
    track = QRectF(box.left(), box.center().y() - height / 2, box.width() - text_width, height)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(TRACK_COLOUR)
    painter.drawRoundedRect(track, height / 2, height / 2)
    if total > 0 and done > 0:
        filled = QRectF(track)
        filled.setWidth(track.width() * min(done, total) / total)
        painter.setBrush(DONE_COLOUR)
        painter.drawRoundedRect(filled, height / 2, height / 2)
    painter.restore()


class ChecklistBar(QWidget):
    """``paint_checklist_bar`` as a small widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.done = 0
        self.total = 0

    def set_counts(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self.setToolTip(
            self.tr("Financial-literacy checklist: {done} of {total} items covered").format(
                done=done, total=total
            )
        )
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(140, 16)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_checklist_bar(painter, self.rect(), self.done, self.total)
        painter.end()


class ChecklistProgressView(QWidget):
    """Progress in each of the four areas, as labelled bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.bars: list[QProgressBar] = []

    def set_progress(self, progress: ChecklistProgress) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.bars = []
        for row, area in enumerate(progress.areas):
            name = QLabel(area_name(area.area.name_zh, area.area.name_en), self)
            name.setWordWrap(True)
            bar = QProgressBar(self)
            bar.setRange(0, max(area.total, 1))
            bar.setValue(area.done)
            bar.setFormat(f"{area.done}/{area.total}")
            bar.setMaximumHeight(16)
            bar.setMinimumWidth(90)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(bar, row, 1)
            self.bars.append(bar)


class ChecklistEditor(QTreeWidget):
    """The checklist inside a visit form: items covered earlier are shown ticked and fixed;
    the ones covered in this visit are ticked here."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels([self.tr("Item"), self.tr("Covered")])
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(False)
        self.setUniformRowHeights(True)
        self.setWordWrap(False)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._fixed: set[str] = set()
        self.itemChanged.connect(self._item_changed)

    def set_data(
        self,
        template: ChecklistTemplate,
        covered_before: dict[str, date],
        ticked: Iterable[str],
        *,
        read_only: bool = False,
    ) -> None:
        self.blockSignals(True)
        self.clear()
        self._items = {}
        self._fixed = set(covered_before)
        wanted = set(ticked)
        for area in template.areas:
            parent = QTreeWidgetItem(self, [area_name(area.name_zh, area.name_en), ""])
            font = QFont(parent.font(0))
            font.setBold(True)
            parent.setFont(0, font)
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for item in template.items_of(area.code):
                text = item.text_zh if lang() == "zh_CN" else item.text_en
                child = QTreeWidgetItem(parent, [text, ""])
                child.setToolTip(0, text)
                child.setData(0, Qt.ItemDataRole.UserRole, item.code)
                if item.code in covered_before:
                    child.setCheckState(0, Qt.CheckState.Checked)
                    child.setFlags(Qt.ItemFlag.NoItemFlags)
                    child.setText(1, fmt.day(covered_before[item.code]))
                else:
                    checked = item.code in wanted
                    child.setCheckState(
                        0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                    )
                    flags = Qt.ItemFlag.ItemIsEnabled
                    if not read_only:
                        flags |= Qt.ItemFlag.ItemIsUserCheckable
                    child.setFlags(flags)
                    if checked:
                        child.setText(1, self.tr("this visit"))
                self._items[item.code] = child
            self._update_area(parent)
        self.expandAll()
        self.blockSignals(False)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Tall enough for every row, with no scroll bars of its own: in the visit dialog
        the one scroll area around the whole form scrolls (a list scrolling inside a page
        that scrolls is hard to use on a laptop's touchpad)."""
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.topLevelItemCount() + len(self._items)
        first = self.topLevelItem(0)
        row = self.indexRowSizeHint(self.indexFromItem(first)) if first is not None else 0
        height = rows * max(row, self.fontMetrics().height() + 4)
        self.setFixedHeight(height + self.header().sizeHint().height() + 2 * self.frameWidth())

    def ticked(self) -> tuple[str, ...]:
        """Items ticked in this visit (not the ones covered earlier)."""
        return tuple(
            sorted(
                code
                for code, item in self._items.items()
                if code not in self._fixed and item.checkState(0) == Qt.CheckState.Checked
            )
        )

    def set_ticked(self, code: str, ticked: bool) -> None:
        item = self._items.get(code)
        if item is not None and code not in self._fixed:
            item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 0 or item.parent() is None:
            return
        self.blockSignals(True)
        checked = item.checkState(0) == Qt.CheckState.Checked
        item.setText(1, self.tr("this visit") if checked else "")
        parent = item.parent()
        if parent is not None:
            self._update_area(parent)
        self.blockSignals(False)
        self.changed.emit()

    def _update_area(self, parent: QTreeWidgetItem) -> None:
        total = parent.childCount()
        children = (parent.child(n) for n in range(total))
        done = len([c for c in children if c and c.checkState(0) == Qt.CheckState.Checked])
        parent.setText(1, f"{done}/{total}")
