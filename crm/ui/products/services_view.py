"""The non-credit services a customer holds (settlement account, online banking, payroll
agency, card acquiring) and, for a no-loan prospect, the one to offer next: the bank builds
the relationship through these before credit. Ticking a service records that the customer
holds it (from today); unticking, that it no longer does."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from crm.ui.common import fmt
from crm.ui.products.model import ServicesView


class HeldServicesView(QFrame):
    # A service code and whether the customer holds it now.
    serviceToggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        title = QLabel(self.tr("Relationship services"), self)
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        self.held = QLabel(self)
        self.held.setWordWrap(True)
        self.held.setProperty("muted", True)
        layout.addWidget(self.held)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(16)
        layout.addLayout(self.grid)
        self.boxes: dict[str, QCheckBox] = {}
        self.next_offer = QLabel(self)
        self.next_offer.setObjectName("nextOffer")
        self.next_offer.setWordWrap(True)
        self.next_offer.setStyleSheet(
            "QLabel { background: #eaf1fb; border: 1px solid #bcd0ee; border-radius: 4px;"
            " padding: 6px; }"
        )
        layout.addWidget(self.next_offer)

    def set_services(self, services: ServicesView, no_loan: bool) -> None:
        held = {h.code: h for h in services.held}
        offered = list(services.offered) + [
            h for h in services.held if h.code not in {o.code for o in services.offered}
        ]
        if [o.code for o in offered] != list(self.boxes):
            for box in self.boxes.values():
                self.grid.removeWidget(box)
                box.deleteLater()
            self.boxes = {}
            for n, service in enumerate(offered):
                box = QCheckBox(self)
                box.setObjectName(f"service_{service.code}")
                box.toggled.connect(
                    lambda on, code=service.code: self.serviceToggled.emit(code, on)
                )
                self.grid.addWidget(box, n // 2, n % 2)
                self.boxes[service.code] = box
        for service in offered:
            box = self.boxes[service.code]
            owned = held.get(service.code)
            text = service.name
            if owned is not None and owned.since is not None:
                text += " " + self.tr("(since {day})").format(day=fmt.day(owned.since))
            box.blockSignals(True)
            box.setText(text)
            box.setChecked(owned is not None)
            box.blockSignals(False)
        self.held.setText(
            self.tr("Tick what the customer already holds.")
            if services.held
            else self.tr("Holds none of the bank's services yet.")
        )
        offer = services.next_offer
        if offer is not None and no_loan:
            self.next_offer.setText(
                self.tr("Next to offer: {service} — build the relationship before credit.").format(
                    service=offer.name
                )
            )
            self.next_offer.show()
        else:
            self.next_offer.hide()
