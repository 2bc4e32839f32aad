"""The finalized-visit counts (revision 0017) and stage milestones (0018) SQLite keeps by
triggers (crm.store.models_pipeline), against the records themselves: whatever path wrote a
visit, a move or a prospect (the visit writer, an amendment, a reassignment, a move back, a
deletion, a removed record, a bulk load, a visit arriving before its prospect, the
upgrade), the kept tables equal a refill from the records, and the pipeline's figures equal
those counted from the records as before those revisions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from report_helpers import RM1, RM2, RM3, Clock, complete
from sqlalchemy import text
from sqlalchemy.orm import Session

from crm.demo.builder import build_demo
from crm.domain.clock import SHANGHAI
from crm.services.container import Services, open_services
from crm.services.loans import LoanDraft
from crm.store import pipeline_queries as q
from crm.store.engine import Database
from crm.store.indexes_down import put_back_indexes
from crm.store.migrate import downgrade, upgrade
from crm.store.models_pipeline import (
    MICROS,
    MILESTONE_TRIGGERS,
    MILESTONES_REFILL,
    REFILL,
    TRIGGERS,
)
from crm.store.models_visit import KEPT_TRIGGER, KEPT_TRIGGER_SQL
from crm.store.replica import take_down_indexes
from crm.store.sync_state import wipe_book
from tests.reports.test_pipeline_report import END, START, Book

# The figures as they were counted from the visits before revision 0017: the oracle.
_CONTACT_FROM_VISITS = (
    "SELECT p.assigned_rm_id, "
    "sum(c), sum(c OR coalesce(p.next_visit_due <= :end, 0)), "
    "sum(coalesce(p.next_visit_due < :today, 0)), "
    "sum(c OR coalesce(p.next_visit_due <= :last, 0)) FROM (SELECT p.*, EXISTS "
    "(SELECT 1 FROM visits v WHERE v.prospect_id = p.id AND v.status = 'final' "
    "AND v.amends_id IS NULL AND v.visit_on >= :start AND v.visit_on <= :end) AS c "
    "FROM prospects p) p GROUP BY p.assigned_rm_id"
)
_VISITS_FROM_VISITS = (
    "SELECT rm_id, count(*) FROM visits WHERE status = 'final' AND amends_id IS NULL "
    "AND visit_on >= :start AND visit_on <= :end GROUP BY rm_id"
)
# Reach, conversion by list and new loan customers as counted from the stage moves before
# revision 0018: the oracle of the milestones.
_FIRST = (
    "CASE WHEN r.strategic_at < r.first_loan_at OR r.first_loan_at IS NULL "
    "THEN r.strategic_at ELSE r.first_loan_at END"
)
_REACH_FROM_MOVES = (
    f"SELECT {MICROS.format('x.first')} - {MICROS.format('x.created_at')}, "
    f"CASE WHEN x.strategic_at < :before THEN {MICROS.format('x.strategic_at')} - "
    f"{MICROS.format('x.first')} END, "
    "x.first >= :from0 AND x.first < :to0, "
    "x.first >= :from1 AND x.first < :to1 AND NOT (x.first >= :from0 AND x.first < :to0), "
    f"x.rm FROM (SELECT {_FIRST} AS first, r.strategic_at, p.created_at, "
    "p.assigned_rm_id AS rm FROM (SELECT e.prospect_id AS id, "
    "min(CASE WHEN e.to_stage = 'first_loan' THEN e.changed_at END) AS first_loan_at, "
    "min(CASE WHEN e.to_stage = 'strategic' THEN e.changed_at END) AS strategic_at "
    "FROM stage_events e WHERE e.to_stage IN ('first_loan', 'strategic') "
    "GROUP BY e.prospect_id) r JOIN prospects p ON p.id = r.id) x WHERE x.first < :before"
)
_BY_SOURCE_FROM_MOVES = (
    "WITH won AS (SELECT DISTINCT prospect_id AS id FROM stage_events "
    "WHERE to_stage IN ('first_loan', 'strategic') AND changed_at < :before) "
    "SELECT m.source_code, p.assigned_rm_id, count(*), count(w.id) FROM source_memberships m "
    "JOIN prospects p ON p.id = m.prospect_id LEFT JOIN won w ON w.id = m.prospect_id "
    "WHERE p.created_at < :before GROUP BY m.source_code, p.assigned_rm_id"
)
_NEW_FROM_MOVES = (
    "SELECT p.assigned_rm_id, EXISTS (SELECT 1 FROM stage_events e WHERE e.prospect_id = n.id "
    "AND e.to_stage IN ('first_loan', 'strategic')) FROM (SELECT prospect_id AS id "
    "FROM loans GROUP BY prospect_id HAVING min(start_date) >= :start "
    "AND min(start_date) <= :end) n JOIN prospects p ON p.id = n.id"
)
PERIODS = (
    (START, END),
    (date(2025, 12, 1), END),
    (START, date(2026, 6, 5)),  # P2's last record (10 June) is after the end
    (date(2026, 6, 11), END),
    (date(2025, 1, 1), date(2025, 12, 31)),
)
SCOPES: tuple[tuple[str, ...] | None, ...] = (None, (RM1,), (RM1, RM2), (RM3,))


Rows = list[tuple[Any, ...]]


def kept(s: Session) -> tuple[Rows, Rows]:
    days = s.execute(text("SELECT * FROM visit_final_days ORDER BY 1, 2")).all()
    prospects = s.execute(text("SELECT * FROM prospect_final_visits ORDER BY 1")).all()
    return [tuple(r) for r in days], [tuple(r) for r in prospects]


def milestones(s: Session) -> Rows:
    return [tuple(r) for r in s.execute(text("SELECT * FROM prospect_milestones ORDER BY 1"))]


def refilled(db: Database) -> tuple[tuple[Rows, Rows], Rows]:
    """The tables as REFILL and MILESTONES_REFILL make them from the records (rolled back
    after reading)."""
    with db.reading() as s:
        for sql in (*REFILL, *MILESTONES_REFILL):
            s.execute(text(sql))
        return kept(s), milestones(s)


def assert_kept_as_refilled(db: Database) -> None:
    with db.reading() as s:
        now = kept(s), milestones(s)
    assert now == refilled(db)


def from_visits(
    s: Session, rms: tuple[str, ...] | None, start: date, end: date, today: date
) -> tuple[list[q.RmContact], dict[str | None, int]]:
    days = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "today": today.isoformat(),
        "last": max(end, today).isoformat(),
    }
    contact = [
        q.RmContact(rm, int(done), int(due), int(late))
        for rm, done, due, late, shown in s.execute(text(_CONTACT_FROM_VISITS), days)
        if shown and (rms is None or rm in rms)
    ]
    visits = {
        rm: int(n)
        for rm, n in s.execute(text(_VISITS_FROM_VISITS), days)
        if rms is None or rm in rms
    }
    return sorted(contact, key=str), visits


def _stamp(day: date) -> str:
    return q.stamp(datetime.combine(day, time(0), SHANGHAI))


def from_moves(
    s: Session, rms: tuple[str, ...] | None, start: date, end: date
) -> tuple[q.Reach, dict[str, tuple[int, int]], tuple[int, int]]:
    since, before = _stamp(start), _stamp(end + timedelta(days=1))
    earlier = (_stamp(start.replace(year=start.year - 1)), since)
    rows = [
        r[:4]
        for r in s.execute(
            text(_REACH_FROM_MOVES),
            {"before": before, "from0": since, "to0": before, "from1": earlier[0], "to1": since},
        )
        if rms is None or r[4] in rms
    ]
    reach = q.Reach(
        sorted(r[0] for r in rows),
        sorted(r[1] for r in rows if r[1] is not None),
        (sum(r[2] for r in rows), sum(r[3] for r in rows)),
    )
    sources: dict[str, tuple[int, int]] = {}
    for code, rm, n, won in s.execute(text(_BY_SOURCE_FROM_MOVES), {"before": before}):
        if rms is None or rm in rms:
            had = sources.get(code, (0, 0))
            sources[code] = (had[0] + n, had[1] + won)
    new = [
        won
        for rm, won in s.execute(
            text(_NEW_FROM_MOVES), {"start": start.isoformat(), "end": end.isoformat()}
        )
        if rms is None or rm in rms
    ]
    return reach, sources, (len(new), sum(new))


def assert_figures_as_from_visits(db: Database, today: date) -> None:
    """The figures over visits and over stage moves, as counted from the records."""
    with db.reading() as s:
        for start, end in PERIODS:
            for rms in SCOPES:
                since, before = _stamp(start), _stamp(end + timedelta(days=1))
                spans = ((since, before), (_stamp(start.replace(year=start.year - 1)), since))
                reach = q.reach(s, rms, before, spans)
                got_moves = (
                    q.Reach(
                        sorted(reach.first_loan_us), sorted(reach.strategic_us), reach.in_spans
                    ),
                    q.by_source(s, rms, before),
                    q.new_loan_customers(s, rms, start, end),
                )
                assert got_moves == from_moves(s, rms, start, end), (start, end, rms)
                expected = from_visits(s, rms, start, end, today)
                got = (
                    sorted(q.contact_by_rm(s, rms, start, end, today), key=str),
                    q.visits_by_rm(s, rms, start, end),
                )
                assert got == expected, (start, end, rms)


def test_the_hand_built_book_keeps_its_counts(services: Services, book: Book, db: Database) -> None:
    assert_kept_as_refilled(db)
    with db.reading() as s:
        days, prospects = kept(s)
    # P2 (20 Dec, 10 June), P4 (15 March), P1 (1 June); P7's draft is not counted.
    assert sum(n for _, _, n in days) == 4
    by_prospect = {r[0]: r for r in prospects}
    assert set(by_prospect) == {book.p["P1"], book.p["P2"], book.p["P4"]}
    assert by_prospect[book.p["P2"]][1:] == (RM1, 1, "2026-06-10", 1, 2)
    assert by_prospect[book.p["P4"]][1:] == (RM2, 1, "2026-03-15", 1, 1)
    assert_figures_as_from_visits(db, END)
    with db.reading() as s:
        # P2 contacted in June, P1 too; P3 never visited, due by now.
        june = {r.rm_id: r for r in q.contact_by_rm(s, (RM1,), date(2026, 6, 1), END, END)}
        assert june[RM1].done == 2


def test_an_amendment_is_not_counted_and_a_reassigned_prospect_moves(
    services: Services, book: Book, db: Database, clock: Clock
) -> None:
    with db.reading() as s:
        p1_record = s.execute(
            text("SELECT id FROM visits WHERE prospect_id = :p AND status = 'final'"),
            {"p": book.p["P1"]},
        ).scalar_one()
    amendment = services.visits.amend(p1_record)
    services.visits.finalize(
        amendment.id, complete(date(2026, 6, 1), next_visit_on=None, amend_reason="地址更正")
    )
    services.prospects.assign([book.p["P2"]], RM2)
    # P1 back to first-loan: a later move there leaves its first one.
    services.prospects.change_stage(book.p["P1"], "first_loan", None, "战略客户方案到期未续")
    assert_kept_as_refilled(db)
    with db.reading() as s:
        rm = s.execute(
            text("SELECT rm_id FROM prospect_final_visits WHERE prospect_id = :p"),
            {"p": book.p["P2"]},
        ).scalar_one()
        assert rm == RM2
        assert s.execute(text("SELECT sum(finals) FROM visit_final_days")).scalar_one() == 4
        p1 = s.execute(
            text("SELECT first_loan_at FROM prospect_milestones WHERE prospect_id = :p"),
            {"p": book.p["P1"]},
        ).scalar_one()
        assert p1.startswith("2025-01-1")
    assert_figures_as_from_visits(db, END)


def test_a_deleted_prospect_and_a_removed_record_leave_the_figures_right(
    services: Services, book: Book, db: Database
) -> None:
    services.prospects.delete(book.p["P4"], "重复录入")
    with db.reading() as s:
        held = s.execute(
            text("SELECT held, rm_id FROM prospect_final_visits WHERE prospect_id = :p"),
            {"p": book.p["P4"]},
        ).one()
    assert tuple(held) == (0, None)
    assert_figures_as_from_visits(db, END)

    # Only a wipe removes finalized records (the trigger is dropped for it): P2's last one
    # goes, so its kept day is later than its last record and the figures ask the records.
    with db.transaction() as s:
        s.execute(text(f"DROP TRIGGER {KEPT_TRIGGER}"))
        s.execute(
            text("DELETE FROM visits WHERE prospect_id = :p AND visit_on = '2026-06-10'"),
            {"p": book.p["P2"]},
        )
        s.execute(text(KEPT_TRIGGER_SQL))
    with db.reading() as s:
        row = s.execute(
            text(
                "SELECT last_on, last_on_exact, finals FROM prospect_final_visits "
                "WHERE prospect_id = :p"
            ),
            {"p": book.p["P2"]},
        ).one()
    assert tuple(row) == ("2026-06-10", 0, 1)
    assert_figures_as_from_visits(db, END)

    with db.transaction() as s:
        wipe_book(s.connection())
    with db.reading() as s:
        assert kept(s) == ([], [])


def test_a_visit_arriving_before_its_prospect_counts_once_the_prospect_comes(
    services: Services, book: Book, db: Database
) -> None:
    """A download may store a prospect's records before the prospect (or bring back one
    deleted here): the prospect's RM and presence follow it in."""
    new_id = "0190f000-0000-7000-8000-0000000000ee"
    with db.transaction() as s:
        columns = [r[1] for r in s.execute(text("PRAGMA table_info(visits)"))]
        copied = ", ".join(
            {"id": "'0190f000-0000-7000-8000-0000000000ef'", "prospect_id": ":new"}.get(c, c)
            for c in columns
        )
        s.execute(
            text(
                f"INSERT INTO visits ({', '.join(columns)}) SELECT {copied} FROM visits "
                "WHERE prospect_id = :p AND status = 'final'"
            ),
            {"new": new_id, "p": book.p["P4"]},
        )
        assert s.execute(
            text("SELECT held FROM prospect_final_visits WHERE prospect_id = :p"), {"p": new_id}
        ).scalar_one() in (0, False)
        columns = [r[1] for r in s.execute(text("PRAGMA table_info(prospects)"))]
        copied = ", ".join(
            {"id": ":new", "name": "name || '二'", "search_rowid": "NULL"}.get(c, c)
            for c in columns
        )
        s.execute(
            text(
                f"INSERT INTO prospects ({', '.join(columns)}) SELECT {copied} FROM prospects "
                "WHERE id = :p"
            ),
            {"new": new_id, "p": book.p["P4"]},
        )
    with db.reading() as s:
        row = s.execute(
            text("SELECT held, rm_id FROM prospect_final_visits WHERE prospect_id = :p"),
            {"p": new_id},
        ).one()
    assert tuple(row) == (1, RM2)
    assert_kept_as_refilled(db)
    assert_figures_as_from_visits(db, END)


