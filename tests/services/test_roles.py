"""Roles on the desktop (crm.domain.roles): an RM's services show their own book and the
shared pool, a team lead's the team's; the rest is refused by the services themselves.

The book holds two teams: 王芳 (RM1) and 李强 (RM2) under 陈静 (LEAD) in team A, 赵磊 (RM3)
under 孙丽 (LEAD_B) in team B, and one prospect each plus one in the shared pool. The book
is signed in with head office (``sync.user_id``, as a sign-in leaves it: tests/sync has the
real one), so the roles bind.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from service_helpers import LEAD, RM1, RM2, T0, TEAM_ID, TODAY, Clock, draft

from crm.domain.errors import DomainError
from crm.domain.query import ProspectFilter, Sort
from crm.domain.roles import (
    NOT_ALLOWED,
    OUT_OF_SCOPE,
    Acting,
    Permission,
    Role,
    role_of,
)
from crm.domain.visits import VisitDraft
from crm.services.acting import SIGNED_IN_KEY
from crm.services.container import Services
from crm.services.context import Context
from crm.services.first_look import first_look
from crm.services.loans import LoanDraft, record_loan
from crm.services.team import Drill
from crm.services.today import Scope
from crm.store import meta
from crm.store.engine import Database
from crm.store.models import Team, User

TEAM_B = "0190f000-0000-7000-8000-00000000000b"
RM3 = "0190f000-0000-7000-8000-000000000004"  # 赵磊, team B
LEAD_B = "0190f000-0000-7000-8000-000000000005"  # 孙丽, team B's lead
ADMIN = "0190f000-0000-7000-8000-000000000006"


class Book:
    """The services over the test's book, acting as whoever a test says."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.services = Services(Context(db, actor_id=None, clock=clock))
        self.ids: dict[str, str] = {}

    def act_as(self, user_id: str | None) -> Services:
        self.services.ctx.actor_id = user_id
        return self.services


def _people(db: Database) -> None:
    with db.transaction() as s:
        s.add(Team(id=TEAM_B, name="南海支行普惠团队", branch="南海支行", created_at=T0))
        s.flush()
        for uid, username, display, role, team in (
            (RM3, "zhaolei", "赵磊", "rm", TEAM_B),
            (LEAD_B, "sunli", "孙丽", "lead", TEAM_B),
            (ADMIN, "admin", "管理员", "admin", None),
        ):
            s.add(
                User(
                    id=uid,
                    username=username,
                    display_name=display,
                    role=role,
                    team_id=team,
                    phone="",
                    active=True,
                    created_at=T0,
                )
            )


def _signed_in(db: Database, user_id: str) -> None:
    with db.transaction() as s:
        meta.put(s, SIGNED_IN_KEY, user_id)
        meta.put(s, "current_user", user_id)


@pytest.fixture
def book(db: Database, clock: Clock) -> Book:
    _people(db)
    b = Book(db, clock)
    svc = b.act_as(None)  # set up as nobody: the whole book
    for key, rm, name in (
        ("mine", RM1, "佛山市南海五金制品厂"),
        ("colleague", RM2, "顺德陶瓷贸易有限公司"),
        ("other_team", RM3, "高明绿源农业合作社"),
        ("pool", RM1, "三水恒达物流有限公司"),
    ):
        b.ids[key] = svc.prospects.create(draft(name, phone="13800138000"), rm_id=rm).id
    svc.prospects.assign([b.ids["pool"]], None)
    tomorrow = TODAY + timedelta(days=1)
    for key in ("mine", "colleague", "other_team"):
        svc.visits.plan(b.ids[key], VisitDraft(visit_on=tomorrow, start_time="10:00"))
    _signed_in(db, RM1)
    return b


def refused(code: str) -> pytest.RaisesExc[DomainError]:
    """A DomainError with this code (its message is the user's, translated)."""
    return pytest.raises(DomainError, check=lambda e: e.code == code)


def ids(rows: list[object]) -> set[str]:
    return {str(getattr(r, "prospect_id", None) or r.id) for r in rows}


EVERYTHING = ProspectFilter()


# -- the policy -------------------------------------------------------------------------------


