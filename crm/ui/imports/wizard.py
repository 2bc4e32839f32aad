"""The import wizard (File ▸ Import list…): file and list → columns → preview → import.

Opened by the main window with ``open_import_wizard(ui, parent)``; it works on the same
``UiContext`` as every page, runs reads through the shared task runner and the import
itself in a QThreadPool worker that reports progress and can be cancelled.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget, QWizard

from crm.services.imports.service import FileInfo, ImportRequest, ImportResult
from crm.ui.common.context import UiContext
from crm.ui.imports.pages import ColumnsPage, FilePage, request_for
from crm.ui.imports.run_pages import ImportPage, PreviewPage

DEFAULT_SIZE = QSize(900, 640)
STATE_KEY = "import_wizard"


class ImportWizard(QWizard):
    # Emitted after a finished import with its result (the window refreshes its lists).
    importedList = Signal(object)

    FILE, COLUMNS, PREVIEW, IMPORT = range(4)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.ui = ui
        self.service = ui.services.imports
        self.info: FileInfo | None = None
        self.setWindowTitle(self.tr("Import a list"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.preview_page = PreviewPage(self)
        self.import_page = ImportPage(self)
        self.setPage(self.FILE, self.file_page)
        self.setPage(self.COLUMNS, self.columns_page)
        self.setPage(self.PREVIEW, self.preview_page)
        self.setPage(self.IMPORT, self.import_page)
        self.resize(DEFAULT_SIZE)

    # -- what the pages share --------------------------------------------------------------

    def file_inspected(self, info: FileInfo) -> None:
        self.info = info
        if self.currentId() == self.COLUMNS:
            self.columns_page.show_info(info)

    def request(self) -> ImportRequest:
        assert self.info is not None
        return request_for(self.file_page, self.columns_page, self.info)

    def imported(self, result: ImportResult) -> None:
        self.ui.events.prospectsChanged.emit([])
        self.remember(result)
        self.importedList.emit(result)

    # -- what the RM chose last time (lists come every week, in the same folder) ------------

    def last_choices(self) -> dict[str, Any]:
        raw = self.ui.settings.state(STATE_KEY)
        if raw is None:
            return {}
        try:
            data = json.loads(bytes(raw.data()).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def remember(self, result: ImportResult) -> None:
        from pathlib import Path

        data = {
            "folder": str(Path(result.file.path).parent),
            "source": result.source_code or "",
            "mapping": self.file_page.mapping_name() or "",
        }
        self.ui.settings.set_state(STATE_KEY, QByteArray(json.dumps(data).encode("utf-8")))

    def running(self) -> bool:
        return self.preview_page.running() or self.import_page.running()

    # -- closing while something runs ------------------------------------------------------

    def reject(self) -> None:
        """Cancel (or Esc) while a preview or import runs: stop it, then close."""
        for page in (self.preview_page, self.import_page):
            job = page.job
            if job is not None:
                job.cancel()
                job.wait()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running():
            self.reject()
        super().closeEvent(event)


def open_import_wizard(ui: UiContext, parent: QWidget | None = None) -> ImportWizard:
    """Show the wizard (not modal: the RM can keep working while a long list imports)."""
    wizard = ImportWizard(ui, parent)
    wizard.finished.connect(lambda _result: wizard.deleteLater())
    wizard.show()
    return wizard
