"""The customer page's header figures: what an RM needs at a glance, each in a tile.

Next contact due, loans outstanding and the next maturity, financial-literacy progress,
product fit (from the products tab's pre-assessment) and the primary contact. A value too
long for its tile is elided, with the whole of it in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from crm.domain.contact import mask_phone
from crm.services.customer import CustomerGlance
from crm.services.detail_records import ContactInfo
from crm.ui.common import fmt

OVERDUE = "#c0392b"


class Tile(QFrame):
    """A caption over a value; the value elides to the tile's width."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("glanceTile")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        self.caption = QLabel(caption, self)
        self.caption.setProperty("muted", True)
        self.value = QLabel("—", self)
        self.value.setObjectName("glanceValue")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        self._full = "—"

    def set_value(self, text: str, colour: str = "", tooltip: str = "") -> None:
        self._full = text or "—"
        self.value.setStyleSheet(f"color: {colour};" if colour else "")
        self.setToolTip(tooltip or self._full)
        self._elide()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width() - 20, 20)
        metrics = self.value.fontMetrics()
        self.value.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, width))


class GlanceStrip(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("glanceStrip")
        self.setStyleSheet(
            "QFrame#glanceStrip { background: #f4f6f9; border: 1px solid #dde3ea;"
            " border-radius: 6px; }"
            " QFrame#glanceTile { background: transparent; }"
            " QLabel#glanceValue { font-weight: 600; }"
        )
        grid = QGridLayout(self)
        grid.setContentsMargins(2, 2, 2, 2)
        grid.setHorizontalSpacing(0)
        self.due = Tile(self.tr("Next contact due"), self)
        self.owed = Tile(self.tr("Loans outstanding"), self)
        self.maturity = Tile(self.tr("Next maturity"), self)
        self.literacy = Tile(self.tr("Financial literacy"), self)
        self.fit = Tile(self.tr("Product fit"), self)
        self.contact = Tile(self.tr("Primary contact"), self)
        self.tiles = [self.due, self.owed, self.maturity, self.literacy, self.fit, self.contact]
        # Room by what each usually holds (an overdue date, an amount, a name and number).
        for column, (tile, stretch) in enumerate(zip(self.tiles, (4, 4, 3, 3, 3, 5), strict=True)):
            grid.addWidget(tile, 0, column)
            grid.setColumnStretch(column, stretch)

    def clear(self) -> None:
        for tile in self.tiles:
            tile.set_value("—")

    def set_glance(self, glance: CustomerGlance) -> None:
        if glance.next_visit_due is None:
            self.due.set_value(self.tr("no rhythm"))
        elif glance.overdue_days:
            due = fmt.day(glance.next_visit_due)
            self.due.set_value(
                self.tr("{days} overdue").format(days=fmt.days(glance.overdue_days)),
                OVERDUE,
                self.tr("Was due {day}").format(day=due),
            )
        else:
            self.due.set_value(fmt.day(glance.next_visit_due))
        if glance.outstanding_loans:
            self.owed.set_value(
                self.tr("{amount} · loans: {count}").format(
                    amount=fmt.money(glance.outstanding_fen), count=glance.outstanding_loans
                )
            )
        else:
            self.owed.set_value(self.tr("none"))
        self.maturity.set_value(fmt.day(glance.next_maturity) if glance.next_maturity else "—")
        total = glance.checklist_total
        self.literacy.set_value(
            self.tr("{done} of {total} items ({percent}%)").format(
                done=glance.checklist_done,
                total=total,
                percent=round(100 * glance.checklist_done / total) if total else 0,
            )
        )

    def set_product_fit(self, fitting: int, undecided: int, products: int) -> None:
        if not products:
            self.fit.set_value("—")
            return
        text = self.tr("{fit} of {products} fit").format(fit=fitting, products=products)
        if undecided:
            text += self.tr(", {n} need data").format(n=undecided)
        self.fit.set_value(text, tooltip=self.tr("Pre-assessment only: see the Products tab"))

    def set_contact(self, contact: ContactInfo | None, count: int) -> None:
        if contact is None:
            self.contact.set_value(self.tr("none yet"))
            return
        parts = [contact.name]
        if contact.title:
            parts.append(contact.title)
        if contact.phone:
            # Masked as everywhere on the page (the Contacts tab shows it in full, audited).
            parts.append(mask_phone(contact.phone))
        text = " · ".join(parts)
        tip = text
        if count > 1:
            tip += "\n" + self.tr("{n} contacts in all: see the Contacts tab").format(n=count)
        self.contact.set_value(text, tooltip=tip)
