"""Reports in the app, with real widgets over a real book: the preview shows the report's
pages, saves a PDF whole and prints one; the batch export writes one PDF or one per visit,
shows its progress, and a cancel or a refused folder leaves nothing; the pipeline report
previews a team's or an RM's figures; the menus and the visit's buttons open them."""

from __future__ import annotations

import io
import os
import statistics
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QWidget,
)

from crm.domain.visits import VisitDraft
from crm.services.reports import ReportCancelled
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.reports.batch import BatchExportDialog
from crm.ui.reports.files import write_all
from crm.ui.reports.hook import open_visit_report, visit_menu
from crm.ui.reports.pipeline import PipelineReportDialog
from crm.ui.reports.preview import ReportPreview, ReportViewer
from tests.ui.conftest import Book
from tests.ui.helpers import wait_idle

# Recorded visits: (prospect, days before today).
VISITS = (("huaxing", 0), ("meijia", 0), ("taoci", 1), ("huaxing", 3), ("tengxun", 9))


@pytest.fixture
def rm_ui(book: Book, settings: AppSettings, qtbot) -> Iterator[UiContext]:
    book.services.users.sign_in(book.rms[0].id)
    context = UiContext(book.services, settings, TaskRunner(), load_startup(book.services))
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture
def visits(book: Book, rm_ui: UiContext) -> list[str]:
    """Finalized records of VISITS, oldest last, with an ID number in their text."""
    today = rm_ui.today()
    made = []
    for key, back in VISITS:
        service = rm_ui.services.visits
        start = service.start_record(book.ids[key], today - timedelta(days=back))
        service.finalize(
            start.id,
            VisitDraft(
                visit_on=today - timedelta(days=back),
                kind="site",
                place="车间",
                purpose="了解经营情况，法人身份证 440605198001011234",
                people_met="王总",
                operating_state="订单饱满，两条生产线开工",
                repayment_source="经营性现金流",
                growth_prospects="明年扩产",
                credit_auth=True,
                credit_auth_on=today - timedelta(days=back),
                next_steps="下周提交授信材料",
            ),
        )
        made.append(start.id)
    return made


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The message boxes shown (modal boxes are the one thing a test patches)."""
    shown: list[str] = []

    def record(
        _parent: object, _title: str, text: str, *_args: object
    ) -> QMessageBox.StandardButton:
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "information", record)
    return shown


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder to write reports into (the book lives beside it)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def pages_of(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def text_of(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(str(path)).pages)


def preview_of(qtbot, parent: QWidget) -> ReportPreview:
    qtbot.waitUntil(lambda: bool(parent.findChildren(ReportPreview)), timeout=10_000)
    preview = parent.findChildren(ReportPreview)[-1]
    qtbot.waitUntil(lambda: preview.viewer.page_count_shown() > 0, timeout=15_000)
    return preview


def page_picture(data: bytes, page: int) -> QImage:
    """A page of the PDF ``data`` at 200×283 pixels, on white."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    rendered = document.render(page, QSize(200, 283))
    image = QImage(rendered.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, rendered)
    painter.end()
    document.close()
    return image


