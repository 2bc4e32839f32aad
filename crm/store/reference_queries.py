"""Reference data kept in the book: the districts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.store.models import District


def district_codes(s: Session) -> list[str]:
    return list(s.scalars(select(District.code)))


def districts(s: Session) -> list[tuple[str, str, str]]:
    """(code, name, English name) of every district, by code."""
    return [
        (d.code, d.name, d.name_en) for d in s.scalars(select(District).order_by(District.code))
    ]
