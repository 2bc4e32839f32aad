"""Putting reports into the app.

- ``install_reports(window)``: the window's Reports menu (before Help) with Export visit
  reports… and Pipeline report…; the window calls it once.
- ``visit_report_button(dialog)``: Print report… on a visit record's dialog (it saves what
  was typed first, so the report is the record as shown).
- ``add_visit_menu(ui, view, role)``: Print visit report… in a visit list's context menu.
- ``open_visit_report(ui, parent, visit_id)``: the preview of one visit's report.

The window is built before the services load (see crm.services.first_look): what this
module needs of them and of the dialogs is imported when first used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QListWidget, QMenu, QMessageBox, QPushButton, QWidget

from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.errors import app_title
from crm.ui.common.icons import icon

if TYPE_CHECKING:
    from crm.services.visits import VisitDetail, VisitLine
    from crm.ui.visits.dialog import VisitDialog

translate = QCoreApplication.translate
PLANNED = "planned"


def install_reports(window: Any) -> QMenu:
    """Add the Reports menu to the window's menu bar, before Help; returns the menu."""
    menu = QMenu(translate("ReportMenu", "&Reports"), window)
    menu.setObjectName("reportsMenu")
    export = QAction(icon("export"), translate("ReportMenu", "&Export visit reports…"), window)
    export.setObjectName("exportVisitReportsAction")
    export.setStatusTip(
        translate(
            "ReportMenu",
            "The reports of the visits of a day or a period, in one PDF or one PDF per visit",
        )
    )
    pipeline = QAction(icon("pipeline"), translate("ReportMenu", "&Pipeline report…"), window)
    pipeline.setObjectName("pipelineReportAction")
    pipeline.setStatusTip(
        translate("ReportMenu", "The pipeline of the book, a team or an RM over a period")
    )
    export.triggered.connect(lambda _checked=False: open_batch_export(window.ui, window))
    pipeline.triggered.connect(lambda _checked=False: open_pipeline_report(window.ui, window))
    menu.addAction(export)
    menu.addAction(pipeline)
    window.addAction(export)
    window.addAction(pipeline)
    bar = window.menuBar()
    actions = bar.actions()
    if actions:
        bar.insertMenu(actions[-1], menu)  # Help stays last
    else:
        bar.addMenu(menu)
    return menu


def _single(parent: QWidget, name: str, make: Callable[[], QDialog]) -> QWidget:
    """The dialog ``name`` of ``parent`` if it is open, else a new one (one of each)."""
    found = parent.findChild(QWidget, name)
    if found is not None and found.isVisible():
        found.raise_()
        found.activateWindow()
        return found
    dialog = make()
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.show()
    return dialog


def open_batch_export(ui: UiContext, parent: QWidget) -> QWidget:
    """The Export visit reports dialog (not modal: an export may take a while)."""
    from crm.ui.reports.batch import BatchExportDialog

    return _single(parent, "batchExportDialog", lambda: BatchExportDialog(ui, parent))


def open_pipeline_report(ui: UiContext, parent: QWidget) -> QWidget:
    """The Pipeline report dialog, making the report for the user's own scope at once."""
    from crm.ui.reports.pipeline import PipelineReportDialog

    def make() -> QDialog:
        dialog = PipelineReportDialog(ui, parent)
        dialog.make()
        return dialog

    return _single(parent, "pipelineReportDialog", make)


def open_visit_report(ui: UiContext, parent: QWidget, visit_id: str) -> None:
    """Preview the report of the visit ``visit_id`` (read in the background first)."""
    visits = ui.services.visits
    ui.tasks.read(
        parent, lambda: visits.get(visit_id), lambda detail: _show_preview(ui, parent, detail)
    )


def _show_preview(ui: UiContext, parent: QWidget, detail: VisitDetail) -> None:
    from crm.services.reports import report_file_name
    from crm.ui.reports.preview import ReportPreview

    line = detail.line
    if line.status == PLANNED:
        QMessageBox.information(
            parent,
            app_title(),
            translate(
                "ReportMenu",
                "This visit is only planned: record it first, then print its report.",
            ),
        )
        return
    reports = ui.services.reports
    visit_id = detail.id
    preview = ReportPreview(
        ui,
        translate("ReportMenu", "Visit report — {name}, {day}").format(
            name=line.prospect_name, day=fmt.day(line.visit_on)
        ),
        report_file_name(line.visit_on, line.prospect_name, visit_id),
        lambda show: reports.visit_pdf(visit_id, show_identifiers=show),
        parent,
    )
    preview.finished.connect(lambda _r: preview.deleteLater())
    preview.show()
    preview.make()


def visit_report_button(dialog: VisitDialog) -> QPushButton:
    """Print report… for a visit record's dialog: what was typed is saved, then previewed."""
    button = QPushButton(translate("ReportMenu", "Print report…"), dialog)
    button.setObjectName("visitReportButton")
    button.setToolTip(
        translate("ReportMenu", "Preview the visit report, then print it or save it as PDF")
    )

    def saved() -> None:
        if not dialog.detail.stored:
            QMessageBox.information(
                dialog,
                app_title(),
                translate(
                    "ReportMenu",
                    "Nothing is recorded yet: enter the visit first, then print its report.",
                ),
            )
            return
        open_visit_report(dialog.ui, dialog, dialog.detail.id)

    button.clicked.connect(lambda _checked=False: dialog.save(saved))
    return button


def visit_menu(ui: UiContext, parent: QWidget, line: VisitLine) -> QMenu:
    """The menu of one visit in a list: Print visit report… (not for a planned visit)."""
    menu = QMenu(parent)
    action = menu.addAction(translate("ReportMenu", "Print visit report…"))
    action.setObjectName("printVisitReportAction")
    action.setEnabled(line.status != PLANNED)
    visit_id = line.id
    action.triggered.connect(lambda _checked=False: open_visit_report(ui, parent, visit_id))
    menu.aboutToHide.connect(menu.deleteLater)
    return menu


def add_visit_menu(ui: UiContext, view: QListWidget, role: int) -> None:
    """Give a list whose items hold a VisitLine (under ``role``) a context menu with Print
    visit report…"""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def requested(at: QPoint) -> None:
        item = view.itemAt(at)
        line = item.data(role) if item is not None else None
        if line is not None:
            visit_menu(ui, view, line).popup(view.viewport().mapToGlobal(at))

    view.customContextMenuRequested.connect(requested)
