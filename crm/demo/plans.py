"""The demo's strategic clients get their service plans (配套金融服务方案): each is a strategic
client because an active plan serves it, reviewed on its own date (a few due by now)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from crm.domain.service_plans import PlanDraft, PlanStatus
from crm.store import service_plan_queries
from crm.store.engine import Database
from crm.store.service_plan_writer import ServicePlanWriter

# What a plan provides, drawn from: settlement and credit always, then a few companions.
_ALWAYS = ("settlement", "credit")
_MORE = (
    "wealth_management",
    "supply_chain_finance",
    "payroll",
    "cash_management",
    "trade_finance",
    "online_banking",
)
_NOTES = (
    "代发工资与结算账户一并办理，年内配套供应链融资。",
    "企业主有理财需求，安排财富顾问上门。",
    "上游核心企业已在我行，推进应收账款融资。",
    "开通企业网银与现金管理，按季复核用信情况。",
    "",
)


def give_plans(db: Database, today: date, seed: int) -> int:
    """An active plan for every strategic client without one; returns how many."""
    rng = random.Random(seed * 7919 + 17)
    now = datetime.combine(today, time(1, 0), tzinfo=UTC)
    with db.transaction() as s:
        writer = ServicePlanWriter(s, now, queue=False)
        clients = service_plan_queries.strategic_without_plan(s)
        for pid, rm in clients:
            extra = tuple(rng.sample(_MORE, rng.randint(1, 3)))
            # About one in eight came up for review in the last weeks and waits for it.
            if rng.random() < 0.125:
                review_on = today - timedelta(days=rng.randint(0, 20))
            else:
                review_on = today + timedelta(days=rng.randint(7, 180))
            writer.create(
                pid,
                PlanDraft(
                    items=_ALWAYS + extra,
                    owner_id=rm,
                    review_on=review_on,
                    status=PlanStatus.ACTIVE.value,
                    notes=rng.choice(_NOTES),
                ),
            )
        return len(clients)