def test_the_upgrade_fills_the_counts_from_the_visits(
    services: Services, book: Book, db: Database
) -> None:
    with db.reading() as s:
        before = kept(s), milestones(s)
    assert before[1]
    downgrade(db, "0015")
    with db.reading() as s:
        triggers = set(s.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    assert not {(name,) for name in (*TRIGGERS, *MILESTONE_TRIGGERS)} & triggers
    upgrade(db)
    with db.reading() as s:
        assert (kept(s), milestones(s)) == before
        made = dict(
            s.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        )
    # The revision makes the triggers the model module describes (and the wipe relies on).
    every = {**TRIGGERS, **MILESTONE_TRIGGERS}
    assert {name: made.get(name) for name in every} == every


def test_a_demo_book_loaded_in_bulk_keeps_its_counts(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    build_demo(path, prospects=300, seed=5, encrypted=False)
    services = open_services(path)
    try:
        db = services.ctx.db
        with db.reading() as s:
            days, prospects = kept(s)
        assert days and prospects
        # Set aside for the load and made again at its end.
        assert {*TRIGGERS, *MILESTONE_TRIGGERS} <= _triggers(db)
        assert_kept_as_refilled(db)
        assert_figures_as_from_visits(db, services.ctx.today())
    finally:
        services.close()


def _triggers(db: Database) -> set[str]:
    with db.reading() as s:
        rows = s.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        return {str(r[0]) for r in rows}


def test_a_load_with_the_indexes_down_sets_the_counts_aside_and_makes_them_again(
    services: Services, book: Book, db: Database
) -> None:
    """A first download takes the indexes down with the counts' triggers; what it stores
    meanwhile is counted when the indexes come back, even in a later transaction (a
    download that stopped part-way, made whole before the next sync)."""
    every = {*TRIGGERS, *MILESTONE_TRIGGERS}
    with db.transaction() as s:
        assert take_down_indexes(s.connection()) > 0
    assert not every & _triggers(db)
    services.visits.finalize(
        services.visits.start_record(book.p["P3"], END).id, complete(END, next_visit_on=None)
    )
    services.loans.record(book.p["P7"], LoanDraft(100_000_00, 385, END, date(2027, 6, 14), "basic"))
    services.prospects.change_stage(book.p["P7"], "first_loan")
    with db.reading() as s:
        assert (
            s.execute(
                text("SELECT count(*) FROM prospect_final_visits WHERE prospect_id = :p"),
                {"p": book.p["P3"]},
            ).scalar_one()
            == 0
        )
    with db.transaction() as s:
        put_back_indexes(s.connection())
    assert every <= _triggers(db)
    assert_kept_as_refilled(db)
    with db.reading() as s:
        assert book.p["P3"] in {r[0] for r in kept(s)[1]}
        assert book.p["P7"] in {r[0] for r in milestones(s)}
    assert_figures_as_from_visits(db, END)
