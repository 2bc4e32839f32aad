"""Money in fen and rates in basis points: every accepted spelling, every refusal, display."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.domain.money import (
    FEN_PER_WAN,
    MAX_FEN,
    InvalidAmount,
    InvalidRate,
    format_rate,
    format_wan,
    format_yuan,
    parse_money,
    parse_rate,
)

YUAN = 100


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12.5万", 125_000 * YUAN),
        ("12.5万元", 125_000 * YUAN),
        ("1,200,000", 1_200_000 * YUAN),
        ("1，200，000", 1_200_000 * YUAN),
        ("¥3000000.00", 3_000_000 * YUAN),
        ("￥3,000,000.00元", 3_000_000 * YUAN),
        ("300万", 3_000_000 * YUAN),
        ("1.2亿", 120_000_000 * YUAN),
        ("1.2亿元", 120_000_000 * YUAN),
        ("3000 元", 3_000 * YUAN),
        ("３０００", 3_000 * YUAN),
        ("１２.５万", 125_000 * YUAN),
        ("  42  ", 42 * YUAN),
        ("0", 0),
        ("0.01", 1),
        ("12.3", 1_230),
        ("人民币300万元", 3_000_000 * YUAN),
        ("CNY 1,000.50", 100_050),
        ("0.000001万", 1),
        ("10,000.00万元", 100_000_000 * YUAN),
        ("3000000.000", 3_000_000 * YUAN),
    ],
)
def test_accepted_spellings(text: str, fen: int) -> None:
    assert parse_money(text) == fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("100", 1_000_000 * YUAN),
        ("12.5", 125_000 * YUAN),
        ("3000 元", 3_000 * YUAN),
        ("1.2亿", 120_000_000 * YUAN),
    ],
)
def test_bare_numbers_in_wan_when_the_column_says_wan(text: str, fen: int) -> None:
    assert parse_money(text, default_unit="wan") == fen


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "money.empty", "amount is empty"),
        (" \u3000 ", "money.empty", "amount is empty"),
        ("abc", "money.not_amount", "'abc' is not an amount"),
        ("12.5千", "money.not_amount", "'12.5千' is not an amount"),
        ("1,5", "money.not_amount", "'1,5' is not an amount"),
        ("1,20,000", "money.not_amount", "'1,20,000' is not an amount"),
        ("1e5", "money.not_amount", "'1e5' is not an amount"),
        ("12.", "money.not_amount", "'12.' is not an amount"),
        ("万", "money.not_amount", "'万' is not an amount"),
        ("-5", "money.negative", "amount -5 is negative"),
        ("¥-5", "money.negative", "amount ¥-5 is negative"),
        ("−5万", "money.negative", "amount −5万 is negative"),
        ("1.001", "money.too_precise", "amount 1.001 has more than 2 decimal places of yuan (fen)"),
        (
            "1.2345678万",
            "money.too_precise",
            "amount 1.2345678万 has more than 2 decimal places of yuan (fen)",
        ),
        (
            # Longer than Decimal's default precision: must not be rounded into whole fen.
            "1.00000000000000000000000000000001",
            "money.too_precise",
            "amount 1.00000000000000000000000000000001"
            " has more than 2 decimal places of yuan (fen)",
        ),
        ("100000000000亿", "money.too_large", "amount 100000000000亿 is too large"),
    ],
)
def test_refusals_name_the_input(text: str, code: str, message: str) -> None:
    with pytest.raises(InvalidAmount) as raised:
        parse_money(text)
    assert raised.value.code == code
    assert str(raised.value) == message


def test_largest_storable_amount_is_accepted() -> None:
    yuan, fen = divmod(MAX_FEN, 100)
    assert parse_money(f"{yuan}.{fen:02d}") == MAX_FEN


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (1, "¥0.01"),
        (123_456_700, "¥1,234,567.00"),
        (100_050, "¥1,000.50"),
        (-5, "-¥0.05"),
    ],
)
def test_format_yuan(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (123_456_780, "123.46万元"),  # 1,234,567.80 yuan
        (123_455_000, "123.46万元"),  # exactly half of 0.01万 rounds up
        (123_454_999, "123.45万元"),
        (0, "0.00万元"),
        (100_000_000 * YUAN, "10,000.00万元"),
        (-5_000, "-0.01万元"),
        (-1, "0.00万元"),
    ],
)
def test_format_wan_rounds_half_up(fen: int, text: str) -> None:
    assert format_wan(fen) == text


fens = st.integers(min_value=0, max_value=MAX_FEN)


@given(fens)
def test_format_yuan_parses_back(fen: int) -> None:
    assert parse_money(format_yuan(fen)) == fen


@given(st.integers(min_value=0, max_value=MAX_FEN // 10_000))
def test_format_wan_parses_back_for_whole_hundreds_of_yuan(hundreds: int) -> None:
    fen = hundreds * 10_000
    assert parse_money(format_wan(fen)) == fen


@given(st.integers(min_value=0, max_value=MAX_FEN - FEN_PER_WAN))
def test_format_wan_is_within_half_a_hundred_yuan(fen: int) -> None:
    assert abs(parse_money(format_wan(fen)) - fen) <= FEN_PER_WAN // 200


@pytest.mark.parametrize(
    ("text", "bp"),
    [
        ("3.85%", 385),
        ("3.85", 385),
        ("385bp", 385),
        ("385 BP", 385),
        ("385bps", 385),
        ("３.８５％", 385),
        (" 4 % ", 400),
        ("0.5", 50),
        ("0", 0),
        ("100%", 10_000),
    ],
)
def test_parse_rate(text: str, bp: int) -> None:
    assert parse_rate(text) == bp


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "rate.empty", "interest rate is empty"),
        ("LPR+50bp", "rate.not_rate", "'LPR+50bp' is not an interest rate"),
        ("3.85‰", "rate.not_rate", "'3.85‰' is not an interest rate"),
        ("-1%", "rate.negative", "interest rate -1% is negative"),
        (
            "3.855%",
            "rate.too_precise",
            "interest rate 3.855% is more precise than a basis point (0.01%)",
        ),
        (
            "38.5bp",
            "rate.too_precise",
            "interest rate 38.5bp is more precise than a basis point (0.01%)",
        ),
        (
            "385",
            "rate.too_high",
            "interest rate 385 is over 100%; write basis points with bp, e.g. 385bp",
        ),
    ],
)
def test_parse_rate_refusals(text: str, code: str, message: str) -> None:
    with pytest.raises(InvalidRate) as raised:
        parse_rate(text)
    assert raised.value.code == code
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("bp", "text"), [(385, "3.85%"), (5, "0.05%"), (400, "4.00%"), (0, "0.00%"), (-50, "-0.50%")]
)
def test_format_rate(bp: int, text: str) -> None:
    assert format_rate(bp) == text


@given(st.integers(min_value=0, max_value=10_000))
def test_format_rate_parses_back(bp: int) -> None:
    assert parse_rate(format_rate(bp)) == bp
