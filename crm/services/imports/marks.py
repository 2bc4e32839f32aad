"""What classifying a row needs of its values alone, made where the row is cleaned (in a
large import's worker process, beside the importing process's writes): which fields it
leaves empty, and a short signature of the fields two rows with one USCC must agree on.

Nothing here loads SQLAlchemy or pypinyin (the worker imports it). The signature's hashes
are the same in every process (CRC-32, not Python's ``hash``, which each interpreter
seeds afresh): a worker's rows and rows cleaned in process meet in one import.
"""

from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Final
from zlib import crc32

from crm.domain.importing import CleanRow

# Fields an import may fill on a known prospect when they are empty (and not hand-edited).
FILLABLE: Final = (
    "owner_name",
    "phone",
    "address",
    "district_code",
    "street",
    "industry_code",
    "registered_capital_fen",
    "established_on",
    "notes",
)
BIT: Final = {name: 1 << i for i, name in enumerate(FILLABLE)}
_FILLABLE_VALUES: Final = attrgetter(*FILLABLE)
_BITS: Final = tuple(BIT.values())

# Fields two rows of one file with the same USCC must agree on (where both are filled) to
# be one record; otherwise the later one is flagged for the RM, not dropped.
COMPARED: Final = (
    "name_key",
    "owner_name",
    "phone",
    "address",
    "street",
    "industry_code",
    "registered_capital_fen",
    "established_on",
)
_SLOT: Final = 17  # bits per field: 0 for empty, else 1 + a 16-bit hash
_SLOT_MASK: Final = (1 << _SLOT) - 1
_COMPARED_VALUES: Final = attrgetter(*COMPARED)
_SLOTS: Final = tuple(range(0, _SLOT * len(COMPARED), _SLOT))


def empty_mask(row: CleanRow) -> int:
    """A bit of `BIT` for each fillable field the row leaves empty."""
    mask = 0
    for value, bit in zip(_FILLABLE_VALUES(row), _BITS, strict=True):
        if value is None or value == "":
            mask |= bit
    return mask


def signature(row: CleanRow) -> int:
    """Each compared field of a row as a short hash, all in one int (little memory for the
    many prospects a large file makes; a clash of hashes only misses a flag); 0 for a row
    without a USCC, which no later row is compared with."""
    if not row.uscc:
        return 0
    sig = 0
    for value, shift in zip(_COMPARED_VALUES(row), _SLOTS, strict=True):
        if value is None or value == "":
            continue
        kind = type(value)
        if kind is str:
            found = crc32(value.encode())
        elif kind is int:
            found = value  # an amount: its low bits are hash enough
        elif kind is date:
            found = value.toordinal()
        else:
            found = crc32(str(value).encode())
        sig |= ((found & 0xFFFF) + 1) << shift
    return sig


def conflicts(a: int, b: int) -> bool:
    """Whether two signatures differ in a field both have filled."""
    for shift in _SLOTS:
        x = (a >> shift) & _SLOT_MASK
        y = (b >> shift) & _SLOT_MASK
        if x and y and x != y:
            return True
    return False


def joined(a: int, b: int) -> int:
    """`a` with the fields it lacks taken from `b` (a row that filled them in)."""
    for shift in _SLOTS:
        if not (a >> shift) & _SLOT_MASK:
            a |= b & (_SLOT_MASK << shift)
    return a
