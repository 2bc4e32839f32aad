"""Undoable form edits: one command per field change, typing merged into one step."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

# Commands with the same id may merge (QUndoCommand.id); only text typing merges.
MERGE_ID = 0x6372


class FieldTarget(Protocol):
    def apply_value(self, field: str, value: Any) -> None: ...


class SetFieldCommand(QUndoCommand):
    def __init__(
        self,
        target: FieldTarget,
        field: str,
        old: Any,
        new: Any,
        text: str,
        merge_key: int | None = None,
    ) -> None:
        super().__init__(text)
        self.target = target
        self.field = field
        self.old = old
        self.new = new
        # Keystrokes in one field, until the user leaves it, share a key and merge.
        self.merge_key = merge_key

    def id(self) -> int:
        return MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetFieldCommand):
            return False
        if other.field != self.field or other.merge_key != self.merge_key:
            return False
        self.new = other.new
        if self.new == self.old:
            self.setObsolete(True)
        return True

    def redo(self) -> None:
        self.target.apply_value(self.field, self.new)

    def undo(self) -> None:
        self.target.apply_value(self.field, self.old)
