"""Asking for stage moves, from the pipeline (drag and drop), the list (bulk) and the detail.

One flow for every place: when the move needs words (a drop, a move back, reactivating),
the dialog collects them first; the service's gates decide; a refusal names the gate.
Moves run on the writer thread; ``moved`` announces what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from crm.domain.errors import DomainError
from crm.domain.stages import Stage, StageMoveRefused, needs_reason
from crm.ui.common import labels
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said

if TYPE_CHECKING:
    # Loaded when first asked for: the prospect list makes a mover before its first frame.
    from crm.ui.stages.dialog import MoveItem, StageMoveDialog
    from crm.ui.stages.results import BulkResultDialog

translate = QCoreApplication.translate


class StageMover(QObject):
    # Ids that moved (possibly empty when all were refused).
    moved = Signal(list)
    # A status line for the window: "Moved 3 prospects to 首贷户".
    message = Signal(str)

    def __init__(self, ui: UiContext, widget: QWidget) -> None:
        super().__init__(widget)
        self.ui = ui
        self.widget = widget
        self.dialog: StageMoveDialog | None = None
        self.results: BulkResultDialog | None = None

    def request(self, items: Sequence[MoveItem], target: str | None = None) -> None:
        """Ask to move ``items`` (to ``target``, or let the user choose)."""
        items = [i for i in items if target is None or i.stage != target]
        if not items:
            return
        if target is not None and not any(
            needs_reason(Stage(i.stage), Stage(target)) for i in items
        ):
            self._run(items, target, "", "", dialog=None)
            return
        from crm.ui.stages.dialog import StageMoveDialog

        self.dialog = StageMoveDialog(items, target, self.widget)
        dialog = self.dialog
        dialog.moveRequested.connect(
            lambda stage, code, text: self._run(items, stage, code, text, dialog)
        )
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _live(self, dialog: StageMoveDialog | None) -> StageMoveDialog | None:
        """The dialog if it is still open (the user may have closed it meanwhile)."""
        return dialog if dialog is not None and dialog is self.dialog else None

    def _forget(self, dialog: StageMoveDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _run(
        self,
        items: list[MoveItem],
        target: str,
        code: str,
        text: str,
        dialog: StageMoveDialog | None,
    ) -> None:
        service = self.ui.services.prospects
        owner: QObject = self
        if len(items) == 1:
            item = items[0]
            self.ui.tasks.write(
                owner,
                lambda: service.change_stage(item.id, target, code or None, text),
                lambda _detail: self._done(items, [item.id], {}, target, dialog),
                lambda err: self._refused_one(item, err, dialog),
            )
            return
        ids = [i.id for i in items]
        self.ui.tasks.write(
            owner,
            lambda: service.change_stages(ids, target, code or None, text),
            lambda result: self._done(items, result[0], result[1], target, dialog),
            lambda err: self._refused_one(items[0], err, dialog),
        )

    def _done(
        self,
        items: list[MoveItem],
        moved: list[str],
        refused: dict[str, DomainError],
        target: str,
        dialog: StageMoveDialog | None,
    ) -> None:
        dialog = self._live(dialog)
        if len(items) == 1 and refused:
            self._refused_one(items[0], next(iter(refused.values())), dialog)
            return
        if dialog is not None:
            dialog.accept()
        if moved:
            self.message.emit(
                translate("StageMover", "Moved {count} to {stage}").format(
                    count=len(moved), stage=labels.stage(target)
                )
            )
        self.moved.emit(list(moved))
        if refused:
            names = {i.id: i.name for i in items}
            from crm.ui.stages.results import BulkResultDialog

            self.results = BulkResultDialog(
                translate("StageMover", "Change stage"),
                translate("StageMover", "{moved} moved to {stage}; {refused} refused.").format(
                    moved=len(moved), stage=labels.stage(target), refused=len(refused)
                ),
                [(names.get(pid, pid), _refusal_text(err)) for pid, err in refused.items()],
                self.widget,
            )
            self.results.open()

    def _refused_one(
        self, item: MoveItem, error: BaseException, dialog: StageMoveDialog | None
    ) -> None:
        dialog = self._live(dialog)
        if not isinstance(error, DomainError):
            if dialog is not None:
                dialog.set_busy(False)
            return  # a bug: the crash handler has shown it
        if dialog is not None:
            dialog.show_refusal(error)
            return
        QMessageBox.warning(
            self.widget,
            translate("StageMover", "Move refused"),
            translate("StageMover", "{name} was not moved.").format(name=item.name)
            + "\n\n"
            + _refusal_text(error),
        )


def _refusal_text(error: DomainError) -> str:
    text = said(error)
    if isinstance(error, StageMoveRefused):
        hint = labels.gate(error.gate)
        if hint and hint != text:
            return f"{text}\n{hint}"
    return text
