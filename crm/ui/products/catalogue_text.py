"""The catalogue in words: a product's criteria, amount rule, rate and term as an RM reads
them, in the user's language (names from the catalogue's zh/en, the rest through tr())."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from crm import i18n as core_i18n
from crm.domain.facts import FACTS, FactType
from crm.domain.money import format_rate
from crm.ui.common import fmt, labels
from crm.ui.products.facts_editor import choice_label, fact_label
from crm.ui.products.model import CatalogueEntry, CatalogueView

if TYPE_CHECKING:
    from crm.domain.catalogue import (
        AmountRule,
        Catalogue,
        Criterion,
        Overlay,
        Product,
        Rule,
        TermRule,
    )

translate = QCoreApplication.translate


def _zh() -> bool:
    return core_i18n.language() == "zh_CN"


def name(entry: Product | Overlay) -> str:
    return entry.name_zh if _zh() else entry.name_en


def listing(items: list[str] | tuple[str, ...]) -> str:
    """Items in a row, as each language separates them: 企业、个体工商户 / A, B."""
    return ("、" if _zh() else ", ").join(items)


def industry_name(code: str) -> str:
    """A catalogue's section ("C") or division ("C33") with its name."""
    if len(code) == 1:
        return labels.section(code)
    return labels.industry(code[1:])


def customer_kind(code: str) -> str:
    return {
        "enterprise": translate("Catalogue", "enterprises"),
        "individual": translate("Catalogue", "individual businesses"),
    }.get(code, code)


