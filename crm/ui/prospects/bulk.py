"""Small dialogs of the bulk actions: choose an RM, choose a tag."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from crm import resources
from crm.services.records import UserInfo
from crm.ui.common import labels

UNASSIGN = "__unassign__"


class ChoiceDialog(QDialog):
    """Pick one item from a list for the selected prospects."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def _build(
        self,
        title: str,
        intro: str,
        caption: str,
        choices: Sequence[tuple[str, str]],
        action: str,
    ) -> None:
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        text = QLabel(intro, self)
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.combo = QComboBox(self)
        for code, name in choices:
            self.combo.addItem(name, code)
        form.addRow(caption, self.combo)
        layout.addLayout(form)
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def select(self, code: str) -> None:
        self.combo.setCurrentIndex(max(self.combo.findData(code), 0))

    def _accept(self) -> None:
        self.chosen.emit(str(self.combo.currentData()))
        self.accept()


class AssignDialog(ChoiceDialog):
    def __init__(
        self,
        count: int,
        users: Sequence[UserInfo],
        parent: QWidget | None = None,
        *,
        unassign: bool = True,
    ) -> None:
        """``unassign``: offer returning the prospects to the shared pool (head office's)."""
        super().__init__(parent)
        self.setObjectName("assignDialog")
        choices = [
            (u.id, f"{u.display_name} · {u.team_name or labels.role(u.role)}") for u in users
        ]
        if unassign:
            choices.append((UNASSIGN, self.tr("(Nobody: unassign)")))
        self._build(
            self.tr("Assign to an RM"),
            self.tr("Give the %Ln selected prospect(s) to:", "", count),
            self.tr("RM:"),
            choices,
            self.tr("Assign"),
        )


class TagDialog(ChoiceDialog):
    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagDialog")
        self._build(
            self.tr("Add a tag"),
            self.tr("Add a tag to the %Ln selected prospect(s):", "", count),
            self.tr("Tag:"),
            [(t.code, labels.tag(t.code)) for t in resources.tags()],
            self.tr("Add tag"),
        )
