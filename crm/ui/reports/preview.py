"""A report before it is printed or saved: its pages (QtPdf's QPdfView), page by page and
zoomed, the system print dialog, and Save as PDF.

``ReportViewer`` is the widget (the pipeline report's dialog holds one too);
``ReportPreview`` is the dialog around it for one report, made by a function the caller
gives (``open_visit_report`` gives a visit's). Reports are made on a worker, printed on
one and saved on one; the viewer only shows the bytes it is handed. Showing ID and phone
numbers in full is the user's choice (off by default), which the service records.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPointF,
    QSizeF,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QKeySequence, QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.services.audit import Action
from crm.services.reports import save_report
from crm.ui.common.context import UiContext
from crm.ui.common.errors import app_title, said
from crm.ui.common.icons import icon
from crm.ui.reports.files import file_target_problem, os_error_text
from crm.ui.reports.printing import print_pdf
from crm.ui.reports.progress import WorkProgress

# Zoom steps of the − and + buttons (1.0: the page at its printed size).
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
FIT_WIDTH, FIT_PAGE = "fit_width", "fit_page"
POLL_MS = 100
# The size a preview asks for, and what a window's frame and title bar take beyond it.
PREFERRED_SIZE = (980, 760)
FRAME_ALLOWANCE = (16, 40)

_last_folder: Path | None = None


def reports_folder() -> Path:
    """Where Save and Export start: the folder last written to, else Documents."""
    if _last_folder is not None and _last_folder.is_dir():
        return _last_folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_folder(folder: Path) -> None:
    global _last_folder
    _last_folder = folder


def fit_to_screen(dialog: QWidget, preferred: tuple[int, int] = PREFERRED_SIZE) -> None:
    """As large as ``preferred``, within the screen it opens on (a 1366×768 laptop too)."""
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    width, height = preferred
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, available.width() - FRAME_ALLOWANCE[0])
        height = min(height, available.height() - FRAME_ALLOWANCE[1])
    dialog.resize(width, height)


class ReportViewer(QWidget):
    """A report's pages, with page navigation, zoom, Print… and Save as PDF…"""

    loaded = Signal(int)  # the page count of the report now shown
    printed = Signal(int)  # pages printed (0: the printer could not be used)
    saved = Signal(str)  # the file written

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportViewer")
        self.ui = ui
        self.data = b""
        self.file_name = "report.pdf"
        self._buffer: QBuffer | None = None
        self._printing: WorkProgress | None = None
        self._printer: QPrinter | None = None
        self.document = QPdfDocument(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.previous_button = QToolButton(self)
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip(self.tr("Previous page"))
        self.page_box = QSpinBox(self)
        self.page_box.setMinimum(1)
        self.page_box.setAccessibleName(self.tr("Page"))
        self.page_count = QLabel(self)
        self.next_button = QToolButton(self)
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip(self.tr("Next page"))
        self.zoom_out_button = QToolButton(self)
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip(self.tr("Zoom out"))
        self.zoom_box = QComboBox(self)
        self.zoom_box.addItem(self.tr("Fit width"), FIT_WIDTH)
        self.zoom_box.addItem(self.tr("Whole page"), FIT_PAGE)
        for factor in ZOOMS:
            self.zoom_box.addItem(f"{round(factor * 100)}%", factor)
        self.zoom_in_button = QToolButton(self)
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip(self.tr("Zoom in"))
        self.status = QLabel(self)
        self.status.setProperty("muted", True)
        # What it says never widens the window (a long path is in its tooltip).
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.print_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
        self.print_button.setToolTip(self.tr("Print the report (Ctrl+P)"))
        self.save_button = QPushButton(icon("save"), self.tr("Save as PDF…"), self)
        self.save_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_button.setToolTip(self.tr("Save the report as a PDF file (Ctrl+S)"))
        pages: tuple[QWidget, ...] = (
            self.previous_button,
            self.page_box,
            self.page_count,
            self.next_button,
        )
        zoom: tuple[QWidget, ...] = (self.zoom_out_button, self.zoom_box, self.zoom_in_button)
        for widget in pages:
            bar.addWidget(widget)
        bar.addSpacing(12)
        for widget in zoom:
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)

        self.stack = QStackedWidget(self)
        self.message = QLabel(self.stack)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.view = QPdfView(self.stack)
        self.view.setObjectName("reportPages")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.view)
        layout.addWidget(self.stack, 1)

        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._show_printing)
        self.previous_button.clicked.connect(lambda: self.go_to(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page() + 1))
        self.page_box.valueChanged.connect(lambda value: self.go_to(value - 1))
        self.view.pageNavigator().currentPageChanged.connect(self._page_shown)
        self.zoom_box.currentIndexChanged.connect(self._zoom_chosen)
        self.zoom_out_button.clicked.connect(lambda: self.zoom_step(-1))
        self.zoom_in_button.clicked.connect(lambda: self.zoom_step(1))
        self.print_button.clicked.connect(self.ask_print)
        self.save_button.clicked.connect(self.ask_save)
        self.show_message(self.tr("Making the report…"))

    # -- what is shown -------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        """A message instead of pages (while a report is made, or why it could not be)."""
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self._set_enabled(False)

    def set_pdf(self, data: bytes, file_name: str) -> None:
        """Show the report ``data``; ``file_name`` is what Save as PDF suggests."""
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        if self.document.status() != QPdfDocument.Status.Ready:
            self.data = b""
            self.show_message(self.tr("The report could not be shown."))
            return
        self.data = data
        self.file_name = file_name
        count = self.document.pageCount()
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(max(count, 1))
        self.page_box.setValue(1)
        self.page_box.blockSignals(False)
        self.page_count.setText(self.tr("of {count}").format(count=count))
        self.stack.setCurrentWidget(self.view)
        self._set_enabled(True)
        self.go_to(0)
        self._update_buttons()
        self.loaded.emit(count)

    def page_count_shown(self) -> int:
        return self.document.pageCount() if self.data else 0

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        count = self.page_count_shown()
        if not count:
            return
        page = min(max(page, 0), count - 1)
        navigator = self.view.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())
        self._page_shown(page)

    def _page_shown(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        count = self.page_count_shown()
        page = self.current_page()
        self.previous_button.setEnabled(bool(count) and page > 0)
        self.next_button.setEnabled(bool(count) and page < count - 1)

    def _set_enabled(self, on: bool) -> None:
        for widget in (
            self.page_box,
            self.zoom_box,
            self.zoom_in_button,
            self.zoom_out_button,
            self.save_button,
        ):
            widget.setEnabled(on)
        self.print_button.setEnabled(on and self._printing is None)
        if not on:
            self.previous_button.setEnabled(False)
            self.next_button.setEnabled(False)
            self.page_count.setText("")

    # -- zoom ------------------------------------------------------------------------------------

    def zoom_step(self, step: int) -> None:
        """The next zoom step in or out from the zoom shown (a fitted page counts as 100%)."""
        now = self.zoom_factor()
        if step > 0:
            factor = next((z for z in ZOOMS if z > now + 1e-6), ZOOMS[-1])
        else:
            factor = next((z for z in reversed(ZOOMS) if z < now - 1e-6), ZOOMS[0])
        self.zoom_box.setCurrentIndex(self.zoom_box.findData(factor))

    def zoom_factor(self) -> float:
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return float(self.view.zoomFactor())
        return 1.0

    def _zoom_chosen(self, index: int) -> None:
        chosen = self.zoom_box.itemData(index)
        if chosen == FIT_WIDTH:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif chosen == FIT_PAGE:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(float(chosen))

    # -- printing --------------------------------------------------------------------------------

    def ask_print(self) -> None:
        """The system print dialog, then the report on the printer chosen."""
        if not self.data:
            return
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print the report"))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setMinMax(1, self.page_count_shown())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def new_printer(self) -> QPrinter:
        """A printer set up for the report: its paper (A4) and its name in the queue."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        if self.page_count_shown():
            size = self.document.pagePointSize(0)
            printer.setPageSize(
                QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point)
            )
        return printer

    def print_to(self, printer: QPrinter) -> None:
        """Print on ``printer`` (set up already) in the background; ``printed`` says when."""
        if not self.data or self._printing is not None:
            return
        progress = WorkProgress()
        self._printing = progress
        self._printer = printer  # kept until the worker is done with it
        data, current = self.data, self.current_page()
        audit = self.ui.services.audit
        self.print_button.setEnabled(False)
        self.status.setText(self.tr("Printing…"))
        self.poll.start()

        def work() -> int:
            pages = print_pdf(data, printer, current=current, progress=progress.report)
            if pages:
                audit.record(Action.PRINT, detail={"pages": pages, "copies": printer.copyCount()})
            return pages

        self.ui.tasks.waiting(
            self,
            work,
            self._printed,
            lambda _error: self._printed(0),
        )

    def _show_printing(self) -> None:
        if self._printing is None:
            return
        done, total = self._printing.read()
        if total:
            self.status.setText(
                self.tr("Printing page {done} of {total}…").format(done=done, total=total)
            )

    def _printed(self, pages: int) -> None:
        self.poll.stop()
        self._printing = None
        self._printer = None
        self.print_button.setEnabled(bool(self.data))
        if pages:
            self.status.setText(self.tr("Sent %n page(s) to the printer.", "", pages))
        else:
            self.status.setText("")
            QMessageBox.warning(
                self,
                app_title(),
                self.tr(
                    "The report could not be printed: the printer could not be started. "
                    "Check that it is switched on and connected, then try again."
                ),
            )
        self.printed.emit(pages)

    # -- saving ----------------------------------------------------------------------------------

    def ask_save(self) -> None:
        """Ask where to save the report as PDF (the file dialog asks before replacing)."""
        if not self.data:
            return
        target, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the report as PDF"),
            str(reports_folder() / self.file_name),
            self.tr("PDF files (*.pdf)"),
        )
        if target:
            self.save_to(Path(target))

    def save_to(self, target: Path) -> None:
        """Write the report to ``target`` in the background, whole or not at all."""
        if not self.data:
            return
        if not target.is_dir() and target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        problem = file_target_problem(target)
        if problem is not None:
            QMessageBox.warning(self, app_title(), problem)
            return
        data = self.data
        audit = self.ui.services.audit

        def write() -> OSError | None:
            try:
                save_report(data, target)
            except OSError as exc:  # the user's to fix (a folder gone, no permission, full)
                return exc
            audit.record(Action.EXPORT, detail={"format": "pdf", "bytes": len(data)})
            return None

        self.save_button.setEnabled(False)
        self.status.setText(self.tr("Saving…"))
        self.ui.tasks.waiting(self, write, lambda failure: self._saved(target, failure))

    def _saved(self, target: Path, failure: OSError | None) -> None:
        self.save_button.setEnabled(bool(self.data))
        if failure is not None:
            self.status.setText("")
            QMessageBox.warning(self, app_title(), os_error_text(failure, target))
            return
        remember_folder(target.parent)
        self.status.setText(self.tr("Saved as {path}").format(path=target.name))
        self.status.setToolTip(str(target))
        self.saved.emit(str(target))


class ReportPreview(QDialog):
    """One report in a window of its own: made on a worker by ``make(show_identifiers)``,
    then shown, printed or saved."""

    def __init__(
        self,
        ui: UiContext,
        title: str,
        file_name: str,
        make: Callable[[bool], bytes],
        parent: QWidget | None = None,
        *,
        identifiers: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportPreview")
        self.setWindowTitle(title)
        self.ui = ui
        self.file_name = file_name
        self._make = make
        self._generation = 0
        fit_to_screen(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.show_identifiers = QCheckBox(self.tr("Show ID and phone numbers in full"), self)
        self.show_identifiers.setToolTip(
            self.tr(
                "Off: they are partly hidden (138****8000). On: printed in full, and the "
                "book records that you asked for it, when, and for which report."
            )
        )
        self.show_identifiers.setVisible(identifiers)
        layout.addWidget(self.show_identifiers)
        self.viewer = ReportViewer(ui, self)
        layout.addWidget(self.viewer, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_identifiers.toggled.connect(lambda _on: self.make())

    def make(self) -> None:
        """Make the report (again) with the choice shown, in the background."""
        self._generation += 1
        generation = self._generation
        show = self.show_identifiers.isChecked()
        self.viewer.show_message(self.tr("Making the report…"))
        self.show_identifiers.setEnabled(False)
        make = self._make
        # Showing identifiers records the disclosure: a write, in order with the others.
        run = self.ui.tasks.write if show else self.ui.tasks.read
        run(
            self,
            lambda: make(show),
            lambda data: self._made(generation, data),
            lambda error: self._failed(generation, error),
        )

    def _made(self, generation: int, data: bytes) -> None:
        if generation != self._generation:
            return
        self.show_identifiers.setEnabled(True)
        self.viewer.set_pdf(data, self.file_name)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.show_identifiers.setEnabled(True)
        if isinstance(error, DomainError):
            self.viewer.show_message(said(error))
        else:
            self.viewer.show_message(self.tr("The report could not be made."))
