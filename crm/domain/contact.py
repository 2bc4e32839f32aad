"""Chinese phone numbers: one canonical form for storage and dedupe, masked for print."""

from __future__ import annotations

import re

from crm.domain.errors import DomainError
from crm.domain.text import to_halfwidth

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Beijing (010) and 02x cities have 3-digit area codes, every other area 4, so the prefix
# alone decides where the area code ends; a local number never starts with the trunk 0.
_LANDLINE = re.compile(r"(?P<area>0[12][0-9]|0[3-9][0-9]{2})(?P<local>[1-9][0-9]{6,7})")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015()]+")
_EXTENSION = re.compile(r"转|分机|ext|[x#]", re.IGNORECASE)


class InvalidPhone(DomainError):
    """Text that is not a Chinese mobile number or landline with area code."""


def normalise_phone(text: str) -> str:
    """The canonical form: 13812345678 for a mobile, 0755-12345678 for a landline.

    Raise `InvalidPhone` for anything else, extensions included.
    """
    shown = text.strip()
    halfwidth = to_halfwidth(text)
    if not halfwidth.strip():
        raise InvalidPhone("phone.empty", "phone number is empty")
    if _EXTENSION.search(halfwidth):
        raise InvalidPhone(
            "phone.extension",
            "phone number {text} has an extension; keep the number only and note the extension",
            text=shown,
        )
    digits = _SEPARATORS.sub("", halfwidth)
    international = True
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    else:
        international = False
    if _MOBILE.fullmatch(digits):
        return digits
    # Written internationally, a landline drops its trunk 0: +86 755 1234 5678.
    if international and not digits.startswith("0"):
        digits = "0" + digits
    landline = _LANDLINE.fullmatch(digits)
    if landline is None:
        raise InvalidPhone(
            "phone.invalid",
            "phone number {text} is neither a mobile number (11 digits starting with 1) "
            "nor a landline with area code",
            text=shown,
        )
    return f"{landline['area']}-{landline['local']}"


def mask_phone(text: str) -> str:
    """138****5678 or 0755-****5678, for printed reports.

    Text that is not a valid number still has all but its last 4 digits hidden, so a bad
    record cannot leak a number onto paper.
    """
    try:
        phone = normalise_phone(text)
    except InvalidPhone:
        digits = [i for i, char in enumerate(text) if char.isdigit()]
        hidden = set(digits[:-4])
        return "".join("*" if i in hidden else char for i, char in enumerate(text))
    if "-" in phone:
        area, local = phone.split("-")
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    return f"{phone[:3]}****{phone[-4:]}"
