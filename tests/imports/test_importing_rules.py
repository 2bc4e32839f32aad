"""The pure rules of reading lists: headers, dates, amounts, phones, whole rows."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lists import fullwidth, uscc, wrong_check

from crm.domain.importing import (
    CleanRow,
    HeaderVocabulary,
    Lookups,
    RowCleaner,
    amount_unit,
    cell_text,
    find_header,
    guess_fields,
    header_key,
    parse_capital,
    parse_date,
    parse_phones,
)
from crm.domain.prospect import FieldError
from crm.services.imports.service import vocabulary

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def vocab() -> HeaderVocabulary:
    return vocabulary()


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("企业名称", "name"),
        ("单位名称", "name"),
        ("市场主体名称", "name"),
        ("* 企业名称（全称）", "name"),
        ("统一社会信用代码", "uscc"),
        ("信用代码", "uscc"),
        ("社会信用代码", "uscc"),
        ("法定代表人", "owner_name"),
        ("负责人", "owner_name"),
        ("经营者", "owner_name"),
        ("联系电话", "phone"),
        ("手机号码", "phone"),
        ("法定代表人电话", "phone"),
        ("注册地址", "address"),
        ("经营地址", "address"),
        ("所属行业", "industry"),
        ("行业代码", "industry"),
        ("成立日期", "established_on"),
        ("注册日期", "established_on"),
        ("注册资本（万元）", "registered_capital"),
        ("注册资本(元)", "registered_capital"),
        ("ＵＳＣＣ", "uscc"),
        ("序号", None),
        ("纳税信用等级", "tax_credit_grade"),  # a business fact since issue 15
        ("纳税人识别号", None),
    ],
)
def test_usual_chinese_headers_and_their_variants_are_recognised(
    vocab: HeaderVocabulary, header: str, field: str | None
) -> None:
    assert vocab.match(header)[0] == field


def test_header_key_ignores_width_spaces_marks_and_units() -> None:
    assert header_key(" ＊注册资本（万元） ") == header_key("注册资本")
    assert header_key("联系电话2") == "联系电话"


def test_units_come_from_the_header() -> None:
    assert amount_unit("注册资本（万元）") == "wan"
    assert amount_unit("注册资本(元)") == "yuan"
    assert amount_unit("注册资本") is None


def test_header_row_is_found_below_titles_and_notes(vocab: HeaderVocabulary) -> None:
    rows = [
        ["佛山市小微企业名单", "", "", ""],
        ["导出时间：2026-11-20", "", "", ""],
        [],
        ["序号", "企业名称", "统一社会信用代码", "联系电话"],
        [1, "甲公司", uscc(1), "13800138000"],
    ]
    guess = find_header(rows, vocab)
    assert guess is not None
    assert guess.row_index == 3
    assert guess.fields == (None, "name", "uscc", "phone")


def test_a_table_without_recognisable_header_gives_none(vocab: HeaderVocabulary) -> None:
    rows = [["甲", "乙", "丙"], ["1", "2", "3"]]
    assert find_header(rows, vocab) is None


def test_two_name_like_columns_do_not_both_become_the_name(vocab: HeaderVocabulary) -> None:
    fields = guess_fields(["企业名称", "法定代表人名称", "经营场所名称"], vocab)
    assert fields[0] == "name"
    assert fields[1] == "owner_name"
    assert fields[2] != "name"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-03-05", date(2021, 3, 5)),
        ("2021/3/5", date(2021, 3, 5)),
        ("2021.3.5", date(2021, 3, 5)),
        ("2021年3月5日", date(2021, 3, 5)),
        ("２０２１年３月５日", date(2021, 3, 5)),
        ("20210305", date(2021, 3, 5)),
        (20210305.0, date(2021, 3, 5)),
        (44260.0, date(2021, 3, 5)),
        ("44260", date(2021, 3, 5)),
        ("2021-03-05 00:00:00", date(2021, 3, 5)),
        ("2021年3月", date(2021, 3, 1)),
        (datetime(2021, 3, 5, 0, 0), date(2021, 3, 5)),
        (date(2021, 3, 5), date(2021, 3, 5)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_the_forms_chinese_exports_use(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2021-02-30", "下个月", "13/13/2021", "1800-01-01", "0"])
def test_impossible_dates_are_field_errors(value: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_date(value)
    assert info.value.field == "established_on"
    assert value in str(info.value)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_every_date_form_reads_back_the_same_day(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    for form in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        float(serial),
    ):
        assert parse_date(form) == day


@pytest.mark.parametrize(
    ("value", "unit", "fen"),
    [
        ("500", "wan", 500 * 10_000 * 100),
        (500.0, "wan", 500 * 10_000 * 100),
        ("500万元", "yuan", 500 * 10_000 * 100),
        ("500万元人民币", "yuan", 500 * 10_000 * 100),
        ("5,000,000元", "wan", 5_000_000 * 100),
        ("１００万", "yuan", 100 * 10_000 * 100),
        ("12.5", "wan", 125_000 * 100),
        ("", "wan", None),
    ],
)
def test_amounts_in_yuan_or_wan(value: object, unit: str, fen: int | None) -> None:
    assert parse_capital(value, unit) == fen  # type: ignore[arg-type]


def test_a_foreign_currency_capital_is_a_field_error() -> None:
    with pytest.raises(FieldError) as info:
        parse_capital("100万美元", "wan")
    assert info.value.field == "registered_capital"


@pytest.mark.parametrize(
    ("value", "first", "more"),
    [
        ("13800138000", "13800138000", []),
        ("１３８ ００１３ ８０００", "13800138000", []),
        ("0757-83212345", "0757-83212345", []),
        ("(0757)83212345", "0757-83212345", []),
        ("13800138000/0757-83212345", "13800138000", ["0757-83212345"]),
        ("13800138000、13900139000", "13800138000", ["13900139000"]),
    ],
)
def test_mobiles_and_landlines_with_area_code(value: str, first: str, more: list[str]) -> None:
    assert parse_phones(value) == (first, more)


@pytest.mark.parametrize("value", ["83212345", "1380013800", "13800138000转123"])
def test_numbers_that_cannot_be_dialled_are_field_errors(value: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_phones(value)
    assert info.value.field == "phone"


def test_cell_text_shows_numbers_as_people_typed_them() -> None:
    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text(12.5) == "12.5"
    assert cell_text(None) == ""
    assert cell_text(datetime(2021, 3, 5)) == "2021-03-05"


HEADERS = ["企业名称", "统一社会信用代码", "法定代表人", "联系电话", "所属区县", "所属行业", "备注"]


def cleaner(vocab: HeaderVocabulary) -> RowCleaner:
    lookups = Lookups(
        district=lambda text: "440605" if "南海" in text else None,
        industry=lambda text: "33" if text.startswith(("C33", "33")) else None,
        district_of_division=lambda code: code if code == "440606" else None,
    )
    return RowCleaner(HEADERS, guess_fields(HEADERS, vocab), TODAY, lookups)


def test_a_row_is_cleaned_full_width_folded_and_trimmed(vocab: HeaderVocabulary) -> None:
    row = cleaner(vocab).clean(
        [
            " ＡＢＣ科技（佛山）有限公司 ",
            fullwidth(uscc(2)),
            " 李　明 ",
            "１３９００１３９０００",
            "南海区",
            "C33",
            "  ",
        ],
        7,
    )
    assert isinstance(row, CleanRow)
    assert row.name == "ABC科技（佛山）有限公司"  # official brackets kept, letters folded
    assert row.uscc == uscc(2)
    assert row.owner_name == "李 明"
    assert row.phone == "13900139000"
    assert row.district_code == "440605"
    assert row.industry_code == "33"
    assert row.row_number == 7
    assert row.notes == ""


def test_a_bad_check_character_rejects_the_row_naming_the_field(vocab: HeaderVocabulary) -> None:
    problems = cleaner(vocab).clean(["甲公司", wrong_check(uscc(3)), "", "", "", "", ""], 9)
    assert isinstance(problems, list)
    assert [p.field for p in problems] == ["uscc"]
    assert "check character" in str(problems[0])


def test_every_problem_of_a_row_is_reported(vocab: HeaderVocabulary) -> None:
    problems = cleaner(vocab).clean(["甲公司", "123", "", "12345", "", "", ""], 9)
    assert isinstance(problems, list)
    assert {p.field for p in problems} == {"uscc", "phone"}


def test_unknown_district_and_industry_are_kept_in_the_notes(vocab: HeaderVocabulary) -> None:
    row = cleaner(vocab).clean(["甲公司", "", "", "", "外省某县", "奇怪行业", "老客户介绍"], 3)
    assert isinstance(row, CleanRow)
    assert row.district_code is None
    assert row.industry_code is None
    assert "所属区县: 外省某县" in row.notes
    assert "所属行业: 奇怪行业" in row.notes
    assert row.notes.startswith("老客户介绍")


def test_the_district_comes_from_the_uscc_when_no_column_says(vocab: HeaderVocabulary) -> None:
    row = cleaner(vocab).clean(["乙公司", uscc(5, "440606"), "", "", "", "", ""], 3)
    assert isinstance(row, CleanRow)
    assert row.district_code == "440606"


def test_individual_businesses_are_told_by_their_uscc(vocab: HeaderVocabulary) -> None:
    row = cleaner(vocab).clean(["陶瓷之家经营部", uscc(6, kind="2"), "", "", "", "", ""], 3)
    assert isinstance(row, CleanRow)
    assert row.kind == "individual"


@pytest.mark.parametrize(
    "cells",
    [
        [],
        ["", "", "", "", "", "", ""],
        ["合计", "", "", "", "", "", ""],
        ["共 120 户", "", "", "", "", "", ""],
        ["注：以上数据来源于市场监管局", "", "", "", "", "", ""],
        ["企业名称", "统一社会信用代码", "法定代表人", "联系电话", "所属区县", "所属行业", "备注"],
    ],
)
def test_blank_total_note_and_repeated_header_rows_are_no_data(
    vocab: HeaderVocabulary, cells: list[object]
) -> None:
    assert cleaner(vocab).clean(cells, 3) is None


def test_a_row_with_data_but_no_name_is_rejected(vocab: HeaderVocabulary) -> None:
    problems = cleaner(vocab).clean(["", "", "王五", "13800138000", "", "", ""], 3)
    assert isinstance(problems, list)
    assert problems[0].field == "name"


def test_a_future_date_of_establishment_is_refused(vocab: HeaderVocabulary) -> None:
    headers = ["企业名称", "成立日期"]
    row = RowCleaner(headers, guess_fields(headers, vocab), TODAY).clean(["甲", "2030-01-01"], 2)
    assert isinstance(row, list)
    assert row[0].field == "established_on"
