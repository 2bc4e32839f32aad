"""All use cases over one open database: what the UI and the CLI are handed.

The composition root of the use-case layer: widgets and commands take their services from
here and never construct one over a context themselves, so a service's wiring (its clock,
its settings, its database) is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from crm.services.context import Context
from crm.services.users import UserService
from crm.store.migrate import OpenReport, open_database

if TYPE_CHECKING:
    from crm.domain.security_policy import SecurityPolicy
    from crm.services.attachments import AttachmentService
    from crm.services.audit import AuditService
    from crm.services.calendar_export import CalendarExportService
    from crm.services.customer import CustomerService
    from crm.services.imports.service import ImportService
    from crm.services.loans import LoanService
    from crm.services.products import ProductService
    from crm.services.prospects import ProspectService
    from crm.services.reports import ReportService
    from crm.services.scorecard import ScorecardService
    from crm.services.service_plans import ServicePlanService
    from crm.services.sync import SyncService
    from crm.services.team import TeamService
    from crm.services.today import TodayService
    from crm.services.visit_setup import VisitSetupService
    from crm.services.visits import VisitService


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

    # Each service is made when first used: a command such as `crm visits due` must not pay
    # for importing the list queries, and the window paints before the data stack loads.

    @cached_property
    def prospects(self) -> ProspectService:
        from crm.services.prospects import ProspectService

        return ProspectService(self.ctx)

    @cached_property
    def customer(self) -> CustomerService:
        from crm.services.customer import CustomerService

        return CustomerService(self.ctx)

    @cached_property
    def loans(self) -> LoanService:
        from crm.services.loans import LoanService

        return LoanService(self.ctx)

    @cached_property
    def scorecard(self) -> ScorecardService:
        from crm.services.scorecard import ScorecardService

        return ScorecardService(self.ctx)

    @cached_property
    def plans(self) -> ServicePlanService:
        from crm.services.service_plans import ServicePlanService

        return ServicePlanService(self.ctx)

    @cached_property
    def visits(self) -> VisitService:
        from crm.services.visits import VisitService

        return VisitService(self.ctx)

    @cached_property
    def attachments(self) -> AttachmentService:
        from crm.services.attachments import AttachmentService

        return AttachmentService(self.ctx)

    @cached_property
    def today(self) -> TodayService:
        from crm.services.today import TodayService

        return TodayService(self.ctx)

    @cached_property
    def imports(self) -> ImportService:
        from crm.services.imports.service import ImportService

        return ImportService(self.ctx)

    @cached_property
    def products(self) -> ProductService:
        from crm.services.products import ProductService

        return ProductService(self.ctx)

    @cached_property
    def reports(self) -> ReportService:
        from crm.services.reports import ReportService

        return ReportService(self.ctx)

    @cached_property
    def sync(self) -> SyncService:
        return self.sync_with()

    def sync_with(self, *, verify: bool | str = True, page: int | None = None) -> SyncService:
        """Sync with settings of the caller's (a CA file, a page size): a new service."""
        from crm.services.sync import SyncService

        return SyncService(self.ctx, verify=verify, page=page)

    @cached_property
    def visit_setup(self) -> VisitSetupService:
        from crm.services.visit_setup import VisitSetupService

        return VisitSetupService(self.ctx)

    @cached_property
    def calendar(self) -> CalendarExportService:
        from crm.services.calendar_export import CalendarExportService

        return CalendarExportService(self.ctx)

    @cached_property
    def audit(self) -> AuditService:
        from crm.services.audit import AuditService

        return AuditService(self.ctx)

    @cached_property
    def team(self) -> TeamService:
        from crm.services.team import TeamService

        return TeamService(self.ctx)

    def security_policy(self) -> SecurityPolicy:
        """Head office's security policy in force here (the default until one is synced)."""
        from crm.services.security_policy import security_policy

        return security_policy(self.ctx)

    def act_as(self, username: str) -> None:
        """Act as this user (a command's ``--user``) instead of the signed-in one."""
        self.ctx.actor_id = self.users.by_username(username).id

    @property
    def actor_id(self) -> str | None:
        return self.ctx.actor_id

    @property
    def zone(self) -> ZoneInfo:
        """The user's time zone (times are shown in it)."""
        return self.ctx.zone

    @property
    def db_path(self) -> Path:
        return self.ctx.db.path

    def close(self) -> None:
        self.ctx.db.close()


def open_services(path: Path, *, create: bool = False) -> Services:
    """Open (create, upgrade) the database at ``path`` and wire the use cases over it."""
    db, report = open_database(path, create=create)
    return Services(Context(db), report)


def check_database(path: Path) -> None:
    """Check every page of the database at ``path``, as after an unclean shutdown (an
    everyday open reads only what it needs); a problem is raised as the store's error."""
    db, _report = open_database(path, thorough=True)
    db.close()