def ink_by_strip(image: QImage, strips: int = 40) -> list[int]:
    """How much ink each horizontal strip of the picture holds, top to bottom."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    height, width = grey.height(), grey.width()
    return [
        sum(
            255 - grey.pixelColor(x, y).red()
            for y in range(n * height // strips, (n + 1) * height // strips)
            for x in range(width)
        )
        for n in range(strips)
    ]


def missing_strips(original: QImage, copy: QImage) -> list[int]:
    """The strips with ink on the original that the copy leaves (nearly) blank."""
    want, have = ink_by_strip(original), ink_by_strip(copy)
    typical = statistics.mean(want)
    pairs = enumerate(zip(want, have, strict=True))
    return [n for n, (w, h) in pairs if w > typical / 10 and h < w / 10]


def likeness(one: QImage, other: QImage) -> float:
    """How alike two pictures of a page are, strip by strip (1: the same layout; a page
    shifted by a line or missing a band of rows falls far below 0.9)."""
    return statistics.correlation(ink_by_strip(one), ink_by_strip(other))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- the preview ------------------------------------------------------------------------------


def test_preview_shows_every_page_of_the_visit_report(
    qtbot, rm_ui: UiContext, visits: list[str], parent: QWidget
) -> None:
    open_visit_report(rm_ui, parent, visits[0])
    preview = preview_of(qtbot, parent)
    viewer = preview.viewer
    expected = pages_of(viewer.data)
    assert expected >= 2  # the record, its checklists and signature lines
    assert viewer.page_count_shown() == expected
    assert viewer.page_box.maximum() == expected
    assert "佛山市南海区华兴五金制品厂" in preview.windowTitle()
    assert viewer.file_name.endswith(".pdf") and "华兴五金" in viewer.file_name
    # Masked by default: the ID number is not in the report, and no disclosure is kept.
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(viewer.data)).pages)
    assert "440605198001011234" not in text
    assert not preview.show_identifiers.isChecked()
    assert rm_ui.services.reports.disclosures() == []

    assert not viewer.previous_button.isEnabled()
    qtbot.mouseClick(viewer.next_button, Qt.MouseButton.LeftButton)
    assert viewer.current_page() == 1 and viewer.page_box.value() == 2
    viewer.go_to(99)
    assert viewer.current_page() == expected - 1
    assert not viewer.next_button.isEnabled()
    viewer.zoom_box.setCurrentIndex(viewer.zoom_box.findData(1.0))
    viewer.zoom_step(1)
    assert viewer.zoom_factor() == pytest.approx(1.25)
    viewer.zoom_step(-1)
    viewer.zoom_step(-1)
    assert viewer.zoom_factor() == pytest.approx(0.75)


def test_showing_identifiers_is_chosen_and_recorded(
    qtbot, rm_ui: UiContext, visits: list[str], parent: QWidget
) -> None:
    open_visit_report(rm_ui, parent, visits[0])
    preview = preview_of(qtbot, parent)
    masked = preview.viewer.data
    preview.show_identifiers.setChecked(True)
    qtbot.waitUntil(lambda: preview.viewer.data not in (b"", masked), timeout=15_000)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(preview.viewer.data)).pages)
    assert "440605198001011234" in text
    kept = rm_ui.services.reports.disclosures()
    assert [(d.kind, d.subject_id) for d in kept] == [("visit_report", visits[0])]


def test_save_writes_a_whole_pdf_and_nothing_else(
    qtbot, rm_ui: UiContext, visits: list[str], parent: QWidget, out: Path
) -> None:
    open_visit_report(rm_ui, parent, visits[1])
    viewer = preview_of(qtbot, parent).viewer
    folder = out
    with qtbot.waitSignal(viewer.saved, timeout=10_000) as saved:
        viewer.save_to(folder / "美嘉拜访报告")  # the .pdf is added
    target = folder / "美嘉拜访报告.pdf"
    assert saved.args == [str(target)]
    assert target.read_bytes() == viewer.data
    assert len(PdfReader(str(target)).pages) == viewer.page_count_shown()
    assert "佛山市顺德区美嘉家具有限公司" in text_of(target)
    assert leftovers(folder) == ["美嘉拜访报告.pdf"]  # no temporary file left beside it
    # The audit log says a PDF was made and then written out (ids and counts only).
    saved_line, made_line = rm_ui.services.audit.lines(limit=2)
    assert (made_line.action, made_line.target_id) == ("pdf", visits[1])
    assert (saved_line.action, saved_line.detail) == (
        "export",
        {"format": "pdf", "bytes": len(viewer.data)},
    )


def test_save_into_a_missing_folder_says_so_and_writes_nothing(
    qtbot, rm_ui: UiContext, visits: list[str], parent: QWidget, out: Path, warnings
) -> None:
    open_visit_report(rm_ui, parent, visits[1])
    viewer = preview_of(qtbot, parent).viewer
    viewer.save_to(out / "gone" / "report.pdf")
    wait_idle(qtbot, rm_ui)
    assert warnings == [f"The folder {out / 'gone'} does not exist."]
    assert leftovers(out) == []


def test_printing_to_a_pdf_printer_prints_every_page(
    qtbot, rm_ui: UiContext, visits: list[str], parent: QWidget, out: Path
) -> None:
    open_visit_report(rm_ui, parent, visits[0])
    viewer = preview_of(qtbot, parent).viewer
    printer = viewer.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out / "printed.pdf"))
    printer.setResolution(100)  # enough to read; the tests stay quick
    with qtbot.waitSignal(viewer.printed, timeout=30_000) as printed:
        viewer.print_to(printer)
    pages = viewer.page_count_shown()
    assert printed.args == [pages]
    [line] = rm_ui.services.audit.lines(action="print")
    assert (line.user_id, line.detail) == (rm_ui.services.actor_id, {"pages": pages, "copies": 1})
    printed_file = out / "printed.pdf"
    assert len(PdfReader(str(printed_file)).pages) == pages
    # Each printed page looks like the report's page (no band lost or shifted, not blank).
    for page in range(pages):
        original = page_picture(viewer.data, page)
        on_paper = page_picture(printed_file.read_bytes(), page)
        assert likeness(original, on_paper) > 0.9
        assert missing_strips(original, on_paper) == []
    assert viewer.print_button.isEnabled()


def test_printing_the_page_shown_prints_that_page(
    qtbot, rm_ui: UiContext, visits: list[str], parent: QWidget, out: Path
) -> None:
    open_visit_report(rm_ui, parent, visits[0])
    viewer = preview_of(qtbot, parent).viewer
    viewer.go_to(1)
    printer = viewer.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out / "one.pdf"))
    printer.setResolution(72)
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    with qtbot.waitSignal(viewer.printed, timeout=30_000) as printed:
        viewer.print_to(printer)
    assert printed.args == [1]
    assert len(PdfReader(str(out / "one.pdf")).pages) == 1


# -- the batch export -------------------------------------------------------------------------


@pytest.fixture
def batch(qtbot, rm_ui: UiContext, visits: list[str]) -> BatchExportDialog:
    dialog = BatchExportDialog(rm_ui)
    qtbot.addWidget(dialog)
    dialog.show()
    today = rm_ui.today()
    dialog.period.set_period(today - timedelta(days=9), today)
    wait_idle(qtbot, rm_ui)
    return dialog


def test_batch_export_in_one_file(
    qtbot, rm_ui: UiContext, batch: BatchExportDialog, visits: list[str], out: Path
) -> None:
    qtbot.waitUntil(lambda: batch.count.text().endswith(str(len(visits))), timeout=5000)
    batch.set_target(out / "week.pdf")
    with qtbot.waitSignal(batch.exported, timeout=60_000) as done:
        qtbot.mouseClick(batch.export_button, Qt.MouseButton.LeftButton)
    assert done.args == [[str(out / "week.pdf")]]
    text = text_of(out / "week.pdf")
    for name in ("华兴五金", "美嘉家具", "陶瓷之家", "腾讯"):
        assert name in text
    assert batch.progress_shown() == (len(visits), len(visits))
    assert leftovers(out) == ["week.pdf"]
    assert batch.export_button.isEnabled() and not batch.running()


def test_batch_export_one_file_per_visit(
    qtbot, rm_ui: UiContext, batch: BatchExportDialog, visits: list[str], out: Path
) -> None:
    today = rm_ui.today()
    batch.period.set_period(today - timedelta(days=1), today)  # 3 of the 5 visits
    batch.set_per_visit(True)
    batch.set_target(out)
    with qtbot.waitSignal(batch.exported, timeout=60_000) as done:
        batch.export()
    written = [Path(p) for p in done.args[0]]
    assert len(written) == 3
    assert sorted(p.name for p in written) == leftovers(out)
    for path in written:
        assert path.name.endswith(".pdf") and len(PdfReader(str(path)).pages) >= 1
    assert any("华兴五金" in p.name for p in written)
    assert batch.progress_shown() == (3, 3)


def test_batch_with_identifiers_shown_records_each_report(
    qtbot, rm_ui: UiContext, batch: BatchExportDialog, visits: list[str], out: Path
) -> None:
    today = rm_ui.today()
    batch.period.set_period(today, today)  # 2 of the 5 visits
    batch.show_identifiers.setChecked(True)
    batch.set_target(out / "today.pdf")
    with qtbot.waitSignal(batch.exported, timeout=60_000):
        batch.export()
    assert text_of(out / "today.pdf").count("440605198001011234") == 2
    kept = rm_ui.services.reports.disclosures()
    assert sorted(d.subject_id for d in kept) == sorted(visits[:2])


def test_cancelling_a_batch_leaves_no_file(
    qtbot, rm_ui: UiContext, batch: BatchExportDialog, out: Path
) -> None:
    batch.set_per_visit(True)
    batch.set_target(out)
    with qtbot.waitSignal(batch.stopped, timeout=60_000) as stopped:
        batch.export()
        assert batch.running() and not batch.export_button.isEnabled()
        assert batch.close_button.text() == "Cancel"
        # Once the first report is made (the others are made, or being made, meanwhile).
        qtbot.waitUntil(lambda: batch.running() and batch.progress_read()[0] >= 1)
        qtbot.mouseClick(batch.close_button, Qt.MouseButton.LeftButton)  # Cancel
    assert stopped.args == ["cancelled"]
    assert batch.status.text() == "Cancelled: no file was written."
    assert leftovers(out) == []
    assert not batch.running() and batch.close_button.text() == "Close"


def test_a_batch_stops_when_its_window_goes(
    qtbot, rm_ui: UiContext, visits: list[str], out: Path
) -> None:
    dialog = BatchExportDialog(rm_ui)
    dialog.period.set_period(rm_ui.today() - timedelta(days=9), rm_ui.today())
    dialog.set_per_visit(True)
    dialog.set_target(out)
    dialog.export()
    progress = dialog._progress
    assert progress is not None
    dialog.deleteLater()  # the app quitting with the dialog open
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert progress.cancelled()
    assert rm_ui.tasks.wait(20_000)
    QApplication.processEvents()
    assert progress.read()[0] < len(visits)  # stopped, not run to the end
    assert leftovers(out) == []


def test_a_cancel_while_writing_takes_back_every_file(tmp_path: Path) -> None:
    asked = iter([False, False, True])
    files = [(tmp_path / f"{n}.pdf", b"%PDF-1.4 " + bytes(1000)) for n in range(3)]
    with pytest.raises(ReportCancelled):
        write_all(files, lambda: next(asked))
    assert leftovers(tmp_path) == []
    write_all(files)
    assert leftovers(tmp_path) == ["0.pdf", "1.pdf", "2.pdf"]


def test_a_period_without_visits_is_told_and_writes_nothing(
    qtbot, rm_ui: UiContext, batch: BatchExportDialog, out: Path, warnings
) -> None:
    long_ago = date(2020, 3, 2)
    batch.period.set_period(long_ago, long_ago)
    qtbot.waitUntil(lambda: batch.count.text() == "No visit was recorded in this period.")
    batch.set_target(out / "none.pdf")
    with qtbot.waitSignal(batch.stopped, timeout=10_000) as stopped:
        batch.export()
    assert stopped.args == ["failed"]
    assert warnings == ["No visit was recorded from 2020-03-02 to 2020-03-02"]
    assert leftovers(out) == []


def test_a_missing_folder_is_refused_before_any_work(
    qtbot, batch: BatchExportDialog, out: Path, warnings
) -> None:
    batch.set_per_visit(True)
    batch.set_target(out / "nowhere")
    batch.export()
    assert not batch.running()
    assert warnings == [f"The folder {out / 'nowhere'} does not exist."]
    batch.set_per_visit(False)
    batch.set_target(out)  # a folder where a file is asked for
    batch.export()
    assert warnings[-1] == f"{out} is a folder, not a file."
    assert leftovers(out) == [] and not (out.parent / "out.pdf").exists()


# -- the pipeline report ----------------------------------------------------------------------


def test_pipeline_report_previews_the_rm_and_the_team(
    qtbot, rm_ui: UiContext, book: Book, visits: list[str]
) -> None:
    dialog = PipelineReportDialog(rm_ui)
    qtbot.addWidget(dialog)
    dialog.show()
    me = book.rms[0]
    assert dialog.scope.currentData() == ("rm", me.username)  # an RM starts with their own
    with qtbot.waitSignal(dialog.viewer.loaded, timeout=30_000) as loaded:
        dialog.make()
    assert loaded.args == [pages_of(dialog.viewer.data)]
    assert dialog.viewer.file_name.startswith(f"pipeline_{me.username}_")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(dialog.viewer.data)).pages)
    assert me.display_name in text

    dialog.choose("team", str(me.team_id))
    today = rm_ui.today()
    dialog.period.set_period(today.replace(day=1), today)
    # On the 1st "this month" is today's one day, and the narrowest name is shown.
    assert dialog.period.preset.currentData() == ("today" if today.day == 1 else "this_month")
    assert dialog.period.period() == (today.replace(day=1), today)
    with qtbot.waitSignal(dialog.viewer.loaded, timeout=30_000):
        qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(dialog.viewer.data)).pages)
    assert str(me.team_name) in text
    assert str(me.team_name) in dialog.viewer.file_name


# -- where they open --------------------------------------------------------------------------


# Raising a dialog already open: the offscreen platform says it cannot.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_reports_menu_sits_before_help_and_opens_the_dialogs(
    qtbot, rm_ui: UiContext, visits: list[str]
) -> None:
    from crm.ui.shell.main_window import MainWindow

    window = MainWindow(rm_ui)
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[-2:] == ["&Reports", "&Help"]
    actions = {a.objectName(): a for a in window.reports_menu.actions()}
    actions["exportVisitReportsAction"].trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(BatchExportDialog)))
    actions["exportVisitReportsAction"].trigger()  # the open one is raised, not a second
    assert len(window.findChildren(BatchExportDialog)) == 1
    actions["pipelineReportAction"].trigger()
    dialog = window.findChildren(PipelineReportDialog)[0]
    qtbot.waitUntil(lambda: dialog.viewer.page_count_shown() > 0, timeout=30_000)
    wait_idle(qtbot, rm_ui)
    for child in window.findChildren(QWidget):
        if isinstance(child, (BatchExportDialog, PipelineReportDialog)):
            child.close()
    window.close()


def test_a_visit_record_prints_its_report(
    qtbot, rm_ui: UiContext, visits: list[str], parent: QWidget
) -> None:
    from crm.ui.visits.dialog import VisitDialog

    service = rm_ui.services.visits
    dialog = VisitDialog(rm_ui, service.get(visits[2]), service.form_reference(), parent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.report_button, Qt.MouseButton.LeftButton)
    preview = preview_of(qtbot, dialog)
    assert "禅城区陶瓷之家经营部" in preview.windowTitle()
    preview.close()
    dialog.close()


def test_a_visit_list_offers_the_report_of_a_record_not_of_a_plan(
    qtbot, rm_ui: UiContext, book: Book, visits: list[str], parent: QWidget
) -> None:
    service = rm_ui.services.visits
    line = service.get(visits[0]).line
    menu = visit_menu(rm_ui, parent, line)
    action = menu.actions()[0]
    assert action.text() == "Print visit report…" and action.isEnabled()
    action.trigger()
    assert preview_of(qtbot, parent).viewer.page_count_shown() > 0
    planned = service.plan(
        book.ids["meijia"], VisitDraft(visit_on=rm_ui.today() + timedelta(days=3), kind="site")
    )
    assert not visit_menu(rm_ui, parent, planned.line).actions()[0].isEnabled()


# A pop-up menu: the offscreen platform says it can neither raise it nor grab the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_the_prospect_pages_visit_history_has_the_menu(
    qtbot, rm_ui: UiContext, book: Book, visits: list[str]
) -> None:
    from crm.ui.visits.prospect_panel import ProspectVisitsPanel

    panel = ProspectVisitsPanel(rm_ui)
    qtbot.addWidget(panel)
    panel.show()
    panel.load(book.ids["taoci"])
    wait_idle(qtbot, rm_ui)
    history = panel.history
    assert history.count() == 1
    history.customContextMenuRequested.emit(history.visualItemRect(history.item(0)).center())
    menu = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible())
    menu.actions()[0].trigger()
    menu.hide()
    assert "禅城区陶瓷之家经营部" in preview_of(qtbot, history).windowTitle()


def test_printing_a_record_with_nothing_in_it_says_so(
    qtbot, rm_ui: UiContext, book: Book, parent: QWidget, warnings: list[str]
) -> None:
    from crm.ui.visits.dialog import VisitDialog

    service = rm_ui.services.visits
    blank = service.blank_record(book.ids["huaxing"])
    dialog = VisitDialog(rm_ui, blank, service.form_reference(), parent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.report_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, rm_ui)
    assert warnings == ["Nothing is recorded yet: enter the visit first, then print its report."]
    assert dialog.findChildren(ReportPreview) == []
    dialog.close()


def test_viewer_says_why_before_a_report_is_there(qtbot, rm_ui: UiContext) -> None:
    viewer = ReportViewer(rm_ui)
    qtbot.addWidget(viewer)
    assert viewer.message.text() == "Making the report…"
    assert not viewer.print_button.isEnabled() and not viewer.save_button.isEnabled()
    viewer.set_pdf(b"not a pdf", "x.pdf")
    assert viewer.message.text() == "The report could not be shown."
    assert viewer.page_count_shown() == 0


# -- how they look ------------------------------------------------------------------------------


@pytest.fixture(params=("zh_CN", "en"))
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


def shoot(qtbot, widget: QWidget, name: str, language: str) -> None:
    """Keep a PNG under CRM_SCREENSHOTS; every line of text fits its widget (not clipped)."""
    qtbot.wait(400)  # QPdfView draws its pages on a thread of its own
    pixmap = widget.grab()
    assert not pixmap.isNull()
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pixmap.save(str(Path(folder) / f"{name}.{language}.png"))
    clipped = [
        (type(w).__name__, w.text())
        for kind in (QPushButton, QCheckBox, QRadioButton, QLabel)
        for w in widget.findChildren(kind)
        if w.isVisible()
        and w.text()
        and not (isinstance(w, QLabel) and w.wordWrap())
        and w.width() < w.sizeHint().width()
    ]
    assert clipped == []


def test_screenshots(
    qtbot, rm_ui: UiContext, visits: list[str], parent: QWidget, out: Path, language: str
) -> None:
    open_visit_report(rm_ui, parent, visits[0])
    preview = preview_of(qtbot, parent)
    preview.resize(980, 728)
    shoot(qtbot, preview, "reports-1-preview", language)
    preview.close()

    batch = BatchExportDialog(rm_ui)
    qtbot.addWidget(batch)
    batch.show()
    batch.period.set_period(rm_ui.today() - timedelta(days=9), rm_ui.today())
    batch.set_per_visit(True)
    batch.set_target(out)
    with qtbot.waitSignal(batch.exported, timeout=60_000):
        batch.export()
    shoot(qtbot, batch, "reports-2-batch", language)
    batch.close()

    pipeline = PipelineReportDialog(rm_ui)
    qtbot.addWidget(pipeline)
    pipeline.show()
    pipeline.resize(1120, 728)  # as on a 1366×768 laptop (the offscreen screen is smaller)
    with qtbot.waitSignal(pipeline.viewer.loaded, timeout=30_000):
        pipeline.make()
    shoot(qtbot, pipeline, "reports-3-pipeline", language)
    pipeline.close()
    wait_idle(qtbot, rm_ui)


def test_refusals_speak_chinese(
    qtbot, rm_ui: UiContext, chinese: None, out: Path, warnings: list[str]
) -> None:
    dialog = BatchExportDialog(rm_ui)
    qtbot.addWidget(dialog)
    long_ago = date(2020, 3, 2)
    dialog.period.set_period(long_ago, long_ago)
    dialog.set_target(out / "none.pdf")
    with qtbot.waitSignal(dialog.stopped, timeout=10_000):
        dialog.export()
    dialog.set_per_visit(True)
    dialog.set_target(out / "nowhere")
    dialog.export()
    assert warnings == [
        "2020-03-02 至 2020-03-02 没有任何拜访记录",
        f"文件夹 {out / 'nowhere'} 不存在。",
    ]
    assert dialog.status.text() == "未写入任何文件。"
    assert leftovers(out) == []