def percent(bp: int) -> str:
    """3000 (basis points of one) → 30%; 12 × → 12×."""
    if bp >= 10_000 and bp % 10_000 == 0:
        return f"{bp // 10_000} 倍" if _zh() else f"{bp // 10_000}×"
    text = f"{bp / 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _value(criterion: Criterion) -> str:
    spec = FACTS[criterion.fact]
    value = criterion.value
    if spec.type is FactType.MONEY and isinstance(value, int):
        return fmt.money(value)
    if isinstance(value, tuple):
        return translate("Catalogue", " or ").join(choice_label(spec.key, v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def criterion_text(rule: Rule) -> str:
    from crm.domain.catalogue import AnyOf

    if isinstance(rule, AnyOf):
        text = translate("Catalogue", " or ").join(criterion_text(o) for o in rule.options)
    else:
        label = fact_label(rule.fact)
        op = rule.op
        if op == "is_true":
            text = translate("Catalogue", "{fact}: yes").format(fact=label)
        elif op == "is_false":
            text = translate("Catalogue", "{fact}: no").format(fact=label)
        elif op == "before_months_ago":
            text = translate("Catalogue", "{fact}: at least {months} months ago").format(
                fact=label, months=rule.value
            )
        elif op == "after_months_ago":
            text = translate("Catalogue", "{fact}: within the last {months} months").format(
                fact=label, months=rule.value
            )
        elif op == "in":
            text = translate("Catalogue", "{fact}: {values}").format(
                fact=label, values=_value(rule)
            )
        elif op == "not_in":
            text = translate("Catalogue", "{fact}: not {values}").format(
                fact=label, values=_value(rule)
            )
        else:
            text = f"{label} {op.replace('>=', '≥').replace('<=', '≤')} {_value(rule)}"
    if rule.customer_kinds:
        kinds = listing([customer_kind(k) for k in rule.customer_kinds])
        text += " " + translate("Catalogue", "({kinds} only)").format(kinds=kinds)
    return text


def _inline(label: str) -> str:
    """A fact's name inside a sentence: "monthly wage per head" (Chinese is unchanged)."""
    return label[:1].lower() + label[1:] if label[:1].isascii() else label


def amount_text(rule: AmountRule) -> str:
    basis = " × ".join(_inline(fact_label(b)) for b in rule.basis)
    cap = fmt.money(rule.cap_fen)
    low, high = rule.ratio_min_bp, rule.ratio_max_bp
    if low == high and high % 10_000 == 0:
        return translate("Catalogue", "{times} × {basis}, at most {cap}").format(
            times=high // 10_000, basis=basis, cap=cap
        )
    ratio = percent(high) if low == high else f"{percent(low)}–{percent(high)}"
    return translate("Catalogue", "{ratio} of {basis}, at most {cap}").format(
        ratio=ratio, basis=basis, cap=cap
    )


def term_text(term: TermRule) -> str:
    text = translate("Catalogue", "{low}–{high} months").format(
        low=term.min_months, high=term.max_months
    )
    for exception in term.exceptions:
        text += ("；" if _zh() else "; ") + translate(
            "Catalogue", "industries {codes}: up to {months} months"
        ).format(
            codes=listing([industry_name(c) for c in exception.industries]),
            months=exception.max_months,
        )
    return text


def lpr_text(catalogue: Catalogue) -> str:
    return translate("Catalogue", "1-year LPR {one} and 5-year {five} as of {day}").format(
        one=format_rate(catalogue.lpr.one_year_bp),
        five=format_rate(catalogue.lpr.five_year_bp),
        day=fmt.day(catalogue.lpr.as_of),
    )


def service_kind(kind: str) -> str:
    return {
        "settlement_account": translate("Catalogue", "settlement account"),
        "payroll_agency": translate("Catalogue", "payroll agency"),
        "card_acquiring": translate("Catalogue", "card acquiring"),
        "online_banking": translate("Catalogue", "online banking"),
    }.get(kind, kind)


def product_entry(product: Product) -> CatalogueEntry:
    zh = _zh()
    return CatalogueEntry(
        code=product.code,
        name=name(product),
        kind="credit" if product.credit else "service",
        description="" if product.credit else service_kind(product.kind),
        customer_kinds=tuple(customer_kind(k) for k in product.customer_kinds),
        industries=tuple(industry_name(c) for c in product.industries),
        criteria=tuple(criterion_text(rule) for rule in product.criteria),
        amount=amount_text(product.amount) if product.amount else "",
        rate=translate("Catalogue", "{rate} a year").format(rate=format_rate(product.rate_bp))
        if product.rate_bp is not None
        else "",
        term=term_text(product.term) if product.term else "",
        repayment=tuple(r.name_zh if zh else r.name_en for r in product.repayment),
        documents=tuple(d.name_zh if zh else d.name_en for d in product.documents),
        extra=tuple(n for n in ((product.notes_zh if zh else product.notes_en),) if n),
    )


def overlay_detail(overlay: Overlay) -> str:
    parts = []
    if overlay.amount_max_fen is not None:
        parts.append(
            translate("Catalogue", "up to {amount}").format(
                amount=fmt.money(overlay.amount_max_fen)
            )
        )
    if overlay.rate_cap_bp is not None:
        parts.append(
            translate("Catalogue", "rate at most {rate}").format(
                rate=format_rate(overlay.rate_cap_bp)
            )
        )
    if overlay.share_bp is not None:
        parts.append(
            translate("Catalogue", "{share} of the interest paid").format(
                share=percent(overlay.share_bp)
            )
        )
    if overlay.cap_per_year_fen is not None:
        parts.append(
            translate("Catalogue", "at most {amount} a year").format(
                amount=fmt.money(overlay.cap_per_year_fen)
            )
        )
    return ("，" if _zh() else ", ").join(parts)


def overlay_entry(overlay: Overlay) -> CatalogueEntry:
    return CatalogueEntry(
        code=overlay.code,
        name=name(overlay),
        kind="overlay",
        description=overlay_detail(overlay),
        criteria=tuple(criterion_text(rule) for rule in overlay.criteria),
    )


def catalogue_view(catalogue: Catalogue, source: str = "") -> CatalogueView:
    entries = [product_entry(p) for p in catalogue.products]
    entries += [overlay_entry(o) for o in catalogue.overlays]
    published: date | None = catalogue.published_on
    return CatalogueView(catalogue.version, published, lpr_text(catalogue), tuple(entries), source)
