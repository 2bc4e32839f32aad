"""Users, teams and who is signed in on this device."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from crm.domain.errors import DomainError
from crm.services.context import Context, NotFound
from crm.services.outbox import meta_get, meta_set
from crm.services.records import UserInfo
from crm.store.models import Team, User

CURRENT_USER_KEY = "current_user"


@dataclass(frozen=True)
class TeamInfo:
    id: str
    name: str
    branch: str


def _info(u: User) -> UserInfo:
    return UserInfo(
        u.id, u.username, u.display_name, u.role, u.team_id, u.team.name if u.team else None
    )


class UserService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def all(self, *, role: str | None = None) -> list[UserInfo]:
        with self.ctx.db.reading() as s:
            stmt = select(User).where(User.active.is_(True)).order_by(User.display_name)
            if role:
                stmt = stmt.where(User.role == role)
            return [_info(u) for u in s.scalars(stmt)]

    def teams(self) -> list[TeamInfo]:
        with self.ctx.db.reading() as s:
            return [
                TeamInfo(t.id, t.name, t.branch)
                for t in s.scalars(select(Team).order_by(Team.name))
            ]

    def by_username(self, username: str) -> UserInfo:
        with self.ctx.db.reading() as s:
            u = s.scalar(select(User).where(User.username == username))
            if u is None:
                raise DomainError("user.unknown", "no user called {username}", username=username)
            return _info(u)

    def current(self) -> UserInfo | None:
        """The user signed in on this device, if any."""
        with self.ctx.db.reading() as s:
            user_id = meta_get(s, CURRENT_USER_KEY)
            u = s.get(User, user_id) if user_id else None
            return _info(u) if u else None

    def sign_in(self, user_id: str) -> UserInfo:
        with self.ctx.db.transaction() as s:
            u = s.get(User, user_id)
            if u is None:
                raise NotFound("user", user_id)
            meta_set(s, CURRENT_USER_KEY, u.id)
            self.ctx.actor_id = u.id
            return _info(u)
