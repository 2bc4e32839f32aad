"""The customer page's Documents tab: the photos and files of all its visit records, newest
visit first. Open shows a file with the system's viewer; Save as… keeps a copy; Open visit
shows the record the file belongs to."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.services.audit import Action
from crm.services.customer import DocumentInfo
from crm.ui.attachments.panel import kind_label
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.errors import show_error
from crm.ui.common.widgets import EmptyState
from crm.ui.visits import labels as visit_labels

DOCUMENT_ROLE = Qt.ItemDataRole.UserRole + 1
_SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size // 1024, 1)} KB"


class DocumentsTab(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.prospect_id: str | None = None
        self.documents: list[DocumentInfo] = []
        self._generation = 0
        self._folder: tempfile.TemporaryDirectory[str] | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        bar = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open"), self)
        self.save_button = QPushButton(self.tr("Save as…"), self)
        self.visit_button = QPushButton(self.tr("Open visit record"), self)
        for button in (self.open_button, self.save_button, self.visit_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.stack = QStackedWidget(self)
        self.tree = QTreeWidget(self.stack)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels(
            [self.tr("Visit"), self.tr("Kind"), self.tr("File"), self.tr("Size")]
        )
        header = self.tree.header()
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.empty = EmptyState(
            self.tr("No documents yet"),
            self.tr(
                "Photos of the premises, the business licence and signed authorisations "
                "attached to this customer's visit records appear here."
            ),
            "",
            self.stack,
        )
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)

        self.open_button.clicked.connect(self.open_file)
        self.save_button.clicked.connect(self.save_file)
        self.visit_button.clicked.connect(self.open_visit)
        self.tree.itemDoubleClicked.connect(lambda _item, _column: self.open_file())
        self.tree.currentItemChanged.connect(lambda *_args: self._update_buttons())
        self._update_buttons()

    def load(self, prospect_id: str) -> None:
        if prospect_id != self.prospect_id:
            self.documents = []
            self.tree.clear()
        self.prospect_id = prospect_id
        self._generation += 1
        generation = self._generation
        service = self.ui.services.customer
        self.ui.tasks.read(
            self,
            lambda: service.documents(prospect_id),
            lambda documents: self._loaded(generation, documents),
        )

    def _loaded(self, generation: int, documents: list[DocumentInfo]) -> None:
        if generation != self._generation:
            return
        self.documents = documents
        self.tree.clear()
        for doc in documents:
            name = doc.caption or doc.filename or kind_label(doc.kind)
            visit = f"{fmt.day(doc.visit_on)} · {visit_labels.kind(doc.visit_kind)}"
            item = QTreeWidgetItem([visit, kind_label(doc.kind), name, size_text(doc.size)])
            item.setToolTip(2, "\n".join(t for t in (doc.caption, doc.filename) if t))
            item.setData(0, DOCUMENT_ROLE, doc)
            self.tree.addTopLevelItem(item)
        top = self.tree.topLevelItem(0)
        if top is not None:
            self.tree.setCurrentItem(top)
        self.stack.setCurrentWidget(self.tree if documents else self.empty)
        for button in (self.open_button, self.save_button, self.visit_button):
            button.setVisible(bool(documents))  # nothing to act on: the empty state says why
        self._update_buttons()

    def selected(self) -> DocumentInfo | None:
        item = self.tree.currentItem()
        doc = item.data(0, DOCUMENT_ROLE) if item is not None else None
        return doc if isinstance(doc, DocumentInfo) else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.open_button, self.save_button, self.visit_button):
            button.setEnabled(chosen)

    def _with_content(self, then: Callable[[DocumentInfo, bytes], None]) -> None:
        doc = self.selected()
        if doc is None:
            return
        service = self.ui.services.attachments

        def failed(error: BaseException) -> None:
            if isinstance(error, DomainError):
                show_error(self, error)

        self.ui.tasks.read(
            self,
            lambda: service.content(doc.id),
            lambda data: then(doc, data),
            failed,
        )

    def open_file(self) -> None:
        def show(doc: DocumentInfo, data: bytes) -> None:
            if self._folder is None:
                self._folder = tempfile.TemporaryDirectory(prefix="crm-documents-")
            path = Path(self._folder.name) / _file_name(doc)
            path.write_bytes(data)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        self._with_content(show)

    def save_file(self) -> None:
        doc = self.selected()
        if doc is None:
            return
        target, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save a copy"), str(Path.home() / _file_name(doc))
        )
        if not target:
            return

        def write(doc: DocumentInfo, data: bytes) -> None:
            Path(target).write_bytes(data)
            self.ui.services.audit.record(
                Action.EXPORT,
                doc.id,
                {"format": "attachment", "kind": doc.kind, "bytes": len(data)},
            )

        self._with_content(write)

    def open_visit(self) -> None:
        doc = self.selected()
        if doc is not None:
            from crm.ui.visits.actions import open_visit

            open_visit(self.ui, self, doc.visit_id)


def _file_name(doc: DocumentInfo) -> str:
    if doc.filename:
        return Path(doc.filename).name
    return f"{doc.visit_on.isoformat()}-{doc.kind}{_SUFFIXES.get(doc.media_type, '')}"
