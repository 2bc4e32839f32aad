"""What a list of prospects asks for: filters, sort order and a page, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class SortColumn(StrEnum):
    NAME = "name"
    USCC = "uscc"
    STAGE = "stage"
    RM = "rm"
    DISTRICT = "district"
    INDUSTRY = "industry"
    LAST_CONTACT = "last_contact"
    STAGE_SINCE = "stage_since"
    UPDATED = "updated"
    # Stalled prospects first, then the longest in their stage (the board's default).
    STALLED = "stalled"


UNASSIGNED = ""  # in ``rm_ids``: prospects with no RM


@dataclass(frozen=True)
class ProspectFilter:
    """Each non-empty field narrows the list; values within one field are alternatives."""

    stages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    rm_ids: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    # Division codes ("13") or section letters ("C", meaning all its divisions).
    industries: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    no_contact_days: int | None = None
    text: str = ""

    def is_empty(self) -> bool:
        return self == ProspectFilter()


@dataclass(frozen=True)
class Sort:
    column: SortColumn = SortColumn.NAME
    descending: bool = False
    # With STALLED: stalled is a prospect that entered its stage before ``stalled_before``
    # and was last contacted on or before ``quiet_on`` (or never).
    stalled_before: datetime | None = None
    quiet_on: date | None = None
