"""Unified social credit code (统一社会信用代码, USCC), GB 32100-2015.

Layout: character 1 registration authority, 2 entity type, 3-8 administrative division
code, 9-17 organisation code, 18 check character. Only the alphabet and the check
character are validated: authorities and divisions change over time, and a rule stricter
than the standard would refuse real enterprises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from crm.domain.errors import DomainError
from crm.domain.text import to_halfwidth

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH: Final = 18
NEVER_USED: Final = "IOZSV"

# Authority 9 is market regulation (工商); its entity types are the kinds an RM meets.
AUTHORITY_MARKET_REGULATION: Final = "9"
KIND_ENTERPRISE: Final = "91"  # 企业
KIND_INDIVIDUAL_BUSINESS: Final = "92"  # 个体工商户
KIND_FARMER_COOPERATIVE: Final = "93"  # 农民专业合作社

_VALUES: Final = {char: value for value, char in enumerate(ALPHABET)}
# Spaces and every dash people type between groups of characters.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


class InvalidUSCC(DomainError):
    """Text that is not a unified social credit code."""


def normalise(text: str) -> str:
    """The canonical spelling of what was typed: half-width, upper-case, no separators."""
    return _SEPARATORS.sub("", to_halfwidth(text)).upper()


def _check_alphabet(chars: str) -> None:
    for position, char in enumerate(chars, start=1):
        if char in _VALUES:
            continue
        if char in NEVER_USED:
            raise InvalidUSCC(
                "uscc.letter_never_used",
                "character {position} '{char}' is not allowed in a USCC: "
                "the letters I, O, Z, S and V are never used",
                position=position,
                char=char,
            )
        raise InvalidUSCC(
            "uscc.character",
            "character {position} '{char}' is not allowed in a USCC",
            position=position,
            char=char,
        )


def _check_value(first17: str) -> str:
    remainder = sum(_VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True)) % 31
    return ALPHABET[(31 - remainder) % 31]


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (already normalised)."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    _check_alphabet(first17)
    return _check_value(first17)


@dataclass(frozen=True, slots=True)
class USCC:
    """A valid code in canonical form; build it with `parse` or `make_uscc`."""

    value: str

    @classmethod
    def parse(cls, text: str) -> USCC:
        """Accept the code as people type or export it; raise `InvalidUSCC` saying what is wrong.

        Positions in messages count characters after spaces and hyphens are removed.
        """
        code = normalise(text)
        if not code:
            raise InvalidUSCC("uscc.empty", "USCC is empty")
        if len(code) != LENGTH:
            raise InvalidUSCC(
                "uscc.length", "USCC must have 18 characters, got {length}", length=len(code)
            )
        _check_alphabet(code)
        expected = _check_value(code[:17])
        if code[17] != expected:
            raise InvalidUSCC(
                "uscc.check_character",
                "check character should be {expected}, got {actual}",
                expected=expected,
                actual=code[17],
            )
        return cls(code)

    @property
    def registration_authority(self) -> str:
        return self.value[0]

    @property
    def entity_type(self) -> str:
        return self.value[1]

    @property
    def kind(self) -> str:
        """Authority and entity type together, to compare with the `KIND_*` constants."""
        return self.value[:2]

    @property
    def is_enterprise(self) -> bool:
        return self.kind == KIND_ENTERPRISE

    @property
    def is_individual_business(self) -> bool:
        return self.kind == KIND_INDIVIDUAL_BUSINESS

    @property
    def division_code(self) -> str:
        return self.value[2:8]

    @property
    def organisation_code(self) -> str:
        return self.value[8:17]

    def __str__(self) -> str:
        return self.value


def is_valid(text: str) -> bool:
    try:
        USCC.parse(text)
    except InvalidUSCC:
        return False
    return True


def make_uscc(authority: str, entity_type: str, division: str, org_code: str) -> USCC:
    """Assemble a code and compute its check character (demo data, tests, manual entry)."""
    if len(authority) != 1 or len(entity_type) != 1:
        raise ValueError("authority and entity type are one character each")
    if not re.fullmatch(r"[0-9]{6}", division):
        raise ValueError(f"division code must be 6 digits, got {division!r}")
    if len(org_code) != 9:
        raise ValueError(f"organisation code must be 9 characters, got {org_code!r}")
    first17 = authority + entity_type + division + org_code
    return USCC(first17 + check_character(first17))
