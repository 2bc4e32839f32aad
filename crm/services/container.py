"""All use cases over one open database: what the UI and the CLI are handed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crm.services.context import Context
from crm.services.prospects import ProspectService
from crm.services.users import UserService
from crm.store.migrate import OpenReport, open_database


@dataclass
class Services:
    ctx: Context
    report: OpenReport | None = None
    prospects: ProspectService = field(init=False)
    users: UserService = field(init=False)

    def __post_init__(self) -> None:
        self.prospects = ProspectService(self.ctx)
        self.users = UserService(self.ctx)
        current = self.users.current()
        if current is not None and self.ctx.actor_id is None:
            self.ctx.actor_id = current.id

    @property
    def db_path(self) -> Path:
        return self.ctx.db.path

    def close(self) -> None:
        self.ctx.db.close()


def open_services(path: Path, *, create: bool = False) -> Services:
    """Open (create, upgrade) the database at ``path`` and wire the use cases over it."""
    db, report = open_database(path, create=create)
    return Services(Context(db), report)
