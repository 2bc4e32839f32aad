"""Every stable code head office can answer with has its own words for the user, in English
and in Chinese (crm/sync/errors.py): refused requests and refused ops alike, none left to the
generic "refused the request (code)"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm.domain.errors import DomainError, Message
from crm.i18n import catalogue, describe, set_language
from crm.sync import errors
from crm.sync import protocol as P

HEADOFFICE = Path(__file__).resolve().parents[2] / "crm" / "headoffice"
GENERIC_REFUSAL = errors.refusal("no-such-code", {}).template
GENERIC_OP = errors.conflict_message("no-such-code", {}).template
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _codes_in_headoffice(prefix: str) -> set[str]:
    names = set()
    for path in HEADOFFICE.glob("*.py"):
        names |= set(re.findall(rf"\bP\.({prefix}_[A-Z_]+)\b", path.read_text(encoding="utf-8")))
    return {getattr(P, name) for name in names}


@pytest.fixture
def chinese() -> Iterator[None]:
    set_language("zh_CN")
    yield
    set_language("en")


def test_every_code_head_office_answers_with_is_a_listed_code() -> None:
    assert _codes_in_headoffice("E") <= set(P.ERROR_CODES)
    assert _codes_in_headoffice("R") <= set(P.OP_CODES)


@pytest.mark.parametrize("code", P.ERROR_CODES)
def test_every_refusal_code_has_its_own_words_in_both_languages(code: str, chinese: None) -> None:
    params = {"client": 0, "min": 1, "max": 1, "minutes": 7, "ahead": True}
    error = errors.refusal(code, params)
    assert isinstance(error, DomainError)
    assert error.template != GENERIC_REFUSAL, f"add words for {code!r} to crm/sync/errors.py"
    assert catalogue("zh_CN").get(error.template), error.template
    shown = describe(error)
    assert CHINESE.search(shown) and "{" not in shown, shown


@pytest.mark.parametrize("code", [*P.OP_CODES, P.MERGED])
def test_every_op_code_has_its_own_words_in_both_languages(code: str, chinese: None) -> None:
    message = errors.conflict_message(code, {"current": "no_loan", "wanted": "first_loan"})
    assert isinstance(message, Message)
    assert message.template != GENERIC_OP, f"add words for {code!r} to crm/sync/errors.py"
    assert catalogue("zh_CN").get(message.template), message.template
    shown = describe(message)
    assert CHINESE.search(shown) and "{" not in shown, shown


def test_a_device_taken_refusal_reads_plainly_in_english() -> None:
    shown = describe(errors.refusal(P.E_DEVICE_TAKEN, {}))
    assert shown.startswith("This computer is registered with head office to another user")
