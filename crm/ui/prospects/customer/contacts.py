"""The customer page's Contacts tab: the people at the business, the primary one first.

Add, edit and make primary go through the customer service (the contacts' one writer, which
queues each change for head office). Call opens the phone number with the system's dialler
(a softphone, a paired mobile); Copy puts it on the clipboard.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.domain.contact import mask_phone
from crm.domain.errors import DomainError
from crm.domain.prospect import FieldError
from crm.services.audit import Action
from crm.services.customer import ContactDraft
from crm.services.detail_records import ContactInfo
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said, show_error
from crm.ui.common.icons import icon
from crm.ui.common.widgets import EmptyState, FieldMessage

CONTACT_ROLE = Qt.ItemDataRole.UserRole + 1


class ContactDialog(QDialog):
    """A person's name, title and phone, and whether they are the primary contact.
    ``submitted``: Save was asked for (the dialog closes once the service saved)."""

    submitted = Signal()

    def __init__(self, contact: ContactInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit contact") if contact else self.tr("New contact"))
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.name = QLineEdit(contact.name if contact else "", self)
        self.name.setPlaceholderText(self.tr("e.g. 张伟"))
        self.name_message = FieldMessage(self)
        self.title_edit = QLineEdit(contact.title if contact else "", self)
        self.title_edit.setPlaceholderText(self.tr("e.g. 财务经理 (finance manager)"))
        self.phone = QLineEdit(contact.phone if contact else "", self)
        self.phone.setPlaceholderText(self.tr("Mobile or landline, e.g. 138 0013 8000"))
        self.phone_message = FieldMessage(self)
        self.primary = QCheckBox(self.tr("Primary contact of this business"), self)
        self.primary.setChecked(bool(contact and contact.is_primary))
        # Someone stops being the primary contact only when another becomes it.
        self.primary.setEnabled(not (contact and contact.is_primary))
        name_box = QVBoxLayout()
        name_box.setSpacing(2)
        name_box.addWidget(self.name)
        name_box.addWidget(self.name_message)
        phone_box = QVBoxLayout()
        phone_box.setSpacing(2)
        phone_box.addWidget(self.phone)
        phone_box.addWidget(self.phone_message)
        form.addRow(self.tr("Name *"), name_box)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Phone"), phone_box)
        form.addRow("", self.primary)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.submitted)
        self.buttons.rejected.connect(self.reject)
        self.main_layout = QVBoxLayout(self)
        self.main_layout.addLayout(form)
        self.main_layout.addWidget(self.buttons)

    def draft(self) -> ContactDraft:
        return ContactDraft(
            self.name.text(), self.title_edit.text(), self.phone.text(), self.primary.isChecked()
        )

    def show_problem(self, error: DomainError) -> None:
        """What the service refused, next to its field; the typed values stay."""
        self.name_message.show_message("")
        self.phone_message.show_message("")
        if isinstance(error, FieldError) and error.field == "phone":
            self.phone_message.show_message(said(error))
            self.phone.setFocus()
        else:
            self.name_message.show_message(said(error))
            self.name.setFocus()
        # The message wraps under its field: the dialog grows to show all of it.
        self.main_layout.activate()
        self.resize(
            self.width(), max(self.height(), self.main_layout.totalHeightForWidth(self.width()))
        )


class ContactsTab(QWidget):
    """The people of one prospect; ``changed`` says a contact was added or edited."""

    changed = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.prospect_id: str | None = None
        self.contacts: list[ContactInfo] = []
        self.dialog: ContactDialog | None = None
        self._generation = 0
        self._want: str | None = None  # the contact to select once the list is read again

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        bar = QHBoxLayout()
        self.add_button = QPushButton(icon("add"), self.tr("Add contact…"), self)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.primary_button = QPushButton(self.tr("Make primary"), self)
        self.call_button = QPushButton(self.tr("Call"), self)
        self.call_button.setToolTip(self.tr("Dial the number with this computer's phone app"))
        self.copy_button = QPushButton(self.tr("Copy number"), self)
        # Numbers are masked (138****8000) until shown; showing, calling and copying one are
        # written to the audit log.
        self.show_button = QPushButton(self.tr("Show number"), self)
        self.show_button.setObjectName("showNumber")
        self.show_button.setToolTip(self.tr("Show the full number (written to the audit log)"))
        self.shown: set[str] = set()
        for button in (self.add_button, self.edit_button, self.primary_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.show_button)
        bar.addWidget(self.call_button)
        bar.addWidget(self.copy_button)
        layout.addLayout(bar)

        self.stack = QStackedWidget(self)
        self.table = QTreeWidget(self.stack)
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHeaderLabels([self.tr("Name"), self.tr("Title"), self.tr("Phone"), ""])
        header = self.table.header()
        header.setMinimumSectionSize(110)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = EmptyState(
            self.tr("No contacts yet"),
            self.tr(
                "Add the people you deal with at this business: the owner, the finance "
                "manager, the cashier."
            ),
            self.tr("Add contact…"),
            self.stack,
        ).on_action(self.add)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)

        self.copy_action = QAction(self.tr("Copy number"), self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_phone)
        self.table.addAction(self.copy_action)

        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.primary_button.clicked.connect(self.make_primary)
        self.call_button.clicked.connect(self.call)
        self.show_button.clicked.connect(self.show_number)
        self.copy_button.clicked.connect(self.copy_phone)
        self.table.itemDoubleClicked.connect(lambda _item, _column: self.edit())
        self.table.currentItemChanged.connect(lambda *_args: self._update_buttons())
        self._update_buttons()

    # -- loading ---------------------------------------------------------------------------

    def load(self, prospect_id: str) -> None:
        if prospect_id != self.prospect_id:
            self.contacts = []
            self.shown = set()
            self.table.clear()
        self.prospect_id = prospect_id
        self._generation += 1
        generation = self._generation
        service = self.ui.services.customer
        self.ui.tasks.read(
            self,
            lambda: service.contacts(prospect_id),
            lambda people: self._loaded(generation, people),
        )

    def _loaded(self, generation: int, people: list[ContactInfo]) -> None:
        if generation != self._generation:
            return
        chosen = self.selected()
        wanted = self._want or (chosen.id if chosen is not None else None)
        self._want = None
        self.contacts = people
        self.table.clear()
        for person in people:
            item = QTreeWidgetItem(
                [
                    person.name,
                    person.title,
                    self._phone_text(person),
                    self.tr("Primary contact") if person.is_primary else "",
                ]
            )
            item.setData(0, CONTACT_ROLE, person)
            if person.is_primary:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            self.table.addTopLevelItem(item)
            if person.id == wanted:
                self.table.setCurrentItem(item)
        top = self.table.topLevelItem(0)
        if self.table.currentItem() is None and top is not None:
            self.table.setCurrentItem(top)
        self.stack.setCurrentWidget(self.table if people else self.empty)
        self._update_buttons()

    def selected(self) -> ContactInfo | None:
        item = self.table.currentItem()
        person = item.data(0, CONTACT_ROLE) if item is not None else None
        return person if isinstance(person, ContactInfo) else None

    def _update_buttons(self) -> None:
        person = self.selected()
        self.edit_button.setEnabled(person is not None)
        self.primary_button.setEnabled(person is not None and not person.is_primary)
        has_phone = person is not None and bool(person.phone)
        self.show_button.setEnabled(
            has_phone and person is not None and person.id not in self.shown
        )
        self.call_button.setEnabled(has_phone)
        self.copy_button.setEnabled(has_phone)
        self.copy_action.setEnabled(has_phone)
        self.add_button.setEnabled(self.prospect_id is not None)

    # -- actions ---------------------------------------------------------------------------

    def add(self) -> None:
        if self.prospect_id is not None:
            self._open(None)

    def edit(self) -> None:
        person = self.selected()
        if person is not None:
            if person.phone and self.dialog is None:
                self._audit(person, "edit")  # the dialog shows the number in full
            self._open(person)

    def _open(self, person: ContactInfo | None) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            return
        dialog = ContactDialog(person, self)
        self.dialog = dialog
        dialog.submitted.connect(lambda: self._save(dialog, person))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: ContactDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _save(self, dialog: ContactDialog, person: ContactInfo | None) -> None:
        prospect_id = self.prospect_id
        if prospect_id is None:
            return
        draft = dialog.draft()
        service = self.ui.services.customer
        dialog.buttons.setEnabled(False)

        def work() -> ContactInfo:
            if person is None:
                return service.add_contact(prospect_id, draft)
            return service.edit_contact(person.id, draft)

        def done(saved: ContactInfo) -> None:
            dialog.accept()
            self._after_change(prospect_id, saved)

        def failed(error: BaseException) -> None:
            dialog.buttons.setEnabled(True)
            if isinstance(error, DomainError):
                dialog.show_problem(error)

        self.ui.tasks.write(self, work, done, failed)

    def make_primary(self) -> None:
        person = self.selected()
        prospect_id = self.prospect_id
        if person is None or prospect_id is None or person.is_primary:
            return
        service = self.ui.services.customer
        self.ui.tasks.write(
            self,
            lambda: service.make_primary(person.id),
            lambda saved: self._after_change(prospect_id, saved),
            lambda error: show_error(self, error) if isinstance(error, DomainError) else None,
        )

    def _after_change(self, prospect_id: str, saved: ContactInfo) -> None:
        if prospect_id == self.prospect_id:
            self._want = saved.id
            self.load(prospect_id)
        self.changed.emit(prospect_id)

    def _phone_text(self, person: ContactInfo) -> str:
        return person.phone if person.id in self.shown else mask_phone(person.phone)

    def _audit(self, person: ContactInfo, via: str) -> int:
        audit = self.ui.services.audit
        return self.ui.tasks.write(
            self,
            lambda: audit.record(Action.UNMASK, person.id, {"field": "phone", "via": via}),
        )

    def show_number(self) -> None:
        """The selected person's full number, once the audit log has the line."""
        person = self.selected()
        if person is None or not person.phone or person.id in self.shown:
            return
        audit = self.ui.services.audit
        self.show_button.setEnabled(False)
        self.ui.tasks.write(
            self,
            lambda: audit.record(Action.UNMASK, person.id, {"field": "phone", "via": "show"}),
            lambda _line: self._shown(person),
            lambda _error: self._update_buttons(),
        )

    def _shown(self, person: ContactInfo) -> None:
        self.shown.add(person.id)
        for n in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(n)
            held = item.data(0, CONTACT_ROLE) if item is not None else None
            if item is not None and isinstance(held, ContactInfo) and held.id == person.id:
                item.setText(2, person.phone)
        self._update_buttons()

    def call(self) -> None:
        person = self.selected()
        if person is not None and person.phone:
            self._audit(person, "call")
            QDesktopServices.openUrl(QUrl("tel:" + "".join(person.phone.split())))

    def copy_phone(self) -> None:
        person = self.selected()
        if person is not None and person.phone:
            self._audit(person, "copy")
            QGuiApplication.clipboard().setText(person.phone)
