"""The first screen of a book, before the data stack has loaded: the default list's first
page, its count, the signed-in user, the people and the districts (see crm.store.first_look).

Imports nothing of SQLAlchemy, so the desktop app can paint its list while the services
load behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from crm.domain.roles import NOBODY, Acting
from crm.services.records import DistrictInfo, ProspectRow, UserInfo
from crm.store.first_look import read_first_rows
from crm.store.keys import read_key_file


@dataclass(frozen=True)
class FirstLook:
    rows: list[ProspectRow]  # the first page by name, as ProspectService.page gives it
    total: int
    user: UserInfo | None
    users: list[UserInfo]  # active users, by display name
    districts: list[DistrictInfo]
    acting: Acting = NOBODY  # the user's role and scope (crm.domain.roles)


def credential_holders(path: Path) -> tuple[str, ...]:
    """The users whose credentials this computer holds for the book at ``path``, as
    ``crm.services.book_lock.book_security`` gives them: what the app asks before it shows
    anything (a sign-in, or the first look). Read here so that the question loads nothing of
    the data stack (book_lock's module loads SQLAlchemy: a quarter of a second before the
    window, on the UI thread)."""
    found = read_key_file(path)
    return () if found is None else found.users()


def first_look(path: Path, page_size: int) -> FirstLook | None:
    """The first screen of the book at ``path``, or None when it must be opened carefully."""
    found = read_first_rows(path, page_size)
    if found is None:
        return None
    return FirstLook(
        rows=[_row(r) for r in found.page],
        total=found.total,
        user=_user(found.current_user) if found.current_user else None,
        users=[_user(u) for u in found.active_users],
        districts=[DistrictInfo(str(c), str(n), str(e or "")) for c, n, e in found.districts],
        acting=found.acting,
    )


def _row(r: tuple[Any, ...]) -> ProspectRow:
    return ProspectRow(
        id=r[0],
        name=r[1],
        uscc=r[2],
        kind=r[3],
        stage=r[4],
        owner_name=r[5],
        phone=r[6],
        rm_id=r[7],
        rm_name=r[8],
        district_code=r[9],
        district_name=r[10],
        industry_code=r[11],
        last_contact_on=date.fromisoformat(r[12]) if r[12] else None,
        stage_changed_at=_utc(r[13]),
        updated_at=_utc(r[14]),
        short_name=r[15] or r[1],
        sort_key=r[16] or "",
    )


def _utc(value: str) -> datetime:
    # As crm.store.types.UTCDateTime reads it.
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _user(u: tuple[Any, ...]) -> UserInfo:
    return UserInfo(u[0], u[1], u[2], u[3], u[4], u[5])
