"""Text clean-up, phone numbers, ids and the translatable error base."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.domain.contact import InvalidPhone, mask_phone, normalise_phone
from crm.domain.errors import DomainError, Message
from crm.domain.ids import new_id, utcnow
from crm.domain.text import normalise_name, squeeze_spaces, to_halfwidth


def test_to_halfwidth_converts_full_width_ascii_and_ideographic_space() -> None:
    assert to_halfwidth("ＡＢＣ１２３（ｘ）！～\u3000") == "ABC123(x)!~ "
    assert to_halfwidth("深圳市，有限公司") == "深圳市,有限公司"


def test_to_halfwidth_leaves_chinese_and_ascii_alone() -> None:
    assert to_halfwidth("首贷通 abc 123") == "首贷通 abc 123"


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_to_halfwidth_undoes_full_width(ascii_text: str) -> None:
    full = "".join(chr(ord(c) + 0xFEE0) for c in ascii_text)
    assert to_halfwidth(full) == ascii_text


def test_squeeze_spaces_collapses_every_kind_of_space() -> None:
    assert squeeze_spaces("  深圳\u00a0\u00a0市 \t 某某\u3000公司\n") == "深圳 市 某某 公司"
    assert squeeze_spaces("\ufeff王\u200b五 ") == "王五"
    assert squeeze_spaces(" \u3000 ") == ""


def test_normalise_name_makes_spellings_of_one_name_equal() -> None:
    spellings = [
        "深圳市某某科技有限公司（南山分公司）",
        "深圳市某某科技有限公司(南山分公司)",
        " 深圳市 某某科技有限公司 （南山分公司）\u3000",
    ]
    assert len({normalise_name(name) for name in spellings}) == 1


def test_normalise_name_casefolds_latin_letters() -> None:
    assert (
        normalise_name("ＡＢＣ Trading Co.") == normalise_name("abc trading co.") == "abctradingco."
    )


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("(+86)13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("0755-12345678", "0755-12345678"),
        ("0755 1234 5678", "0755-12345678"),
        ("(0755)12345678", "0755-12345678"),
        ("（０７５５）１２３４５６７８", "0755-12345678"),
        ("075512345678", "0755-12345678"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("020-8765432", "020-8765432"),
        ("0769-2345678", "0769-2345678"),
        ("+86 755 12345678", "0755-12345678"),
        ("+86 10 62345678", "010-62345678"),
    ],
)
def test_normalise_phone_accepts(text: str, phone: str) -> None:
    assert normalise_phone(text) == phone


@pytest.mark.parametrize(
    "text",
    [
        "12812345678",  # no mobile prefix starts with 12
        "1381234567",  # 10 digits
        "138123456789",
        "12345678",  # landline without area code
        "0755-1234",
        "0755-123456789",
        "0755-02345678",  # local numbers never start with 0
        "abc",
        "400-820-8888",
    ],
)
def test_normalise_phone_refuses_with_a_clear_message(text: str) -> None:
    with pytest.raises(InvalidPhone) as raised:
        normalise_phone(text)
    assert raised.value.code == "phone.invalid"
    assert str(raised.value) == (
        f"phone number {text} is neither a mobile number (11 digits starting with 1) "
        "nor a landline with area code"
    )


@pytest.mark.parametrize("text", ["0755-12345678转123", "0755-12345678 ext 12", "0755-12345678#9"])
def test_extensions_are_refused(text: str) -> None:
    with pytest.raises(InvalidPhone) as raised:
        normalise_phone(text)
    assert raised.value.code == "phone.extension"
    assert text in str(raised.value)


def test_empty_phone_is_refused() -> None:
    with pytest.raises(InvalidPhone, match="phone number is empty"):
        normalise_phone(" \u3000")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0755-12345678", "0755-****5678"),
        ("020-8765432", "020-***5432"),
        ("1381234567", "******4567"),  # invalid, still masked
        ("电话 12-3456-7890", "电话 **-****-7890"),
    ],
)
def test_mask_phone(text: str, masked: str) -> None:
    assert mask_phone(text) == masked


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mobile_number_round_trips_and_masks(mobile: str) -> None:
    assert normalise_phone(mobile) == mobile
    assert mask_phone(mobile) == mobile[:3] + "****" + mobile[-4:]


def test_new_id_is_a_lowercase_uuid7_and_ids_sort_by_time() -> None:
    ids = [new_id() for _ in range(100)]
    pattern = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    assert all(pattern.fullmatch(i) for i in ids)
    assert len(set(ids)) == 100
    assert ids == sorted(ids)


def test_utcnow_is_timezone_aware_utc() -> None:
    now = utcnow()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert now.tzinfo == UTC


def test_domain_error_keeps_code_template_and_params() -> None:
    error = DomainError("demo.code", "value {value} is wrong", value=3)
    assert isinstance(error, ValueError)
    assert (error.code, error.template, error.params) == (
        "demo.code",
        "value {value} is wrong",
        {"value": 3},
    )
    assert str(error) == "value 3 is wrong"
    assert error.args == ("value 3 is wrong",)


def test_domain_error_renders_nested_messages_through_the_translator() -> None:
    error = DomainError(
        "demo.nested",
        "refused: {why}",
        why=(Message("a {n}", n=1), Message("b {n}", n=2)),
        names=("x", "y"),
    )
    assert str(error) == "refused: a 1; b 2"
    assert error.render(lambda t: t.replace("refused", "拒绝")) == "拒绝: a 1; b 2"
    assert Message("a {n}", n=1) == Message("a {n}", n=1) != Message("a {n}", n=2)
    assert DomainError("demo.list", "{names}", names=("x", "y")).render() == "x, y"
