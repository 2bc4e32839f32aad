"""The dialog that asks for a stage move: target, drop reason and explanation.

It asks only for what the rules need (``crm.domain.stages``): a drop needs a drop reason
(and words when the reason is "other"); moving back or reactivating a dropped prospect
needs an explanation. When the service refuses the move, the dialog stays open and says
which gate blocked it, in the user's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from crm import resources
from crm.domain.errors import DomainError
from crm.domain.stages import DropReason, Stage, StageMoveRefused, allowed_targets, needs_reason
from crm.ui.common import labels
from crm.ui.common.errors import said
from crm.ui.common.widgets import FieldMessage, StageChip, set_invalid


@dataclass(frozen=True)
class MoveItem:
    """A prospect to move, as the caller knows it."""

    id: str
    name: str
    stage: str


def text_required(current: Stage, target: Stage, reason_code: str) -> bool:
    """Whether the explanation must be written (the rules of ``check_move``)."""
    if target == Stage.DROPPED:
        return reason_code == DropReason.OTHER.value
    return needs_reason(current, target)


class StageMoveDialog(QDialog):
    # target, reason code ("" when none), reason text
    moveRequested = Signal(str, str, str)

    def __init__(
        self,
        items: Sequence[MoveItem],
        target: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.items = list(items)
        self.setObjectName("stageMoveDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(480)
        single = len(self.items) == 1
        if single:
            self.setWindowTitle(self.tr("Change stage of {name}").format(name=self.items[0].name))
        else:
            self.setWindowTitle(
                self.tr("Change stage of {count} prospects").format(count=len(self.items))
            )

        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(form)

        currents = sorted({i.stage for i in self.items}, key=lambda s: list(Stage).index(Stage(s)))
        if len(currents) == 1:
            self.current_chip: QWidget = StageChip(currents[0], self)
        else:
            self.current_chip = QLabel(", ".join(labels.stage(s) for s in currents), self)
        form.addRow(self.tr("From:"), self.current_chip)

        self.target = QComboBox(self)
        self.target.setObjectName("target")
        options = self._targets(currents)
        for stage in options:
            self.target.addItem(
                labels.stage_icon(stage.value), labels.stage(stage.value), stage.value
            )
        if target is not None:
            at = self.target.findData(target)
            if at < 0:
                self.target.addItem(labels.stage_icon(target), labels.stage(target), target)
                at = self.target.count() - 1
            self.target.setCurrentIndex(at)
            # The target was chosen by the drop: show it, not a combo box to change it.
            self.target.hide()
            target_row = QHBoxLayout()
            target_row.addWidget(StageChip(target, self))
            target_row.addWidget(self.target)
            target_row.addStretch(1)
            form.addRow(self.tr("To:"), target_row)
        else:
            form.addRow(self.tr("To:"), self.target)

        self.reason_code = QComboBox(self)
        self.reason_code.setObjectName("reasonCode")
        self.reason_code.addItem(self.tr("Choose a reason…"), "")
        for reason in resources.drop_reasons():
            self.reason_code.addItem(labels.drop_reason(reason.code), reason.code)
        self.reason_code_label = QLabel(self.tr("Drop reason:"), self)
        self.reason_code_message = FieldMessage(self)
        code_box = QVBoxLayout()
        code_box.setSpacing(2)
        code_box.addWidget(self.reason_code)
        code_box.addWidget(self.reason_code_message)
        form.addRow(self.reason_code_label, code_box)

        self.reason_text = QPlainTextEdit(self)
        self.reason_text.setObjectName("reasonText")
        self.reason_text.setTabChangesFocus(True)
        self.reason_text.setFixedHeight(90)
        self.reason_text_label = QLabel(self)
        self.reason_text_message = FieldMessage(self)
        text_box = QVBoxLayout()
        text_box.setSpacing(2)
        text_box.addWidget(self.reason_text)
        text_box.addWidget(self.reason_text_message)
        form.addRow(self.reason_text_label, text_box)

        self.error_box = QFrame(self)
        self.error_box.setObjectName("errorBox")
        error_layout = QVBoxLayout(self.error_box)
        self.error_title = QLabel(self.error_box)
        self.error_title.setStyleSheet("font-weight: 600;")
        self.error_text = QLabel(self.error_box)
        self.error_text.setWordWrap(True)
        self.error_hint = QLabel(self.error_box)
        self.error_hint.setWordWrap(True)
        for label in (self.error_title, self.error_text, self.error_hint):
            error_layout.addWidget(label)
        self.error_box.hide()
        layout.addWidget(self.error_box)

        if not single:
            names = ", ".join(i.name for i in self.items[:5])
            more = len(self.items) - 5
            if more > 0:
                names += " " + self.tr("and {count} more").format(count=more)
            summary = QLabel(names, self)
            summary.setWordWrap(True)
            summary.setProperty("muted", True)
            layout.addWidget(summary)

        self.buttons = QDialogButtonBox(self)
        self.move_button = self.buttons.addButton(
            self.tr("Move"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.target.currentIndexChanged.connect(self._update_fields)
        self.reason_code.currentIndexChanged.connect(self._update_fields)
        self.reason_text.textChanged.connect(self._clear_text_message)
        self._update_fields()

    # -- state -----------------------------------------------------------------------------

    def target_stage(self) -> str:
        return str(self.target.currentData())

    def chosen_reason_code(self) -> str:
        return str(self.reason_code.currentData() or "")

    def _targets(self, currents: Sequence[str]) -> list[Stage]:
        if len(currents) == 1:
            return list(allowed_targets(Stage(currents[0])))
        return list(labels.STAGES)

    def _text_required(self) -> bool:
        target = Stage(self.target_stage())
        code = self.chosen_reason_code()
        return any(
            text_required(Stage(i.stage), target, code)
            for i in self.items
            if i.stage != target.value
        )

    def _update_fields(self) -> None:
        dropping = self.target_stage() == Stage.DROPPED.value
        self.reason_code.setVisible(dropping)
        self.reason_code_label.setVisible(dropping)
        if not dropping:
            self.reason_code_message.show_message("")
        required = self._text_required()
        self.reason_text_label.setText(
            self.tr("Reason (required):") if required else self.tr("Note (optional):")
        )
        self.reason_text.setPlaceholderText(
            self.tr("Why is this prospect moving? Head office sees this with the change.")
            if required
            else self.tr("Anything worth recording with this change")
        )
        self.reason_code_message.show_message("")
        set_invalid(self.reason_code, False)
        self.error_box.hide()
        self.adjustSize()

    def _clear_text_message(self) -> None:
        if self.reason_text.toPlainText().strip():
            self.reason_text_message.show_message("")
            set_invalid(self.reason_text, False)

    # -- submitting ------------------------------------------------------------------------

    def submit(self) -> None:
        """Check what the dialog can check itself, then ask for the move."""
        ok = True
        if self.target_stage() == Stage.DROPPED.value and not self.chosen_reason_code():
            self.reason_code_message.show_message(labels.gate("drop_reason"))
            set_invalid(self.reason_code, True)
            ok = False
        if self._text_required() and not self.reason_text.toPlainText().strip():
            self.reason_text_message.show_message(labels.gate("reason"))
            set_invalid(self.reason_text, True)
            ok = False
        if not ok:
            return
        self.set_busy(True)
        self.moveRequested.emit(
            self.target_stage(), self.chosen_reason_code(), self.reason_text.toPlainText().strip()
        )

    def set_busy(self, busy: bool) -> None:
        self.move_button.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def show_refusal(self, error: DomainError) -> None:
        """Say which gate blocked the move; the dialog stays open to fix it."""
        self.set_busy(False)
        gate = error.gate if isinstance(error, StageMoveRefused) else ""
        self.error_title.setText(
            self.tr("The move was refused: {rule}").format(rule=labels.gate_title(gate))
            if gate
            else self.tr("The move was refused")
        )
        self.error_text.setText(said(error))
        hint = labels.gate(gate)
        self.error_hint.setText(hint)
        self.error_hint.setVisible(bool(hint) and hint != said(error))
        self.error_box.show()
        if gate == "reason":
            set_invalid(self.reason_text, True)
            self.reason_text.setFocus()
        elif gate == "drop_reason":
            set_invalid(self.reason_code, True)
            self.reason_code.setFocus()
        self.adjustSize()
