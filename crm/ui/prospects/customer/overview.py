"""The customer page's read mode: the prospect's details as text (the form appears only when
the RM chooses Edit), the Edit and Cancel actions, and the names of the page's tabs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QGridLayout, QInputDialog, QLabel, QLineEdit, QToolButton, QWidget

from crm.services.records import ProspectDetail
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext
from crm.ui.common.icons import icon

translate = QCoreApplication.translate


def tab_title(key: str) -> str:
    titles = {
        "overview": translate("CustomerPage", "Overview"),
        "contacts": translate("CustomerPage", "Contacts"),
        "visits": translate("CustomerPage", "Visits"),
        "loans": translate("CustomerPage", "Loans"),
        "checklist": translate("CustomerPage", "Checklist"),
        "history": translate("CustomerPage", "History"),
        "documents": translate("CustomerPage", "Documents"),
        "plan": translate("CustomerPage", "Service plan"),
    }
    return titles[key]


def short_name_part(short_name: str) -> str:
    return translate("CustomerPage", "Short name: {name}").format(name=short_name)


class ShortNameButton(QToolButton):
    """The short name (简称) beside the stage chip; clicking it lets the RM write their own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortName")
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(
            self.tr("The name shown on cards, calendar chips and Today: click to change it")
        )
        self.short_name = ""

    def set_short_name(self, short_name: str) -> None:
        self.short_name = short_name
        self.setText(short_name_part(short_name) + " ✎" if short_name else "")
        self.setVisible(bool(short_name))

    def ask(self) -> str | None:
        """The short name the RM typed (empty: made from the registered name again), or
        None when they cancelled."""
        text, ok = QInputDialog.getText(
            self,
            self.tr("Short name"),
            self.tr("Short name (leave empty to make it from the registered name):"),
            QLineEdit.EchoMode.Normal,
            self.short_name,
        )
        return text if ok else None


class ModeActions(QObject):
    """Edit (read mode → the form) and Cancel (back to reading, unsaved edits thrown away)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.edit = QAction(self.tr("Edit"), parent)
        self.edit.setShortcut(QKeySequence("Ctrl+E"))
        self.edit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.edit.setToolTip(self.tr("Edit this prospect's details (Ctrl+E)"))
        self.cancel = QAction(icon("clear"), self.tr("Cancel"), parent)
        self.cancel.setShortcut(QKeySequence("Esc"))
        self.cancel.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancel.setToolTip(self.tr("Stop editing; unsaved changes are thrown away (Esc)"))


class ProfileSheet(QWidget):
    """Who the business is and how to reach it, as text to read and select."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(5)
        self.grid.setColumnStretch(1, 1)
        self.values: dict[str, QLabel] = {}
        rows = (
            ("owner_name", self.tr("Legal representative")),
            ("phone", self.tr("Phone")),
            ("uscc", self.tr("USCC")),
            ("address", self.tr("Address")),
            ("established_on", self.tr("Established on")),
            ("tags", self.tr("Tags")),
            ("sources", self.tr("Source lists")),
            ("notes", self.tr("Notes")),
        )
        for row, (key, caption) in enumerate(rows):
            name = QLabel(caption, self)
            name.setProperty("muted", True)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QLabel("—", self)
            value.setObjectName(f"profile_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(value, row, 1)
            self.values[key] = value

    def set_detail(self, detail: ProspectDetail) -> None:
        district = labels.district(self.ui.district(detail.district_code), detail.district_code)
        sep = "、" if labels.lang() == "zh_CN" else ", "
        address = " ".join(p for p in (district, detail.street, detail.address) if p)
        texts = {
            "owner_name": detail.owner_name,
            "phone": detail.phone,
            "uscc": detail.uscc or "",
            "address": address,
            "established_on": fmt.day(detail.established_on) if detail.established_on else "",
            "tags": sep.join(labels.tag(t) for t in detail.tags),
            "sources": sep.join(labels.source(s.code) for s in detail.sources),
            "notes": detail.notes,
        }
        for key, text in texts.items():
            self.values[key].setText(text or "—")

    def text(self, key: str) -> str:
        return self.values[key].text()
