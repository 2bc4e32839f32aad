"""The prospect form: every editable field, validated as the user types, with undo.

Each field says what is wrong with it right under it (the domain's field checks, in the
user's language). Every change is a command on the form's ``QUndoStack``; keystrokes in one
field merge into one step until the user leaves the field. The stack's clean state is the
"unsaved changes" state. Line edits' own undo is switched off so Ctrl+Z always means the
form's undo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm import resources
from crm.domain.errors import DomainError
from crm.domain.money import parse_money
from crm.domain.prospect import (
    FieldError,
    ProspectDraft,
    ProspectKind,
    check_established,
    check_name,
    check_phone,
    check_uscc,
)
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said
from crm.ui.common.icons import icon
from crm.ui.common.widgets import EditUndoBlocker, FieldMessage, heading, set_invalid
from crm.ui.prospects.fields import UNKNOWN_PREFIX, CheckGrid, IndustryCombo, OptionalDateEdit
from crm.ui.prospects.undo import SetFieldCommand

USCC_CHECK_DELAY_MS = 300
# The domain's field names (FieldError.field) that the form calls differently.
_DOMAIN_FIELDS = {"registered_capital_fen": "capital"}
TEXT_FIELDS = (
    "name",
    "uscc",
    "owner_name",
    "phone",
    "street",
    "address",
    "capital",
    "notes",
    "industry_code",
)


class ProspectForm(QWidget):
    changed = Signal()
    openExisting = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.own_id: str | None = None
        self._values: dict[str, Any] = {}
        self._errors: dict[str, str] = {}
        self._applying = False
        self._merge_key = 0
        self._getters: dict[str, Callable[[], Any]] = {}
        self._setters: dict[str, Callable[[Any], None]] = {}
        self._blocker = EditUndoBlocker(self)

        self.undo_stack = QUndoStack(self)
        self.undo_action = self._stack_action(True)
        self.redo_action = self._stack_action(False)

        self._uscc_timer = QTimer(self)
        self._uscc_timer.setSingleShot(True)
        self._uscc_timer.setInterval(USCC_CHECK_DELAY_MS)
        self._uscc_timer.timeout.connect(self._check_duplicate)
        self._uscc_generation = 0

        self._build()
        self.load(ProspectDraft())

    # -- building --------------------------------------------------------------------------

    def _stack_action(self, undo: bool) -> QAction:
        if undo:
            action = self.undo_stack.createUndoAction(self, self.tr("Undo"))
            action.setShortcuts([QKeySequence("Ctrl+Z")])
            action.setIcon(icon("undo"))
            action.setToolTip(self.tr("Undo (Ctrl+Z)"))
        else:
            action = self.undo_stack.createRedoAction(self, self.tr("Redo"))
            action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
            action.setIcon(icon("redo"))
            action.setToolTip(self.tr("Redo (Ctrl+Shift+Z)"))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return action

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll_area)
        body = QWidget(self.scroll_area)
        body.setObjectName("formBody")
        self.scroll_area.setWidget(body)
        grid = QGridLayout(body)
        grid.setContentsMargins(16, 12, 16, 16)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self._grid = grid
        self._row = 0
        self.widgets: dict[str, QWidget] = {}
        self.messages: dict[str, FieldMessage] = {}
        self._labels: dict[str, str] = {}

        self._section(self.tr("Basic information"))
        kind = QComboBox(body)
        kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        kind.addItem(labels.kind(ProspectKind.ENTERPRISE.value), ProspectKind.ENTERPRISE.value)
        kind.addItem(labels.kind(ProspectKind.INDIVIDUAL.value), ProspectKind.INDIVIDUAL.value)
        self._add(
            "kind",
            self.tr("Kind"),
            kind,
            kind.currentIndexChanged,
            lambda: str(kind.currentData()),
            lambda v: kind.setCurrentIndex(max(kind.findData(v), 0)),
        )
        self._line(
            "name", self.tr("Name *"), self.tr("Registered name, e.g. 佛山市南海区某某五金制品厂")
        )
        self._line("uscc", self.tr("USCC"), self.tr("18 characters, e.g. 91440605MA4UXXXX0C"))
        self._line("owner_name", self.tr("Legal representative / owner"), "")
        self._line("phone", self.tr("Phone"), self.tr("Mobile or landline, e.g. 0757-8123 4567"))

        self._section(self.tr("Location"))
        district = QComboBox(body)
        district.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        district.addItem(self.tr("— not set —"), "")
        for d in self.ui.districts:
            district.addItem(labels.district(d), d.code)
        self._add(
            "district_code",
            self.tr("District"),
            district,
            district.currentIndexChanged,
            lambda: str(district.currentData() or ""),
            lambda v: district.setCurrentIndex(max(district.findData(v), 0)),
        )
        street = self._line("street", self.tr("Street / town"), "")
        district.currentIndexChanged.connect(lambda _i: self._street_suggestions(street))
        self._line("address", self.tr("Address"), "")

        self._section(self.tr("Business"))
        industry = IndustryCombo(body)
        self._add(
            "industry_code",
            self.tr("Industry (GB/T 4754)"),
            industry,
            industry.valueChanged,
            industry.value,
            industry.set_value,
        )
        self._line(
            "capital",
            self.tr("Registered capital (10,000 yuan)"),
            self.tr("e.g. 500 or 12.5 (in units of 10,000 yuan)"),
        )
        established = OptionalDateEdit(body)
        self._add(
            "established_on",
            self.tr("Established on"),
            established,
            established.dateChanged,
            established.value,
            established.set_value,
        )

        self._section(self.tr("Tags"))
        tags = CheckGrid([(t.code, labels.tag(t.code), "") for t in resources.tags()], 2, body)
        self._add("tags", "", tags, tags.valueChanged, tags.value, tags.set_value, span=True)

        self._section(self.tr("Source lists"))
        sources = CheckGrid(
            [
                (s.code, labels.source(s.code, short=True), labels.source(s.code))
                for s in resources.sources()
            ],
            3,
            body,
        )
        self._add(
            "sources",
            "",
            sources,
            sources.valueChanged,
            sources.value,
            sources.set_value,
            span=True,
        )

        self._section(self.tr("Notes"))
        notes = QPlainTextEdit(body)
        notes.setTabChangesFocus(True)
        notes.setMinimumHeight(90)
        notes.installEventFilter(self._blocker)
        self._add(
            "notes",
            "",
            notes,
            notes.textChanged,
            notes.toPlainText,
            lambda v: _set_plain_text(notes, v),
            span=True,
        )
        grid.setRowStretch(self._row, 1)

        for name in ("name", "uscc", "phone"):
            self.messages[name].linkActivated.connect(self._link)

    def _section(self, title: str) -> None:
        label = heading(title, self)
        if self._row:
            label.setContentsMargins(0, 10, 0, 2)
        self._grid.addWidget(label, self._row, 0, 1, 2)
        self._row += 1

    def _line(self, name: str, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.installEventFilter(self._blocker)
        edit.editingFinished.connect(self._break_merge)
        self._add(name, label, edit, edit.textChanged, edit.text, edit.setText)
        return edit

    def _add(
        self,
        name: str,
        label: str,
        widget: QWidget,
        signal: Any,
        getter: Callable[[], Any],
        setter: Callable[[Any], None],
        span: bool = False,
    ) -> None:
        widget.setObjectName(name)
        message = FieldMessage(self)
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(message)
        if span:
            self._grid.addLayout(box, self._row, 0, 1, 2)
        else:
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            caption.setContentsMargins(0, 5, 0, 0)
            self._grid.addWidget(caption, self._row, 0)
            self._grid.addLayout(box, self._row, 1)
        self._row += 1
        self.widgets[name] = widget
        self.messages[name] = message
        self._labels[name] = label.rstrip(" *") or name
        self._getters[name] = getter
        self._setters[name] = setter
        signal.connect(lambda *_args, n=name: self._edited(n))

    # -- values ----------------------------------------------------------------------------

    def load(self, draft: ProspectDraft, own_id: str | None = None) -> None:
        """Show a prospect (or an empty form); the undo history starts afresh."""
        self.own_id = own_id
        self._put_all(draft)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.changed.emit()

    def accept_saved(self, draft: ProspectDraft) -> None:
        """After a save: show the stored (normalised) values; the form is clean again."""
        self._put_all(draft)
        self.undo_stack.setClean()
        self.changed.emit()

    def _put_all(self, draft: ProspectDraft) -> None:
        values = {
            "kind": draft.kind,
            "name": draft.name,
            "uscc": draft.uscc,
            "owner_name": draft.owner_name,
            "phone": draft.phone,
            "district_code": draft.district_code,
            "street": draft.street,
            "address": draft.address,
            "industry_code": draft.industry_code,
            "capital": fmt.wan_number(draft.registered_capital_fen)
            if draft.registered_capital_fen is not None
            else "",
            "established_on": draft.established_on,
            "tags": list(draft.tags),
            "sources": list(draft.sources),
            "notes": draft.notes,
        }
        self._errors.clear()
        for name, value in values.items():
            self._values[name] = value
            self._show_value(name, value)
        for name in values:
            self._validate(name, quiet_when_empty=True)

    def draft(self) -> ProspectDraft:
        v = self._values
        return ProspectDraft(
            name=v["name"],
            kind=v["kind"],
            uscc=v["uscc"],
            owner_name=v["owner_name"],
            phone=v["phone"],
            address=v["address"],
            district_code=v["district_code"],
            street=v["street"],
            industry_code=""
            if str(v["industry_code"]).startswith(UNKNOWN_PREFIX)
            else v["industry_code"],
            registered_capital_fen=self._capital_fen(),
            established_on=v["established_on"],
            notes=v["notes"],
            tags=list(v["tags"]),
            sources=list(v["sources"]),
        )

    def value(self, name: str) -> Any:
        return self._values[name]

    def is_dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def is_valid(self) -> bool:
        return not self._errors

    def validate_all(self) -> None:
        """Check every field, the required ones too (before creating or saving)."""
        for name in self.widgets:
            if name not in self._errors:
                self._validate(name)

    def focus_first_error(self) -> None:
        for name in self.widgets:
            if name in self._errors:
                widget = self.widgets[name]
                self.scroll_area.ensureWidgetVisible(widget)
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def show_errors(self, errors: list[FieldError]) -> None:
        """Problems the service found on save, each next to its field."""
        for error in errors:
            name = _DOMAIN_FIELDS.get(error.field, error.field)
            if name in self.widgets:
                self._set_error(name, said(error))
        self.focus_first_error()

    # -- editing and undo ------------------------------------------------------------------

    def _edited(self, name: str) -> None:
        if self._applying:
            return
        new = self._getters[name]()
        old = self._values.get(name)
        if new == old:
            return
        merge = self._merge_key if name in TEXT_FIELDS else None
        text = self.tr("Change {field}").format(field=self._labels[name])
        self.undo_stack.push(SetFieldCommand(self, name, old, new, text, merge))

    def _break_merge(self) -> None:
        self._merge_key += 1

    def apply_value(self, field: str, value: Any) -> None:
        """Set a field (from an undo command): the widget follows, the field is re-checked."""
        self._values[field] = value
        self._show_value(field, value)
        self._validate(field)
        self.changed.emit()

    def _show_value(self, name: str, value: Any) -> None:
        if self._getters[name]() == value:
            return
        self._applying = True
        try:
            self._setters[name](value)
        finally:
            self._applying = False

    # -- validation ------------------------------------------------------------------------

    def _validate(self, name: str, quiet_when_empty: bool = False) -> None:
        value = self._values[name]
        message = ""
        try:
            if name == "name":
                if not (quiet_when_empty and not value.strip()):
                    check_name(value)
            elif name == "uscc":
                check_uscc(value)
                self._schedule_duplicate_check()
            elif name == "phone":
                check_phone(value)
            elif name == "capital":
                _parse_capital(value)
            elif name == "established_on":
                check_established(value, self.ui.today())
            elif name == "industry_code" and str(value).startswith(UNKNOWN_PREFIX):
                message = self.tr(
                    "Choose an industry from the list (type part of its name or its code, e.g. 33)."
                )
        except DomainError as exc:
            message = said(exc)
        self._set_error(name, message)

    def _set_error(self, name: str, message: str) -> None:
        if message:
            self._errors[name] = message
        else:
            self._errors.pop(name, None)
        self.messages[name].show_message(message)
        set_invalid(self.widgets[name], bool(message))

    def _capital_fen(self) -> int | None:
        try:
            return _parse_capital(self._values["capital"])
        except DomainError:
            return None

    # -- duplicate USCC --------------------------------------------------------------------

    def _schedule_duplicate_check(self) -> None:
        self._uscc_generation += 1
        self._uscc_timer.start()

    def _check_duplicate(self) -> None:
        try:
            uscc = check_uscc(self._values["uscc"])
        except DomainError:
            return
        if uscc is None:
            return
        generation = self._uscc_generation
        service = self.ui.services.prospects

        def look() -> tuple[str, str] | None:
            found = service.find_by_uscc(uscc)
            return (found, service.get(found).name) if found else None

        self.ui.tasks.read(self, look, lambda result: self._duplicate_found(generation, result))

    def _duplicate_found(self, generation: int, result: tuple[str, str] | None) -> None:
        if generation != self._uscc_generation or result is None:
            return
        existing_id, name = result
        if existing_id == self.own_id:
            return
        link = f'<a href="open:{existing_id}">{self.tr("Open it")}</a>'
        self._set_error(
            "uscc", self.tr("{name} already has this USCC.").format(name=name) + " " + link
        )

    def _link(self, href: str) -> None:
        if href.startswith("open:"):
            self.openExisting.emit(href[len("open:") :])

    # -- helpers ---------------------------------------------------------------------------

    def _street_suggestions(self, street: QLineEdit) -> None:
        code = self._values.get("district_code") or ""
        known = next((d for d in resources.demo_districts() if d.code == code), None)
        completer = QCompleter(list(known.streets) if known else [], street)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        street.setCompleter(completer)


def _parse_capital(text: str) -> int | None:
    """Registered capital typed in 万元 ("500", "12.5", or with a unit: "300万元")."""
    if not str(text).strip():
        return None
    return parse_money(str(text), default_unit="wan")


def _set_plain_text(edit: QPlainTextEdit, text: str) -> None:
    edit.setPlainText(text)
    cursor = edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    edit.setTextCursor(cursor)
