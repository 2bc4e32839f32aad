"""The Team page's charts (QtCharts): a bar per stage, the funnel's steps, and each RM's
visits done against due. A click on a bar asks for the prospects behind it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

CHART_HEIGHT = 230


class BarChart(QChartView):
    """Bars by category, one or more sets; ``barClicked(set, index)`` on a click."""

    barClicked = Signal(int, int)

    def __init__(self, horizontal: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontal = horizontal
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(CHART_HEIGHT)
        self.setMaximumHeight(CHART_HEIGHT + 40)
        chart = QChart()
        chart.setBackgroundRoundness(4)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setChart(chart)
        self.sets: list[QBarSet] = []
        self.count = 0

    def show_bars(
        self,
        categories: Sequence[str],
        sets: Sequence[tuple[str, str, Sequence[int]]],
    ) -> None:
        """``sets``: (name, colour, a value per category)."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        series = QHorizontalBarSeries() if self.horizontal else QBarSeries()
        self.sets = []
        self.count = len(categories)
        top = 0
        for number, (name, colour, values) in enumerate(sets):
            bar = QBarSet(name)
            bar.setColor(QColor(colour))
            shown = list(reversed(values)) if self.horizontal else list(values)
            bar.append([float(v) for v in shown])
            bar.clicked.connect(lambda index, n=number: self._clicked(n, index))
            series.append(bar)
            self.sets.append(bar)
            top = max(top, *values, 0)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        names = QBarCategoryAxis()
        # Reversed on a horizontal chart so the first category is on top.
        names.append(list(reversed(categories)) if self.horizontal else list(categories))
        values_axis = QValueAxis()
        step = _step(top)
        values_axis.setRange(0, step * (top // step + 1))
        values_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        values_axis.setTickAnchor(0)
        values_axis.setTickInterval(step)
        values_axis.setLabelFormat("%d")
        category_side = (
            Qt.AlignmentFlag.AlignLeft if self.horizontal else Qt.AlignmentFlag.AlignBottom
        )
        value_side = Qt.AlignmentFlag.AlignBottom if self.horizontal else Qt.AlignmentFlag.AlignLeft
        chart.addAxis(names, category_side)
        chart.addAxis(values_axis, value_side)
        series.attachAxis(names)
        series.attachAxis(values_axis)
        chart.legend().setVisible(len(sets) > 1)

    def _clicked(self, number: int, index: int) -> None:
        # A horizontal chart shows its categories from the last up (see show_bars).
        self.barClicked.emit(number, self.count - 1 - index if self.horizontal else index)


def _step(top: int) -> int:
    """A whole, round step between the value axis's ticks: about four of them up to ``top``."""
    rough = max(1, top // 4)
    scale = 1
    while scale * 10 <= rough:
        scale *= 10
    return next(m * scale for m in (1, 2, 5, 10) if m * scale >= rough)
