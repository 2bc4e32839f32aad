"""All use cases over one open database: what the UI and the CLI are handed."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from crm.services.context import Context
from crm.services.users import UserService
from crm.store.migrate import OpenReport, open_database

if TYPE_CHECKING:
    from crm.services.prospects import ProspectService


@dataclass
class Services:
    ctx: Context
    report: OpenReport | None = None
    users: UserService = field(init=False)

    def __post_init__(self) -> None:
        self.users = UserService(self.ctx)
        current = self.users.current()
        if current is not None and self.ctx.actor_id is None:
            self.ctx.actor_id = current.id

    @cached_property
    def prospects(self) -> ProspectService:
        # Made when first used: the list queries (and their imports) are not needed by
        # commands such as `crm visits due`.
        from crm.services.prospects import ProspectService

        return ProspectService(self.ctx)

    @property
    def db_path(self) -> Path:
        return self.ctx.db.path

    def close(self) -> None:
        self.ctx.db.close()


def open_services(path: Path, *, create: bool = False) -> Services:
    """Open (create, upgrade) the database at ``path`` and wire the use cases over it."""
    db, report = open_database(path, create=create)
    return Services(Context(db), report)
