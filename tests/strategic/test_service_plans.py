"""Strategic clients' service plans on one device: the writer queues one op per change (with
its HLC), the service checks what a plan holds, the strategic gate refuses a customer
without an active plan and lets one with it pass, and a plan's review comes up on its own
date on Today and in ``crm visits due``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.cli import main
from crm.demo.builder import build_demo
from crm.domain.errors import DomainError
from crm.domain.prospect import ProspectDraft
from crm.domain.service_plans import PlanDraft, PlanRefused, next_review
from crm.services.container import Services, open_services
from crm.services.loans import LoanDraft
from crm.store.models import AppMeta, OutboxOp
from crm.store.replica import CRITERIA_KEY

# Criteria a single loan of a year ago meets: the plan is then what the gate looks at.
EASY = {"min_months_as_customer": 0, "min_loans": 1, "min_total_credit_fen": 1}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    path = tmp_path / "book.db"
    build_demo(path, prospects=0, seed=3)
    s = open_services(path)
    with s.ctx.db.transaction() as session:
        session.merge(AppMeta(key=CRITERIA_KEY, value=json.dumps(EASY)))
    yield s
    s.close()


def _rm(services: Services) -> str:
    """An RM of the signed-in user's team (whose book that user may add to)."""
    me = services.users.current()
    assert me is not None
    return next(u.id for u in services.users.all() if u.role == "rm" and u.team_id == me.team_id)


def _first_loan_customer(services: Services, name: str = "佛山市禅城区甲机械有限公司") -> str:
    rm = _rm(services)
    pid = services.prospects.create(ProspectDraft(name=name, kind="enterprise"), rm_id=rm).id
    today = services.ctx.today()
    services.loans.record(
        pid,
        LoanDraft(
            amount_fen=60_000_000,
            rate_bp=385,
            start_date=today - timedelta(days=400),
            maturity_date=today + timedelta(days=300),
        ),
    )
    services.prospects.change_stage(pid, "first_loan")
    return pid


def _ops(services: Services, pid: str) -> list[tuple[str, dict[str, object], str]]:
    with services.ctx.db.reading() as s:
        return [
            (op.kind, json.loads(op.payload), op.hlc)
            for op in s.scalars(
                select(OutboxOp)
                .where(OutboxOp.entity == "service_plan", OutboxOp.entity_id == pid)
                .order_by(OutboxOp.seq)
            )
        ]


def _draft(services: Services, status: str = "active", **kw: object) -> PlanDraft:
    values: dict[str, object] = {
        "items": ("settlement", "credit", "wealth_management"),
        "owner_id": _rm(services),
        "review_on": services.ctx.today() + timedelta(days=90),
        "status": status,
        "notes": "代发工资 + 供应链",
    }
    values.update(kw)
    return PlanDraft(**values)  # type: ignore[arg-type]


def test_the_writer_queues_an_op_per_change_with_a_rising_clock(services: Services) -> None:
    pid = _first_loan_customer(services)
    today = services.ctx.today()
    plan = services.plans.save(pid, _draft(services, "draft"))
    assert plan.status == "draft" and plan.unsent and not plan.review_due
    assert plan.items == ("settlement", "credit", "wealth_management")
    services.plans.save(pid, _draft(services, "active"))  # only the status changed
    services.plans.save(pid, _draft(services, "active"))  # nothing changed: no op
    reviewed = services.plans.review(pid)
    assert reviewed.reviewed_on == today and reviewed.review_on == next_review(today)
    ops = _ops(services, pid)
    assert [kind for kind, _p, _h in ops] == ["create", "update", "review"]
    assert ops[0][1] == {
        "prospect_id": pid,
        "items": ["settlement", "credit", "wealth_management"],
        "rm_id": _rm(services),
        "review_on": (today + timedelta(days=90)).isoformat(),
        "status": "draft",
        "notes": "代发工资 + 供应链",
    }
    assert ops[1][1] == {"prospect_id": pid, "status": "active"}
    assert ops[2][1] == {
        "prospect_id": pid,
        "reviewed_on": today.isoformat(),
        "review_on": next_review(today).isoformat(),
        "status": "active",
    }
    hlcs = [h for _k, _p, h in ops]
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == 3


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"items": ()}, "plan.no_items"),
        ({"items": ("settlement", "a loan please")}, "plan.item_unknown"),
        ({"items": ("no_such_service",)}, "plan.item_unknown"),
        ({"status": "approved"}, "plan.status_unknown"),
        ({"owner_id": None}, "plan.no_owner"),
        ({"notes": "很" * 4001}, "plan.notes_long"),
    ],
)
def test_a_plan_that_cannot_be_saved_says_why_and_keeps_nothing(
    services: Services, change: dict[str, object], code: str
) -> None:
    pid = _first_loan_customer(services)
    with pytest.raises(PlanRefused) as refused:
        services.plans.save(pid, _draft(services, **change))
    assert refused.value.code == code
    assert services.plans.get(pid) is None and _ops(services, pid) == []


