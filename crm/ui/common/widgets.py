"""Small widgets shared by the pages: multi-select filters, field messages, stage chips,
and the empty state a list or pane shows when it has nothing to show."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm.ui.common import labels

# Show a filter box in the pop-up list once there are more items than this.
FILTER_BOX_FROM = 8


@dataclass(frozen=True)
class Choice:
    code: str
    text: str
    tooltip: str = ""
    heading: bool = False  # drawn bold (a section above its divisions)
    icon: QIcon | None = None


class _ChoicePopup(QFrame):
    """The list a MultiSelectButton opens: a filter box, checkable items, and Clear."""

    changed = Signal()

    def __init__(self, owner: MultiSelectButton) -> None:
        super().__init__(owner, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Type to filter"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.clear_button)
        layout.addLayout(row)

    def fill(self, choices: Sequence[Choice], selected: set[str]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for choice in choices:
            item = QListWidgetItem(choice.text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, choice.code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            checked = choice.code in selected
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            if choice.tooltip:
                item.setToolTip(choice.tooltip)
            if choice.icon is not None:
                item.setIcon(choice.icon)
            if choice.heading:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
        self.list.blockSignals(False)
        self.filter.setVisible(len(choices) > FILTER_BOX_FROM)
        self.filter.clear()

    def checked(self) -> list[str]:
        codes: list[str] = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                codes.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return codes

    def clear(self) -> None:
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            self.list.item(row).setCheckState(Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.changed.emit()

    def _apply_filter(self, text: str) -> None:
        wanted = text.strip().lower()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(wanted) and wanted not in item.text().lower())


class MultiSelectButton(QToolButton):
    """A filter button: "Stage", "Stage: 无贷户" or "Stage: 3"; opens a checkable list."""

    selectionChanged = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._choices: list[Choice] = []
        self._selected: list[str] = []
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._popup: _ChoicePopup | None = None  # made when first opened
        self.clicked.connect(self.show_popup)
        self._update_text()

    # -- data ------------------------------------------------------------------------------

    def set_choices(self, choices: Sequence[Choice]) -> None:
        self._choices = list(choices)
        known = {c.code for c in self._choices}
        self._selected = [c for c in self._selected if c in known]
        self._update_text()

    def choices(self) -> list[Choice]:
        return list(self._choices)

    def selected(self) -> tuple[str, ...]:
        return tuple(self._selected)

    def set_selected(self, codes: Sequence[str]) -> None:
        known = {c.code for c in self._choices}
        wanted = [c for c in codes if c in known]
        if wanted == self._selected:
            return
        self._selected = wanted
        self._update_text()
        self.selectionChanged.emit()

    # -- pop-up ----------------------------------------------------------------------------

    def popup(self) -> _ChoicePopup:
        if self._popup is None:
            self._popup = _ChoicePopup(self)
            self._popup.changed.connect(self._from_popup)
        return self._popup

    def show_popup(self) -> None:
        popup = self.popup()
        popup.fill(self._choices, set(self._selected))
        rows = min(len(self._choices), 14)
        height = rows * (self.fontMetrics().height() + 8) + 70
        popup.resize(max(self.width(), 300), height)
        popup.move(self.mapToGlobal(QPoint(0, self.height())))
        popup.show()
        if popup.filter.isVisible():
            popup.filter.setFocus()
        else:
            popup.list.setFocus()

    def _from_popup(self) -> None:
        self.set_selected(self.popup().checked())

    def _update_text(self) -> None:
        names = {c.code: c.text for c in self._choices}
        if not self._selected:
            self.setText(self._title)
        elif len(self._selected) == 1:
            self.setText(f"{self._title}: {names.get(self._selected[0], '')}")
        else:
            self.setText(
                self.tr("{title}: {count} selected").format(
                    title=self._title, count=len(self._selected)
                )
            )
        self.setToolTip("\n".join(names.get(c, c) for c in self._selected) or self._title)
        self.setProperty("active", bool(self._selected))


class FieldMessage(QLabel):
    """The line under a form field that says what is wrong with it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setOpenExternalLinks(False)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class StageChip(QLabel):
    """A stage name on a rounded background in the stage's colour."""

    def __init__(self, code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_stage(code)

    def set_stage(self, code: str) -> None:
        self.setText(labels.stage(code))
        colour = labels.stage_colour(code).name() if code else "#7a808a"
        self.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; border-radius: 9px;"
            " padding: 2px 10px; font-weight: 600; }"
        )
        self.setVisible(bool(code))


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark a field red (the style sheet keys on the ``invalid`` property)."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class EditUndoBlocker(QObject):
    """Keeps line edits from undoing on their own, so the form's undo stack gets Ctrl+Z.

    A QLineEdit or QPlainTextEdit claims Ctrl+Z through a ShortcutOverride event; eating
    that event lets the shortcut reach the form's Undo and Redo actions instead.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            key_event = event  # a QKeyEvent
            for key in (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo):
                if key_event.matches(key):  # type: ignore[attr-defined]
                    event.ignore()
                    return True
        return False


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("panelTitle")
    return label


def muted(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("muted", True)
    return label


# The widest an empty state's text runs (longer lines are hard to read at a glance).
EMPTY_STATE_WIDTH = 560


class EmptyState(QFrame):
    """What a list or pane shows instead of blank space: what would be here, and what to do.

    A title ("No visits planned"), a line or two of explanation, and optionally a button
    for the obvious next step ("Plan a visit"). Put it in a ``QStackedWidget`` beside the
    list, or show it in place of the list with ``setVisible``. Texts are set by the owner
    (already translated), so the owner's catalogue holds them.
    """

    actionClicked = Signal()

    def __init__(
        self,
        title: str = "",
        text: str = "",
        action: str = "",
        parent: QWidget | None = None,
        *,
        icon: QIcon | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # The texts sit in a column of bounded width, centred; labels wrapped inside it
        # (a wrapped label given an alignment in its layout is cut to one line's height).
        column = QWidget(self)
        column.setMaximumWidth(EMPTY_STATE_WIDTH)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(8)
        self.picture = QLabel(column)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(column)
        self.title.setObjectName("emptyTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.text = QLabel(column)
        self.text.setObjectName("emptyText")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.text.setProperty("muted", True)
        self.button = QPushButton(column)
        self.button.setObjectName("emptyAction")
        self.button.clicked.connect(lambda _checked=False: self.actionClicked.emit())
        for widget in (self.picture, self.title, self.text):
            inner.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 3)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.set_icon(icon)
        self.set_texts(title, text, action)

    def set_icon(self, icon: QIcon | None) -> None:
        if icon is None or icon.isNull():
            self.picture.clear()
            self.picture.hide()
        else:
            self.picture.setPixmap(icon.pixmap(40, 40))
            self.picture.show()

    def set_texts(self, title: str, text: str = "", action: str = "") -> None:
        """Change what it says (a filter that hides everything says something else than an
        empty book); an empty ``action`` hides the button."""
        self.title.setText(title)
        self.title.setVisible(bool(title))
        self.text.setText(text)
        self.text.setVisible(bool(text))
        self.button.setText(action)
        self.button.setVisible(bool(action))

    def on_action(self, slot: Callable[[], object]) -> EmptyState:
        """Connect the button to ``slot``; returns self, to chain after construction."""
        self.actionClicked.connect(lambda: slot())
        return self
