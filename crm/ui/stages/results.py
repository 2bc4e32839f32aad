"""What happened to each prospect of a bulk action: which were refused, and why."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


class BulkResultDialog(QDialog):
    def __init__(
        self,
        title: str,
        summary: str,
        refused: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bulkResultDialog")
        self.setWindowTitle(title)
        self.resize(640, 360)
        layout = QVBoxLayout(self)
        self.summary = QLabel(summary, self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTreeWidget(self)
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels([self.tr("Prospect"), self.tr("Why it was refused")])
        self.table.setWordWrap(True)
        for name, why in refused:
            item = QTreeWidgetItem([name, why])
            item.setToolTip(1, why)
            self.table.addTopLevelItem(item)
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def refused_rows(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item is not None:
                rows.append((item.text(0), item.text(1)))
        return rows
