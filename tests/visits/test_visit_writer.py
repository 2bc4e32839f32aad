"""The visit writer's contract: each write head office must see queues exactly one outbox
op, stamped later than the op before it, in the write's own transaction; drafts queue
nothing; the prospect writer of the same transaction ticks the same clock."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

from sqlalchemy import select
from visit_helpers import RM1, TODAY, Book, Clock, complete

from crm.domain.hlc import HLC
from crm.domain.visits import VisitDraft
from crm.services.context import Context
from crm.services.visits import VisitService
from crm.store import meta
from crm.store.models import OutboxOp, Prospect
from crm.store.models_visit import Visit
from crm.store.prospect_writer import ProspectWriter
from crm.store.visit_writer import VisitWriter


@dataclass(frozen=True)
class Op:
    seq: int
    entity: str
    entity_id: str
    kind: str
    payload: dict[str, object]
    hlc: HLC


class Queue:
    """The outbox as a test reads it: what each write added since the last look."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.seen: list[Op] = []

    def all(self) -> list[Op]:
        with self.ctx.db.reading() as s:
            return [
                Op(r.seq, r.entity, r.entity_id, r.kind, json.loads(r.payload), HLC.parse(r.hlc))
                for r in s.execute(select(OutboxOp).order_by(OutboxOp.seq)).scalars()
            ]

    def new(self) -> list[tuple[str, str]]:
        """(entity, kind) of the ops queued since the last call, each stamped later than
        the one before it (and than every op queued earlier)."""
        ops = self.all()
        assert ops[: len(self.seen)] == self.seen, "queued ops never change"
        fresh = ops[len(self.seen) :]
        for before, after in pairwise(ops):
            assert after.hlc > before.hlc, (before, after)
        self.seen = ops
        return [(op.entity, op.kind) for op in fresh]

    def last_stamp(self) -> str:
        with self.ctx.db.reading() as s:
            stamp = meta.get(s, meta.HLC_KEY)
        assert stamp is not None
        return stamp


def test_each_visit_write_queues_one_op_stamped_after_the_last(
    visits: VisitService, book: Book, ctx: Context, clock: Clock
) -> None:
    queue = Queue(ctx)
    assert queue.new() == [("prospect", "create")] * 3  # the book's prospects

    plan = visits.plan(book.huaxing, VisitDraft(visit_on=TODAY + timedelta(days=3)))
    assert queue.new() == [("visit", "plan")]
    visits.reschedule(plan.id, TODAY + timedelta(days=4), "10:00")
    assert queue.new() == [("visit", "reschedule")]
    visits.reschedule(plan.id, TODAY + timedelta(days=4), "10:00")
    assert queue.new() == []  # nothing changed, nothing sent

    # A record is the RM's own until it is finalized.
    record = visits.start_record(book.huaxing, TODAY)
    visits.save_draft(record.id, complete())
    assert queue.new() == []

    # Finalizing writes the record, two ticks and moves the planned visit: one op each.
    visits.finalize(record.id)
    assert queue.new() == [
        ("visit", "finalize"),
        ("checklist_tick", "tick"),
        ("checklist_tick", "tick"),
        ("visit", "reschedule"),
    ]
    assert queue.last_stamp() == str(queue.seen[-1].hlc)

    # An amendment, finalized while the wall clock has stepped back an hour.
    amendment = visits.amend(record.id)
    assert queue.new() == []
    clock.advance(hours=-1)
    visits.finalize(
        amendment.id,
        complete(
            amend_reason="补记一项",
            next_visit_on=None,
            checklist_items=("literacy.products", "debt.capacity", "literacy.credit_report"),
        ),
    )
    assert queue.new() == [("visit", "amend"), ("checklist_tick", "tick")]

    # A record whose next visit nothing is planned for yet: a new plan.
    other = visits.start_record(book.meijia, TODAY, kind="phone")
    visits.finalize(other.id, complete(kind="phone", checklist_items=()))
    assert queue.new() == [("visit", "finalize"), ("visit", "plan")]

    visits.cancel(plan.id)
    assert queue.new() == [("visit", "cancel")]
    assert queue.last_stamp() == str(queue.seen[-1].hlc)


def test_one_transaction_of_the_writers_ticks_one_clock(ctx: Context, book: Book) -> None:
    """The visit writer and the prospect writer of a transaction stamp their ops from the
    same clock, saved once at `finish`; the next transaction carries on after it."""
    queue = Queue(ctx)
    queue.new()
    for n in range(2):
        with ctx.db.transaction() as s:
            p = s.get(Prospect, book.huaxing)
            assert p is not None
            prospects = ProspectWriter(s, ctx.now(), RM1, ctx.zone)
            writer = VisitWriter(s, ctx.now(), RM1, ctx.zone, prospects)
            first = writer.plan(p, RM1, VisitDraft(visit_on=TODAY + timedelta(days=2)))
            prospects.tag(p, f"key{n}")
            second = writer.plan(p, RM1, VisitDraft(visit_on=TODAY + timedelta(days=9)))
            writer.update_plan(second, VisitDraft(visit_on=TODAY + timedelta(days=10)))
            writer.cancel(first)
            writer.finish()
        assert queue.new() == [
            ("visit", "plan"),
            ("prospect", "update"),
            ("visit", "plan"),
            ("visit", "reschedule"),
            ("visit", "cancel"),
        ]
        assert queue.last_stamp() == str(queue.seen[-1].hlc)
    with ctx.db.reading() as s:
        left = s.scalars(select(Visit.visit_on).where(Visit.prospect_id == book.huaxing))
        assert sorted(left) == [TODAY + timedelta(days=10)] * 2


def test_a_rolled_back_write_queues_nothing(ctx: Context, book: Book) -> None:
    queue = Queue(ctx)
    queue.new()
    stamp = queue.last_stamp()
    try:
        with ctx.db.transaction() as s:
            p = s.get(Prospect, book.huaxing)
            assert p is not None
            writer = VisitWriter(s, ctx.now(), RM1, ctx.zone)
            writer.plan(p, RM1, VisitDraft(visit_on=TODAY + timedelta(days=2)))
            writer.finish()
            raise RuntimeError("the use case failed after the write")
    except RuntimeError:
        pass
    assert queue.new() == []
    assert queue.last_stamp() == stamp
