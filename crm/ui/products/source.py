"""What the product widgets ask of the products service, as the plain values they draw
(``crm.ui.products.model``). Run on the task runner's workers; nothing here imports a
service module when loaded (the prospect page is the window's first page).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crm import i18n as core_i18n
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said
from crm.ui.products import catalogue_text
from crm.ui.products.model import (
    CatalogueView,
    CriterionResult,
    FactView,
    HeldView,
    MatchView,
    OverlayResult,
    ProductResult,
    ProspectProducts,
    ServicesView,
)

if TYPE_CHECKING:
    from crm.domain.catalogue import Catalogue
    from crm.domain.matching import MatchResult


def catalogue_view(ui: UiContext) -> CatalogueView:
    found = ui.services.products.catalogue_in_force()
    return catalogue_text.catalogue_view(found.catalogue, found.source)


def _zh() -> bool:
    return core_i18n.language() == "zh_CN"


def match_view(result: MatchResult) -> MatchView:
    products = tuple(
        ProductResult(
            code=p.code,
            name=catalogue_text.name(p.product),
            status=p.status.value,
            criteria=tuple(
                CriterionResult(c.key.split("|")[0], c.status.value, said(c.message))
                for c in p.criteria
            ),
            amount_min_fen=p.amount_min_fen,
            amount_max_fen=p.amount_max_fen,
            rate_bp=p.rate_bp,
            term_months_min=p.term_months_min,
            term_months_max=p.term_months_max,
            notes=tuple(n for n in ((p.product.notes_zh if _zh() else p.product.notes_en),) if n),
        )
        for p in result.products
        if p.product.credit
    )
    overlays = tuple(
        OverlayResult(
            o.code,
            catalogue_text.name(o.overlay),
            o.applies,
            catalogue_text.overlay_detail(o.overlay),
        )
        for o in result.overlays
    )
    warnings = tuple(said(w.message) for w in result.warnings)
    return MatchView(products, overlays, warnings)


def services_view(
    catalogue: Catalogue, result: MatchResult, held: Mapping[str, Any]
) -> ServicesView:
    """``held``: service code → the day since it is held (or None)."""
    shown = []
    for code, since in held.items():
        product = catalogue.product(code)
        shown.append(HeldView(code, catalogue_text.name(product) if product else code, since))
    offer = result.next_service(set(held))
    return ServicesView(
        tuple(shown),
        None if offer is None else HeldView(offer.code, catalogue_text.name(offer.product), None),
        tuple(
            HeldView(p.code, catalogue_text.name(p), None)
            for p in catalogue.products
            if not p.credit
        ),
    )


def set_service(
    ui: UiContext, prospect_id: str, code: str, held: bool, stage: str = ""
) -> ProspectProducts:
    """Record that the customer holds (or no longer holds) a service; then the new view."""
    products = ui.services.products
    if held:
        products.add_service(prospect_id, code, ui.today())
    else:
        products.remove_service(prospect_id, code)
    return prospect_products(ui, prospect_id, stage)


def prospect_products(ui: UiContext, prospect_id: str, stage: str = "") -> ProspectProducts:
    """The prospect's match, facts and services (``stage``: its stage when the caller knows
    it, else it is read)."""
    products = ui.services.products
    catalogue = products.catalogue()
    result = products.match(prospect_id)
    facts = {
        row.key: FactView(row.key, row.value, row.confirmed_on, row.confirmed_by_name)
        for row in products.facts(prospect_id)
    }
    held = {row.code: row.since for row in products.held_services(prospect_id)}
    if not stage:
        stage = ui.services.prospects.get(prospect_id).stage
    return ProspectProducts(
        match_view(result), facts, services_view(catalogue, result, held), stage
    )


def save_facts(
    ui: UiContext,
    prospect_id: str,
    to_set: Mapping[str, Any],
    to_clear: list[str],
    stage: str = "",
) -> ProspectProducts:
    """Save the facts (domain values: fen, dates, codes), confirmed today by the user, and
    clear ``to_clear``; then the new match."""
    from crm.domain.facts import fact_to_json

    values: dict[str, object] = {key: fact_to_json(key, value) for key, value in to_set.items()}
    values.update(dict.fromkeys(to_clear))
    if values:
        ui.services.products.set_facts(prospect_id, values)
    return prospect_products(ui, prospect_id, stage)
