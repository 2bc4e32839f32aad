"""The page every report is printed on: letterhead, footer with "page x of y" and the time it
was made, a DRAFT / 草稿 watermark on drafts, and the paragraph styles (Chinese wraps).

One PDF may hold several reports (a day's visits in one file): each report starts with a
`ReportStart` marker that sets what its pages carry, and pages are numbered within their
own report ("page 2 of 3" of that visit), which is what a credit file needs when the batch
is split by hand. Page furniture is drawn when a page ends, once the page's report is known.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    TableStyle,
)
from reportlab.platypus import paragraph as _paragraph

from crm.reports.fonts import MONO, SANS, register_fonts
from crm.reports.text import markup

# Paragraphs look their font up when made, before any document is built.
register_fonts()

# Chinese punctuation never starts a line (it hangs at the end of the one before): ReportLab
# knows the Japanese marks only, and a line starting with "，" is a typesetting error.
_NO_LINE_START = "，；：！？、。）》」』】〕”’…"
for _module in (_paragraph, _textsplit):
    if _NO_LINE_START[0] not in _module.ALL_CANNOT_START:
        _module.ALL_CANNOT_START += _NO_LINE_START

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 27 * mm
MARGIN_BOTTOM = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#9aa5b1")
ACCENT = colors.HexColor("#8c1c13")  # a bank's red, for headings
SHADE = colors.HexColor("#f0f2f4")
GOOD = colors.HexColor("#1b7a3a")
BAD = colors.HexColor("#b42318")


@dataclass(frozen=True)
class PageInfo:
    """What the pages of one report carry."""

    key: int  # pages are numbered within their report
    bank: str
    branch: str
    title: str
    footer_left: str  # "Generated 2026-02-02 10:15 by 王芳"
    footer_note: str  # "ID and phone numbers partly hidden" or the disclosure
    page_label: str  # "Page {page} of {pages}" in the report's language
    watermark: str = ""  # "草稿 DRAFT" on drafts


class ReportStart(Flowable):  # type: ignore[misc]
    """A marker with no size: the pages from here on belong to this report."""

    def __init__(self, info: PageInfo) -> None:
        super().__init__()
        self.info = info
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._report_info = self.info


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds pages back until the end, so each can say how many pages its report has."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[tuple[dict[str, Any], PageInfo | None]] = []
        self._report_info: PageInfo | None = None

    def showPage(self) -> None:
        self._held.append((dict(self.__dict__), self._report_info))
        self._startPage()

    def save(self) -> None:
        totals: dict[int, int] = {}
        for _, info in self._held:
            if info is not None:
                totals[info.key] = totals.get(info.key, 0) + 1
        seen: dict[int, int] = {}
        for state, info in self._held:
            self.__dict__.update(state)
            if info is not None:
                seen[info.key] = seen.get(info.key, 0) + 1
                _page_number(self, info, seen[info.key], totals[info.key])
            Canvas.showPage(self)
        Canvas.save(self)


def _page_number(canvas: Canvas, info: PageInfo, page: int, pages: int) -> None:
    canvas.saveState()
    canvas.setFont(SANS, 8)
    canvas.setFillColor(MUTED)
    text = info.page_label.format(page=page, pages=pages)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X, MARGIN_BOTTOM - 9 * mm, text)
    canvas.restoreState()


def _furniture(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """Letterhead, footer and watermark of the page that just ended."""
    info: PageInfo | None = getattr(canvas, "_report_info", None)
    if info is None:
        return
    canvas.saveState()
    top = PAGE_HEIGHT - 12 * mm
    canvas.setFillColor(ACCENT)
    canvas.setFont(SANS, 12)
    canvas.drawString(MARGIN_X, top, info.bank)
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 8.5)
    canvas.drawString(MARGIN_X, top - 5 * mm, info.branch)
    canvas.setFillColor(INK)
    canvas.setFont(SANS, 10)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top, info.title)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.8)
    line_y = PAGE_HEIGHT - MARGIN_TOP + 4 * mm
    canvas.line(MARGIN_X, line_y, PAGE_WIDTH - MARGIN_X, line_y)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    foot_y = MARGIN_BOTTOM - 5 * mm
    canvas.line(MARGIN_X, foot_y, PAGE_WIDTH - MARGIN_X, foot_y)
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 8)
    canvas.drawString(MARGIN_X, foot_y - 4 * mm, info.footer_left)
    if info.footer_note:
        canvas.drawCentredString(PAGE_WIDTH / 2, foot_y - 4 * mm, info.footer_note)
    if info.watermark:
        canvas.setFillColor(colors.HexColor("#c0392b"))
        canvas.setFillAlpha(0.13)
        canvas.setFont(SANS, 72)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, -24, info.watermark)
    canvas.restoreState()


class LayoutStopped(Exception):
    """The caller's ``stop()`` said so while the story was being laid out."""


