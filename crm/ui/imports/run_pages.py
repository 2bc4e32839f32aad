"""The wizard's last pages: the preview (a dry run) and the import, both in the background."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.i18n import describe
from crm.services.imports.run import ImportCancelled
from crm.services.imports.service import ImportResult
from crm.ui.common import fmt
from crm.ui.imports import labels
from crm.ui.imports.pages import WizardPage, error_text
from crm.ui.imports.worker import ImportJob

# --------------------------------------------------------------------------- 3. preview


class _RunPage(WizardPage):
    """A page that runs the import (or its dry run) in the background with progress."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job: ImportJob | None = None
        self.result: ImportResult | None = None
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel(self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel_button)
        self.run_box = QVBoxLayout()
        self.run_box.addLayout(bar)
        self.run_box.addWidget(self.progress_label)
        self.counts = QGridLayout()
        self.count_labels: dict[str, QLabel] = {}

    def _add_counts(self, layout: QVBoxLayout) -> None:
        names = [
            ("created", labels.outcome_label("created")),
            ("merged", labels.outcome_label("merged")),
            ("flagged", labels.outcome_label("flagged")),
            ("unchanged", labels.outcome_label("unchanged")),
            ("rejected", labels.outcome_label("rejected")),
            ("skipped", self.tr("Blank or total rows skipped")),
        ]
        for i, (key, text) in enumerate(names):
            value = QLabel("–", self)
            value.setObjectName(f"count_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(60)
            self.counts.addWidget(QLabel(text, self), i // 2, (i % 2) * 2)
            self.counts.addWidget(value, i // 2, (i % 2) * 2 + 1)
            self.count_labels[key] = value
        self.counts.setHorizontalSpacing(16)
        self.counts.setColumnMinimumWidth(2, 220)
        self.counts.setColumnStretch(4, 1)
        layout.addLayout(self.counts)

    def start(self, dry_run: bool) -> None:
        wizard = self.owner()
        request = wizard.request()
        service = wizard.service
        self.result = None
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.progress_label.setText(self.tr("Reading the file…"))
        job = ImportJob(
            lambda progress, cancelled: service.run(
                request, dry_run=dry_run, progress=progress, cancelled=cancelled
            ),
            self,
        )
        job.signals.progress.connect(self._progress)
        job.signals.done.connect(self._done)
        job.signals.failed.connect(self._failed)
        self.job = job
        self.completeChanged.emit()
        job.start(wizard.ui.tasks, writes=not dry_run)

    def running(self) -> bool:
        return self.job is not None

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(self.tr("Cancelling…"))

    def _progress(self, rows: int, fraction: float) -> None:
        if fraction:
            self.progress.setValue(int(fraction * 1000))
        self.progress_label.setText(self.tr("{rows} rows read").format(rows=f"{rows:,}"))

    def _done(self, result: ImportResult) -> None:
        self.job = None
        self.result = result
        self.progress.setValue(1000)
        self.cancel_button.setEnabled(False)
        for key, label in self.count_labels.items():
            label.setText(f"{getattr(result, key):,}")
        self.finished(result)
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self.cancel_button.setEnabled(False)
        if isinstance(error, ImportCancelled):
            self.progress.setValue(0)
            self.progress_label.setText(self.tr("Cancelled: nothing was changed."))
        else:
            # A bug was already reported by the task runner (crash dialog and log).
            self.progress_label.setText(error_text(error))
        self.completeChanged.emit()

    def finished(self, result: ImportResult) -> None:
        """What the page shows once the run is done."""

    def isComplete(self) -> bool:
        return self.result is not None and self.job is None


class PreviewPage(_RunPage):
    """What importing would do, counted and row by row; nothing is written yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPreviewPage")
        self.setTitle(self.tr("Preview"))
        self.setSubTitle(
            self.tr("What importing this file would do. Nothing has been written yet.")
        )
        self.setCommitPage(True)
        self.setButtonText(self.owner_button(), self.tr("&Import"))
        layout = QVBoxLayout(self)
        layout.addLayout(self.run_box)
        self._add_counts(layout)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setObjectName("fieldHint")
        layout.addWidget(self.note)
        self.rows = QTableWidget(0, 5, self)
        self.rows.setObjectName("importPreviewRows")
        self.rows.setHorizontalHeaderLabels(
            [
                self.tr("Row"),
                self.tr("What happens"),
                self.tr("Name"),
                self.tr("USCC"),
                self.tr("Details"),
            ]
        )
        self.rows.verticalHeader().setVisible(False)
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        head = self.rows.horizontalHeader()
        for column in range(4):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
        layout.addWidget(self.rows, 1)

    @staticmethod
    def owner_button() -> Any:
        from PySide6.QtWidgets import QWizard

        return QWizard.WizardButton.CommitButton

    def initializePage(self) -> None:
        self.rows.setRowCount(0)
        self.note.clear()
        for label in self.count_labels.values():
            label.setText("–")
        self.start(dry_run=True)

    def cleanupPage(self) -> None:
        self.cancel()

    def finished(self, result: ImportResult) -> None:
        self.progress_label.setText(
            self.tr("%Ln row(s) in the file were checked.", "", result.rows)
        )
        notes: list[str] = []
        if result.previous:
            notes.append(
                self.tr(
                    "This file was imported before, on {when}; rows already in the book are "
                    "left as they are."
                ).format(when=fmt.moment(result.previous[0].started_at))
            )
        if result.flagged:
            notes.append(
                self.tr(
                    "Possible duplicates are imported and marked for you to confirm or keep "
                    "apart later."
                )
            )
        self.note.setText(" ".join(notes))
        details = {(e.row): e for e in result.errors}
        self.rows.setRowCount(len(result.samples))
        for row, sample in enumerate(result.samples):
            detail = sample.detail
            error = details.get(sample.row)
            if sample.outcome == "rejected" and error is not None:
                messages = [
                    f"{e.column}: {describe(e.error)}" for e in result.errors if e.row == sample.row
                ]
                detail = "；".join(messages)
            elif sample.outcome == "flagged":
                detail = self.tr("looks like {names}").format(names=sample.detail)
            elif sample.outcome == "merged" and sample.detail.startswith("#"):
                detail = self.tr("the same enterprise as row {row}").format(row=sample.detail[1:])
            elif sample.outcome == "merged" and sample.detail:
                detail = self.tr("fills {fields}").format(
                    fields=", ".join(
                        labels.field_label(_field(f)) for f in sample.detail.split(", ")
                    )
                )
            values = [
                str(sample.row),
                labels.outcome_label(sample.outcome),
                sample.name,
                sample.uscc,
                detail,
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 4:
                    item.setToolTip(value)
                self.rows.setItem(row, column, item)


def _field(stored: str) -> str:
    """The import field a stored column belongs to (district_code → district)."""
    return {
        "district_code": "district",
        "industry_code": "industry",
        "registered_capital_fen": "registered_capital",
    }.get(stored, stored)


# --------------------------------------------------------------------------- 4. import


class ImportPage(_RunPage):
    """The import itself, then what it did: save rejected rows, or undo it."""

    undone = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importRunPage")
        self.setTitle(self.tr("Import"))
        self.setSubTitle(self.tr("The list is imported in one step: cancelling changes nothing."))
        self.setFinalPage(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.run_box)
        self._add_counts(layout)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save rejected rows…"), self)
        self.save_button.setObjectName("importSaveRejected")
        self.save_button.setToolTip(
            self.tr(
                "The rejected rows as they were, with a column saying what is wrong: "
                "correct them and import the file again."
            )
        )
        self.save_button.clicked.connect(self.save_rejected)
        self.undo_button = QPushButton(self.tr("Undo this import"), self)
        self.undo_button.setObjectName("importUndo")
        self.undo_button.clicked.connect(self.undo)
        self.flags_button = QPushButton(self.tr("Check possible duplicates…"), self)
        self.flags_button.setObjectName("importCheckFlags")
        self.flags_button.clicked.connect(self.check_duplicates)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.flags_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.summary.clear()
        self.save_button.setVisible(False)
        self.undo_button.setVisible(False)
        self.flags_button.setVisible(False)
        for label in self.count_labels.values():
            label.setText("–")
        self.start(dry_run=False)

    def finished(self, result: ImportResult) -> None:
        self.progress_label.setText(self.tr("Done."))
        self.summary.setText(
            self.tr(
                "New prospects in your book: {created}. Known prospects completed or added "
                "to this list: {merged}. Possible duplicates marked for you to check: {flagged}."
            ).format(
                created=f"{result.created:,}",
                merged=f"{result.merged:,}",
                flagged=f"{result.flagged:,}",
            )
        )
        self.save_button.setVisible(result.rejected > 0)
        self.flags_button.setVisible(result.flagged > 0)
        self.undo_button.setVisible(result.batch_id is not None)
        self.undo_button.setEnabled(True)
        self.owner().imported(result)

    def check_duplicates(self) -> None:
        from crm.ui.imports.duplicates import DuplicatesDialog

        dialog = DuplicatesDialog(self.owner().ui, self)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def save_rejected(self) -> None:
        result = self.result
        if result is None:
            return
        stem = Path(result.file.file_name).stem
        suffix = ".csv" if result.file.format == "csv" else ".xlsx"
        name = self.tr("{name}-rejected").format(name=stem) + suffix
        suggested = str(Path(result.file.path).with_name(name))
        target, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save rejected rows"),
            suggested,
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
        )
        if target:
            self.write_rejected(Path(target))

    def write_rejected(self, target: Path) -> None:
        result = self.result
        if result is None:
            return
        service = self.owner().service
        self.owner().ui.tasks.read(
            self,
            lambda: service.save_rejected(result, target, describe),
            lambda count: self.summary.setText(
                self.tr("%n rejected row(s) saved to {path}.", "", count).format(path=target)
            ),
            lambda error: self.summary.setText(error_text(error)),
        )

    def undo(self) -> None:
        result = self.result
        if result is None or result.batch_id is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Undo this import"),
            self.tr(
                "Delete the {created} prospects this import created and take back what it "
                "added to known ones?"
            ).format(created=f"{result.created + result.flagged:,}"),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.undo_now()

    def undo_now(self) -> None:
        result = self.result
        if result is None or result.batch_id is None:
            return
        batch = result.batch_id
        service = self.owner().service
        self.undo_button.setEnabled(False)

        def done(_undone: object) -> None:
            self.summary.setText(self.tr("The import was undone."))
            self.undo_button.setVisible(False)
            self.save_button.setVisible(False)
            self.flags_button.setVisible(False)
            self.owner().ui.events.prospectsChanged.emit([])
            self.undone.emit(batch)

        def failed(error: BaseException) -> None:
            self.undo_button.setEnabled(True)
            self.summary.setText(error_text(error))

        self.owner().ui.tasks.write(self, lambda: service.undo(batch), done, failed)

    def isComplete(self) -> bool:
        return self.job is None
