"""What the use cases hand out about prospects and people: plain records and the errors the
UI tells apart, with no SQLAlchemy behind them, so the window can be built before the data
stack has loaded (crm.services.prospects, users and reference re-export them).

The list's records are here; a prospect's whole record is in ``crm.services.detail_records``,
which the first frame does not need (each frozen dataclass costs about 0.5 ms to make).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from crm.domain.errors import DomainError


class DuplicateUSCC(DomainError):
    def __init__(self, uscc: str, existing_id: str, existing_name: str) -> None:
        super().__init__(
            "prospect.duplicate_uscc",
            "{name} already has the USCC {uscc}",
            name=existing_name,
            uscc=uscc,
        )
        self.existing_id = existing_id


class StaleEdit(DomainError):
    def __init__(self, name: str) -> None:
        super().__init__(
            "prospect.stale",
            "{name} was changed elsewhere while you were editing; reopen it to see the changes",
            name=name,
        )


@dataclass(frozen=True)
class ProspectRow:
    """One line of the prospect list."""

    id: str
    name: str
    uscc: str | None
    kind: str
    stage: str
    owner_name: str
    phone: str
    rm_id: str | None
    rm_name: str | None
    district_code: str | None
    district_name: str | None
    industry_code: str | None
    last_contact_on: date | None
    stage_changed_at: datetime
    updated_at: datetime
    # The short name (简称) for tight places, and the pinyin sort key the list pages by.
    short_name: str = ""
    sort_key: str = ""


@dataclass(frozen=True)
class UserInfo:
    id: str
    username: str
    display_name: str
    role: str
    team_id: str | None
    team_name: str | None


@dataclass(frozen=True)
class DistrictInfo:
    code: str
    name: str
    name_en: str
