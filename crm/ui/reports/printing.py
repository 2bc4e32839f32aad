"""Printing a report: its PDF's pages rendered by QtPdf at the printer's resolution and
painted on the printer one by one, each fitted to the paper.

``print_pdf`` runs on a worker (Qt paints on a QPrinter off the UI thread as it does on a
QImage) and opens its own QPdfDocument over the bytes, so nothing the window shows is
touched by it. The paper is the whole sheet (``fullPage``): a report has its own margins,
so a page prints at its size on A4, and shrinks to fit on smaller paper.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

# Above this, a page's image only grows (an A4 page at 600 dpi is already 140 MB of pixels)
# without the print looking any different: text on paper is sharp at 600 dpi.
MAX_DPI = 600
# Rows of a page's image given to the printer at a time (see _paint).
BAND_ROWS = 512


def pages_to_print(printer: QPrinter, count: int, current: int) -> list[int]:
    """The (0-based) pages the print dialog asked for: all, a range, or the page shown."""
    chosen = printer.printRange()
    if chosen == QPrinter.PrintRange.CurrentPage:
        return [min(max(current, 0), count - 1)] if count else []
    if chosen == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = printer.fromPage() - 1
        last = min(printer.toPage() or count, count) - 1
        return list(range(first, last + 1))
    return list(range(count))


def print_pdf(
    data: bytes,
    printer: QPrinter,
    *,
    current: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Print the PDF ``data`` on ``printer``; returns the pages printed (0 when the printer
    could not be started or the PDF not read); ``progress(done, total)`` after each page."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    try:
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
            return 0
        pages = pages_to_print(printer, document.pageCount(), current)
        if not pages:
            return 0
        # Copies the printer cannot make itself are printed one after another (collated).
        copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
        sheets = [p for _copy in range(copies) for p in pages]
        printer.setFullPage(True)
        _orient(printer, document, sheets[0])
        painter = QPainter()
        if not painter.begin(printer):
            return 0
        printed = 0
        try:
            for n, page in enumerate(sheets):
                if n:
                    _orient(printer, document, page)
                    printer.newPage()
                _paint(painter, printer, document, page)
                printed += 1
                if progress is not None:
                    progress(printed, len(sheets))
        finally:
            painter.end()
        return printed
    finally:
        document.close()
        buffer.close()


def _orient(printer: QPrinter, document: QPdfDocument, page: int) -> None:
    size = document.pagePointSize(page)
    landscape = size.width() > size.height()
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )


def _paint(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int) -> None:
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    points = document.pagePointSize(page)
    dpi = min(printer.resolution(), MAX_DPI)
    image = _page_image(document, page, dpi)
    # The page at its size on the paper (72 points an inch), or smaller to fit it, centred.
    device_dpi = printer.resolution()
    width = points.width() * device_dpi / 72
    height = points.height() * device_dpi / 72
    scale = min(1.0, paper.width() / width, paper.height() / height)
    width, height = width * scale, height * scale
    left = (paper.width() - width) / 2
    top = (paper.height() - height) / 2
    # Drawn in bands: the printer's engine compresses each image it is given while Python
    # waits (a whole page at 600 dpi holds the UI thread for seconds); between bands the UI
    # runs. Each band overlaps the next by a row, so no hairline shows between them.
    per_row = height / image.height()
    for first in range(0, image.height(), BAND_ROWS):
        rows = min(BAND_ROWS + 1, image.height() - first)
        painter.drawImage(
            QRectF(left, top + first * per_row, width, rows * per_row),
            image,
            QRectF(0, first, image.width(), rows),
        )


def _page_image(document: QPdfDocument, page: int, dpi: int) -> QImage:
    """The page at ``dpi`` on white (QtPdf leaves the page's background transparent, which
    a printer's engine would carry as a mask beside every image)."""
    points = document.pagePointSize(page)
    size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    rendered = document.render(page, size)
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    composer = QPainter(image)
    composer.drawImage(0, 0, rendered)
    composer.end()
    return image
