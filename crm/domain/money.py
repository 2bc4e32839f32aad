"""Money as integer fen (分) and interest rates as integer basis points; parsing and display.

Parsing goes through Decimal, never float, so 0.1 + 0.2 problems cannot reach a balance.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Final, Literal

from crm.domain.errors import DomainError
from crm.domain.text import to_halfwidth

FEN_PER_YUAN: Final = 100
FEN_PER_WAN: Final = 10_000 * FEN_PER_YUAN
FEN_PER_YI: Final = 10_000 * FEN_PER_WAN
# SQLite and PostgreSQL integers are signed 64-bit.
MAX_FEN: Final = 2**63 - 1

Unit = Literal["yuan", "wan"]

_UNIT_FEN: Final = {
    "yuan": FEN_PER_YUAN,
    "元": FEN_PER_YUAN,
    "wan": FEN_PER_WAN,
    "万": FEN_PER_WAN,
    "万元": FEN_PER_WAN,
    "亿": FEN_PER_YI,
    "亿元": FEN_PER_YI,
}

# Thousands separators are accepted only where they belong, so "1,5" (a European 1.5) is
# refused instead of read as 15.
_NUMBER = r"(?P<number>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
_CURRENCY = r"(?P<sign>-?)(?:人民币|RMB|CNY)?[¥￥]?(?P<sign2>-?)"
_AMOUNT = re.compile(_CURRENCY + _NUMBER + r"(?P<unit>万元|亿元|元|万|亿)?", re.IGNORECASE)
_RATE = re.compile(r"(?P<sign>-?)(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<unit>%|bps?)?", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


class InvalidAmount(DomainError):
    """Text that is not an amount of money this application can keep."""


class InvalidRate(DomainError):
    """Text that is not an interest rate this application can keep."""


def _compact(text: str) -> str:
    # Minus signs other than ASCII hyphen come from word processors.
    return _WHITESPACE.sub("", to_halfwidth(text)).replace("−", "-")


def _exact_product(number: str, factor: int) -> Decimal:
    # The default 28-digit context would round a long fraction into a whole number of fen.
    with localcontext() as context:
        context.prec = len(number) + 25
        return Decimal(number) * factor


def parse_money(text: str, default_unit: Unit = "yuan") -> int:
    """Fen in `text` ("12.5万", "￥3,000,000.00元", "1.2亿"); a bare number is in `default_unit`.

    Import columns such as 注册资本(万元) hold bare numbers in 万元: pass default_unit="wan".
    """
    shown = text.strip()
    compact = _compact(text)
    if not compact:
        raise InvalidAmount("money.empty", "amount is empty")
    match = _AMOUNT.fullmatch(compact)
    if match is None:
        raise InvalidAmount("money.not_amount", "'{text}' is not an amount", text=shown)
    if match["sign"] or match["sign2"]:
        raise InvalidAmount("money.negative", "amount {text} is negative", text=shown)
    number = match["number"].replace(",", "")
    fen = _exact_product(number, _UNIT_FEN[match["unit"] or default_unit])
    if fen != fen.to_integral_value():
        raise InvalidAmount(
            "money.too_precise",
            "amount {text} has more than 2 decimal places of yuan (fen)",
            text=shown,
        )
    if fen > MAX_FEN:
        raise InvalidAmount("money.too_large", "amount {text} is too large", text=shown)
    return int(fen)


def format_yuan(fen: int) -> str:
    """¥1,234,567.00"""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def format_wan(fen: int) -> str:
    """123.46万元, rounded half up to the nearest 100 yuan."""
    wan = (Decimal(abs(fen)) / FEN_PER_WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if fen < 0 and wan else ""
    return f"{sign}{wan:,.2f}万元"


def parse_rate(text: str) -> int:
    """Basis points in "3.85%", "3.85" (a percent) or "385bp"."""
    shown = text.strip()
    compact = _compact(text)
    if not compact:
        raise InvalidRate("rate.empty", "interest rate is empty")
    match = _RATE.fullmatch(compact)
    if match is None:
        raise InvalidRate("rate.not_rate", "'{text}' is not an interest rate", text=shown)
    if match["sign"]:
        raise InvalidRate("rate.negative", "interest rate {text} is negative", text=shown)
    unit = (match["unit"] or "%").lower()
    bp = _exact_product(match["number"], 1 if unit.startswith("bp") else 100)
    if bp != bp.to_integral_value():
        raise InvalidRate(
            "rate.too_precise",
            "interest rate {text} is more precise than a basis point (0.01%)",
            text=shown,
        )
    # "385" meant as basis points would otherwise be read as 385%.
    if bp > 100 * 100:
        raise InvalidRate(
            "rate.too_high",
            "interest rate {text} is over 100%; write basis points with bp, e.g. 385bp",
            text=shown,
        )
    return int(bp)


def format_rate(bp: int) -> str:
    """3.85%"""
    sign = "-" if bp < 0 else ""
    whole, hundredths = divmod(abs(bp), 100)
    return f"{sign}{whole}.{hundredths:02d}%"
