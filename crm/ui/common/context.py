"""What every page is handed: the services, settings, the task runner and reference lists.

Reference lists (users, districts) are read once in the background when the database
opens, so building a page never queries the database on the UI thread. Pages announce
changes through ``events`` (after Anki's operations announcing what changed) so the other
views refresh themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal

from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    # The services (and SQLAlchemy behind them) load in the background while the window
    # starts, so this module names them only for the type checker.
    from crm.services.container import Services
    from crm.services.reference import DistrictInfo
    from crm.services.users import UserInfo


class DataEvents(QObject):
    # Prospect ids that changed (saved, moved, assigned, tagged, created).
    prospectsChanged = Signal(list)


@dataclass(frozen=True)
class StartupData:
    user: UserInfo | None
    users: list[UserInfo]
    districts: list[DistrictInfo]


def load_startup(services: Services) -> StartupData:
    """Reference data the pages need (run in the background)."""
    from crm.services import reference

    return StartupData(
        user=services.users.current(),
        users=services.users.all(),
        districts=reference.districts(services.ctx),
    )


@dataclass
class UiContext:
    services: Services
    settings: AppSettings
    tasks: TaskRunner
    startup: StartupData
    events: DataEvents = field(default_factory=DataEvents)

    @property
    def user(self) -> UserInfo | None:
        return self.startup.user

    @property
    def users(self) -> list[UserInfo]:
        return self.startup.users

    @property
    def districts(self) -> list[DistrictInfo]:
        return self.startup.districts

    @property
    def zone(self) -> ZoneInfo:
        return self.services.ctx.zone

    def today(self) -> date:
        return self.services.ctx.today()

    def user_by_id(self, user_id: str | None) -> UserInfo | None:
        return next((u for u in self.users if u.id == user_id), None) if user_id else None

    def district(self, code: str | None) -> DistrictInfo | None:
        return next((d for d in self.districts if d.code == code), None) if code else None
