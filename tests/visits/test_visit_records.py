"""Planning, recording, finalizing and amending visits through the service."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from visit_helpers import RM1, TODAY, Book, Clock, complete

from crm.domain.visits import InvalidVisit, VisitDraft, VisitRefused
from crm.services.context import Context
from crm.services.visit_rules import refresh_due
from crm.services.visits import VisitService
from crm.store.models import OutboxOp, Prospect
from crm.store.models_visit import ChecklistTick, Visit


@dataclass(frozen=True)
class Op:
    kind: str
    payload: str


def outbox(ctx: Context, entity: str) -> list[Op]:
    with ctx.db.reading() as s:
        rows = s.execute(
            select(OutboxOp.kind, OutboxOp.payload)
            .where(OutboxOp.entity == entity)
            .order_by(OutboxOp.seq)
        )
        return [Op(kind, payload) for kind, payload in rows]


def test_planning_a_visit_queues_it_for_head_office(
    visits: VisitService, book: Book, ctx: Context
) -> None:
    plan = visits.plan(
        book.huaxing,
        VisitDraft(
            visit_on=date(2026, 2, 4), start_time="10:00", purpose="首次走访", companions="陈静"
        ),
    )
    assert plan.status == "planned"
    assert plan.line.rm_id == RM1
    assert plan.line.place.startswith("广东省佛山市")  # the prospect's address by default
    ops = outbox(ctx, "visit")
    assert [op.kind for op in ops] == ["plan"]
    assert json.loads(ops[0].payload)["visit_on"] == "2026-02-04"


def test_a_planned_visit_is_rescheduled_and_cancelled(
    visits: VisitService, book: Book, ctx: Context
) -> None:
    plan = visits.plan(book.huaxing, VisitDraft(visit_on=date(2026, 2, 4)))
    moved = visits.reschedule(plan.id, date(2026, 2, 5), "14:30")
    assert (moved.line.visit_on, moved.line.start_time, moved.line.version) == (
        date(2026, 2, 5),
        "14:30",
        2,
    )
    visits.cancel(plan.id)
    assert visits.between(date(2026, 2, 1), date(2026, 2, 28)) == []
    assert [op.kind for op in outbox(ctx, "visit")] == ["plan", "reschedule", "cancel"]


def test_drafts_autosave_without_reaching_head_office(
    visits: VisitService, book: Book, ctx: Context
) -> None:
    draft = visits.start_record(book.huaxing)
    saved = visits.save_draft(draft.id, complete(next_visit_on=None, people_met="王总"))
    assert saved.status == "draft" and saved.draft.people_met == "王总"
    again = visits.save_draft(saved.id, saved.draft, expected_version=saved.line.version)
    assert again.line.version == saved.line.version  # nothing changed, nothing written
    assert outbox(ctx, "visit") == []
    with pytest.raises(VisitRefused, match="changed elsewhere"):
        visits.save_draft(saved.id, saved.draft, expected_version=1)


def test_finalizing_needs_a_complete_record(visits: VisitService, book: Book) -> None:
    draft = visits.start_record(book.huaxing)
    with pytest.raises(InvalidVisit) as info:
        visits.finalize(draft.id, complete(people_met="", repayment_source="", credit_auth=None))
    assert set(info.value.fields()) == {"people_met", "repayment_source", "credit_auth"}
    with pytest.raises(InvalidVisit) as info:
        visits.finalize(draft.id, complete(visit_on=TODAY + timedelta(days=1), next_visit_on=None))
    assert info.value.fields() == ("visit_on",)
    # A phone call needs less than a site visit.
    call = complete(
        kind="phone",
        place="",
        operating_state="",
        repayment_source="",
        growth_prospects="",
        credit_auth=None,
        credit_auth_on=None,
    )
    assert visits.finalize(draft.id, call).is_final


def test_finalizing_hashes_the_record_and_updates_the_prospect(
    visits: VisitService, book: Book, ctx: Context, clock: Clock
) -> None:
    draft = visits.start_record(book.huaxing)
    final = visits.finalize(draft.id, complete())
    assert final.is_final and len(final.content_hash) == 64 and final.prev_hash == ""
    assert final.finalized_by == "王芳"
    summary = visits.for_prospect(book.huaxing)
    assert summary.last_contact_on == TODAY
    assert summary.next_visit_due == date(2026, 3, 4)  # 2 Feb + 30 days, a Wednesday
    # The record's next visit date became a planned visit.
    assert summary.next_planned is not None
    assert summary.next_planned.visit_on == TODAY + timedelta(days=21)
    assert summary.next_planned.status == "planned"
    # Checklist items covered became the prospect's ticks, each queued for head office.
    assert summary.checklist.done == 2
    assert {json.loads(op.payload)["item_code"] for op in outbox(ctx, "checklist_tick")} == {
        "literacy.products",
        "debt.capacity",
    }
    kinds = [op.kind for op in outbox(ctx, "visit")]
    assert kinds == ["finalize", "plan"]
    # The next record chains to this one.
    clock.advance(days=7)
    second = visits.start_record(book.huaxing)
    second = visits.finalize(second.id, complete(day=TODAY + timedelta(days=7), checklist_items=()))
    assert second.prev_hash == final.content_hash
    # The planned visit moved to the new record's next date instead of a second plan.
    plans = [v for v in visits.for_prospect(book.huaxing).history if v.status == "planned"]
    assert [p.visit_on for p in plans] == [TODAY + timedelta(days=28)]


def test_a_finalized_record_is_never_edited_through_the_service(
    visits: VisitService, book: Book
) -> None:
    final = visits.finalize(visits.start_record(book.huaxing).id, complete())
    for attempt in (
        lambda: visits.save_draft(final.id, complete(purpose="改过的目的")),
        lambda: visits.update_plan(final.id, complete(place="别处")),
        lambda: visits.reschedule(final.id, TODAY - timedelta(days=1)),
        lambda: visits.cancel(final.id),
        lambda: visits.finalize(final.id),
    ):
        with pytest.raises(VisitRefused, match="finalized"):
            attempt()
    assert visits.get(final.id).draft == final.draft


def test_the_database_refuses_to_change_a_finalized_row(
    visits: VisitService, book: Book, ctx: Context
) -> None:
    final = visits.finalize(visits.start_record(book.huaxing).id, complete())
    with (
        pytest.raises(DBAPIError, match="finalized visit cannot be changed"),
        ctx.db.transaction() as s,
    ):
        s.execute(text("UPDATE visits SET purpose = 'x' WHERE id = :id"), {"id": final.id})


def test_an_amendment_corrects_a_record_without_touching_it(
    visits: VisitService, book: Book, ctx: Context, clock: Clock
) -> None:
    original = visits.finalize(visits.start_record(book.huaxing).id, complete())
    clock.advance(hours=3)
    amendment = visits.amend(original.id)
    assert amendment.status == "draft" and amendment.line.amends_id == original.id
    assert amendment.draft.purpose == original.draft.purpose  # starts from what it says
    assert visits.amend(original.id).id == amendment.id  # one open amendment at a time
    with pytest.raises(InvalidVisit) as info:
        visits.finalize(amendment.id, replace(amendment.draft, need_amount_fen=150_000_000))
    assert info.value.fields() == ("amend_reason",)
    done = visits.finalize(
        amendment.id,
        replace(amendment.draft, need_amount_fen=150_000_000, amend_reason="更正融资需求金额"),
    )
    assert done.is_final and done.prev_hash == original.content_hash
    again = visits.get(original.id)
    assert again.draft == original.draft and again.content_hash == original.content_hash
    assert [a.id for a in again.amendments] == [done.id]
    assert [op.kind for op in outbox(ctx, "visit")][-1] == "amend"
    # Amending an amendment amends the original record.
    later = visits.amend(done.id)
    assert later.line.amends_id == original.id
    assert later.draft.need_amount_fen == 150_000_000


def test_an_amendment_that_moves_the_day_moves_the_last_contact(
    visits: VisitService, book: Book, clock: Clock
) -> None:
    original = visits.finalize(visits.start_record(book.huaxing).id, complete())
    amendment = visits.amend(original.id)
    moved = replace(
        amendment.draft,
        visit_on=TODAY - timedelta(days=3),
        credit_auth_on=None,
        credit_auth=False,
        amend_reason="拜访日期记错",
    )
    visits.finalize(amendment.id, moved)
    summary = visits.for_prospect(book.huaxing)
    assert summary.last_contact_on == TODAY - timedelta(days=3)


def test_refresh_due_follows_a_stage_change(visits: VisitService, book: Book, ctx: Context) -> None:
    with ctx.db.transaction() as s:
        s.execute(
            text("UPDATE prospects SET stage = 'dropped' WHERE id = :id"), {"id": book.meijia}
        )
        refresh_due(s, ctx, [book.meijia, book.huaxing])
    with ctx.db.reading() as s:
        dues = dict(s.execute(select(Prospect.id, Prospect.next_visit_due)).all())
    assert dues[book.meijia] is None
    assert dues[book.huaxing] == date(2026, 3, 4)  # created today, never contacted


def test_day_plan_groups_visits_by_district(visits: VisitService, book: Book) -> None:
    day = date(2026, 2, 3)
    visits.plan(book.huaxing, VisitDraft(visit_on=day, start_time="14:00"))
    visits.plan(book.meijia, VisitDraft(visit_on=day, start_time="09:00"))
    visits.plan(book.taoci, VisitDraft(visit_on=day, start_time="16:00"))
    groups = visits.day_plan(day)
    assert [g.name for g in groups] == ["顺德区", "南海区", "禅城区"]
    mine = visits.day_plan(day, [RM1])
    assert sum(len(g.visits) for g in mine) == 2


def test_checklist_ticks_are_kept_per_prospect(
    visits: VisitService, book: Book, ctx: Context
) -> None:
    visits.finalize(visits.start_record(book.huaxing).id, complete())
    progress = visits.checklist_progress(book.huaxing)
    assert (progress.done, progress.total) == (2, 19)
    assert {a.area.code: a.done for a in progress.areas} == {
        "literacy": 1,
        "governance": 0,
        "debt": 1,
        "planning": 0,
    }
    many = visits.checklist_progress_many([book.huaxing, book.meijia])
    assert many == {book.huaxing: (2, 19), book.meijia: (0, 19)}
    # A later visit covering an item again keeps the first tick.
    draft = visits.start_record(book.huaxing)
    visits.finalize(
        draft.id,
        complete(checklist_items=("literacy.products", "planning.renewal"), next_visit_on=None),
    )
    with ctx.db.reading() as s:
        ticks = {t.item_code: t.visit_id for t in s.scalars(select(ChecklistTick))}
    assert len(ticks) == 3 and ticks["planning.renewal"] == draft.id
    with ctx.db.reading() as s:
        assert s.scalar(select(Visit.status).where(Visit.id == draft.id)) == "final"
