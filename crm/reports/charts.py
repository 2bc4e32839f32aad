"""The pipeline report's charts, drawn with ReportLab graphics in the report's own font.

Every label (axes, bars, legends, captions) names the CJK font: a chart left to its
defaults writes in Helvetica, a base-14 font that is never embedded.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Polygon, String
from reportlab.lib import colors

from crm.reports.document import ACCENT, INK, MUTED, RULE
from crm.reports.fonts import SANS

SERIES = (colors.HexColor("#8c1c13"), colors.HexColor("#9aa5b1"), colors.HexColor("#3e6e8e"))
FUNNEL_COLOURS = (
    colors.HexColor("#3e6e8e"),
    colors.HexColor("#8c1c13"),
    colors.HexColor("#c9a227"),
)


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose initial state is our font: the renderer otherwise sets Helvetica
    before the first label, and that alone puts the unembedded font in the PDF."""
    drawing = Drawing(width, height)
    drawing.initialFontName = SANS
    drawing.initialFontSize = 8
    return drawing


def _axis_fonts(chart: HorizontalBarChart | VerticalBarChart, size: float = 7.5) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = SANS
        axis.labels.fontSize = size
        axis.labels.fillColor = INK
        axis.strokeColor = RULE
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e4e7eb")
    chart.valueAxis.visibleGrid = True
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = size
    chart.barLabels.fillColor = INK


def _nice_max(value: int) -> int:
    """A round top for a value axis a little above ``value``."""
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value * 1.12:
            return top
    return value * 2


def horizontal_bars(
    labels: Sequence[str], values: Sequence[int], width: float, *, colour: colors.Color = ACCENT
) -> Drawing:
    """One bar per label, its value written at its end."""
    bar_height = 16
    height = max(50, bar_height * len(labels) + 30)
    drawing = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 90, 18
    chart.width, chart.height = width - 130, height - 28
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(max(values, default=0))
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.bars[0].fillColor = colour
    chart.bars.strokeColor = None
    chart.barLabelFormat = "{:,.0f}".format
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    _axis_fonts(chart)
    drawing.add(chart)
    return drawing


def grouped_bars(
    labels: Sequence[str],
    series: Sequence[Sequence[int]],
    names: Sequence[str],
    width: float,
    height: float = 170,
) -> Drawing:
    """Bars side by side per label (e.g. visits due and done per RM), with a legend."""
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 45
    chart.width, chart.height = width - 55, height - 70
    chart.data = [list(s) for s in series]
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.angle = 35 if len(labels) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 8 else "n"
    chart.categoryAxis.labels.dy = -2
    top = max((v for s in series for v in s), default=0)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(top)
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.bars.strokeColor = None
    chart.groupSpacing = 6
    chart.barSpacing = 1
    for n in range(len(series)):
        chart.bars[n].fillColor = SERIES[n % len(SERIES)]
    _axis_fonts(chart, 7)
    if len(labels) <= 8:
        chart.barLabelFormat = "{:,.0f}".format
        chart.barLabels.nudge = 6
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, height - 6
    legend.fontName = SANS
    legend.fontSize = 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 80
    legend.colorNamePairs = [(SERIES[n % len(SERIES)], name) for n, name in enumerate(names)]
    legend.dxTextSpace = 4
    legend.boxAnchor = "nw"
    legend.strokeColor = None
    drawing.add(legend)
    return drawing


def funnel(steps: Sequence[tuple[str, int]], rates: Sequence[str], width: float) -> Drawing:
    """Stacked trapezia, each as wide as its count against the first; the conversion
    from the step above is written between them."""
    step_height, gap = 30, 16
    height = len(steps) * step_height + (len(steps) - 1) * gap + 10
    drawing = _drawing(width, height)
    widest = max((n for _, n in steps), default=0) or 1
    centre = width * 0.42
    full = width * 0.6
    minimum = 28.0
    y = height - 5
    previous: float | None = None
    for n, (label, count) in enumerate(steps):
        top_width = previous if previous is not None else max(minimum, full * count / widest)
        bottom_width = max(minimum, full * count / widest)
        top_width = max(top_width, bottom_width)
        colour = FUNNEL_COLOURS[n % len(FUNNEL_COLOURS)]
        drawing.add(
            Polygon(
                [
                    centre - top_width / 2,
                    y,
                    centre + top_width / 2,
                    y,
                    centre + bottom_width / 2,
                    y - step_height,
                    centre - bottom_width / 2,
                    y - step_height,
                ],
                fillColor=colour,
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                centre + full / 2 + 12,
                y - step_height / 2 - 3,
                f"{label}  {count:,}",
                fontName=SANS,
                fontSize=9,
                fillColor=INK,
            )
        )
        if n < len(rates) and rates[n]:
            drawing.add(
                String(
                    centre + full / 2 + 12,
                    y + gap / 2 - 3,
                    rates[n],
                    fontName=SANS,
                    fontSize=7.5,
                    fillColor=MUTED,
                )
            )
        previous = bottom_width
        y -= step_height + gap
    return drawing
