"""What every use case needs: the database, who is acting, and what time it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from crm.domain.clock import utcnow
from crm.domain.errors import DomainError
from crm.store.engine import Database

DEFAULT_ZONE = "Asia/Shanghai"


@dataclass
class Context:
    db: Database
    # The signed-in user; None only for maintenance commands run without a user.
    actor_id: str | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_ZONE))
    clock: Callable[[], datetime] = utcnow

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The user's calendar day (visits and maturities are days in China, not in UTC)."""
        return self.clock().astimezone(self.zone).date()


class NotFound(DomainError):
    def __init__(self, what: str, key: str) -> None:
        super().__init__("not_found", "no {what} with id {key}", what=what, key=key)
