"""Matching against the bundled catalogue: every product and overlay, with facts on both
sides of every threshold and cap, missing data, warnings and the words of the gaps."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.domain.catalogue import Catalogue
from crm.domain.errors import Message
from crm.domain.matching import Check, Status, as_json
from crm.i18n import describe, set_language
from tests.products.conftest import matched

GOOD_OWNER = {"owner_serious_overdue": False}
BASIC = {
    "kind": "enterprise",
    "industry": "F52",
    "tax_credit_grade": "B",
    "annual_invoicing": 1_000_000,
    "avg_monthly_turnover": 100_000,
    **GOOD_OWNER,
}
TECH = {
    "kind": "enterprise",
    "tech_enterprise": True,
    "ip_pledgeable": True,
    "annual_rd_spend": 1_000_000,
    **GOOD_OWNER,
}
TRADE = {
    "kind": "individual",
    "industry": "F52",
    "platform_monthly_settlement": 50_000,
    **GOOD_OWNER,
}
LIVELIHOOD = {
    "kind": "enterprise",
    "industry": "H62",
    "insured_staff": 10,
    "insured_staff_stable_months": 6,
    "customer_rating": 4.5,
    "monthly_wage_per_head": 5_000,
    **GOOD_OWNER,
}
BASES = {"basic": BASIC, "tech": TECH, "trade": TRADE, "livelihood": LIVELIHOOD}

# (product, changes to its eligible facts, expected status, the key that decides, its check)
CASES: list[tuple[str, dict[str, Any], Status, str, Check]] = [
    # basic: tax credit grade B or better
    ("basic", {"tax_credit_grade": "A"}, Status.ELIGIBLE, "tax_credit_grade", Check.PASS),
    ("basic", {"tax_credit_grade": "B"}, Status.ELIGIBLE, "tax_credit_grade", Check.PASS),
    ("basic", {"tax_credit_grade": "M"}, Status.NOT_ELIGIBLE, "tax_credit_grade", Check.FAIL),
    ("basic", {"tax_credit_grade": "C"}, Status.NOT_ELIGIBLE, "tax_credit_grade", Check.FAIL),
    ("basic", {"tax_credit_grade": "D"}, Status.NOT_ELIGIBLE, "tax_credit_grade", Check.FAIL),
    ("basic", {"tax_credit_grade": None}, Status.UNKNOWN, "tax_credit_grade", Check.MISSING),
    # basic: annual invoicing ≥ 1,000,000 CNY
    ("basic", {"annual_invoicing": 1_000_000}, Status.ELIGIBLE, "annual_invoicing", Check.PASS),
    (
        "basic",
        {"annual_invoicing": 999_999.99},
        Status.NOT_ELIGIBLE,
        "annual_invoicing",
        Check.FAIL,
    ),
    ("basic", {"annual_invoicing": None}, Status.UNKNOWN, "annual_invoicing", Check.MISSING),
    # basic: no serious overdue on the owner's credit
    (
        "basic",
        {"owner_serious_overdue": True},
        Status.NOT_ELIGIBLE,
        "owner_serious_overdue",
        Check.FAIL,
    ),
    (
        "basic",
        {"owner_serious_overdue": None},
        Status.UNKNOWN,
        "owner_serious_overdue",
        Check.MISSING,
    ),
    # basic: an individual business proves operation by a property certificate, lease or bills
    (
        "basic",
        {"kind": "individual", "proof_of_operation": "lease"},
        Status.ELIGIBLE,
        "proof_of_operation",
        Check.PASS,
    ),
    (
        "basic",
        {"kind": "individual", "proof_of_operation": "utility_records"},
        Status.ELIGIBLE,
        "proof_of_operation",
        Check.PASS,
    ),
    (
        "basic",
        {"kind": "individual", "proof_of_operation": "property_certificate"},
        Status.ELIGIBLE,
        "proof_of_operation",
        Check.PASS,
    ),
    (
        "basic",
        {"kind": "individual"},
        Status.UNKNOWN,
        "proof_of_operation",
        Check.MISSING,
    ),
    ("basic", {"kind": None}, Status.UNKNOWN, "proof_of_operation", Check.MISSING),
    # tech: technology enterprise, IP to pledge, R&D spending, enterprises only
    ("tech", {}, Status.ELIGIBLE, "tech_enterprise", Check.PASS),
    ("tech", {"tech_enterprise": False}, Status.NOT_ELIGIBLE, "tech_enterprise", Check.FAIL),
    ("tech", {"ip_pledgeable": False}, Status.NOT_ELIGIBLE, "ip_pledgeable", Check.FAIL),
    ("tech", {"ip_pledgeable": None}, Status.UNKNOWN, "ip_pledgeable", Check.MISSING),
    ("tech", {"annual_rd_spend": 0}, Status.NOT_ELIGIBLE, "annual_rd_spend", Check.FAIL),
    ("tech", {"annual_rd_spend": 0.01}, Status.ELIGIBLE, "annual_rd_spend", Check.PASS),
    ("tech", {"kind": "individual"}, Status.NOT_ELIGIBLE, "kind", Check.FAIL),
    ("tech", {"kind": None}, Status.UNKNOWN, "kind", Check.MISSING),
    # trade: wholesale, retail, logistics; platform settlement ≥ 50,000 CNY a month
    ("trade", {"industry": "F51"}, Status.ELIGIBLE, "industry", Check.PASS),
    ("trade", {"industry": "G54"}, Status.ELIGIBLE, "industry", Check.PASS),
    ("trade", {"industry": "5990"}, Status.ELIGIBLE, "industry", Check.PASS),
    ("trade", {"industry": "G56"}, Status.NOT_ELIGIBLE, "industry", Check.FAIL),
    ("trade", {"industry": "C33"}, Status.NOT_ELIGIBLE, "industry", Check.FAIL),
    ("trade", {"industry": None}, Status.UNKNOWN, "industry", Check.MISSING),
    (
        "trade",
        {"platform_monthly_settlement": 49_999.99},
        Status.NOT_ELIGIBLE,
        "platform_monthly_settlement",
        Check.FAIL,
    ),
    (
        "trade",
        {"platform_monthly_settlement": None},
        Status.UNKNOWN,
        "platform_monthly_settlement",
        Check.MISSING,
    ),
    # livelihood: catering, housekeeping, elderly care; staff stable ≥ 6 months; rating ≥ 4.5
    ("livelihood", {"industry": "O80"}, Status.ELIGIBLE, "industry", Check.PASS),
    ("livelihood", {"industry": "Q8514"}, Status.ELIGIBLE, "industry", Check.PASS),
    ("livelihood", {"industry": "H61"}, Status.NOT_ELIGIBLE, "industry", Check.FAIL),
    (
        "livelihood",
        {"insured_staff_stable_months": 5},
        Status.NOT_ELIGIBLE,
        "insured_staff_stable_months",
        Check.FAIL,
    ),
    (
        "livelihood",
        {"insured_staff_stable_months": 7},
        Status.ELIGIBLE,
        "insured_staff_stable_months",
        Check.PASS,
    ),
    ("livelihood", {"customer_rating": 4.49}, Status.NOT_ELIGIBLE, "customer_rating", Check.FAIL),
    ("livelihood", {"customer_rating": 5}, Status.ELIGIBLE, "customer_rating", Check.PASS),
    ("livelihood", {"customer_rating": None}, Status.UNKNOWN, "customer_rating", Check.MISSING),
    ("livelihood", {"insured_staff": 0}, Status.NOT_ELIGIBLE, "insured_staff", Check.FAIL),
    ("livelihood", {"insured_staff": 1}, Status.ELIGIBLE, "insured_staff", Check.PASS),
]


def _facts(product: str, changes: dict[str, Any]) -> dict[str, Any]:
    facts = {**BASES[product], **changes}
    return {key: value for key, value in facts.items() if value is not None}


@pytest.mark.parametrize(("product", "changes", "status", "key", "check"), CASES)
def test_each_criterion_on_both_sides_of_its_threshold(
    catalogue: Catalogue,
    product: str,
    changes: dict[str, Any],
    status: Status,
    key: str,
    check: Check,
) -> None:
    result = matched(catalogue, _facts(product, changes)).product(product)
    assert result is not None
    assert result.status is status, [(c.key, c.status, str(c.message)) for c in result.criteria]
    decisive = [c for c in result.criteria if c.key == key]
    assert decisive, f"no criterion on {key}"
    assert check in {c.status for c in decisive}


@pytest.mark.parametrize("product", sorted(BASES))
def test_the_eligible_facts_of_each_product_pass_every_criterion(
    catalogue: Catalogue, product: str
) -> None:
    result = matched(catalogue, BASES[product]).product(product)
    assert result is not None
    assert result.status is Status.ELIGIBLE
    assert all(c.status is Check.PASS for c in result.criteria)


# (product, changes, amount_min yuan, amount_max yuan)
AMOUNTS: list[tuple[str, dict[str, Any], int, int]] = [
    # basic: 30%–50% of average monthly turnover, at most 3,000,000
    ("basic", {"avg_monthly_turnover": 100_000}, 30_000, 50_000),
    ("basic", {"avg_monthly_turnover": 5_999_998}, 1_799_999, 2_999_999),
    ("basic", {"avg_monthly_turnover": 6_000_000}, 1_800_000, 3_000_000),
    ("basic", {"avg_monthly_turnover": 6_000_002}, 1_800_000, 3_000_000),
    ("basic", {"avg_monthly_turnover": 20_000_000}, 3_000_000, 3_000_000),
    # tech: up to 1.5 × annual R&D spending, at most 5,000,000
    ("tech", {"annual_rd_spend": 1_000_000}, 0, 1_500_000),
    ("tech", {"annual_rd_spend": 3_333_333.33}, 0, 4_999_999),
    ("tech", {"annual_rd_spend": 3_333_334}, 0, 5_000_000),
    # trade: 1–3 × monthly platform settlement, at most 1,000,000
    ("trade", {"platform_monthly_settlement": 50_000}, 50_000, 150_000),
    ("trade", {"platform_monthly_settlement": 333_333}, 333_333, 999_999),
    ("trade", {"platform_monthly_settlement": 333_334}, 333_334, 1_000_000),
    # livelihood: monthly wage per head × 12 × insured staff, at most 2,000,000
    ("livelihood", {}, 600_000, 600_000),
    ("livelihood", {"monthly_wage_per_head": 16_666, "insured_staff": 10}, 1_999_920, 1_999_920),
    (
        "livelihood",
        {"monthly_wage_per_head": 16_667, "insured_staff": 10},
        2_000_000,
        2_000_000,
    ),
    ("livelihood", {"monthly_wage_per_head": 8_000, "insured_staff": 25}, 2_000_000, 2_000_000),
]


@pytest.mark.parametrize(("product", "changes", "low", "high"), AMOUNTS)
def test_indicative_amounts_on_both_sides_of_the_cap(
    catalogue: Catalogue, product: str, changes: dict[str, Any], low: int, high: int
) -> None:
    result = matched(catalogue, _facts(product, changes)).product(product)
    assert result is not None
    assert (result.amount_min_fen, result.amount_max_fen) == (low * 100, high * 100)


def test_no_amount_without_its_basis_and_none_for_a_product_ruled_out(
    catalogue: Catalogue,
) -> None:
    result = matched(catalogue, _facts("livelihood", {"monthly_wage_per_head": None}))
    livelihood = result.product("livelihood")
    assert livelihood is not None
    assert livelihood.status is Status.ELIGIBLE
    assert livelihood.amount_max_fen is None
    assert "monthly_wage_per_head" in result.missing_facts()
    ruled_out = matched(catalogue, _facts("basic", {"tax_credit_grade": "C"})).product("basic")
    assert ruled_out is not None
    assert ruled_out.amount_min_fen is None and ruled_out.amount_max_fen is None


@pytest.mark.parametrize(
    ("product", "industry", "term_max", "rate_bp"),
    [
        ("basic", "C33", 60, 380),  # manufacturing may borrow for 5 years
        ("basic", "C13", 60, 380),
        ("basic", "F52", 36, 380),
        ("basic", None, 36, 380),
        ("tech", None, 60, 330),  # 50 bp below basic
        ("trade", "F52", 12, 400),
        ("livelihood", "H62", 36, 360),
    ],
)
def test_rate_and_longest_term(
    catalogue: Catalogue, product: str, industry: str | None, term_max: int, rate_bp: int
) -> None:
    result = matched(catalogue, _facts(product, {"industry": industry})).product(product)
    assert result is not None
    assert result.term_months_max == term_max
    assert result.rate_bp == rate_bp


def test_tech_is_priced_50_bp_below_basic_and_both_on_the_lpr(catalogue: Catalogue) -> None:
    basic, tech = catalogue.product("basic"), catalogue.product("tech")
    assert basic is not None and tech is not None
    assert basic.rate_bp is not None and tech.rate_bp is not None
    assert tech.rate_bp == basic.rate_bp - 50
    assert catalogue.lpr.as_of == date(2025, 5, 20)


# (facts, overlay, applies)
OVERLAYS: list[tuple[dict[str, Any], str, bool]] = [
    ({"in_cultivation_pool": True}, "relending", True),
    ({"in_cultivation_pool": False}, "relending", False),
    ({}, "relending", False),
    ({"green": True}, "subsidy", True),
    ({"tech_enterprise": True}, "subsidy", True),
    ({"green": False, "tech_enterprise": True}, "subsidy", True),
    ({"green": False, "tech_enterprise": False}, "subsidy", False),
    ({"green": False}, "subsidy", False),
    ({}, "subsidy", False),
]


@pytest.mark.parametrize(("facts", "code", "applies"), OVERLAYS)
def test_overlays(catalogue: Catalogue, facts: dict[str, Any], code: str, applies: bool) -> None:
    result = matched(catalogue, facts).overlay(code)
    assert result is not None
    assert result.applies is applies


def test_overlay_terms_and_why_they_do_not_apply(catalogue: Catalogue) -> None:
    result = matched(catalogue, {"green": False})
    data = as_json(result)
    overlays = {o["code"]: o for o in data["overlays"]}
    assert overlays["relending"] == {
        "code": "relending",
        "applies": False,
        "amount_max": 2_000_000,
        "rate_cap": 3.5,
    }
    assert overlays["subsidy"] == {
        "code": "subsidy",
        "applies": False,
        "share": 0.3,
        "cap_per_year": 50_000,
    }
    subsidy = result.overlay("subsidy")
    assert subsidy is not None
    (group,) = subsidy.criteria
    assert group.key == "green|tech_enterprise"
    assert group.status is Check.MISSING
    both_no = matched(catalogue, {"green": False, "tech_enterprise": False}).overlay("subsidy")
    assert both_no is not None
    assert both_no.criteria[0].status is Check.FAIL


# warnings: (facts, expected codes)
WARNINGS: list[tuple[dict[str, Any], set[str]]] = [
    ({"established_on": "2025-12-05"}, set()),  # exactly 12 months ago
    ({"established_on": "2025-12-06"}, {"established_recently"}),
    ({"established_on": "2026-11-30"}, {"established_recently"}),
    ({"ownership_changed_on": "2025-12-05"}, set()),
    ({"ownership_changed_on": "2025-12-06"}, {"ownership_changed_recently"}),
    # a year of turnover between 0.5 and 2 times the year's invoicing is in line
    ({"annual_invoicing": 1_200_000, "avg_monthly_turnover": 50_000}, set()),
    (
        {"annual_invoicing": 1_200_000, "avg_monthly_turnover": 49_999.99},
        {"turnover_out_of_line"},
    ),
    ({"annual_invoicing": 1_200_000, "avg_monthly_turnover": 200_000}, set()),
    (
        {"annual_invoicing": 1_200_000, "avg_monthly_turnover": 200_000.01},
        {"turnover_out_of_line"},
    ),
    ({"annual_invoicing": 0, "avg_monthly_turnover": 10_000}, {"turnover_out_of_line"}),
    ({"annual_invoicing": 0, "avg_monthly_turnover": 0}, set()),
    ({"avg_monthly_turnover": 10_000}, set()),
    (
        {
            "established_on": "2026-06-01",
            "ownership_changed_on": "2026-09-01",
            "annual_invoicing": 100_000,
            "avg_monthly_turnover": 100_000,
        },
        {"established_recently", "ownership_changed_recently", "turnover_out_of_line"},
    ),
]


@pytest.mark.parametrize(("facts", "codes"), WARNINGS)
def test_warnings_the_notices_name(
    catalogue: Catalogue, facts: dict[str, Any], codes: set[str]
) -> None:
    assert {w.code for w in matched(catalogue, facts).warnings} == codes


def test_a_month_end_counts_back_to_the_shorter_month(catalogue: Catalogue) -> None:
    # 12 months before 29 Feb 2028 is 28 Feb 2027.
    on = date(2028, 2, 29)
    assert not matched(catalogue, {"established_on": "2027-02-28"}, on).warnings
    assert matched(catalogue, {"established_on": "2027-03-01"}, on).warnings


def test_nothing_known_leaves_every_credit_product_unknown(catalogue: Catalogue) -> None:
    result = matched(catalogue, {})
    for code in ("basic", "tech", "trade", "livelihood"):
        product = result.product(code)
        assert product is not None
        assert product.status is Status.UNKNOWN, code
        assert product.amount_max_fen is None
        assert all(c.status is Check.MISSING for c in product.criteria)
    assert not result.warnings
    assert set(result.missing_facts()) >= {"kind", "tax_credit_grade", "annual_invoicing"}


def test_non_credit_services_and_the_next_one_to_offer(catalogue: Catalogue) -> None:
    result = matched(catalogue, {"kind": "individual", "industry": "C33", "insured_staff": 0})
    statuses = {p.code: p.status for p in result.products if not p.product.credit}
    assert statuses == {
        "settlement_account": Status.ELIGIBLE,
        "online_banking": Status.ELIGIBLE,
        "payroll_agency": Status.NOT_ELIGIBLE,
        "card_acquiring": Status.NOT_ELIGIBLE,
    }
    for code in statuses:
        product = result.product(code)
        assert product is not None
        assert product.amount_max_fen is None and product.rate_bp is None
    first = result.next_service(held=())
    assert first is not None and first.code == "settlement_account"
    second = result.next_service(held={"settlement_account"})
    assert second is not None and second.code == "online_banking"
    assert result.next_service(held={"settlement_account", "online_banking"}) is None
    shop = matched(catalogue, {"industry": "F52", "insured_staff": 3})
    offer = shop.next_service(held={"settlement_account", "online_banking", "payroll_agency"})
    assert offer is not None and offer.code == "card_acquiring"


def test_the_gap_is_said_in_words_in_both_languages(catalogue: Catalogue) -> None:
    result = matched(catalogue, _facts("basic", {"annual_invoicing": 820_000}))
    basic = result.product("basic")
    assert basic is not None
    (check,) = [c for c in basic.criteria if c.key == "annual_invoicing"]
    assert check.status is Check.FAIL
    assert check.message.render() == "annual VAT invoicing CNY 820,000 < CNY 1,000,000"
    set_language("zh_CN")
    try:
        assert describe(check.message) == "年开票额 82 万元 < 100 万元"
        passed = matched(catalogue, BASIC).product("basic")
        assert passed is not None
        texts = [describe(c.message) for c in passed.criteria]
        assert "年开票额 100 万元 ≥ 100 万元" in texts
        assert "纳税信用等级：B" in texts
        assert describe(result.notice).startswith("预授信参考")
        grade = matched(catalogue, _facts("basic", {"tax_credit_grade": "C"})).product("basic")
        assert grade is not None
        assert "纳税信用等级：C，不在 A, B 之列" in [describe(c.message) for c in grade.criteria]
    finally:
        set_language("en")


def test_the_result_is_a_pre_assessment_not_a_decision(catalogue: Catalogue) -> None:
    result = matched(catalogue, BASIC)
    assert result.notice == Message(
        "Pre-assessment for reference only (预授信参考), not a credit decision"
    )


def test_json_has_exactly_the_shape_of_the_issue(catalogue: Catalogue) -> None:
    data = as_json(matched(catalogue, {**BASIC, "established_on": "2026-10-01"}))
    assert set(data) == {"products", "overlays", "warnings"}
    products = data["products"]
    assert isinstance(products, list)
    assert [p["code"] for p in products][:4] == ["basic", "tech", "trade", "livelihood"]
    basic = products[0]
    assert set(basic) == {
        "code",
        "status",
        "criteria",
        "amount_min",
        "amount_max",
        "rate",
        "term_months_max",
    }
    assert basic["status"] == "eligible"
    assert basic["amount_min"] == 30_000 and basic["amount_max"] == 50_000
    assert basic["rate"] == 3.8
    assert basic["term_months_max"] == 36
    assert all(set(c) == {"key", "status", "message"} for c in basic["criteria"])
    warnings = data["warnings"]
    assert isinstance(warnings, list)
    assert [w["code"] for w in warnings] == ["established_recently"]


_VALUES = {
    "kind": st.sampled_from(["enterprise", "individual"]),
    "industry": st.sampled_from(["C33", "13", "F52", "G54", "G56", "H62", "O80", "Q85", "I65"]),
    "established_on": st.dates(date(2000, 1, 1), date(2027, 12, 31)).map(date.isoformat),
    "ownership_changed_on": st.dates(date(2000, 1, 1), date(2027, 12, 31)).map(date.isoformat),
    "tax_credit_grade": st.sampled_from(list("ABMCD")),
    "annual_invoicing": st.integers(0, 10**9),
    "avg_monthly_turnover": st.integers(0, 10**8) | st.just(0),
    "owner_serious_overdue": st.booleans(),
    "tech_enterprise": st.booleans(),
    "annual_rd_spend": st.integers(0, 10**8),
    "ip_pledgeable": st.booleans(),
    "insured_staff": st.integers(0, 5000),
    "insured_staff_stable_months": st.integers(0, 240),
    "monthly_wage_per_head": st.integers(0, 10**6),
    "customer_rating": st.floats(0, 5),
    "green": st.booleans(),
    "in_cultivation_pool": st.booleans(),
    "proof_of_operation": st.sampled_from(["property_certificate", "lease", "utility_records"]),
    "platform_monthly_settlement": st.integers(0, 10**8),
}


@settings(max_examples=200, deadline=None)
@given(facts=st.fixed_dictionaries({}, optional=_VALUES))
def test_any_facts_give_a_consistent_result(catalogue: Catalogue, facts: dict[str, Any]) -> None:
    result = matched(catalogue, facts)
    for product in result.products:
        checks = {c.status for c in product.criteria}
        expected = Status.ELIGIBLE
        if Check.FAIL in checks:
            expected = Status.NOT_ELIGIBLE
        elif Check.MISSING in checks:
            expected = Status.UNKNOWN
        assert product.status is expected
        assert all(c.message.render() for c in product.criteria)
        low, high = product.amount_min_fen, product.amount_max_fen
        if high is not None:
            assert product.product.amount is not None and low is not None
            assert 0 <= low <= high <= product.product.amount.cap_fen
    for overlay in result.overlays:
        assert overlay.applies is all(c.status is Check.PASS for c in overlay.criteria)
    assert set(as_json(result)) == {"products", "overlays", "warnings"}
