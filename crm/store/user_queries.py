"""Users and teams as the use cases read them: the active users, the teams, one user by
id or user name, a team's active members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.store.models import Team, User


class UserRow(NamedTuple):
    """A user with the name of their team (``crm.services.records.UserInfo``'s fields)."""

    id: str
    username: str
    display_name: str
    role: str
    team_id: str | None
    team_name: str | None


@dataclass(frozen=True)
class Person:
    """A user's id, name, role and team, without reading the team."""

    id: str
    display_name: str
    role: str
    team_id: str | None


def _row(u: User) -> UserRow:
    return UserRow(
        u.id, u.username, u.display_name, u.role, u.team_id, u.team.name if u.team else None
    )


def active_users(s: Session, role: str | None = None) -> list[UserRow]:
    """Active users (of ``role``, when given) by display name."""
    stmt = select(User).where(User.active.is_(True)).order_by(User.display_name)
    if role:
        stmt = stmt.where(User.role == role)
    return [_row(u) for u in s.scalars(stmt)]


def teams(s: Session) -> list[tuple[str, str, str]]:
    """(id, name, branch) of every team, by name."""
    return [(t.id, t.name, t.branch) for t in s.scalars(select(Team).order_by(Team.name))]


def by_username(s: Session, username: str) -> UserRow | None:
    u = s.scalar(select(User).where(User.username == username))
    return _row(u) if u is not None else None


def by_id(s: Session, user_id: str) -> UserRow | None:
    u = s.get(User, user_id)
    return _row(u) if u is not None else None


def person(s: Session, user_id: str) -> Person | None:
    u = s.get(User, user_id)
    return Person(u.id, u.display_name, u.role, u.team_id) if u is not None else None


def active_members(s: Session, team_id: str) -> tuple[str, ...]:
    """Ids of a team's active users, in id order."""
    return tuple(
        s.scalars(
            select(User.id).where(User.team_id == team_id, User.active.is_(True)).order_by(User.id)
        )
    )


def team_name(s: Session, team_id: str) -> str | None:
    t = s.get(Team, team_id)
    return t.name if t is not None else None
