"""The customer page's History tab: everything the book remembers about the customer, newest
first, with who and when: stage moves, reassignments, edits, imports, facts confirmed,
contacts and loans added."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.domain.stages import Stage
from crm.services.customer import HistoryEntry
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext
from crm.ui.common.widgets import EmptyState

# The filter's groups: which kinds of entry each shows.
GROUPS: dict[str, tuple[str, ...]] = {
    "all": (),
    "stage": ("created", "stage"),
    "assign": ("assign",),
    "edits": ("edit", "import", "fact"),
    "records": ("contact", "loan"),
}


class HistoryTab(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.prospect_id: str | None = None
        self.entries: list[HistoryEntry] = []
        self._generation = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        bar = QHBoxLayout()
        show = QLabel(self.tr("Show"), self)
        self.filter = QComboBox(self)
        for code, text in (
            ("all", self.tr("Everything")),
            ("stage", self.tr("Stage changes")),
            ("assign", self.tr("Assignments")),
            ("edits", self.tr("Edits, imports and facts")),
            ("records", self.tr("Contacts and loans added")),
        ):
            self.filter.addItem(text, code)
        show.setBuddy(self.filter)
        bar.addWidget(show)
        bar.addWidget(self.filter)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.stack = QStackedWidget(self)
        self.tree = QTreeWidget(self.stack)
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("What")])
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = EmptyState(self.tr("Nothing recorded yet"), "", "", self.stack)
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.filter.currentIndexChanged.connect(lambda _i: self._fill())

    def load(self, prospect_id: str) -> None:
        if prospect_id != self.prospect_id:
            self.entries = []
            self.tree.clear()
        self.prospect_id = prospect_id
        self._generation += 1
        generation = self._generation
        service = self.ui.services.customer
        self.ui.tasks.read(
            self,
            lambda: service.history(prospect_id),
            lambda entries: self._loaded(generation, entries),
        )

    def _loaded(self, generation: int, entries: list[HistoryEntry]) -> None:
        if generation == self._generation:
            self.entries = entries
            self._fill()

    def _fill(self) -> None:
        kinds = GROUPS.get(str(self.filter.currentData()), ())
        shown = [e for e in self.entries if not kinds or e.kind in kinds]
        self.tree.clear()
        zone = self.ui.zone
        for entry in shown:
            what = self.describe(entry)
            item = QTreeWidgetItem([fmt.moment(entry.at, zone), entry.who or "—", what])
            item.setToolTip(2, what)
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            self.tree.addTopLevelItem(item)
        if not shown:
            self.empty.set_texts(
                self.tr("Nothing recorded yet")
                if not self.entries
                else self.tr("Nothing of this kind: choose Everything to see all"),
            )
        self.stack.setCurrentWidget(self.tree if shown else self.empty)

    def texts(self) -> list[str]:
        """The What column, top to bottom (for tests and screen readers)."""
        items = (self.tree.topLevelItem(n) for n in range(self.tree.topLevelItemCount()))
        return [item.text(2) for item in items if item is not None]

    # -- wording ---------------------------------------------------------------------------

    def describe(self, entry: HistoryEntry) -> str:
        d = entry.detail
        kind = entry.kind
        if kind == "created":
            return self.tr("Added to the book")
        if kind == "stage":
            return self._stage(d)
        if kind == "assign":
            if d.get("to") and d.get("from"):
                text = self.tr("Reassigned from {old} to {new}").format(old=d["from"], new=d["to"])
            elif d.get("to"):
                text = self.tr("Assigned to {new}").format(new=d["to"])
            else:
                text = self.tr("Returned to the shared pool")
            return text + (f" — {d['note']}" if d.get("note") else "")
        if kind == "edit":
            return self.tr("Edited {fields} (not yet sent to head office)").format(
                fields=self._fields(d.get("fields", ()))
            )
        if kind == "import":
            return self._import(d)
        if kind == "fact":
            return self.tr("Confirmed {fact}").format(fact=_fact_label(str(d.get("key", ""))))
        if kind == "contact":
            return self.tr("Contact added: {name}").format(name=d.get("name", ""))
        if kind == "loan":
            return self.tr("Loan recorded: {amount}").format(
                amount=fmt.money(int(d.get("amount_fen") or 0))
            )
        return kind

    def _stage(self, d: dict[str, Any]) -> str:
        if not d.get("from"):
            text = self.tr("Entered the pipeline as {stage}").format(stage=labels.stage(d["to"]))
        else:
            text = f"{labels.stage(d['from'])} → {labels.stage(d['to'])}"
        why = []
        if d.get("reason_code") and d.get("to") == Stage.DROPPED.value:
            why.append(labels.drop_reason(d["reason_code"]))
        if d.get("reason_text"):
            why.append(d["reason_text"])
        return text + (f" — {' — '.join(why)}" if why else "")

    def _import(self, d: dict[str, Any]) -> str:
        source = labels.source(d.get("source", ""), short=True) if d.get("source") else ""
        file = d.get("file", "")
        effect = d.get("effect")
        if effect == "created":
            return self.tr("Created by importing {file} ({source})").format(
                file=file, source=source
            )
        if effect == "membership":
            return self.tr("Found on the list {source} ({file})").format(file=file, source=source)
        if effect == "filled":
            return self.tr("Filled from {file}: {fields}").format(
                file=file, fields=self._fields(d.get("fields", ()))
            )
        if effect == "flagged":
            return self.tr("Flagged as a possible duplicate by {file}").format(file=file)
        return self.tr("Business facts set from {file}: {facts}").format(
            file=file, facts="、".join(_fact_label(k) for k in d.get("fields", ()))
        )

    def _fields(self, names: Sequence[str]) -> str:
        words = {
            "name": self.tr("name"),
            "kind": self.tr("kind"),
            "uscc": self.tr("USCC"),
            "owner_name": self.tr("legal representative"),
            "phone": self.tr("phone"),
            "address": self.tr("address"),
            "district_code": self.tr("district"),
            "street": self.tr("street"),
            "industry_code": self.tr("industry"),
            "registered_capital_fen": self.tr("registered capital"),
            "established_on": self.tr("established on"),
            "notes": self.tr("notes"),
            "tags": self.tr("tags"),
            "sources": self.tr("source lists"),
        }
        return self.tr(", ").join(words.get(n, n) for n in names)


def _fact_label(key: str) -> str:
    from crm.ui.products.facts_editor import fact_label

    return fact_label(key)
