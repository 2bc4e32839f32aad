"""Users, teams and who is signed in on this device."""

from __future__ import annotations

from dataclasses import dataclass

from crm.domain.errors import DomainError
from crm.services.context import Context, NotFound
from crm.services.records import UserInfo
from crm.store import meta, user_queries
from crm.store.user_queries import UserRow

CURRENT_USER_KEY = "current_user"


@dataclass(frozen=True)
class TeamInfo:
    id: str
    name: str
    branch: str


def _info(u: UserRow) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, u.role, u.team_id, u.team_name)


class UserService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def all(self, *, role: str | None = None) -> list[UserInfo]:
        with self.ctx.db.reading() as s:
            return [_info(u) for u in user_queries.active_users(s, role)]

    def teams(self) -> list[TeamInfo]:
        with self.ctx.db.reading() as s:
            return [TeamInfo(*t) for t in user_queries.teams(s)]

    def by_username(self, username: str) -> UserInfo:
        with self.ctx.db.reading() as s:
            u = user_queries.by_username(s, username)
            if u is None:
                raise DomainError("user.unknown", "no user called {username}", username=username)
            return _info(u)

    def current(self) -> UserInfo | None:
        """The user signed in on this device, if any."""
        with self.ctx.db.reading() as s:
            user_id = meta.get(s, CURRENT_USER_KEY)
            u = user_queries.by_id(s, user_id) if user_id else None
            return _info(u) if u else None

    def sign_in(self, user_id: str) -> UserInfo:
        with self.ctx.db.transaction() as s:
            u = user_queries.by_id(s, user_id)
            if u is None:
                raise NotFound("user", user_id)
            meta.put(s, CURRENT_USER_KEY, u.id)
            self.ctx.actor_id = u.id
            return _info(u)
