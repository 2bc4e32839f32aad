"""Personal identifiers hidden on paper: resident ID numbers and phone numbers.

A printed visit report travels (the credit file, a folder in a car); the credit-information
rules ask that personal identifiers on it be masked unless the RM chooses otherwise. Phone
numbers are masked as crm.domain.contact does for a stored number; free text (people met,
notes) is searched for numbers that look like either kind, since an RM may type one there.
A USCC identifies a business and is public (it is on the licence in the shop): it is
never masked.
"""

from __future__ import annotations

import re

from crm.domain.contact import mask_phone

# An 18-character resident ID (GB 11643): 17 digits and a digit or X; 15-digit old ones too.
# Not part of a longer run of digits or letters (a USCC, an account number).
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})(?![0-9A-Za-z])")
# A mobile number, or a landline with its area code, as people write them in text.
_PHONE = re.compile(
    r"(?<![0-9])(?:\+?86[ -]?)?(1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}"
    r"|0[1-9][0-9]{1,2}[ -]?[1-9][0-9]{6,7})(?![0-9])"
)


def mask_resident_id(text: str) -> str:
    """4401**********1234: the region's first four and the last four characters kept."""
    value = text.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_identifiers(text: str) -> str:
    """``text`` with every resident ID number and phone number in it masked."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    masked = _RESIDENT_ID.sub(lambda m: mask_resident_id(m.group(1)), text)
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), masked)