def test_each_role_gets_what_head_office_allows_and_an_unknown_role_an_rms() -> None:
    rm = Acting.user(RM1, "rm", TEAM_ID, [RM1, RM2, LEAD])
    lead = Acting.user(LEAD, "lead", TEAM_ID, [RM1, RM2, LEAD])
    admin = Acting.user(ADMIN, "admin", None)
    assert role_of("branch_head") is Role.RM and role_of(None) is Role.RM
    assert Acting.user(RM1, "branch_head", TEAM_ID, [RM1, RM2]).visible_rms() == (RM1,)
    assert rm.visible_rms() == (RM1,)
    assert set(lead.visible_rms() or ()) == {RM1, RM2, LEAD}
    assert admin.visible_rms() is None
    assert [p for p in Permission if rm.may(p)] == []
    assert {p for p in Permission if lead.may(p)} == {
        Permission.SEE_TEAM,
        Permission.TEAM_PAGE,
        Permission.REASSIGN,
        Permission.CONFIRM_DROP_WITH_LOAN,
        Permission.CREATE_FOR_OTHERS,
    }
    # Publishing is head office's, whoever asks on the desktop.
    for who in (rm, lead, admin, Acting.nobody(), Acting.unbound(ADMIN, "admin", None)):
        assert not who.may(Permission.PUBLISH)
    assert rm.sees(None) and lead.sees(None)  # the shared pool
    assert not rm.sees(RM2) and lead.sees(RM2) and not lead.sees(RM3)


def test_a_book_never_signed_in_with_head_office_and_nobody_see_the_whole_book() -> None:
    unbound_rm = Acting.unbound(RM1, "rm", TEAM_ID)
    assert unbound_rm.visible_rms() is None and Acting.nobody().visible_rms() is None
    assert unbound_rm.may(Permission.REASSIGN_ANYONE)
    # Confirming a drop with outstanding loans has always wanted a lead, signed in or not.
    assert not unbound_rm.may(Permission.CONFIRM_DROP_WITH_LOAN)
    assert Acting.unbound(LEAD, "lead", TEAM_ID).may(Permission.CONFIRM_DROP_WITH_LOAN)


# -- an RM's services ---------------------------------------------------------------------------


def test_an_rms_list_count_and_search_hold_their_book_and_the_pool_only(book: Book) -> None:
    svc = book.act_as(RM1)
    mine = {book.ids["mine"], book.ids["pool"]}
    assert ids(svc.prospects.page(EVERYTHING, Sort())) == mine
    assert svc.prospects.count(EVERYTHING) == 2
    assert sum(svc.prospects.stage_counts(EVERYTHING).values()) == 2
    # Another RM's prospect is not found by its name, its phone or its number.
    assert svc.prospects.page(ProspectFilter(text="顺德陶瓷"), Sort()) == []
    assert svc.prospects.count(ProspectFilter(text="顺德陶瓷")) == 0
    assert ids(svc.prospects.page(ProspectFilter(text="13800138000"), Sort())) == mine
    # Their own and the pool may be asked for by name; another RM may not.
    assert ids(svc.prospects.page(ProspectFilter(rm_ids=(RM1,)), Sort())) == {book.ids["mine"]}
    assert ids(svc.prospects.page(ProspectFilter(rm_ids=("",)), Sort())) == {book.ids["pool"]}
    for other in (RM2, RM3):
        with refused(OUT_OF_SCOPE):
            svc.prospects.page(ProspectFilter(rm_ids=(RM1, other)), Sort())
        with refused(OUT_OF_SCOPE):
            svc.prospects.count(ProspectFilter(rm_ids=(other,)))


def test_an_rm_cannot_open_change_or_reassign_another_rms_prospect(book: Book) -> None:
    svc = book.act_as(RM1)
    for key in ("colleague", "other_team"):
        pid = book.ids[key]
        with refused(OUT_OF_SCOPE):
            svc.prospects.get(pid)
        with refused(OUT_OF_SCOPE):
            svc.prospects.update(pid, draft("改名有限公司"))
        with refused(OUT_OF_SCOPE):
            svc.prospects.change_stage(pid, "dropped", "no_need")
        with refused(OUT_OF_SCOPE):
            svc.prospects.add_tag([pid], "tech")
        with refused(OUT_OF_SCOPE):
            svc.prospects.delete(pid)
        with refused(OUT_OF_SCOPE):
            svc.visits.for_prospect(pid)
    assert svc.prospects.get(book.ids["pool"]).rm_id is None  # the pool is readable
    with refused(NOT_ALLOWED):
        svc.prospects.assign([book.ids["mine"]], RM2)
    with refused(NOT_ALLOWED):
        svc.prospects.create(draft("新建五金厂"), rm_id=RM2)
    assert svc.prospects.create(draft("新建五金厂")).rm_id == RM1
    book.act_as(None)
    assert svc.prospects.get(book.ids["colleague"]).rm_id == RM2  # nothing was changed


