"""The device's audit log: who did what to the book, and when (issue #19 item 5).

A line names an action (``ACTIONS``), the record it was about (an id) and a small detail of
ids, codes and counts. It never holds customer data: no names, phone numbers, USCCs or
addresses. ``check_line`` enforces that by shape, not by a list of forbidden words: a
target is an id or empty, a detail value is a count, a flag, an id or a lowercase code word
(a code word starts with a letter and has no capitals, so a USCC, a phone number or a
Chinese name cannot pass as one). The device checks before writing, head office checks
again before storing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from crm.domain.errors import DomainError


class Action(StrEnum):
    # A head-office sign-in from this device (the app's dialog, `crm sync --username`).
    SIGN_IN = "sign_in"
    # The book unlocked with the RM's passphrase (the app's lock screen).
    UNLOCK = "unlock"
    # A file with customer data written out of the book (Excel, CSV, calendar, book copy).
    EXPORT = "export"
    # A PDF made of customer data (visit report, pipeline report).
    PDF = "pdf"
    # A document sent to a printer.
    PRINT = "print"
    # A masked identifier shown in full (a contact's phone number).
    UNMASK = "unmask"
    IMPORT_START = "import_start"
    IMPORT_FINISH = "import_finish"
    IMPORT_UNDO = "import_undo"


ACTIONS: Final = frozenset(a.value for a in Action)
ENTITY: Final = "audit"
# What a detail may hold: at most this many keys, lists of at most this many values.
MAX_KEYS: Final = 12
MAX_LIST: Final = 20
MAX_COUNT: Final = 2**53
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CODE = re.compile(r"[a-z][a-z0-9_.]{0,39}")

Detail = Mapping[str, object]


class NotAuditable(DomainError):
    def __init__(self, where: str) -> None:
        super().__init__(
            "audit.refused",
            "an audit line holds ids, codes and counts only ({where})",
            where=where,
        )


def is_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _plain(value: object) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return 0 <= value < MAX_COUNT
    if isinstance(value, str):
        return _ID.fullmatch(value) is not None or _CODE.fullmatch(value) is not None
    return False


def check_line(action: str, target_id: str, detail: Detail) -> None:
    """Refuse (``NotAuditable``) a line that is not of the log's shape."""
    if action not in ACTIONS:
        raise NotAuditable("action")
    if target_id and not is_id(target_id):
        raise NotAuditable("target")
    if not isinstance(detail, Mapping) or len(detail) > MAX_KEYS:
        raise NotAuditable("detail")
    for key, value in detail.items():
        if not isinstance(key, str) or _CODE.fullmatch(key) is None:
            raise NotAuditable("detail")
        if isinstance(value, list | tuple):
            if len(value) > MAX_LIST or not all(_plain(v) for v in value):
                raise NotAuditable(f"detail.{key}")
        elif not _plain(value):
            raise NotAuditable(f"detail.{key}")
