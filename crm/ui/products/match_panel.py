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


CARD_STYLE = """
QFrame#productCard { background: #f7f9fc; border: 1px solid #d5dae1; border-radius: 5px; }
QLabel#statusChip {
    color: white; background: #7a808a; border-radius: 8px; padding: 1px 8px; font-weight: 600;
}
QLabel#statusChip[status="eligible"] { background: #1f9254; }
QLabel#statusChip[status="not_eligible"] { background: #c62828; }
QLabel#statusChip[status="unknown"] { background: #b7791f; }
QPushButton#factPrompt {
    color: #1f5fae; text-decoration: underline; border: none; background: transparent;
    padding: 0 4px;
}
"""


class _Row:
    """One criterion: its mark, its words and, when its data is missing, a prompt."""

    def __init__(self, card: ProductCard, grid: QGridLayout, row: int) -> None:
        self.key = ""
        self.sign = QLabel(card)
        self.sign.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(self.sign, row, 0, Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(card)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.text, row, 1)
        self.prompt = QPushButton(translate("ProductCard", "Enter…"), card)
        self.prompt.setObjectName("factPrompt")
        self.prompt.setCursor(Qt.CursorShape.PointingHandCursor)
        self.prompt.clicked.connect(lambda _c=False: card.factRequested.emit(self.key))
        grid.addWidget(self.prompt, row, 2, Qt.AlignmentFlag.AlignTop)

    def show(self, card: ProductCard, criterion: CriterionResult, asking: bool) -> None:
        self.key = criterion.key
        mark, colour = MARKS.get(criterion.status, ("·", "#5f6b7a"))
        self.sign.setText(f"<span style='color:{colour}; font-weight:700'>{mark}</span>")
        self.sign.setToolTip(
            {
                PASS: translate("ProductCard", "Met"),
                FAIL: translate("ProductCard", "Not met"),
                MISSING: translate("ProductCard", "Missing data"),
            }.get(criterion.status, criterion.status)
        )
        self.text.setText(criterion.message or fact_label(criterion.key))
        missing = asking and criterion.status == MISSING
        if missing:
            self.prompt.setToolTip(
                translate("ProductCard", "Enter “{fact}” in the business facts").format(
                    fact=fact_label(criterion.key)
                )
            )
        self.prompt.setVisible(missing)


class ProductCard(QFrame):
    """One product's result: status, indicative terms, and every criterion. ``show``
    updates it in place when the new result has as many criteria (saving a fact)."""

    factRequested = Signal(str)

    def __init__(self, result: ProductResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.name = QLabel(self)
        self.name.setObjectName("panelTitle")
        self.name.setWordWrap(True)
        top.addWidget(self.name, 1)
        self.status = QLabel(self)
        self.status.setObjectName("statusChip")
        self.status.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        top.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.terms = QLabel(self)
        self.terms.setWordWrap(True)
        layout.addWidget(self.terms)
        grid = QGridLayout()
        grid.setContentsMargins(0, 2, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self.rows = [_Row(self, grid, n) for n in range(len(result.criteria))]
        layout.addLayout(grid)
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        self.notes.setProperty("muted", True)
        layout.addWidget(self.notes)
        self.result = result
        self.prompts: dict[str, QPushButton] = {}
        self.show_result(result)

    def fits(self, result: ProductResult) -> bool:
        return result.code == self.result.code and len(result.criteria) == len(self.rows)

    def show_result(self, result: ProductResult) -> None:
        self.result = result
        self.name.setText(result.name)
        self.status.setText(status_text(result.status))
        if self.status.property("status") != result.status:
            self.status.setProperty("status", result.status)
            self.status.style().unpolish(self.status)
            self.status.style().polish(self.status)
        terms = []
        amount = amount_range(result.amount_min_fen, result.amount_max_fen)
        if amount:
            terms.append(self.tr("amount {amount}").format(amount=amount))
        if result.rate_bp is not None:
            terms.append(self.tr("rate {rate}").format(rate=format_rate(result.rate_bp)))
        term = term_text(result.term_months_min, result.term_months_max)
        if term:
            terms.append(self.tr("term {term}").format(term=term))
        shown = bool(terms) and result.status != NOT_ELIGIBLE
        if shown:
            self.terms.setText(self.tr("Indicative: {terms}").format(terms=" · ".join(terms)))
        self.terms.setVisible(shown)
        self.prompts = {}
        # Data that cannot change a "not eligible" is not asked for.
        asking = result.status != NOT_ELIGIBLE
        for row, criterion in zip(self.rows, result.criteria, strict=True):
            row.show(self, criterion, asking)
            if asking and criterion.status == MISSING:
                self.prompts.setdefault(criterion.key, row.prompt)
        self.notes.setText("\n".join(result.notes))
        self.notes.setVisible(bool(result.notes))


class ProductMatchPanel(QFrame):
    """Every product's result for one prospect, its overlays and warnings."""

    factRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setStyleSheet(CARD_STYLE)
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
            cards = list(self.cards.values())
            if len(cards) == len(match.products) and all(
                card.fits(result) for card, result in zip(cards, match.products, strict=True)
            ):
                for card, result in zip(cards, match.products, strict=True):
                    card.show_result(result)  # the same products: new words in place
            else:
                for card in cards:
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
        detail = f" — {overlay.detail}" if overlay.detail else ""
        line = translate("ProductPanel", "{name}: {verdict}").format(
            name=f"<b>{_esc(overlay.name)}</b>", verdict=_esc(words + detail)
        )
        lines.append(f"<span style='color:{colour}; font-weight:700'>{mark}</span> {line}")
    return "<br>".join(lines)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
