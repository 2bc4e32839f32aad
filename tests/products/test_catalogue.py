"""The catalogue as data: the bundled one, and malformed ones refused with the entry and
field named (by the JSON schema, and by the rules a schema cannot state)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from crm.domain.catalogue import (
    AnyOf,
    Catalogue,
    InvalidCatalogue,
    months_before,
    parse_catalogue,
)
from crm.domain.matching import Check, Status
from crm.i18n import describe, set_language
from crm.resources import catalogue_document, catalogue_schema
from tests.products.conftest import TODAY, matched


def test_the_bundled_catalogue_has_the_products_and_overlays_of_the_brief(
    catalogue: Catalogue,
) -> None:
    credit = [p.code for p in catalogue.products if p.credit]
    services = {p.kind for p in catalogue.products if not p.credit}
    assert credit == ["basic", "tech", "trade", "livelihood"]
    assert services == {"settlement_account", "payroll_agency", "card_acquiring", "online_banking"}
    assert [o.code for o in catalogue.overlays] == ["relending", "subsidy"]
    basic = catalogue.product("basic")
    assert basic is not None and basic.amount is not None and basic.term is not None
    assert basic.amount.cap_fen == 3_000_000_00
    assert (basic.amount.ratio_min_bp, basic.amount.ratio_max_bp) == (3000, 5000)
    assert (basic.term.min_months, basic.term.max_months, basic.term.max_for("C33")) == (12, 36, 60)
    assert {r.code for r in basic.repayment} == {
        "draw_any_time",
        "monthly_interest_flexible_principal",
    }
    assert basic.documents and basic.name_zh == "基础信用贷"
    livelihood = catalogue.product("livelihood")
    assert livelihood is not None and livelihood.amount is not None
    assert livelihood.amount.basis == ("monthly_wage_per_head", "insured_staff")
    assert livelihood.amount.ratio_max_bp == 12 * 10_000
    relending, subsidy = catalogue.overlays
    assert relending.amount_max_fen == 2_000_000_00
    assert relending.rate_cap_bp == catalogue.lpr.one_year_bp + 50
    assert (subsidy.share_bp, subsidy.cap_per_year_fen) == (3000, 50_000_00)
    assert isinstance(subsidy.criteria[0], AnyOf)


def _refused(change: Callable[[dict[str, Any]], object], *, schema: bool = True) -> str:
    document = copy.deepcopy(catalogue_document())
    change(document)
    with pytest.raises(InvalidCatalogue) as info:
        parse_catalogue(document, catalogue_schema() if schema else None)
    return str(info.value)


def _product(document: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in document["products"] if p["code"] == code)


def _set(code: str, path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target = _product(document, code)
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value

    return change


_DELETE = object()

# (change, expected message) — each both through the schema and by the rules alone
BOTH = [
    (_set("tech", "amount.cap", "5,000,000"), "product tech: amount.cap must be a number"),
    (_set("basic", "amount.ratio_min", "0.3"), "product basic: amount.ratio_min must be a number"),
    (_set("basic", "rate.spread_bp", 0.5), "product basic: rate.spread_bp must be a whole number"),
    (_set("trade", "kind", "mortgage"), "product trade: kind must be one of credit, "),
    (_set("basic", "name", {"zh": "基础信用贷"}), "product basic: name.en"),
    (
        _set("basic", "customer_kinds", ["company"]),
        "product basic: customer_kinds[0] must be one of enterprise, individual",
    ),
    (_set("basic", "term.min_months", 0), "product basic: term.min_months must be at least 1"),
    (_set("basic", "industries", ["Z9"]), "product basic: industries[0]"),
    (_set("tech", "amount", _DELETE), "product tech: amount is required"),
    (_set("livelihood", "criteria.1.op", "≥"), "product livelihood: criteria[1].op"),
]


@pytest.mark.parametrize(("change", "expected"), BOTH)
@pytest.mark.parametrize("schema", [True, False], ids=["schema", "rules"])
def test_a_malformed_entry_is_refused_naming_product_and_field(
    change: Callable[[dict[str, Any]], None], expected: str, schema: bool
) -> None:
    assert expected in _refused(change, schema=schema)


def test_a_code_s_form_is_the_schema_s_to_check() -> None:
    text = _refused(_set("basic", "code", "Basic Loan"))
    assert text.startswith("product Basic Loan: code 'Basic Loan' is not in the expected form")


def test_an_unknown_field_is_named() -> None:
    text = _refused(_set("basic", "amount.ceiling", 1))
    assert text == "product basic: amount.ceiling is not a known field"


def test_an_overlay_is_named_too() -> None:
    def change(document: dict[str, Any]) -> None:
        document["overlays"][1]["share"] = 1.5

    assert _refused(change) == "overlay subsidy: share must be at most 1"


def test_a_top_level_problem_names_the_catalogue() -> None:
    def change(document: dict[str, Any]) -> None:
        document["lpr"]["as_of"] = "20 May 2025"

    assert _refused(change).startswith("catalogue: lpr.as_of")
    assert "catalogue: lpr.as_of must be a date" in _refused(change, schema=False)


# What only the rules can see (the schema lets these through).
RULES = [
    (
        _set("basic", "criteria.1.fact", "annual_revenue"),
        "product basic: criteria[1].fact 'annual_revenue' is not a known fact",
    ),
    (
        _set("basic", "criteria.0.op", ">="),
        "product basic: criteria[0].op '>=' cannot be used with tax_credit_grade",
    ),
    (
        _set("basic", "criteria.0.value", ["A", "AA"]),
        "product basic: criteria[0].value[1] must be one of A, B, M, C, D",
    ),
    (
        _set("basic", "criteria.1.value", "1000000"),
        "product basic: criteria[1].value must be a number",
    ),
    (
        _set("basic", "amount.ratio_min", 0.6),
        "product basic: amount.ratio_min must not exceed ratio_max",
    ),
    (
        _set("basic", "amount.basis", ["insured_staff"]),
        "product basic: amount.basis must be an amount fact, then counts",
    ),
    (
        _set("basic", "term.max_months", 6),
        "product basic: term.min_months must not exceed max_months",
    ),
    (
        _set("tech", "rate", {"relative_to": "trades", "spread_bp": -50}),
        "product tech: rate.relative_to 'trades' is not a credit product priced on the LPR",
    ),
    (
        _set("tech", "rate", {"relative_to": "basic", "lpr": "one_year", "spread_bp": -50}),
        "product tech: rate needs either lpr or relative_to",
    ),
    (
        _set("basic", "rate.spread_bp", -400),
        "product basic: rate.spread_bp makes the rate negative",
    ),
    (_set("tech", "code", "basic"), "product basic: code is used by another product"),
    (
        _set("settlement_account", "rate", {"lpr": "one_year", "spread_bp": 0}),
        "product settlement_account: rate applies to credit products only",
    ),
]


@pytest.mark.parametrize(("change", "expected"), RULES)
def test_what_a_schema_cannot_say_is_refused_by_rule(
    change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    assert expected in _refused(change)


def test_catalogue_errors_read_in_chinese() -> None:
    set_language("zh_CN")
    try:
        document = copy.deepcopy(catalogue_document())
        _product(document, "tech")["amount"]["cap"] = "x"
        with pytest.raises(InvalidCatalogue) as info:
            parse_catalogue(document, catalogue_schema())
        assert describe(info.value) == "产品 tech：amount.cap 必须是数字"
    finally:
        set_language("en")


def test_a_new_product_is_data_only(catalogue: Catalogue) -> None:
    """A head-office product with date criteria, a section-wide industry list and a term
    exception, matched with no code change."""
    document = copy.deepcopy(catalogue_document())
    document["products"].append(
        {
            "code": "agri",
            "name": {"zh": "惠农贷", "en": "Farm loan"},
            "kind": "credit",
            "customer_kinds": ["individual"],
            "industries": ["A"],
            "criteria": [
                {"fact": "established_on", "op": "before_months_ago", "value": 24},
                {"fact": "ownership_changed_on", "op": "after_months_ago", "value": 6},
                {"fact": "tax_credit_grade", "op": "not_in", "value": ["C", "D"]},
                {"fact": "green", "op": "is_true"},
            ],
            "amount": {
                "basis": ["annual_invoicing"],
                "ratio_min": 0.1,
                "ratio_max": 0.2,
                "cap": 500000,
            },
            "rate": {"lpr": "five_year", "spread_bp": -10},
            "term": {
                "min_months": 6,
                "max_months": 24,
                "exceptions": [{"industries": ["A03"], "max_months": 36}],
            },
            "repayment": [{"code": "seasonal", "name": {"zh": "按季还款", "en": "Seasonal"}}],
            "documents": [],
        }
    )
    extended = parse_catalogue(document, catalogue_schema())
    facts = {
        "kind": "individual",
        "industry": "A03",
        "established_on": "2024-12-05",
        "ownership_changed_on": "2026-06-06",
        "tax_credit_grade": "M",
        "green": True,
        "annual_invoicing": 1_000_000,
    }
    agri = matched(extended, facts).product("agri")
    assert agri is not None
    assert agri.status is Status.ELIGIBLE, [str(c.message) for c in agri.criteria]
    assert (agri.amount_min_fen, agri.amount_max_fen) == (100_000_00, 200_000_00)
    assert agri.rate_bp == extended.lpr.five_year_bp - 10
    assert agri.term_months_max == 36
    # a day either side of each date threshold
    late = matched(extended, {**facts, "established_on": "2024-12-06"}).product("agri")
    assert late is not None and late.status is Status.NOT_ELIGIBLE
    assert [str(c.message) for c in late.criteria if c.status is Check.FAIL] == [
        "established on 2024-12-06: less than 24 months ago"
    ]
    old = matched(extended, {**facts, "ownership_changed_on": "2026-06-05"}).product("agri")
    assert old is not None and old.status is Status.NOT_ELIGIBLE
    grade = matched(extended, {**facts, "tax_credit_grade": "C"}).product("agri")
    assert grade is not None
    assert "tax credit grade: C is excluded" in [str(c.message) for c in grade.criteria]
    assert matched(catalogue, facts).product("agri") is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 5), 12, date(2025, 12, 5)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 3, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 5, 31), 24, date(2024, 5, 31)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def test_today_is_given_not_read(catalogue: Catalogue) -> None:
    facts = {"established_on": "2026-01-01"}
    assert matched(catalogue, facts, TODAY).warnings
    assert not matched(catalogue, facts, date(2027, 1, 1)).warnings


def test_the_schema_is_a_valid_json_schema_and_the_bundled_catalogue_fits_it() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(catalogue_schema())
    assert not list(Draft202012Validator(catalogue_schema()).iter_errors(catalogue_document()))
