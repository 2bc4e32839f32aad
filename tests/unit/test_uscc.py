"""Unified social credit code: parsing, the GB 32100-2015 check character, and messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.domain.errors import DomainError
from crm.domain.uscc import (
    ALPHABET,
    KIND_ENTERPRISE,
    KIND_INDIVIDUAL_BUSINESS,
    USCC,
    WEIGHTS,
    InvalidUSCC,
    check_character,
    is_valid,
    make_uscc,
)

REAL_CODES = ("91350100M000100Y43", "91110108MA01G0FB09")


def test_published_codes_are_valid() -> None:
    """Both codes were checked by hand with the brief's algorithm.

    91350100M000100Y43, values of the first 17 times the weights:
      9*1 + 1*3 + 3*9 + 5*27 + 0*19 + 1*26 + 0*16 + 0*17 + 21*20 (M) + 0*29 + 0*25
      + 0*13 + 1*8 + 0*24 + 0*10 + 30*30 (Y) + 4*28 = 1640; 1640 mod 31 = 28 (31*52 = 1612);
      31 - 28 = 3, and the code ends in 3.
    91110108MA01G0FB09:
      9*1 + 1*3 + 1*9 + 1*27 + 0*19 + 1*26 + 0*16 + 8*17 + 21*20 (M) + 10*29 (A) + 0*25
      + 1*13 + 16*8 (G) + 0*24 + 15*10 (F) + 11*30 (B) + 0*28 = 1541; 1541 mod 31 = 22
      (31*49 = 1519); 31 - 22 = 9, and the code ends in 9.
    """
    for code in REAL_CODES:
        assert USCC.parse(code).value == code
        assert check_character(code[:17]) == code[17]


def test_check_value_31_is_written_as_0() -> None:
    # Sums that are multiples of 31 give 31 - 0 = 31, which the standard writes as 0.
    assert check_character("0" * 17) == "0"
    assert check_character("1A" + "0" * 15) == "0"  # 1*1 + 10*3 = 31


def test_check_value_30_is_the_last_letter() -> None:
    assert check_character("1" + "0" * 16) == "Y"  # 31 - 1 = 30


def test_alphabet_has_31_characters_without_i_o_z_s_v() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)
    assert len(WEIGHTS) == 17


def test_parse_normalises_full_width_lower_case_spaces_and_hyphens() -> None:
    typed = " ９１３５０１００ｍ０００-１００ｙ４３\u3000"
    assert USCC.parse(typed) == USCC("91350100M000100Y43")
    assert USCC.parse("9135 0100-M000 100y43").value == "91350100M000100Y43"


def test_parts_of_the_code() -> None:
    code = USCC.parse("91350100M000100Y43")
    assert code.registration_authority == "9"
    assert code.entity_type == "1"
    assert code.division_code == "350100"
    assert code.organisation_code == "M000100Y4"
    assert str(code) == "91350100M000100Y43"
    assert code.kind == KIND_ENTERPRISE
    assert code.is_enterprise
    assert not code.is_individual_business


def test_individual_business_is_authority_9_entity_type_2() -> None:
    code = make_uscc("9", "2", "440300", "L12345678")
    assert code.is_individual_business
    assert code.kind == KIND_INDIVIDUAL_BUSINESS
    assert not code.is_enterprise


def test_empty_code_is_refused() -> None:
    with pytest.raises(InvalidUSCC, match="USCC is empty") as raised:
        USCC.parse(" - \u3000")
    assert raised.value.code == "uscc.empty"


def test_wrong_length_says_how_many_characters() -> None:
    with pytest.raises(InvalidUSCC) as raised:
        USCC.parse("91350100M000100Y4")
    assert raised.value.code == "uscc.length"
    assert str(raised.value) == "USCC must have 18 characters, got 17"
    assert raised.value.params == {"length": 17}


def test_never_used_letter_is_named_with_its_position() -> None:
    with pytest.raises(InvalidUSCC) as raised:
        USCC.parse("91350100MO00100Y43")
    assert raised.value.code == "uscc.letter_never_used"
    assert str(raised.value) == (
        "character 10 'O' is not allowed in a USCC: the letters I, O, Z, S and V are never used"
    )


def test_foreign_character_is_named_with_its_position() -> None:
    with pytest.raises(InvalidUSCC) as raised:
        USCC.parse("9135010*M000100Y43")
    assert raised.value.code == "uscc.character"
    assert str(raised.value) == "character 8 '*' is not allowed in a USCC"
    assert raised.value.params == {"position": 8, "char": "*"}


def test_wrong_check_character_says_which_was_expected() -> None:
    with pytest.raises(InvalidUSCC) as raised:
        USCC.parse("91350100M000100Y44")
    assert raised.value.code == "uscc.check_character"
    assert str(raised.value) == "check character should be 3, got 4"


def test_error_keeps_template_for_translation() -> None:
    with pytest.raises(DomainError) as raised:
        USCC.parse("91350100M000100Y44")
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.template == "check character should be {expected}, got {actual}"
    translated = error.render(lambda t: "校验码应为 {expected}，实为 {actual}")
    assert translated == "校验码应为 3，实为 4"


def test_is_valid() -> None:
    assert is_valid("91110108MA01G0FB09")
    assert not is_valid("91110108MA01G0FB08")
    assert not is_valid("")


def test_make_uscc_refuses_malformed_parts() -> None:
    with pytest.raises(ValueError):
        make_uscc("9", "1", "35010", "M000100Y4")
    with pytest.raises(ValueError):
        make_uscc("9", "1", "350100", "M000100Y")
    with pytest.raises(InvalidUSCC):
        make_uscc("9", "1", "350100", "M000I00Y4")


def test_make_uscc_rebuilds_a_real_code() -> None:
    assert make_uscc("9", "1", "350100", "M000100Y4").value == "91350100M000100Y43"


alphabet_chars = st.sampled_from(ALPHABET)
first17s = st.text(alphabet=alphabet_chars, min_size=17, max_size=17)
valid_codes = first17s.map(lambda first17: first17 + check_character(first17))


def _full_width(char: str) -> str:
    return chr(ord(char) + 0xFEE0)


@given(valid_codes)
def test_every_generated_code_parses(code: str) -> None:
    assert USCC.parse(code).value == code


@given(valid_codes, st.data())
def test_noise_people_type_does_not_change_the_code(code: str, data: st.DataObject) -> None:
    noisy = []
    for char in code:
        if data.draw(st.booleans()):
            char = char.lower()
        if data.draw(st.booleans()):
            char = _full_width(char)
        noisy.append(data.draw(st.sampled_from(["", "", " ", "-", "\u3000", "\u00a0"])) + char)
    assert USCC.parse("".join(noisy)).value == code


@given(valid_codes, st.integers(min_value=0, max_value=17), st.data())
def test_every_single_substitution_is_detected(
    code: str, position: int, data: st.DataObject
) -> None:
    # Weights are all non-zero below the prime 31, so changing one value changes the sum mod 31.
    replacement = data.draw(alphabet_chars.filter(lambda c: c != code[position]))
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InvalidUSCC) as raised:
        USCC.parse(changed)
    assert raised.value.code == "uscc.check_character"