def test_an_rms_today_calendar_and_visits_are_their_own(book: Book) -> None:
    svc = book.act_as(RM1)
    tomorrow = TODAY + timedelta(days=1)
    [line] = svc.visits.between(tomorrow, tomorrow)
    assert line.prospect_id == book.ids["mine"]
    month = svc.visits.calendar_range(TODAY, TODAY + timedelta(days=30))
    assert {v.prospect_id for v in month.visits} == {book.ids["mine"]}
    with refused(OUT_OF_SCOPE):
        svc.visits.between(tomorrow, tomorrow, [RM2])
    with refused(OUT_OF_SCOPE):
        svc.visits.calendar_range(TODAY, tomorrow, [RM3])
    everyone = svc.today.summary(Scope(None), tomorrow)
    assert everyone.scope.rm_ids == (RM1,)
    assert {v.prospect_id for v in everyone.planned} == {book.ids["mine"]}
    with refused(OUT_OF_SCOPE):
        svc.today.summary(Scope((RM1, RM2)))
    book.act_as(None)
    colleague_visit = svc.visits.between(tomorrow, tomorrow, [RM2])[0].id
    book.act_as(RM1)
    with refused(OUT_OF_SCOPE):
        svc.visits.get(colleague_visit)


def test_an_rms_figures_and_drill_downs_are_their_own(book: Book) -> None:
    svc = book.act_as(RM1)
    start, end = date(TODAY.year, 1, 1), TODAY
    own = svc.reports.pipeline_figures(start, end)
    assert sum(own.stages.values()) == 1  # their own prospect (the pool is no RM's book)
    with refused(OUT_OF_SCOPE):
        svc.reports.pipeline_figures(start, end, rm="liqiang")
    with refused(OUT_OF_SCOPE):
        svc.reports.pipeline_figures(start, end, team=TEAM_ID)
    assert ids(svc.team.prospects(Drill("all"), start, end)) == {book.ids["mine"]}
    with refused(OUT_OF_SCOPE):
        svc.team.prospects(Drill("all"), start, end, rm="zhaolei")
    lines = svc.team.lines([book.ids["mine"], book.ids["colleague"], book.ids["other_team"]])
    assert ids(lines) == {book.ids["mine"]}
    with refused(OUT_OF_SCOPE):
        svc.reports.recorded_visits(start, end, [RM2])


def test_the_first_look_paints_the_rms_scope_only(book: Book, db: Database) -> None:
    db.close()  # the first look reads a book closed cleanly, as the app finds it
    look = first_look(Path(book.services.db_path), 50)
    assert look is not None and look.user is not None and look.user.id == RM1
    assert ids(look.rows) == {book.ids["mine"], book.ids["pool"]} and look.total == 2


# -- a team lead's ----------------------------------------------------------------------------


def test_a_lead_sees_and_works_the_team_and_not_another_team(book: Book) -> None:
    svc = book.act_as(LEAD)
    team = {book.ids["mine"], book.ids["colleague"], book.ids["pool"]}
    assert ids(svc.prospects.page(EVERYTHING, Sort())) == team
    assert svc.prospects.page(ProspectFilter(text="高明绿源"), Sort()) == []
    with refused(OUT_OF_SCOPE):
        svc.prospects.get(book.ids["other_team"])
    with refused(OUT_OF_SCOPE):
        svc.prospects.page(ProspectFilter(rm_ids=(RM3,)), Sort())
    # Reassigning within the team; not to another team's RM, nor back to the pool.
    assert svc.prospects.assign([book.ids["mine"]], RM2) == 1
    with refused(OUT_OF_SCOPE):
        svc.prospects.assign([book.ids["colleague"]], RM3)
    with refused(NOT_ALLOWED):
        svc.prospects.assign([book.ids["colleague"]], None)
    with refused(OUT_OF_SCOPE):
        svc.prospects.assign([book.ids["other_team"]], RM1)
    start, end = date(TODAY.year, 1, 1), TODAY
    figures = svc.reports.pipeline_figures(start, end)
    assert sum(figures.stages.values()) == 2
    assert sum(svc.reports.pipeline_figures(start, end, rm="liqiang").stages.values()) == 2
    with refused(OUT_OF_SCOPE):
        svc.reports.pipeline_figures(start, end, team=TEAM_B)
    tomorrow = TODAY + timedelta(days=1)
    planned = svc.today.summary(Scope(None), tomorrow).planned
    assert {v.prospect_id for v in planned} == {book.ids["mine"], book.ids["colleague"]}


