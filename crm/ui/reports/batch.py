"""Exporting the visit reports of a day or a period: one PDF with them all, or one PDF per
visit into a folder.

The reports are made on a worker (``ReportService.visits_pdf``) with a progress bar and a
Cancel button, then written on a worker, whole or not at all: a cancel, a refused folder
or a full disk leaves no file behind, and says so.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.services.reports import ReportCancelled, ReportFile
from crm.ui.common.context import UiContext
from crm.ui.common.errors import app_title, said
from crm.ui.common.icons import icon
from crm.ui.reports.files import file_target_problem, folder_problem, os_error_text, write_all
from crm.ui.reports.period import PeriodPicker
from crm.ui.reports.preview import fit_to_screen, remember_folder, reports_folder
from crm.ui.reports.progress import WorkProgress

POLL_MS = 100
COUNT_DELAY_MS = 250


def batch_file_name(start: date, end: date) -> str:
    """The suggested name of one PDF holding a period's reports."""
    if start == end:
        return f"visits_{start.isoformat()}.pdf"
    return f"visits_{start.isoformat()}_{end.isoformat()}.pdf"


class BatchExportDialog(QDialog):
    """Export the visit reports of a period; ``exported`` lists the files written."""

    exported = Signal(list)  # [str]: the files written
    stopped = Signal(str)  # why nothing was written (cancelled, refused, failed)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchExportDialog")
        self.setWindowTitle(self.tr("Export visit reports"))
        self.ui = ui
        self.reports = ui.services.reports
        self._progress: WorkProgress | None = None
        self._per_visit = False
        self._count_generation = 0
        self._written_folder: Path | None = None
        # The target the user typed or chose for each kind, so switching keeps both.
        self._file_target: Path | None = None
        self._folder_target: Path | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        intro = QLabel(
            self.tr(
                "The reports of the visits recorded (drafts and finalized records) in a day "
                "or a period, for the credit files."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        layout.addWidget(intro)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.period = PeriodPicker(ui.today(), "today", self)
        form.addRow(self.tr("Visits of"), self.period)
        self.rm = QComboBox(self)
        self.rm.addItem(self.tr("Every relationship manager"), None)
        for user in sorted(ui.users, key=lambda u: u.display_name):
            if user.role == "rm":
                self.rm.addItem(user.display_name, user.id)
        form.addRow(self.tr("Recorded by"), self.rm)
        self.count = QLabel(self)
        self.count.setProperty("muted", True)
        form.addRow("", self.count)

        self.one_file = QRadioButton(self.tr("One PDF file with every report"), self)
        self.per_visit = QRadioButton(self.tr("One PDF file per visit, into a folder"), self)
        self.one_file.setChecked(True)
        self.kinds = QButtonGroup(self)
        self.kinds.addButton(self.one_file)
        self.kinds.addButton(self.per_visit)
        kinds = QVBoxLayout()
        kinds.setSpacing(2)
        kinds.addWidget(self.one_file)
        kinds.addWidget(self.per_visit)
        form.addRow(self.tr("Save as"), kinds)

        target_row = QHBoxLayout()
        self.target = QLineEdit(self)
        self.target.setMinimumWidth(320)
        self.choose_button = QPushButton(self.tr("Choose…"), self)
        target_row.addWidget(self.target, 1)
        target_row.addWidget(self.choose_button)
        self.target_label = QLabel(self)
        form.addRow(self.target_label, target_row)

        self.show_identifiers = QCheckBox(self.tr("Show ID and phone numbers in full"), self)
        self.show_identifiers.setToolTip(
            self.tr(
                "Off: they are partly hidden (138****8000). On: printed in full, and the "
                "book records that you asked for it, when, and for which report."
            )
        )
        form.addRow("", self.show_identifiers)
        layout.addLayout(form)

        self.bar = QProgressBar(self)
        self.bar.setTextVisible(True)
        self.bar.hide()
        layout.addWidget(self.bar)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)

        buttons = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open folder"), self)
        self.open_button.hide()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        self.export_button = QPushButton(icon("export"), self.tr("Export"), self)
        self.export_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Close"), self)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._show_progress)
        self.count_timer = QTimer(self)
        self.count_timer.setSingleShot(True)
        self.count_timer.setInterval(COUNT_DELAY_MS)
        self.count_timer.timeout.connect(self._count)
        self.period.changed.connect(self._period_changed)
        self.rm.currentIndexChanged.connect(lambda _i: self.count_timer.start())
        self.one_file.toggled.connect(lambda _on: self._show_target())
        self.target.textEdited.connect(self._target_edited)
        self.choose_button.clicked.connect(self.choose_target)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self._close_or_cancel)
        self.open_button.clicked.connect(self._open_folder)
        self._show_target()
        self._count()
        fit_to_screen(self, (720, 400))

    # -- the choices -----------------------------------------------------------------------------

    def choices(self) -> tuple[date, date, bool, list[str] | None, bool]:
        """(first day, last day, one file per visit, RMs or None for all, show identifiers)."""
        start, end = self.period.period()
        rm_id = self.rm.currentData()
        return (
            start,
            end,
            self.per_visit.isChecked(),
            [str(rm_id)] if rm_id else None,
            self.show_identifiers.isChecked(),
        )

    def set_per_visit(self, per_visit: bool) -> None:
        (self.per_visit if per_visit else self.one_file).setChecked(True)

    def set_target(self, target: Path) -> None:
        """Save into this folder (one file per visit) or as this file (one PDF)."""
        if self.per_visit.isChecked():
            self._folder_target = target
        else:
            self._file_target = target
        self._show_target()

    def target_path(self) -> Path:
        return Path(self.target.text().strip()).expanduser()

    def _period_changed(self) -> None:
        self._show_target()
        self.count_timer.start()

    def _show_target(self) -> None:
        if self.per_visit.isChecked():
            self.target_label.setText(self.tr("Folder"))
            folder = self._folder_target or reports_folder()
            self.target.setText(str(folder))
        else:
            self.target_label.setText(self.tr("File"))
            start, end = self.period.period()
            chosen = self._file_target or reports_folder() / batch_file_name(start, end)
            self.target.setText(str(chosen))

    def _target_edited(self, text: str) -> None:
        path = Path(text.strip()).expanduser() if text.strip() else None
        if self.per_visit.isChecked():
            self._folder_target = path
        else:
            self._file_target = path

    def choose_target(self) -> None:
        if self.per_visit.isChecked():
            folder = QFileDialog.getExistingDirectory(
                self, self.tr("Folder for the reports"), str(self.target_path())
            )
            if folder:
                self.set_target(Path(folder))
        else:
            target, _filter = QFileDialog.getSaveFileName(
                self,
                self.tr("Save the reports as"),
                str(self.target_path()),
                self.tr("PDF files (*.pdf)"),
            )
            if target:
                self.set_target(Path(target))

    def _count(self) -> None:
        """How many visits the period holds (read in the background as the choice changes)."""
        self._count_generation += 1
        generation = self._count_generation
        start, end, _per_visit, rm_ids, _show = self.choices()
        reports = self.reports
        self.ui.tasks.read(
            self,
            lambda: len(reports.recorded_visits(start, end, rm_ids)),
            lambda count: self._counted(generation, count),
            lambda _error: None,
        )

    def _counted(self, generation: int, count: int) -> None:
        if generation != self._count_generation:
            return
        if count:
            self.count.setText(
                self.tr("Visits recorded in this period: {count}").format(count=count)
            )
        else:
            self.count.setText(self.tr("No visit was recorded in this period."))

    # -- exporting -------------------------------------------------------------------------------

    def running(self) -> bool:
        return self._progress is not None

    def export(self) -> None:
        """Check the target, then make the reports in the background."""
        if self.running():
            return
        start, end, per_visit, rm_ids, show = self.choices()
        target = self.target_path()
        if not self.target.text().strip():
            self._refuse(self.tr("Choose where to save the reports."))
            return
        if per_visit:
            problem = folder_problem(target)
        else:
            if not target.is_dir() and target.suffix.lower() != ".pdf":
                target = target.with_name(target.name + ".pdf")
            problem = file_target_problem(target)
        if problem is not None:
            self._refuse(problem)
            return
        if not per_visit and target.exists() and not self._may_replace([target]):
            return
        progress = WorkProgress()
        self._progress = progress
        self._per_visit = per_visit
        # Gone with its window (the app quitting): the export stops and writes nothing.
        self.destroyed.connect(progress.cancel)
        self._set_running(True)
        self.status.setText(self.tr("Making the reports…"))
        reports = self.reports

        def make() -> list[ReportFile]:
            return reports.visits_pdf(
                start,
                end,
                per_visit=per_visit,
                rm_ids=rm_ids,
                show_identifiers=show,
                progress=progress.report,
                cancelled=progress.cancelled,
            )

        # A batch may take minutes: on the pool of its own it neither holds one of the
        # readers nor queues the writes behind it (a visit's autosave); what it writes, a
        # disclosure per report when identifiers are shown, is small and its own transaction.
        self.ui.tasks.waiting(
            self, make, lambda files: self._made(files, target, per_visit), self._failed
        )

    def _made(self, files: list[ReportFile], target: Path, per_visit: bool) -> None:
        progress = self._progress
        if progress is None or progress.cancelled():
            self._failed(ReportCancelled())
            return
        _done, total = progress.read()
        # Every report is made: the poll would put the bar back to "busy" (one PDF, all read)
        # over the count while the files are written.
        self.poll.stop()
        self._show_count(total, total)
        if per_visit:
            targets = [(target / f.name, f.data) for f in files]
            present = [path for path, _data in targets if path.exists()]
            if present and not self._may_replace(present):
                self._end(self.tr("Nothing was written."))
                self.stopped.emit("kept")
                return
        else:
            targets = [(target, files[0].data)]
        self.status.setText(self.tr("Saving the files ({count})…").format(count=len(targets)))

        def write() -> OSError | None:
            try:
                write_all(targets, progress.cancelled)
            except OSError as exc:  # the user's to fix (no permission, a full disk)
                return exc
            return None

        paths = [path for path, _data in targets]
        self.ui.tasks.waiting(
            self, write, lambda failure: self._written(paths, failure), self._failed
        )

    def _written(self, paths: list[Path], failure: OSError | None) -> None:
        if failure is not None:
            self._end(self.tr("Nothing was written."))
            QMessageBox.warning(self, app_title(), os_error_text(failure))
            self.stopped.emit("refused")
            return
        folder = paths[0].parent
        remember_folder(folder)
        self._written_folder = folder
        if len(paths) == 1:
            text = self.tr("Wrote {path}").format(path=paths[0])
        else:
            text = self.tr("Wrote {count} reports into {folder}").format(
                count=len(paths), folder=folder
            )
        self._end(text, keep_bar=True)
        self.open_button.show()
        self.exported.emit([str(p) for p in paths])

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ReportCancelled):
            self._end(self.tr("Cancelled: no file was written."))
            self.stopped.emit("cancelled")
            return
        self._end(self.tr("Nothing was written."))
        if isinstance(error, DomainError):
            QMessageBox.warning(self, app_title(), said(error))
        self.stopped.emit("failed")

    def cancel(self) -> None:
        """Stop the export at the next report; nothing is written."""
        if self._progress is not None:
            self._progress.cancel()
            self.status.setText(self.tr("Cancelling…"))
            self.close_button.setEnabled(False)

    def _end(self, text: str, *, keep_bar: bool = False) -> None:
        self._progress = None
        self._set_running(False)
        self.bar.setVisible(keep_bar)  # a finished export shows its count
        self.status.setText(text)

    def _set_running(self, on: bool) -> None:
        for widget in (
            self.period,
            self.rm,
            self.one_file,
            self.per_visit,
            self.target,
            self.choose_button,
            self.show_identifiers,
            self.export_button,
        ):
            widget.setEnabled(not on)
        self.close_button.setEnabled(True)
        self.close_button.setText(self.tr("Cancel") if on else self.tr("Close"))
        self.open_button.hide()
        if on:
            self.bar.setRange(0, 0)  # busy until the first report tells the total
            self.bar.show()
            self.poll.start()
        else:
            self.poll.stop()
            self.bar.hide()

    def _show_progress(self) -> None:
        if self._progress is None:
            return
        done, total = self._progress.read()
        if not total or self._progress.cancelled():
            return
        if done < total or self._per_visit:
            self._show_count(done, total)
            if done < total:
                self.status.setText(
                    self.tr("Making report {done} of {total}…").format(done=done + 1, total=total)
                )
            return
        # One PDF: every visit is read; laying them out as one document comes last and
        # tells no progress of its own.
        self.bar.setRange(0, 0)
        self.status.setText(
            self.tr("Putting the {count} reports into one PDF…").format(count=total)
        )

    def _show_count(self, done: int, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.bar.setFormat(self.tr("{done} of {total}").format(done=done, total=total))

    def progress_read(self) -> tuple[int, int]:
        """What the running export has told so far: (done, total)."""
        return self._progress.read() if self._progress is not None else (0, 0)

    def progress_shown(self) -> tuple[int, int]:
        """What the progress bar shows: (value, maximum)."""
        return self.bar.value(), self.bar.maximum()

    def _may_replace(self, present: list[Path]) -> bool:
        if len(present) == 1:
            text = self.tr("{name} already exists. Replace it?").format(name=present[0].name)
        else:
            text = self.tr(
                "{count} of these reports are already in {folder}. Replace them?"
            ).format(count=len(present), folder=present[0].parent)
        answer = QMessageBox.question(
            self,
            app_title(),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _refuse(self, text: str) -> None:
        QMessageBox.warning(self, app_title(), text)

    def _open_folder(self) -> None:
        if self._written_folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._written_folder)))

    # -- closing ---------------------------------------------------------------------------------

    def _close_or_cancel(self) -> None:
        if self.running():
            self.cancel()
        else:
            self.reject()

    def reject(self) -> None:
        # Closed while running (Esc, the window's ×): the export stops and writes nothing.
        self.cancel()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel()
        super().closeEvent(event)
