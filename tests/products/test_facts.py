"""The facts vocabulary: parsing from JSON (yuan → fen, ISO dates), errors naming the key."""

from __future__ import annotations

from datetime import date

import pytest

from crm.domain.facts import (
    FACTS,
    FactType,
    InvalidFacts,
    Shown,
    fact_to_json,
    facts_to_json,
    industry_code,
    parse_fact,
    parse_facts,
    section_of,
)
from crm.i18n import describe, set_language

ISSUE_KEYS = [
    "kind",
    "industry",
    "established_on",
    "ownership_changed_on",
    "tax_credit_grade",
    "annual_invoicing",
    "avg_monthly_turnover",
    "owner_serious_overdue",
    "tech_enterprise",
    "annual_rd_spend",
    "ip_pledgeable",
    "insured_staff",
    "insured_staff_stable_months",
    "monthly_wage_per_head",
    "customer_rating",
    "green",
    "in_cultivation_pool",
    "proof_of_operation",
    "platform_monthly_settlement",
]


def test_the_vocabulary_has_exactly_the_keys_of_the_issue() -> None:
    assert list(FACTS) == ISSUE_KEYS


def test_a_full_document_parses_to_domain_values() -> None:
    facts = parse_facts(
        {
            "kind": "individual",
            "industry": "C33",
            "established_on": "2019-03-05",
            "ownership_changed_on": "2024-01-31",
            "tax_credit_grade": "b",
            "annual_invoicing": 820000,
            "avg_monthly_turnover": 70000.5,
            "owner_serious_overdue": False,
            "tech_enterprise": True,
            "annual_rd_spend": "12.5万",
            "ip_pledgeable": False,
            "insured_staff": 12,
            "insured_staff_stable_months": 6.0,
            "monthly_wage_per_head": 5200,
            "customer_rating": 4.5,
            "green": True,
            "in_cultivation_pool": False,
            "proof_of_operation": "lease",
            "platform_monthly_settlement": 0,
        }
    )
    assert facts["annual_invoicing"] == 82_000_000
    assert facts["avg_monthly_turnover"] == 7_000_050
    assert facts["annual_rd_spend"] == 12_500_000
    assert facts["established_on"] == date(2019, 3, 5)
    assert facts["tax_credit_grade"] == "B"
    assert facts["insured_staff_stable_months"] == 6
    assert facts["customer_rating"] == 4.5
    assert facts["industry"] == "C33"
    assert facts["platform_monthly_settlement"] == 0
    assert len(facts) == len(ISSUE_KEYS)


def test_missing_and_null_keys_are_simply_absent() -> None:
    facts = parse_facts({"kind": "enterprise", "annual_invoicing": None})
    assert dict(facts) == {"kind": "enterprise"}
    assert "annual_invoicing" not in facts
    assert len(parse_facts({})) == 0


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("kind", "company", "one of enterprise, individual"),
        ("industry", "Z99", "GB/T 4754"),
        ("industry", "A33", "GB/T 4754"),  # 33 is in section C
        ("industry", 33, "GB/T 4754"),
        ("established_on", "2021/03/05", "a date (YYYY-MM-DD)"),
        ("established_on", 20210305, "a date (YYYY-MM-DD)"),
        ("tax_credit_grade", "E", "one of A, B, M, C, D"),
        ("tax_credit_grade", "AA", "one of A, B, M, C, D"),
        ("annual_invoicing", "lots", "an amount in yuan"),
        ("annual_invoicing", -1, "an amount in yuan"),
        ("annual_invoicing", 100.005, "an amount in yuan"),
        ("annual_invoicing", True, "an amount in yuan"),
        ("annual_invoicing", [1], "an amount in yuan"),
        ("owner_serious_overdue", "no", "true or false"),
        ("owner_serious_overdue", 0, "true or false"),
        ("insured_staff", 3.5, "a whole number"),
        ("insured_staff", -1, "a whole number"),
        ("insured_staff", True, "a whole number"),
        ("insured_staff", "12", "a whole number"),
        ("customer_rating", 5.1, "a number from 0 to 5"),
        ("customer_rating", "4.5", "a number from 0 to 5"),
        ("proof_of_operation", "deed", "one of property_certificate, lease, utility_records"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_key(key: str, raw: object, expected: str) -> None:
    with pytest.raises(InvalidFacts) as info:
        parse_facts({key: raw})
    assert f"fact '{key}' must be" in str(info.value)
    assert expected in str(info.value)
    assert info.value.code == "facts.wrong_type"


def test_an_unknown_key_is_refused_naming_it() -> None:
    with pytest.raises(InvalidFacts) as info:
        parse_facts({"kind": "enterprise", "anual_invoicing": 1})
    assert "'anual_invoicing' is not a known fact" in str(info.value)
    assert info.value.code == "facts.unknown_key"


def test_a_document_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidFacts):
        parse_facts([{"kind": "enterprise"}])