def test_a_past_review_date_is_refused_and_a_catalogue_product_is_an_item(
    services: Services,
) -> None:
    pid = _first_loan_customer(services)
    yesterday = services.ctx.today() - timedelta(days=1)
    with pytest.raises(PlanRefused, match="has passed"):
        services.plans.save(pid, _draft(services, review_on=yesterday))
    product = services.products.catalogue().products[0].code
    plan = services.plans.save(pid, _draft(services, items=("credit", product, "credit")))
    assert plan.items == ("credit", product)


def test_the_strategic_gate_needs_an_active_plan(services: Services) -> None:
    pid = _first_loan_customer(services)
    with pytest.raises(DomainError) as refused:
        services.prospects.change_stage(pid, "strategic")
    assert refused.value.code == "stage.strategic_criteria"
    assert str(refused.value) == "not yet a strategic client: no active service plan"
    # A draft is not enough, nor a closed plan.
    services.plans.save(pid, _draft(services, "draft"))
    with pytest.raises(DomainError, match="no active service plan"):
        services.prospects.change_stage(pid, "strategic")
    services.plans.save(pid, _draft(services, "active"))
    services.prospects.change_stage(pid, "strategic")
    assert services.prospects.get(pid).stage == "strategic"
    # Back to first-loan; a plan under review still counts, a closed one does not.
    services.prospects.change_stage(pid, "first_loan", reason_text="复核")
    services.plans.save(pid, _draft(services, "under_review"))
    services.prospects.change_stage(pid, "strategic")
    services.prospects.change_stage(pid, "first_loan", reason_text="复核")
    services.plans.save(pid, _draft(services, "closed"))
    with pytest.raises(DomainError, match="no active service plan"):
        services.prospects.change_stage(pid, "strategic")


