"""What every page is handed: the services, settings, the task runner and reference lists.

Reference lists (users, districts) are read once in the background when the database
opens, so building a page never queries the database on the UI thread. Pages announce
changes through ``events`` (after Anki's operations announcing what changed) so the other
views refresh themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal

from crm.domain.clock import utcnow
from crm.domain.query import ProspectFilter, Sort
from crm.domain.roles import NOBODY, Acting
from crm.ui.common.fmt import DEFAULT_ZONE
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    # The services (and SQLAlchemy behind them) load in the background while the window
    # starts, so this module names them only for the type checker.
    from crm.services.container import Services
    from crm.services.first_look import FirstLook
    from crm.services.records import DistrictInfo, UserInfo


class DataEvents(QObject):
    # Prospect ids that changed (saved, moved, assigned, tagged, created).
    prospectsChanged = Signal(list)


@dataclass(frozen=True)
class StartupData:
    user: UserInfo | None
    users: list[UserInfo]
    districts: list[DistrictInfo]
    # The user's role and scope: what the pages offer follows it (crm.domain.roles).
    acting: Acting = NOBODY


def load_startup(services: Services) -> StartupData:
    """Reference data the pages need (run in the background)."""
    from crm.services import reference
    from crm.services.acting import acting

    return StartupData(
        user=services.users.current(),
        users=services.users.all(),
        districts=reference.districts(services.ctx),
        acting=acting(services.ctx),
    )


class UiContext:
    """The services, settings, task runner, reference lists and change events of a window.

    A window opened from the book's first look (see crm.services.first_look) exists before
    the services: they load on a worker after the first paint and are attached then. Until
    that moment, whatever asks for ``services`` waits for them (a fraction of a second, and
    only if the user acts in it).
    """

    def __init__(
        self,
        services: Services | None,
        settings: AppSettings,
        tasks: TaskRunner,
        startup: StartupData,
        events: DataEvents | None = None,
        *,
        db_path: Path | None = None,
        first_look: FirstLook | None = None,
    ) -> None:
        if db_path is None:
            if services is None:
                raise ValueError("a UiContext without services needs the database's path")
            db_path = services.db_path
        self._services = services
        self._failure: BaseException | None = None
        self._ready = threading.Event()
        if services is not None:
            self._ready.set()
        self.settings = settings
        self.tasks = tasks
        self.startup = startup
        self.events = events if events is not None else DataEvents()
        self.db_path = Path(db_path)
        self._first_look = first_look
        # Set by whoever loads the services, to hear that they are wanted now.
        self.wanted: Callable[[], None] = _nothing
        # The window is locked (crm.ui.lock): nothing may show the book on its own meanwhile.
        self.locked = False

    @property
    def services(self) -> Services:
        if self._services is None:
            self.wanted()  # the loader may be waiting for the first frame: start it now
            self._ready.wait()
            if self._services is None:
                raise RuntimeError("the database could not be opened") from self._failure
        return self._services

    @property
    def services_ready(self) -> bool:
        return self._services is not None

    def services_when_loaded(self) -> Services:
        """The services once their loader has them, without hurrying it (for warm-ups that
        must not start the loading while the first frame paints)."""
        self._ready.wait()
        return self.services

    def attach(self, services: Services | None, failure: BaseException | None = None) -> None:
        """Hand over the services loaded on a worker (or why they could not be)."""
        self._services = services
        self._failure = failure
        self._ready.set()

    def take_first_look(self, flt: ProspectFilter, sort: Sort) -> FirstLook | None:
        """The first look, once, for the default list only (its rows are that list's)."""
        look, self._first_look = self._first_look, None
        if look is None or flt != ProspectFilter() or sort != Sort():
            return None
        return look

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
    def acting(self) -> Acting:
        """The signed-in user's role and scope, as the book was opened."""
        return self.startup.acting

    def users_in_scope(self) -> list[UserInfo]:
        """The users whose books the role reaches (an RM: themselves; a lead: the team)."""
        return [u for u in self.users if self.startup.acting.sees(u.id)]

    @property
    def zone(self) -> ZoneInfo:
        return self._services.ctx.zone if self._services is not None else DEFAULT_ZONE

    def today(self) -> date:
        if self._services is None:
            return utcnow().astimezone(DEFAULT_ZONE).date()
        return self._services.ctx.today()

    def user_by_id(self, user_id: str | None) -> UserInfo | None:
        return next((u for u in self.users if u.id == user_id), None) if user_id else None

    def district(self, code: str | None) -> DistrictInfo | None:
        return next((d for d in self.districts if d.code == code), None) if code else None


def _nothing() -> None:
    pass