def test_the_other_teams_lead_and_head_office_see_theirs(book: Book) -> None:
    svc = book.act_as(LEAD_B)
    assert ids(svc.prospects.page(EVERYTHING, Sort())) == {
        book.ids["other_team"],
        book.ids["pool"],
    }
    svc = book.act_as(ADMIN)
    assert svc.prospects.count(EVERYTHING) == 4
    assert svc.prospects.assign([book.ids["other_team"]], None) == 1


def test_a_role_changed_locally_as_a_sync_brings_it_takes_effect_at_once(
    book: Book, db: Database
) -> None:
    svc = book.act_as(RM1)
    assert svc.prospects.count(EVERYTHING) == 2
    with db.transaction() as s:
        s.get(User, RM1).role = "lead"  # as the replica applies head office's user record
    assert svc.prospects.count(EVERYTHING) == 3


def test_a_book_never_signed_in_shows_the_whole_book_to_its_local_user(
    book: Book, db: Database
) -> None:
    with db.transaction() as s:
        meta.remove(s, SIGNED_IN_KEY)
    svc = book.act_as(RM1)
    assert svc.prospects.count(EVERYTHING) == 4
    assert svc.prospects.get(book.ids["other_team"]).rm_id == RM3
    db.close()
    look = first_look(Path(svc.db_path), 50)
    assert look is not None and look.total == 4


def test_an_rms_loans_are_those_of_their_book_and_the_pool(book: Book) -> None:
    svc = book.act_as(None)
    for key in ("mine", "colleague", "other_team", "pool"):
        record_loan(
            svc.ctx,
            book.ids[key],
            LoanDraft(50_000_000, 385, TODAY - timedelta(days=30), TODAY + timedelta(days=335)),
        )
    assert len(svc.loans.page()) == 4
    svc = book.act_as(RM1)
    assert {lo.prospect_id for lo in svc.loans.page()} == {book.ids["mine"], book.ids["pool"]}
    with refused(OUT_OF_SCOPE):
        svc.loans.of_prospect(book.ids["colleague"])
    assert len(svc.loans.of_prospect(book.ids["mine"])) == 1


def test_an_rm_cannot_reach_another_rms_prospect_through_its_loans_facts_or_files(
    book: Book,
) -> None:
    from tests.attachments.media import png

    svc = book.act_as(None)
    theirs = book.ids["colleague"]
    loan_id = record_loan(
        svc.ctx,
        theirs,
        LoanDraft(50_000_000, 385, TODAY - timedelta(days=30), TODAY + timedelta(days=335)),
    )
    svc.products.set_fact(theirs, "tax_credit_grade", "A")
    record = svc.visits.start_record(theirs)
    photo = svc.attachments.attach_bytes(record.id, png(), filename="door.png", kind="signboard")

    svc = book.act_as(RM1)
    for reach in (
        lambda: svc.loans.get(loan_id),
        lambda: svc.loans.repay(loan_id, 1_000_000),
        lambda: svc.loans.reclassify(loan_id, "substandard"),
        lambda: svc.loans.renewal_precheck(loan_id),
        lambda: svc.loans.record(
            theirs, LoanDraft(10_000_000, 385, TODAY, TODAY + timedelta(days=365))
        ),
        lambda: svc.products.facts(theirs),
        lambda: svc.products.match(theirs),
        lambda: svc.products.set_fact(theirs, "tax_credit_grade", "B"),
        lambda: svc.attachments.for_visit(record.id),
        lambda: svc.attachments.content(photo.id),
        lambda: svc.attachments.attach_bytes(record.id, png(), filename="x.png", kind="signboard"),
        lambda: svc.visits.prospect_brief(theirs),
    ):
        with refused(OUT_OF_SCOPE):
            reach()
    # Their own prospect's loan is theirs to work on; nothing of the colleague's changed.
    mine = record_loan(
        svc.ctx,
        book.ids["mine"],
        LoanDraft(20_000_000, 385, TODAY - timedelta(days=30), TODAY + timedelta(days=335)),
    )
    assert svc.loans.repay(mine, 1_000_000).balance_fen == 19_000_000
    assert svc.visits.prospect_brief(book.ids["mine"]).id == book.ids["mine"]
    svc = book.act_as(None)
    assert svc.loans.get(loan_id).balance_fen == 50_000_000
    assert len(svc.loans.of_prospect(theirs)) == 1
    assert len(svc.attachments.for_visit(record.id)) == 1