def test_a_review_comes_up_on_its_date_on_today_and_in_visits_due(
    services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = _first_loan_customer(services)
    other = _first_loan_customer(services, "佛山市南海区乙五金厂")
    today = services.ctx.today()
    services.plans.save(pid, _draft(services, review_on=today + timedelta(days=10)))
    services.plans.save(other, _draft(services, review_on=today + timedelta(days=30)))
    everyone = services.today.scope_for(None)
    assert services.today.summary(everyone).plan_reviews == ()
    later = today + timedelta(days=12)
    due = services.today.summary(everyone, later).plan_reviews
    assert [(p.prospect_id, p.overdue_days) for p in due] == [(pid, 2)]
    assert [p.prospect_id for p in services.today.due_report(everyone, later).plan_reviews] == [pid]
    # Reviewed: gone from the list until its next date.
    services.plans.review(pid)
    assert services.today.summary(everyone, later).plan_reviews == ()
    # A closed plan is never due; the RM's own scope holds their customers' plans.
    services.plans.save(other, _draft(services, "closed", review_on=today))
    assert services.today.summary(everyone, today + timedelta(days=40)).plan_reviews == ()
    rm_scope = services.today.scope_for(_rm(services))
    assert services.today.summary(rm_scope, next_review(today)).plan_reviews[0].prospect_id == pid

    db = str(services.db_path)
    day = next_review(today).isoformat()
    assert main(["visits", "due", "--db", db, "--date", day]) == 0
    out = capsys.readouterr().out
    assert "Service plans to review: 1" in out and "佛山市禅城区甲机械有限公司" in out
    assert main(["--lang", "zh_CN", "visits", "due", "--db", db, "--date", day]) == 0
    assert "待复核的服务方案" in capsys.readouterr().out


def test_crm_plans_adds_shows_lists_and_reviews_in_either_language(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = _first_loan_customer(services)
    db = str(services.db_path)
    today = services.ctx.today()
    review = (today + timedelta(days=20)).isoformat()
    rm = next(u for u in services.users.all() if u.id == _rm(services))
    add = ["plans", "add", pid, "--db", db, "--items", "settlement, credit", "--review", review]
    assert main([*add, "--owner", rm.username, "--notes", "季度复核"]) == 0
    out = capsys.readouterr().out
    assert "payment and settlement, credit" in out and rm.display_name in out and review in out
    assert main(["--lang", "zh_CN", "plans", "show", pid, "--db", db]) == 0
    assert "支付结算、授信" in capsys.readouterr().out
    assert main(["plans", "show", pid, "--db", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["items"] == ["settlement", "credit"] and shown["status"] == "active"
    assert shown["unsent"] is True and shown["notes"] == "季度复核"
    assert main(["plans", "list", "--db", db, "--json"]) == 0
    assert [p["prospect_id"] for p in json.loads(capsys.readouterr().out)] == [pid]
    assert main(["plans", "list", "--db", db, "--due", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["plans", "review", pid, "--db", db, "--json"]) == 0
    reviewed = json.loads(capsys.readouterr().out)
    assert reviewed["reviewed_on"] == today.isoformat()
    assert reviewed["review_on"] == next_review(today).isoformat()
    # Refusals say what is wrong, in the user's language, and change nothing.
    assert main([*add[:-2], "--review", review, "--items", "loans please"]) == 1
    assert "is neither a service nor a product" in capsys.readouterr().err
    same_day = ["plans", "review", pid, "--db", db, "--next", today.isoformat()]
    assert main(["--lang", "zh_CN", *same_day]) == 1
    assert "下次复核日期必须晚于今天" in capsys.readouterr().err
    other = _first_loan_customer(services, "佛山市南海区乙五金厂")
    assert main(["--lang", "zh_CN", "plans", "show", other, "--db", db]) == 1
    assert "该客户还没有服务方案" in capsys.readouterr().err
    assert services.plans.get(pid).notes == "季度复核"  # type: ignore[union-attr]


def test_an_rm_plans_for_their_own_book_only(services: Services) -> None:
    """Signed in with head office as an RM: another team's customer's plan is out of reach,
    and the lists hold the RM's own customers' plans."""
    from crm.domain.roles import OUT_OF_SCOPE
    from crm.services.acting import SIGNED_IN_KEY
    from crm.store import meta

    mine = _first_loan_customer(services)
    me = next(u for u in services.users.all() if u.id == _rm(services))
    stranger = next(u for u in services.users.all() if u.role == "rm" and u.team_id != me.team_id)
    theirs = _first_loan_customer(services, "佛山市高明区丙陶瓷厂")
    services.prospects.assign([theirs], stranger.id)
    services.plans.save(theirs, _draft(services, owner_id=stranger.id))
    with services.ctx.db.transaction() as s:
        meta.put(s, SIGNED_IN_KEY, me.id)
    services.ctx.actor_id = me.id
    services.plans.save(mine, _draft(services, owner_id=me.id))
    refusals = [
        lambda: services.plans.save(theirs, _draft(services, owner_id=stranger.id)),
        lambda: services.plans.review(theirs),
        lambda: services.plans.save(mine, _draft(services, owner_id=stranger.id)),
        lambda: services.plans.plans((stranger.id,)),
    ]
    for refused in refusals:
        with pytest.raises(DomainError) as error:
            refused()
        assert error.value.code == OUT_OF_SCOPE
    assert [p.prospect_id for p in services.plans.plans()] == [mine]
    with pytest.raises(DomainError):
        services.plans.get(theirs)  # not even read
    services.ctx.actor_id = None  # a maintenance command: the whole book, unchanged
    assert services.plans.get(theirs).owner_id == stranger.id  # type: ignore[union-attr]
