"""The row of filters above a list or the pipeline: search box and multi-select buttons.

The search box filters as the user types, debounced (150 ms) so a fast typist starts one
query rather than one per letter; the other filters apply at once. The bar only builds a
``ProspectFilter``: whoever shows prospects runs the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSpinBox, QToolButton, QWidget

from crm import resources
from crm.domain.query import UNASSIGNED, ProspectFilter
from crm.ui.common import labels
from crm.ui.common.context import UiContext
from crm.ui.common.icons import icon
from crm.ui.common.widgets import Choice, MultiSelectButton

# Typing pauses shorter than this are one search. A consumer that coalesces its own queries
# (the prospect list runs one at a time and then asks for the newest) passes 0.
SEARCH_DEBOUNCE_MS = 150
ALL_FIELDS = ("search", "stage", "source", "rm", "district", "industry", "tag", "no_contact")


class FilterBar(QWidget):
    filterChanged = Signal()

    def __init__(
        self,
        ui: UiContext,
        fields: Sequence[str] = ALL_FIELDS,
        parent: QWidget | None = None,
        debounce_ms: int = SEARCH_DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.fields = tuple(fields)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setPlaceholderText(self.tr("Search name, pinyin initials, USCC, phone…"))
        self.search.setToolTip(
            self.tr(
                "Search (Ctrl+F): a part of the name in Chinese, the "
                "pinyin initials (sztx), a USCC or a phone number"
            )
        )
        self.search.setMinimumWidth(240)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.filterChanged)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.search.returnPressed.connect(self._apply_now)
        self.search.setVisible("search" in self.fields)
        layout.addWidget(self.search, 2)

        self.stage = MultiSelectButton(self.tr("Stage"), self)
        self.stage.set_choices(
            [
                Choice(s.value, labels.stage(s.value), icon=labels.stage_icon(s.value))
                for s in labels.STAGES
            ]
        )
        self.source = MultiSelectButton(self.tr("Source"), self)
        self.source.set_choices(
            [
                Choice(s.code, labels.source(s.code, short=True), tooltip=labels.source(s.code))
                for s in resources.sources()
            ]
        )
        self.rm = MultiSelectButton(self.tr("RM"), self)
        self.rm.set_choices(
            [Choice(UNASSIGNED, self.tr("(Unassigned)"))]
            + [
                Choice(u.id, u.display_name, tooltip=labels.user(u))
                for u in ui.users_in_scope()  # the RMs whose books the role reaches
            ]
        )
        self.district = MultiSelectButton(self.tr("District"), self)
        self.district.set_choices([Choice(d.code, labels.district(d)) for d in ui.districts])
        self.industry = MultiSelectButton(self.tr("Industry"), self)
        self.industry.set_choices(industry_choices())
        self.tag = MultiSelectButton(self.tr("Tag"), self)
        self.tag.set_choices([Choice(t.code, labels.tag(t.code)) for t in resources.tags()])
        self._buttons = {
            "stage": self.stage,
            "source": self.source,
            "rm": self.rm,
            "district": self.district,
            "industry": self.industry,
            "tag": self.tag,
        }
        for name, button in self._buttons.items():
            button.setVisible(name in self.fields)
            button.selectionChanged.connect(self.filterChanged)
            layout.addWidget(button)

        self.no_contact = QSpinBox(self)
        self.no_contact.setRange(0, 3650)
        self.no_contact.setSingleStep(30)
        self.no_contact.setSpecialValueText(self.tr("Any contact"))
        self.no_contact.setPrefix(self.tr("No contact ≥ "))
        self.no_contact.setSuffix(self.tr(" days"))
        self.no_contact.setToolTip(
            self.tr("Only prospects nobody has contacted for at least this many days (0: any)")
        )
        self.no_contact.setKeyboardTracking(False)
        self.no_contact.valueChanged.connect(lambda _v: self.filterChanged.emit())
        self.no_contact.setVisible("no_contact" in self.fields)
        layout.addWidget(self.no_contact)

        self.clear = QToolButton(self)
        self.clear.setIcon(icon("clear"))
        self.clear.setToolTip(self.tr("Clear all filters"))
        self.clear.setAutoRaise(True)
        self.clear.clicked.connect(self.reset)
        layout.addWidget(self.clear)
        self.filterChanged.connect(self._update_clear)
        self._update_clear()

    # -- the filter ------------------------------------------------------------------------

    def current(self) -> ProspectFilter:
        days = self.no_contact.value()
        return ProspectFilter(
            stages=self.stage.selected(),
            sources=self.source.selected(),
            rm_ids=self.rm.selected(),
            districts=self.district.selected(),
            industries=self.industry.selected(),
            tags=self.tag.selected(),
            no_contact_days=days if days > 0 else None,
            text=self.search.text().strip() if "search" in self.fields else "",
        )

    def reset(self) -> None:
        self.blockSignals(True)
        try:
            self.search.clear()
            self._debounce.stop()
            for button in self._buttons.values():
                button.set_selected(())
            self.no_contact.setValue(0)
        finally:
            self.blockSignals(False)
        self.filterChanged.emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _apply_now(self) -> None:
        self._debounce.stop()
        self.filterChanged.emit()

    def _update_clear(self) -> None:
        self.clear.setEnabled(not self.current().is_empty())


def industry_choices() -> tuple[Choice, ...]:
    """Sections (bold, meaning all their divisions) each followed by its divisions.

    Made once per language (≈120 labels): the start-up worker makes them before the window
    is built (see ``preload_ui``)."""
    return _industry_choices(labels.lang())


@lru_cache(maxsize=4)
def _industry_choices(_language: str) -> tuple[Choice, ...]:
    choices: list[Choice] = []
    divisions = resources.industries()
    for section in resources.sections():
        choices.append(Choice(section.code, labels.section(section.code), heading=True))
        choices.extend(
            Choice(d.code, "    " + labels.industry(d.code), tooltip=labels.industry_long(d.code))
            for d in divisions
            if d.section == section.code
        )
    return tuple(choices)
