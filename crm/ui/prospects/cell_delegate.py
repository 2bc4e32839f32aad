"""Paints the prospect list's cells from laid-out text kept between paints.

The stock delegate lays out each cell's text (script runs, font fallback for the CJK
names, elision) on every paint, and asks the model seven roles through a C++ to Python
crossing first: for a screen of rows that is more than a frame's time while scrolling.
Most cells repeat a few texts (stages, RMs, districts, industries, days), so here
each (text, width) is elided and laid out once into a ``QStaticText`` and drawn from then
on. Where each part of a cell goes (panel, dot, text) is asked of the style once per column
shape, so a cell looks as the stock delegate would draw it.

The table's paint event hands the whole exposed area to ``paint_view`` (one Python call a
frame instead of one per cell, ~180 a screen); ``paint`` stays for Qt's own painting
(a disabled list, a grid) and for other callers. Tests compare both with Qt's own pictures.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QIcon,
    QPainter,
    QPalette,
    QStaticText,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

Index = QModelIndex | QPersistentModelIndex

# Enough for every repeated label and many screens of names. When full, the oldest few
# hundred go (insertion order): dropping all at once would free thousands of layouts and
# lay out a whole screen again in one frame.
CACHE_LIMIT = 6000
EVICT = 400

_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewItem
# Plain ints: an enum flag's & runs in Python, a cost paid per painted cell.
_SELECTED = QStyle.StateFlag.State_Selected.value
_FOCUS = QStyle.StateFlag.State_HasFocus.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ICON_SELECTED = QIcon.Mode.Selected
_ICON_NORMAL = QIcon.Mode.Normal
_INVALIDATING = frozenset(
    {
        QEvent.Type.FontChange,
        QEvent.Type.StyleChange,
        QEvent.Type.PaletteChange,
        QEvent.Type.LanguageChange,
    }
)
_ELIDE = Qt.TextElideMode.ElideRight
_CENTRE = Qt.AlignmentFlag.AlignCenter

# What the model gives for a cell: its text, whether it is muted (no RM, never contacted)
# and the stage whose dot it shows (None for all but the stage column).
Cell = tuple[str, bool, str | None]


class _Shape:
    """Where text and dot go in a cell of one column at one size, relative to its corner."""

    __slots__ = ("dot", "text_top", "text_width", "text_x")

    def __init__(self, dot: QRect | None, text: QRect, text_top: int) -> None:
        self.dot = dot
        self.text_x = text.x()
        self.text_top = text_top
        self.text_width = text.width()


class ProspectCellDelegate(QStyledItemDelegate):
    """Draws the list's cells; editing, size hints and tooltips stay the base class's.

    ``paint`` runs for every cell of every frame, so it reads each option attribute once
    and keeps the style and the palette's colours between calls (a change of either is
    caught by the event filter).
    """

    def __init__(
        self,
        view: QAbstractItemView,
        cell: Callable[[int, int], Cell],
        dot: Callable[[str], QIcon],
        muted: QColor,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._cell = cell
        self._dot = dot
        self._muted = muted
        self._texts: dict[tuple[str, int], QStaticText] = {}
        self._shapes: dict[tuple[int, int, int], _Shape] = {}
        self._style = view.style()
        self._colours = self._read_colours()
        self._font = QFont(view.font())
        self._metrics = QFontMetrics(self._font)
        view.installEventFilter(self)

    def clear(self) -> None:
        """Forget laid-out text, shapes, style and colours (something they hang on changed)."""
        self._texts.clear()
        self._shapes.clear()
        self._style = self._view.style()
        self._colours = self._read_colours()
        self._font = QFont(self._view.font())
        self._metrics = QFontMetrics(self._font)

    def _read_colours(self) -> tuple[QColor, QColor, QColor, QColor]:
        """Text and selected text, each in an active and in an inactive window."""
        palette = self._view.palette()
        role, group = QPalette.ColorRole, QPalette.ColorGroup
        return (
            palette.color(group.Inactive, role.Text),
            palette.color(group.Normal, role.Text),
            palette.color(group.Inactive, role.HighlightedText),
            palette.color(group.Normal, role.HighlightedText),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INVALIDATING:
            self.clear()
        return False

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        state = option.state.value
        if state & _FOCUS or not state & _ENABLED:
            # The focused cell (one at most) and a disabled list: the stock path draws the
            # focus frame and the disabled colours exactly.
            super().paint(painter, option, index)
            return
        col = index.column()
        text, muted, stage = self._cell(index.row(), col)
        rect = option.rect
        # Background: selection, alternate rows and hover, as the style draws them.
        self._style.drawPrimitive(_PANEL, option, painter, self._view)
        width, height = rect.width(), rect.height()
        shape = self._shapes.get((col, width, height))
        if shape is None:
            shape = self._shapes[(col, width, height)] = self._measure(option, index)
        selected = state & _SELECTED != 0
        if muted and not selected:
            pen = self._muted
        else:
            # 0..3: inactive or active window, plain or selected text.
            pen = self._colours[(state & _ACTIVE != 0) + 2 * selected]
        # A static text is drawn in the painter's font, which need not be the view's.
        painter.setFont(self._font)
        self._draw(painter, rect.x(), rect.y(), shape, text, stage, selected, pen)

    def _draw(
        self,
        painter: QPainter,
        x: int,
        y: int,
        shape: _Shape,
        text: str,
        stage: str | None,
        selected: bool,
        pen: QColor,
    ) -> None:
        """A cell's dot and text over its background, at (x, y)."""
        if stage is not None and shape.dot is not None:
            mode = _ICON_SELECTED if selected else _ICON_NORMAL
            self._dot(stage).paint(painter, shape.dot.translated(x, y), _CENTRE, mode)
        if text:
            laid = self._texts.get((text, shape.text_width))
            if laid is None:
                laid = self._lay_out(text, shape.text_width)
            painter.setPen(pen)
            painter.drawStaticText(x + shape.text_x, y + shape.text_top, laid)

    # -- the whole view in one call ---------------------------------------------------------

    def can_paint_view(self) -> bool:
        """Whether ``paint_view`` draws the view as Qt would (the usual case): a disabled
        or right-to-left view, a grid or wrapped text go through Qt's own painting."""
        view = self._view
        return (
            isinstance(view, QTableView)
            and view.isEnabled()
            and not view.showGrid()
            and not view.wordWrap()
            and not view.isRightToLeft()
            and view.model() is not None
        )

    def paint_view(self, painter: QPainter, exposed: QRect) -> None:
        """Draws the rows under ``exposed``: one Python call a frame, not one a cell.

        What QTableView's paint event does for this list, done here: each row's
        background (selected, alternate), then each visible column's dot and text from the
        laid-out text; the focused cell goes through the stock delegate.
        """
        view = self._view
        assert isinstance(view, QTableView)
        model = view.model()
        count = model.rowCount()
        first = view.rowAt(exposed.top())
        if count == 0 or first < 0:
            return
        last = view.rowAt(exposed.bottom())
        last = count - 1 if last < 0 else last
        header = view.horizontalHeader()
        columns: list[tuple[int, int, int]] = []
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            if header.isSectionHidden(logical):
                continue
            x, width = view.columnViewportPosition(logical), view.columnWidth(logical)
            if x + width > exposed.left() and x <= exposed.right():
                columns.append((logical, x, width))
        if not columns:
            return
        left = min(x for _col, x, _w in columns)
        span = max(x + w for _col, x, w in columns) - left
        active = view.isActiveWindow()
        palette = view.palette()
        group = QPalette.ColorGroup.Normal if active else QPalette.ColorGroup.Inactive
        highlight = palette.color(group, QPalette.ColorRole.Highlight)
        alternate = (
            palette.color(group, QPalette.ColorRole.AlternateBase)
            if view.alternatingRowColors()
            else None
        )
        plain_pen = self._colours[1 if active else 0]
        selected_pen = self._colours[3 if active else 2]
        selection = view.selectionModel()
        root = QModelIndex()
        current = view.currentIndex()
        focus_at = (
            (current.row(), current.column())
            if current.isValid() and (view.hasFocus() or view.viewport().hasFocus())
            else None
        )
        cell, shapes, draw = self._cell, self._shapes, self._draw
        painter.setFont(self._font)
        y = view.rowViewportPosition(first)
        for row in range(first, last + 1):
            height = view.rowHeight(row)
            whole = selection.isRowSelected(row, root)
            if whole:
                painter.fillRect(left, y, span, height, highlight)
            elif alternate is not None and row & 1:
                painter.fillRect(left, y, span, height, alternate)
            some = not whole and selection.rowIntersectsSelection(row, root)
            for col, x, width in columns:
                if focus_at is not None and focus_at == (row, col):
                    self._paint_stock(painter, model.index(row, col), QRect(x, y, width, height))
                    painter.setFont(self._font)
                    continue
                selected = whole or (some and selection.isSelected(model.index(row, col)))
                if some and selected:
                    painter.fillRect(x, y, width, height, highlight)
                text, muted, stage = cell(row, col)
                shape = shapes.get((col, width, height))
                if shape is None:
                    shape = self._measure_at(model.index(row, col), QRect(x, y, width, height))
                    shapes[(col, width, height)] = shape
                pen = selected_pen if selected else (self._muted if muted else plain_pen)
                draw(painter, x, y, shape, text, stage, selected, pen)
            y += height

    def _view_option(self, index: QModelIndex, rect: QRect) -> QStyleOptionViewItem:
        """The option QTableView would give the delegate for ``index`` at ``rect``."""
        view = self._view
        assert isinstance(view, QTableView)
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = rect
        state = option.state
        if view.isActiveWindow():
            state |= QStyle.StateFlag.State_Active
        if view.selectionModel().isSelected(index):
            state |= QStyle.StateFlag.State_Selected
        current = view.currentIndex()
        if index == current and (view.hasFocus() or view.viewport().hasFocus()):
            state |= QStyle.StateFlag.State_HasFocus
        option.state = state
        if view.alternatingRowColors() and index.row() & 1:
            option.features |= QStyleOptionViewItem.ViewItemFeature.Alternate
        return option

    def _paint_stock(self, painter: QPainter, index: QModelIndex, rect: QRect) -> None:
        QStyledItemDelegate.paint(self, painter, self._view_option(index, rect), index)

    def _measure_at(self, index: QModelIndex, rect: QRect) -> _Shape:
        return self._measure(self._view_option(index, rect), index)

    def _measure(self, option: QStyleOptionViewItem, index: Index) -> _Shape:
        """Asks the style where a cell's parts go, as the stock delegate would."""
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        style, widget = self._view.style(), self._view
        corner = full.rect.topLeft()
        text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, full, widget)
        dot: QRect | None = None
        if full.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration:
            dot = style.subElementRect(QStyle.SubElement.SE_ItemViewItemDecoration, full, widget)
            dot = dot.translated(-corner.x(), -corner.y())
        # The style keeps a margin inside the text rectangle (the focus frame's, plus one).
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        text = text.adjusted(margin, 0, -margin, 0).translated(-corner.x(), -corner.y())
        # One line, centred as the style centres a text layout: by its ascent plus descent,
        # rounded up.
        metrics = QFontMetricsF(full.font)
        line = math.ceil(metrics.ascent() + metrics.descent())
        top = text.y() + (text.height() - line) // 2
        return _Shape(dot, text, top)

    def _lay_out(self, text: str, width: int) -> QStaticText:
        if len(self._texts) >= CACHE_LIMIT:
            for old in list(itertools.islice(self._texts, EVICT)):
                del self._texts[old]
        laid = QStaticText(self._metrics.elidedText(text, _ELIDE, width))
        laid.setTextFormat(Qt.TextFormat.PlainText)
        laid.prepare(font=self._font)
        self._texts[(text, width)] = laid
        return laid
