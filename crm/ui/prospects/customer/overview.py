"""The customer page's read mode: the prospect's details as text (the form appears only when
the RM chooses Edit), the Edit and Cancel actions, and the names of the page's tabs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from crm.domain.contact import mask_phone
from crm.services.audit import Action
from crm.services.detail_records import ProspectDetail
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
    """Who the business is and how to reach it, as text to read and select. The phone number
    is shown masked (138****8000) until the RM chooses Show, which the audit log records."""

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
            if key == "phone":
                self.grid.addWidget(self._phone_row(value), row, 1)
            else:
                self.grid.addWidget(value, row, 1)
            self.values[key] = value

    def _phone_row(self, value: QLabel) -> QWidget:
        box = QWidget(self)
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        line.addWidget(value)
        self.show_phone = QToolButton(box)
        self.show_phone.setObjectName("showPhone")
        self.show_phone.setText(self.tr("Show"))
        self.show_phone.setToolTip(self.tr("Show the full number (written to the audit log)"))
        self.show_phone.setVisible(False)
        self.show_phone.clicked.connect(self.reveal_phone)
        line.addWidget(self.show_phone)
        line.addStretch(1)
        self._prospect_id = ""
        self._phone = ""
        return box

    def reveal_phone(self) -> None:
        """The full number, once the audit log has the line that says who saw it."""
        prospect_id, phone = self._prospect_id, self._phone
        if not phone:
            return
        audit = self.ui.services.audit
        self.show_phone.setEnabled(False)
        self.ui.tasks.write(
            self,
            lambda: audit.record(Action.UNMASK, prospect_id, {"field": "phone", "via": "show"}),
            lambda _line: self._revealed(prospect_id, phone),
            lambda _error: self.show_phone.setEnabled(True),
        )

    def _revealed(self, prospect_id: str, phone: str) -> None:
        self.show_phone.setEnabled(True)
        if prospect_id == self._prospect_id:
            self.values["phone"].setText(phone)
            self.show_phone.setVisible(False)

    def set_detail(self, detail: ProspectDetail) -> None:
        district = labels.district(self.ui.district(detail.district_code), detail.district_code)
        sep = "、" if labels.lang() == "zh_CN" else ", "
        address = " ".join(p for p in (district, detail.street, detail.address) if p)
        self._prospect_id, self._phone = detail.id, detail.phone
        self.show_phone.setVisible(bool(detail.phone) and mask_phone(detail.phone) != detail.phone)
        texts = {
            "owner_name": detail.owner_name,
            "phone": mask_phone(detail.phone) if detail.phone else "",
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