class _Document(BaseDocTemplate):  # type: ignore[misc]
    stop: Callable[[], bool] | None = None

    def afterFlowable(self, flowable: Flowable) -> None:
        if self.stop is not None and self.stop():
            raise LayoutStopped()


def build_pdf(
    story: Sequence[Flowable],
    *,
    title: str,
    author: str,
    subject: str = "",
    stop: Callable[[], bool] | None = None,
) -> bytes:
    """The story laid out on A4 pages with every report's furniture, as PDF bytes.
    ``stop()`` is asked after each flowable; when it says so, LayoutStopped is raised."""
    register_fonts()
    out = io.BytesIO()
    doc = _Document(
        out,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="FirstLoan CRM",
        # No base-14 font anywhere: the canvas starts in ours.
        initialFontName=SANS,
        initialFontSize=10,
        initialLeading=14,
        invariant=1,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="report", frames=[frame], onPageEnd=_furniture)])
    doc.stop = stop
    # A batch's layout holds hundreds of thousands of objects for tens of seconds, and each
    # full collection over them paused every thread, the app's window included, for up to
    # 2 s; the layout makes little cyclic garbage, so collections wait until it is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        doc.build(list(story), canvasmaker=NumberedCanvas)
    finally:
        if collecting:
            gc.enable()
    return out.getvalue()


# -- styles ------------------------------------------------------------------------------------


# Characters that wrap anywhere (Han, kana, full-width forms): text holding any of them is
# wrapped the CJK way; text without is wrapped at spaces, since ReportLab's CJK wrapping
# also cuts Latin words ("logistic|s") when the space to break at lies early in the line.
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_latin_styles: dict[str, ParagraphStyle] = {}


def latin(style: ParagraphStyle) -> ParagraphStyle:
    """The style wrapping at spaces only (for text without Chinese)."""
    found = _latin_styles.get(style.name)
    if found is None:
        found = ParagraphStyle(f"{style.name}_latin", parent=style, wordWrap=None)
        _latin_styles[style.name] = found
    return found


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text as a paragraph, wrapped as its script wants."""
    return Paragraph(markup(text), style if _CJK.search(text) else latin(style))


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A table's style in our font: a cell holding a plain string (even an empty one) is
    otherwise drawn in Helvetica, which would put a base-14 font in the PDF."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": SANS,
        "fontSize": 9.5,
        "leading": 13.5,
        "textColor": INK,
        "wordWrap": "CJK",
        "alignment": TA_LEFT,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)


class Styles:
    """The paragraph styles of every report (one set per process)."""

    title = _style("title", fontSize=17, leading=23, spaceAfter=2, textColor=INK)
    subtitle = _style("subtitle", fontSize=9.5, leading=13, textColor=MUTED, spaceAfter=6)
    heading = _style(
        "heading", fontSize=12, leading=16, textColor=ACCENT, spaceBefore=9, spaceAfter=4
    )
    subheading = _style("subheading", fontSize=10, leading=14, spaceBefore=4, spaceAfter=2)
    body = _style("body")
    small = _style("small", fontSize=8, leading=11, textColor=MUTED)
    label = _style("label", fontSize=8.5, leading=12, textColor=MUTED)
    cell = _style("cell", fontSize=8.5, leading=12)
    cell_right = _style("cell_right", fontSize=8.5, leading=12, alignment=TA_RIGHT)
    cell_center = _style("cell_center", fontSize=8.5, leading=12, alignment=TA_CENTER)
    header_cell = _style("header_cell", fontSize=8.5, leading=12, textColor=colors.white)
    header_right = _style(
        "header_right", fontSize=8.5, leading=12, textColor=colors.white, alignment=TA_RIGHT
    )
    long_label = _style(
        "long_label",
        fontSize=8.5,
        leading=12,
        textColor=MUTED,
        backColor=SHADE,
        borderPadding=(2, 3, 2, 3),
        spaceBefore=5,
        spaceAfter=3,
    )
    long_value = _style("long_value", leftIndent=3, spaceAfter=2)
    mono = _style("mono", fontName=MONO, fontSize=7.5, leading=10.5, wordWrap=None)
    notice = _style(
        "notice",
        fontSize=8.5,
        leading=12,
        textColor=MUTED,
        backColor=SHADE,
        borderPadding=(4, 5, 4, 5),
        spaceBefore=4,
        spaceAfter=6,
    )
