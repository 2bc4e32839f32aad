"""Helpers shared by the visit tests (imported by name: the test folder is on sys.path)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from crm import resources
from crm.domain.visits import VisitDraft
from crm.store.engine import Database
from crm.store.models import District, Team, User

# 10:00 in Shanghai on Monday 2 February 2026, two weeks before the Spring Festival.
T0 = datetime(2026, 2, 2, 2, 0, tzinfo=UTC)
TODAY = date(2026, 2, 2)

TEAM_ID = "0190f000-0000-7000-8000-00000000000a"
RM1 = "0190f000-0000-7000-8000-000000000001"  # 王芳
RM2 = "0190f000-0000-7000-8000-000000000002"  # 李强
LEAD = "0190f000-0000-7000-8000-000000000003"  # 陈静
CHANCHENG, NANHAI, SHUNDE = "440604", "440605", "440606"


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set_day(self, day: date, hour: int = 10) -> None:
        """Move to ``hour`` o'clock in Shanghai on ``day``."""
        self.current = datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


def seed_database(db: Database) -> None:
    with db.transaction() as s:
        s.add(Team(id=TEAM_ID, name="禅城支行普惠团队", branch="禅城支行", created_at=T0))
        s.flush()
        for uid, username, display, role in (
            (RM1, "wangfang", "王芳", "rm"),
            (RM2, "liqiang", "李强", "rm"),
            (LEAD, "chenjing", "陈静", "lead"),
        ):
            s.add(
                User(
                    id=uid,
                    username=username,
                    display_name=display,
                    role=role,
                    team_id=TEAM_ID,
                    phone="",
                    active=True,
                    created_at=T0,
                )
            )
        for d in resources.demo_districts():
            s.add(District(code=d.code, name=d.name_zh, name_en=d.name_en))


def complete(day: date = TODAY, **changes: object) -> VisitDraft:
    """A site visit record with everything the rules ask for."""
    draft = VisitDraft(
        visit_on=day,
        kind="site",
        start_time="09:30",
        place="佛山市南海区狮山镇华兴五金厂区",
        purpose="首次走访，了解经营情况",
        companions="支行行长 陈静",
        people_met="法定代表人 王建国；财务 李梅",
        operating_state="两条生产线正常开工，工人约40人",
        repayment_source="销售回款，月均流水约120万元",
        growth_prospects="已进入本地家电龙头供应商名录",
        need_amount_fen=100_000_000,
        need_purpose="购置数控折弯机",
        need_timing="春节后",
        due_diligence=("before.site", "before.turnover"),
        checklist_items=("literacy.products", "debt.capacity"),
        credit_auth=True,
        credit_auth_on=day,
        next_steps="收集近两年纳税证明和银行流水",
        next_visit_on=day + timedelta(days=21),
    )
    return replace(draft, **changes)  # type: ignore[arg-type]


@dataclass
class Book:
    huaxing: str  # no-loan, Nanhai, RM1
    meijia: str  # no-loan, Shunde, RM1
    taoci: str  # no-loan, Chancheng, RM2