def test_errors_read_in_chinese_too() -> None:
    set_language("zh_CN")
    try:
        with pytest.raises(InvalidFacts) as info:
            parse_facts({"tax_credit_grade": "E"})
        text = describe(info.value)
    finally:
        set_language("en")
    assert "tax_credit_grade" in text
    assert "以下之一" in text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("33", "C33"),
        ("C33", "C33"),
        ("c3311", "C33"),
        ("Ｃ３３", "C33"),
        (" 62 ", "H62"),
        ("01", "A01"),
        ("97", "T97"),
        ("00", None),
        ("98", None),
        ("H33", None),
        ("C", None),
        ("", None),
    ],
)
def test_industry_codes_are_normalised_to_section_and_division(text: str, code: str | None) -> None:
    assert industry_code(text) == code


def test_a_section_alone_is_accepted_where_asked_for() -> None:
    assert industry_code("f", section_alone=True) == "F"
    assert industry_code("U", section_alone=True) is None


def test_the_section_table_agrees_with_the_shipped_industries() -> None:
    from crm.resources import industries

    for division in industries():
        assert section_of(int(division.code)) == division.section, division.code


def test_facts_go_back_to_json_in_yuan() -> None:
    raw = {
        "kind": "enterprise",
        "established_on": "2020-02-29",
        "annual_invoicing": 1234567.89,
        "avg_monthly_turnover": 100000,
        "customer_rating": 4.5,
        "green": False,
        "industry": "C33",
    }
    back = facts_to_json(parse_facts(raw))
    assert back == raw
    assert isinstance(back["avg_monthly_turnover"], int)
    assert parse_facts(back) == parse_facts(raw)
    assert fact_to_json("annual_invoicing", 82_000_000) == 820000


def test_every_fact_parses_back_what_it_writes() -> None:
    samples = {
        FactType.MONEY: 12_345_67,
        FactType.COUNT: 7,
        FactType.NUMBER: 4.2,
        FactType.FLAG: True,
        FactType.DATE: date(2024, 2, 29),
        FactType.INDUSTRY: "H62",
    }
    for key, spec in FACTS.items():
        value = spec.choices[-1] if spec.type is FactType.CHOICE else samples[spec.type]
        assert parse_fact(key, fact_to_json(key, value)) == value, key


@pytest.mark.parametrize(
    ("fen", "english", "chinese"),
    [
        (82_000_000, "CNY 820,000", "82 万元"),
        (100_000_000, "CNY 1,000,000", "100 万元"),
        (99_999_900, "CNY 999,999", "99.9999 万元"),
        (99_999_999, "CNY 999,999.99", "999,999.99 元"),
        (0, "CNY 0", "0 万元"),
    ],
)
def test_amounts_read_as_each_language_writes_them(fen: int, english: str, chinese: str) -> None:
    value = Shown(fen, money=True)
    assert f"{value}" == english
    assert f"{value:zh}" == chinese
