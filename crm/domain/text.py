"""Clean-up of text typed or exported by Chinese systems (full-width forms, stray spaces)."""

from __future__ import annotations

import re

# Full-width ASCII (U+FF01..U+FF5E) sits at a fixed offset from ASCII (U+0021..U+007E).
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}

# Invisible characters that spreadsheets and web forms leave behind; str.split() keeps them.
_INVISIBLE = {code: None for code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)}

_WHITESPACE = re.compile(r"\s+")


def to_halfwidth(s: str) -> str:
    """Full-width letters, digits and punctuation and the ideographic space become ASCII."""
    return s.translate(_HALFWIDTH)


def squeeze_spaces(s: str) -> str:
    """Strip and collapse every run of whitespace (NBSP and U+3000 included) to one space."""
    return " ".join(s.translate(_INVISIBLE).split())


def normalise_name(s: str) -> str:
    """A key under which spellings of one enterprise name compare equal, for dedupe.

    Full-width brackets （） become () through `to_halfwidth`, so 深圳市某某（分公司） and
    深圳市某某(分公司) share a key.
    """
    return _WHITESPACE.sub("", to_halfwidth(s).translate(_INVISIBLE)).casefold()
