"""The product panel of a prospect page: what each product of the catalogue makes of the
prospect's facts, criterion by criterion, with the indicative amount, rate and term.

Worded as what it is — a pre-assessment (预授信参考) to guide the RM, never a credit
decision. A criterion whose fact is missing offers to enter it (``factRequested``: the page
puts the cursor in that fact's field).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crm.domain.money import format_rate
from crm.ui.common import fmt
from crm.ui.products.facts_editor import fact_label
from crm.ui.products.model import (
    ELIGIBLE,
    FAIL,
    MISSING,
    NOT_ELIGIBLE,
    PASS,
    CriterionResult,
    MatchView,
    OverlayResult,
    ProductResult,
)

translate = QCoreApplication.translate

STATUS_COLOURS = {ELIGIBLE: "#1f9254", NOT_ELIGIBLE: "#c62828", "unknown": "#b7791f"}
MARKS = {PASS: ("✓", "#1f9254"), FAIL: ("✗", "#c62828"), MISSING: ("?", "#b7791f")}


def status_text(status: str) -> str:
    return {
        ELIGIBLE: translate("ProductPanel", "Likely eligible"),
        NOT_ELIGIBLE: translate("ProductPanel", "Not eligible"),
        "unknown": translate("ProductPanel", "Data missing"),
    }.get(status, status)


def amount_range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None and low != high:
        return translate("ProductPanel", "{low} – {high}").format(
            low=fmt.money(low), high=fmt.money(high)
        )
    if high is not None:
        return translate("ProductPanel", "up to {high}").format(high=fmt.money(high))
    return fmt.money(low) if low is not None else ""


def term_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None and low != high:
        return translate("ProductPanel", "{low}–{high} months").format(low=low, high=high)
    if high is not None:
        return translate("ProductPanel", "up to {high} months").format(high=high)
    return ""


def chip(text: str, colour: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    label.setStyleSheet(
        f"QLabel {{ background: {colour}; color: white; border-radius: 8px;"
        " padding: 1px 8px; font-weight: 600; }"
    )
    return label


class ProductCard(QFrame):
    """One product's result: status, indicative terms, and every criterion."""

    factRequested = Signal(str)

    def __init__(self, result: ProductResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productCard")
        self.setStyleSheet(
            "QFrame#productCard { background: #f7f9fc; border: 1px solid #d5dae1;"
            " border-radius: 5px; }"
        )
        self.result = result
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        top = QHBoxLayout()
        name = QLabel(result.name, self)
        name.setObjectName("panelTitle")
        name.setWordWrap(True)
        top.addWidget(name, 1)
        self.status = chip(
            status_text(result.status), STATUS_COLOURS.get(result.status, "#7a808a"), self
        )
        top.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        terms = []
        amount = amount_range(result.amount_min_fen, result.amount_max_fen)
        if amount:
            terms.append(self.tr("Amount {amount}").format(amount=amount))
        if result.rate_bp is not None:
            terms.append(self.tr("rate {rate}").format(rate=format_rate(result.rate_bp)))
        term = term_text(result.term_months_min, result.term_months_max)
        if term:
            terms.append(self.tr("term {term}").format(term=term))
        if terms and result.status != NOT_ELIGIBLE:
            line = QLabel(self.tr("Indicative: {terms}").format(terms=" · ".join(terms)), self)
            line.setWordWrap(True)
            layout.addWidget(line)

        grid = QGridLayout()
        grid.setContentsMargins(0, 2, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.prompts: dict[str, QPushButton] = {}
        for row, criterion in enumerate(result.criteria):
            self._criterion(grid, row, criterion)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        for note in result.notes:
            text = QLabel(note, self)
            text.setWordWrap(True)
            text.setProperty("muted", True)
            layout.addWidget(text)

    def _criterion(self, grid: QGridLayout, row: int, criterion: CriterionResult) -> None:
        mark, colour = MARKS.get(criterion.status, ("·", "#5f6b7a"))
        sign = QLabel(mark, self)
        sign.setStyleSheet(f"color: {colour}; font-weight: 700;")
        sign.setToolTip(
            {
                PASS: self.tr("Met"),
                FAIL: self.tr("Not met"),
                MISSING: self.tr("Missing data"),
            }.get(criterion.status, criterion.status)
        )
        grid.addWidget(sign, row, 0, Qt.AlignmentFlag.AlignTop)
        text = QLabel(criterion.message or fact_label(criterion.key), self)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(text, row, 1)
        if criterion.status == MISSING:
            prompt = QPushButton(self.tr("Enter…"), self)
            prompt.setObjectName(f"enter_{criterion.key}")
            prompt.setToolTip(
                self.tr("Enter “{fact}” in the business facts").format(
                    fact=fact_label(criterion.key)
                )
            )
            prompt.setFlat(True)
            prompt.setStyleSheet("QPushButton { color: #1f5fae; text-decoration: underline; }")
            prompt.setCursor(Qt.CursorShape.PointingHandCursor)
            prompt.clicked.connect(lambda _c=False, key=criterion.key: self.factRequested.emit(key))
            grid.addWidget(prompt, row, 2, Qt.AlignmentFlag.AlignTop)
            self.prompts.setdefault(criterion.key, prompt)


class ProductMatchPanel(QFrame):
    """Every product's result for one prospect, its overlays and warnings."""

    factRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.cards: dict[str, ProductCard] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        title = QLabel(self.tr("Products: pre-assessment (预授信参考)"), self)
        title.setObjectName("panelTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        caution = QLabel(
            self.tr(
                "A guide for your conversation, not a credit decision: the bank's credit "
                "review decides."
            ),
            self,
        )
        caution.setWordWrap(True)
        caution.setProperty("muted", True)
        layout.addWidget(caution)
        self.warnings = QLabel(self)
        self.warnings.setObjectName("matchWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(
            "QLabel { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 4px;"
            " padding: 6px; color: #7a4b00; }"
        )
        self.warnings.hide()
        layout.addWidget(self.warnings)
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        layout.addLayout(self.body)
        self.overlays_title = QLabel(self.tr("Policy overlays"), self)
        self.overlays_title.setObjectName("panelTitle")
        layout.addWidget(self.overlays_title)
        self.overlays = QLabel(self)
        self.overlays.setWordWrap(True)
        self.overlays.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.overlays)
        self.empty = QLabel(self.tr("Loading…"), self)
        self.empty.setProperty("muted", True)
        layout.addWidget(self.empty)
        layout.addStretch(1)
        self.match: MatchView | None = None

    def set_match(self, match: MatchView) -> None:
        self.match = match
        self.setUpdatesEnabled(False)
        try:
            for card in self.cards.values():
                self.body.removeWidget(card)
                card.deleteLater()
            self.cards = {}
            for result in match.products:
                card = ProductCard(result, self)
                card.factRequested.connect(self.factRequested)
                self.body.addWidget(card)
                self.cards[result.code] = card
            self.empty.setText(self.tr("The catalogue has no credit products."))
            self.empty.setVisible(not match.products)
            if match.warnings:
                self.warnings.setText(
                    self.tr("Warning signs:")
                    + "".join(f"\n⚠ {warning}" for warning in match.warnings)
                )
            self.warnings.setVisible(bool(match.warnings))
            self.overlays.setText(_overlays_html(match.overlays))
            self.overlays.setVisible(bool(match.overlays))
            self.overlays_title.setVisible(bool(match.overlays))
        finally:
            self.setUpdatesEnabled(True)


def _overlays_html(overlays: tuple[OverlayResult, ...]) -> str:
    lines = []
    for overlay in overlays:
        mark, colour = ("✓", "#1f9254") if overlay.applies else ("✗", "#7a808a")
        words = (
            translate("ProductPanel", "applies")
            if overlay.applies
            else translate("ProductPanel", "does not apply")
        )
        detail = f" — {_esc(overlay.detail)}" if overlay.detail else ""
        lines.append(
            f"<span style='color:{colour}; font-weight:700'>{mark}</span> "
            f"<b>{_esc(overlay.name)}</b>: {words}{detail}"
        )
    return "<br>".join(lines)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
