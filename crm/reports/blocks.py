"""Pieces every report is built of: a cell of text, a section heading, a table whose header
repeats on each page it runs onto."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table

from crm.reports.document import CONTENT_WIDTH, INK, RULE, SHADE, Styles, para, table_style
from crm.reports.text import DASH


def cell(text: str, style: ParagraphStyle = Styles.cell) -> Paragraph:
    """Plain text in a paragraph (so it wraps, Chinese included); a dash when empty."""
    return para(text or DASH, style)


def heading(text: str) -> list[Flowable]:
    # A heading never ends a page on its own: keep room for a few lines after it.
    return [CondPageBreak(28 * mm), para(text, Styles.heading)]


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    fractions: Sequence[float],
    *,
    right: Sequence[int] = (),
) -> Table:
    """A table with a coloured header row repeated on every page it runs onto; columns
    take the given fractions of the page's width, those in ``right`` align right."""
    widths = [CONTENT_WIDTH * f for f in fractions]
    head = [
        para(h, Styles.header_right if i in right else Styles.header_cell)
        for i, h in enumerate(header)
    ]
    body = [
        [
            value
            if isinstance(value, Flowable)
            else cell(value, Styles.cell_right if i in right else Styles.cell)
            for i, value in enumerate(row)
        ]
        for row in rows
    ]
    table = Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SHADE]),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
