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

from crm.domain.errors import DomainError, Message


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
# What each action is called where people read the log (`crm audit`, `crm headoffice audit`).
ACTION_LABELS: Final[dict[str, Message]] = {
    Action.SIGN_IN: Message("signed in to head office"),
    Action.UNLOCK: Message("unlocked the book"),
    Action.EXPORT: Message("exported a file"),
    Action.PDF: Message("made a PDF"),
    Action.PRINT: Message("printed"),
    Action.UNMASK: Message("showed a masked number in full"),
    Action.IMPORT_START: Message("started an import"),
    Action.IMPORT_FINISH: Message("finished an import"),
    Action.IMPORT_UNDO: Message("undid an import"),
}
ENTITY: Final = "audit"
# What a detail may hold: at most this many keys, lists of at most this many values.
MAX_KEYS: Final = 12
MAX_LIST: Final = 20
MAX_COUNT: Final = 2**53
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CODE = re.compile(r"[a-z][a-z0-9_.]{0,39}")

Detail = Mapping[str, object]


class AuditRefused(DomainError):
    """A line that is not of the log's shape (a programming error in the path that wrote
    it, or a hostile push): nothing is written."""


def _refused(where: str) -> AuditRefused:
    return AuditRefused(
        "audit.refused", "an audit line holds ids, codes and counts only ({where})", where=where
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
    """Refuse (``AuditRefused``) a line that is not of the log's shape."""
    if action not in ACTIONS:
        raise _refused("action")
    if target_id and not is_id(target_id):
        raise _refused("target")
    if not isinstance(detail, Mapping) or len(detail) > MAX_KEYS:
        raise _refused("detail")
    for key, value in detail.items():
        if not isinstance(key, str) or _CODE.fullmatch(key) is None:
            raise _refused("detail")
        if isinstance(value, list | tuple):
            if len(value) > MAX_LIST or not all(_plain(v) for v in value):
                raise _refused(f"detail.{key}")
        elif not _plain(value):
            raise _refused(f"detail.{key}")
