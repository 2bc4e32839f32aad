"""The conflicts page: what head office merged or refused, with both versions side by side,
and a way to resolve each (keep head office's, send mine again, or dismiss). Loading runs on
the task runner's readers, a resolution on its writer."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError, Message
from crm.i18n import describe, language
from crm.resources import drop_reasons, industry, label, stage_labels
from crm.services.sync import ConflictInfo, SyncService
from crm.ui.common import fmt
from crm.ui.common import labels as ui_labels
from crm.ui.common.errors import show_error
from crm.ui.common.icons import icon
from crm.ui.common.tasks import TaskRunner
from crm.ui.common.widgets import EmptyState


class ConflictsView(QWidget):
    """Lists open conflicts; loads and resolves off the UI thread.

    With no conflict it shows only an empty state saying so and what the page is for; the
    two versions show once a conflict is chosen.
    """

    changed = Signal()
    # The empty state's "Sync now" (the window runs it as File ▸ Sync now does).
    syncRequested = Signal()

    def __init__(self, sync: SyncService, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncConflicts")
        self.sync = sync
        self.tasks = tasks
        self.items: list[ConflictInfo] = []
        # A district's name in the UI's language from its code (the page knows the book's
        # districts; without them the code is shown).
        self.district_name: Callable[[str], str] = lambda code: code
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Sync conflicts"), self)
        title.setObjectName("pageTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.hint = QLabel(
            self.tr(
                "Changes head office merged with later ones or did not apply. Nothing is lost: "
                "compare both versions and choose."
            ),
            self,
        )
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.split = split = QSplitter(Qt.Orientation.Vertical, self)
        self.table = QTableWidget(0, 3, split)
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Record"), self.tr("What happened")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.detail = detail = QWidget(split)
        row = QHBoxLayout(detail)
        row.setContentsMargins(0, 0, 0, 0)
        self.mine = self._side(detail, self.tr("Your version"))
        self.theirs = self._side(detail, self.tr("Head office's version"))
        row.addWidget(self.mine[0])
        row.addWidget(self.theirs[0])
        split.addWidget(self.table)
        split.addWidget(detail)
        layout.addWidget(split, 1)
        self.action_row = QWidget(self)
        buttons = QHBoxLayout(self.action_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.accept_button = QPushButton(self.tr("Keep head office's version"), self)
        self.resend_button = QPushButton(self.tr("Send mine again"), self)
        self.dismiss_button = QPushButton(self.tr("Dismiss"), self)
        self.accept_button.clicked.connect(lambda: self._resolve("accept_server"))
        self.resend_button.clicked.connect(lambda: self._resolve("send_again"))
        self.dismiss_button.clicked.connect(lambda: self._resolve("dismiss"))
        buttons.addStretch(1)
        for b in (self.accept_button, self.resend_button, self.dismiss_button):
            buttons.addWidget(b)
        layout.addWidget(self.action_row)
        self.empty = EmptyState(
            self.tr("No sync conflicts"),
            self.tr(
                "When head office merges one of your changes with a later one, or cannot "
                "apply it, the change is listed here with both versions side by side for you "
                "to choose. Nothing you changed is lost."
            ),
            self.tr("Sync now"),
            self,
            icon=icon("refresh"),
        )
        self.empty.actionClicked.connect(self.syncRequested)
        layout.addWidget(self.empty, 1)
        self._enable(False)
        self._show_parts()

    @staticmethod
    def _side(parent: QWidget, caption: str) -> tuple[QWidget, QPlainTextEdit]:
        box = QWidget(parent)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(QLabel(caption, box))
        text = QPlainTextEdit(box)
        text.setReadOnly(True)
        col.addWidget(text)
        return box, text

    # -- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        self.tasks.read(self, self.sync.conflicts, self._show)

    def _show(self, items: object) -> None:
        self.items = list(items) if isinstance(items, list) else []
        self.table.setRowCount(len(self.items))
        for r, c in enumerate(self.items):
            when = fmt.moment(c.created_at)
            what = describe(self._readable(c.message))
            for col, text in enumerate((when, c.title or c.entity_id[:8], what)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, col, item)
        self._show_parts()
        if self.items:
            self.table.selectRow(0)
            # Row 0 may have been selected already (the one below it was resolved): no
            # selection change then, so the versions and buttons are refreshed here.
            self._selected()
        else:
            self.mine[1].clear()
            self.theirs[1].clear()
            self._enable(False)

    def _show_parts(self) -> None:
        """The list, the versions and the buttons when there is a conflict; else the empty
        state alone (no blank panes)."""
        some = bool(self.items)
        self.empty.setVisible(not some)
        for part in (self.hint, self.split, self.action_row):
            part.setVisible(some)
        self.detail.setVisible(some and self.current() is not None)

    def current(self) -> ConflictInfo | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _selected(self) -> None:
        c = self.current()
        self._enable(c is not None)
        self.detail.setVisible(c is not None)
        if c is None:
            return
        mine = _fields_of(c.local)
        # Head office's version: the fields of my change first, then the rest it holds.
        focus = set(mine) | ({"stage"} if {"from", "to"} & set(mine) else set())
        self.mine[1].setPlainText(self._pretty(mine, focus=set(mine)))
        self.theirs[1].setPlainText(
            self._pretty(c.server, focus=focus)
            if c.server is not None
            else self.tr("(not shown: not in your book)")
        )
        self.resend_button.setEnabled(c.kind not in ("claim", "create"))

    # -- showing fields and stages by their names -----------------------------------------------

    def field_labels(self) -> dict[str, str]:
        """What the fields of a prospect (and of a stage move) are called on screen."""
        return {
            "name": self.tr("Name"),
            "kind": self.tr("Kind"),
            "uscc": self.tr("USCC"),
            "owner_name": self.tr("Legal representative / owner"),
            "phone": self.tr("Phone"),
            "address": self.tr("Address"),
            "district_code": self.tr("District"),
            "street": self.tr("Street / town"),
            "industry_code": self.tr("Industry"),
            "registered_capital_fen": self.tr("Registered capital"),
            "established_on": self.tr("Established on"),
            "notes": self.tr("Notes"),
            "tags": self.tr("Tags"),
            "sources": self.tr("Sources"),
            "last_contact_on": self.tr("Last contact"),
            "next_visit_due": self.tr("Next visit due"),
            "stage": self.tr("Stage"),
            "stage_changed_at": self.tr("Stage changed at"),
            "created_at": self.tr("Created at"),
            "updated_at": self.tr("Updated at"),
            "from": self.tr("From stage"),
            "to": self.tr("To stage"),
            "reason_code": self.tr("Reason"),
            "reason": self.tr("Reason in words"),
        }

    def _value(self, key: str, value: Any) -> str:
        """A field's value as people read it: stage names, kinds, reasons, money, industry."""
        lang = language()
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if key in ("stage", "from", "to"):
            return _named(stage_labels(), value, lang)
        if key == "reason_code":
            return _named(drop_reasons(), value, lang)
        if key == "kind":
            kinds = {"enterprise": self.tr("Enterprise"), "individual": self.tr("Individual")}
            return kinds.get(str(value), str(value))
        if key == "registered_capital_fen" and isinstance(value, int):
            return fmt.money(value)
        if key == "district_code":
            return self.district_name(str(value))
        if key in ("sources", "tags") and isinstance(value, list):
            name = ui_labels.source if key == "sources" else ui_labels.tag
            return ", ".join(name(str(code)) for code in value)
        if key in DAY_FIELDS and isinstance(value, str):
            try:
                return fmt.day(date.fromisoformat(value))
            except ValueError:
                return value
        if key == "industry_code":
            found = industry(str(value))
            return f"{value} {label(found, lang)}" if found is not None else str(value)
        if isinstance(value, bool):
            return self.tr("Yes") if value else self.tr("No")
        if key.endswith("_at") and isinstance(value, str):
            try:
                stamp = datetime.fromisoformat(value)
            except ValueError:
                return value
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            return fmt.moment(stamp)
        if isinstance(value, list | dict):
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return ", ".join(value)
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def _pretty(self, data: Any, *, focus: set[str]) -> str:
        """One line per field, ``label: value``: the ``focus`` fields first (shown even when
        empty), then the others that hold something, each group in the form's order."""
        if not isinstance(data, dict):
            return json.dumps(data, ensure_ascii=False, indent=2)
        labels = self.field_labels()
        order = {key: n for n, key in enumerate(labels)}
        keys = sorted(
            (
                k
                for k in data
                if k not in HIDDEN and (k in focus or data[k] not in (None, "", [], {}))
            ),
            key=lambda k: (k not in focus, order.get(k, len(order)), k),
        )
        return "\n".join(f"{labels.get(k, k)}: {self._value(k, data[k])}" for k in keys)

    def _readable(self, message: Message) -> Message:
        """The message with field names (a merge's "fields") shown by their labels."""
        fields = message.params.get("fields")
        if not isinstance(fields, str) or not fields:
            return message
        labels = self.field_labels()
        names = [labels.get(f.strip(), f.strip()) for f in fields.split(",") if f.strip()]
        return Message(message.template, **{**message.params, "fields": ", ".join(names)})

    def _enable(self, on: bool) -> None:
        for b in (self.accept_button, self.resend_button, self.dismiss_button):
            b.setEnabled(on)

    def _resolve(self, how: str) -> None:
        c = self.current()
        if c is None:
            return
        self._enable(False)
        sync, conflict_id = self.sync, c.id

        def work() -> list[ConflictInfo]:
            sync.resolve(conflict_id, how)
            return sync.conflicts()

        self.tasks.write(self, work, self._resolved, self._resolve_failed)

    def _resolved(self, items: list[ConflictInfo]) -> None:
        self._show(items)
        self.changed.emit()

    def _resolve_failed(self, error: BaseException) -> None:
        # The buttons back as the chosen conflict allows, the reason told (a bug has been
        # shown by the crash handler), and the list as it is now: the conflict may have
        # been resolved elsewhere meanwhile.
        self._selected()
        if isinstance(error, DomainError):
            show_error(self, error)
        self.reload()


# Fields that hold a calendar day (ISO text in a payload).
DAY_FIELDS = frozenset({"established_on", "last_contact_on", "next_visit_due"})

# Internal parts of a record people do not need to compare (the stage history is shown in
# the prospect's own page; ids mean nothing to a reader).
HIDDEN = frozenset({"history", "event_id", "id", "prospect_id", "rm_id"})


def _fields_of(payload: Any) -> dict[str, Any]:
    """The fields a change carries (an update's ``{"fields": …}`` or the payload itself)."""
    if isinstance(payload, dict) and isinstance(payload.get("fields"), dict):
        return dict(payload["fields"])
    return dict(payload) if isinstance(payload, dict) else {"value": payload}


def _named(items: Any, code: Any, lang: str) -> str:
    for item in items:
        if item.code == code:
            return str(label(item, lang))
    return str(code)
