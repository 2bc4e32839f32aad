"""The Products page: head office's catalogue, read-only — the credit products with their
entry criteria, amounts, rates and terms, the non-credit relationship services, and the
policy overlays."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.widgets import muted
from crm.ui.products.catalogue_text import listing
from crm.ui.products.model import CatalogueEntry, CatalogueView
from crm.ui.products.source import catalogue_view
from crm.ui.shell.page import Page

translate = QCoreApplication.translate

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ORDER = ("credit", "service", "overlay")


def kind_heading(kind: str) -> str:
    return {
        "credit": translate("ProductsPage", "Credit products"),
        "service": translate("ProductsPage", "Relationship services (non-credit)"),
        "overlay": translate("ProductsPage", "Policy overlays"),
    }.get(kind, kind)


class ProductsPage(Page):
    key = "products"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.setObjectName("productsPage")
        self.catalogue: CatalogueView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        header = QHBoxLayout()
        title = QLabel(self.title(), self)
        title.setObjectName("pageTitle")
        header.addWidget(title)
        header.addStretch(1)
        layout.addLayout(header)
        self.subtitle = muted(self.tr("Loading the catalogue…"), self)
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.list = QListWidget(self.splitter)
        self.list.setObjectName("productList")
        self.list.setMinimumWidth(240)
        self.list.currentItemChanged.connect(self._show_current)
        panel = QFrame(self.splitter)
        panel.setObjectName("panel")
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(1, 1, 1, 1)
        self.details = QTextBrowser(panel)
        self.details.setObjectName("productDetails")
        self.details.setFrameShape(QFrame.Shape.NoFrame)
        self.details.setOpenLinks(False)
        panel_layout.addWidget(self.details)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([320, 860])
        layout.addWidget(self.splitter, 1)
        note = muted(
            self.tr(
                "Published by head office. Matching a prospect against these products is a "
                "pre-assessment (预授信参考), not a credit decision."
            ),
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)

    @staticmethod
    def title() -> str:
        return translate("ProductsPage", "Products")

    def start(self) -> None:
        self.ui.events.prospectsChanged.connect(self._refresh)
        self._read()

    def _refresh(self, ids: list[str]) -> None:
        if not ids:  # F5: the catalogue may have come with a sync since
            self._read()

    def _read(self) -> None:
        ui = self.ui
        self.ui.tasks.read(self, lambda: catalogue_view(ui), self._loaded)

    def _loaded(self, catalogue: CatalogueView) -> None:
        current = self.list.currentItem()
        shown = current.data(ENTRY_ROLE) if current is not None else None
        self.catalogue = catalogue
        parts = [self.tr("Catalogue {version}").format(version=catalogue.version)]
        if catalogue.published_on:
            parts.append(self.tr("published {day}").format(day=fmt.day(catalogue.published_on)))
        if catalogue.source == "headoffice":
            parts.append(self.tr("as received from head office"))
        elif catalogue.source == "bundled":
            parts.append(self.tr("the copy shipped with the app (none received from head office)"))
        if catalogue.lpr:
            parts.append(catalogue.lpr)
        self.subtitle.setText(" · ".join(parts))
        self.list.clear()
        first: QListWidgetItem | None = None
        for kind in KIND_ORDER:
            entries = [e for e in catalogue.entries if e.kind == kind]
            if not entries:
                continue
            heading = QListWidgetItem(kind_heading(kind), self.list)
            font = QFont(heading.font())
            font.setBold(True)
            heading.setFont(font)
            heading.setFlags(Qt.ItemFlag.NoItemFlags)
            heading.setForeground(QColor("#1d2633"))  # a heading, not a disabled item
            for entry in entries:
                item = QListWidgetItem("    " + entry.name, self.list)
                item.setData(ENTRY_ROLE, entry)
                item.setToolTip(entry.name)
                first = first or item
        if first is not None:
            self.list.setCurrentItem(first)
        if isinstance(shown, CatalogueEntry):
            self.show_entry(shown.code)  # the same entry as before a refresh

    def entries(self) -> list[CatalogueEntry]:
        return list(self.catalogue.entries) if self.catalogue else []

    def show_entry(self, code: str) -> None:
        for row in range(self.list.count()):
            entry = self.list.item(row).data(ENTRY_ROLE)
            if isinstance(entry, CatalogueEntry) and entry.code == code:
                self.list.setCurrentRow(row)
                return

    def _show_current(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        entry = item.data(ENTRY_ROLE) if item is not None else None
        if isinstance(entry, CatalogueEntry):
            self.details.setHtml(entry_html(entry))
        else:
            self.details.clear()


def entry_html(entry: CatalogueEntry) -> str:
    rows: list[tuple[str, str]] = []
    if entry.customer_kinds:
        rows.append((translate("ProductsPage", "For"), listing(entry.customer_kinds)))
    rows.append(
        (
            translate("ProductsPage", "Industries"),
            listing(entry.industries) or translate("ProductsPage", "all"),
        )
    )
    if entry.amount:
        rows.append((translate("ProductsPage", "Amount"), entry.amount))
    if entry.rate:
        rows.append((translate("ProductsPage", "Rate"), entry.rate))
    if entry.term:
        rows.append((translate("ProductsPage", "Term"), entry.term))
    if entry.repayment:
        rows.append((translate("ProductsPage", "Repayment"), listing(entry.repayment)))
    table = "".join(
        f"<tr><td style='color:#5f6b7a; padding-right:14px; white-space:nowrap'>{_esc(k)}</td>"
        f"<td>{_esc(v)}</td></tr>"
        for k, v in rows
    )
    html = [f"<h2 style='margin-bottom:4px'>{_esc(entry.name)}</h2>"]
    if entry.description:
        html.append(f"<p>{_esc(entry.description)}</p>")
    html.append(f"<table cellspacing='4'>{table}</table>")
    none = translate("ProductsPage", "No entry criteria.")
    html.append(
        _section(translate("ProductsPage", "Entry criteria"), entry.criteria)
        or f"<p><i>{_esc(none)}</i></p>"
    )
    html.append(_section(translate("ProductsPage", "Documents"), entry.documents))
    html.append(_section(translate("ProductsPage", "Notes"), entry.extra))
    return "".join(html)


def _section(title: str, lines: tuple[str, ...]) -> str:
    if not lines:
        return ""
    items = "".join(f"<li>{_esc(line)}</li>" for line in lines)
    return f"<h3 style='margin-bottom:2px'>{_esc(title)}</h3><ul>{items}</ul>"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
