"""Counts of finalized visits (revision 0017) and each prospect's first-loan and strategic
moments (revision 0018), kept for the pipeline figures.

The pipeline's visit figures over a 300,000-visit book read every record of the period
(visits by RM) or ask each of 100,000 prospects whether it has one (visits done vs due).
These two small tables hold what those figures need, and SQLite keeps them by triggers on
``visits`` and ``prospects``, so every path that writes a visit or a prospect (the visit
writer, the sync download, the import, the demo's bulk load, a wipe) keeps them without
knowing of them, as it keeps an index:

- ``visit_final_days``: finalized original records (not amendments) per RM and day.
- ``prospect_final_visits``: per prospect with one, its last finalized original record's
  day and how many it has, with the RM the prospect is assigned to and whether it is still
  in the book (a finalized visit outlives its prospect).

Finalized records never change and are removed only with the whole book (the triggers of
revisions 0003 and 0009), so a record is counted when it becomes final and uncounted when
it goes. Each trigger touches these tables by their keys only (never a secondary index of
another table, which a first download may have taken down). A removal can leave
``last_on`` later than the last record still held (``last_on_exact`` 0); the figures then
ask the visits themselves.

``prospect_milestones`` (revision 0018): per prospect that ever moved to first-loan or
strategic, the first such moves (``first_loan_at``, ``strategic_at``), the earlier of the
two (``first_at``: when it became a first-loan customer) and both as microseconds since
1970, kept by triggers on ``stage_events``. The figures read 25,000 rows instead of
grouping 137,000 moves and converting each moment on every reading. A move is added
without reading other moves (a first download adds them with the indexes down); a move
removed or changed has its prospect's moments made again from its moves.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.store.models import Base


class VisitFinalDay(Base):
    """How many finalized original records an RM made on a day ('' for no RM)."""

    __tablename__ = "visit_final_days"
    __table_args__ = ({"sqlite_with_rowid": False},)
    rm_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    visit_on: Mapped[date] = mapped_column(Date, primary_key=True)
    finals: Mapped[int] = mapped_column(Integer)


class ProspectFinalVisits(Base):
    """A prospect's finalized original records: the last one's day and how many."""

    __tablename__ = "prospect_final_visits"
    __table_args__ = (
        # Each RM's prospects by their last record, read from the index alone (visits done).
        Index("ix_prospect_final_visits_rm_last_on", "rm_id", "last_on", "held", "last_on_exact"),
        {"sqlite_with_rowid": False},
    )
    prospect_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The prospect's assigned RM (NULL: the shared pool, or not in the book).
    rm_id: Mapped[str | None] = mapped_column(String(36))
    # The prospect is in the book (not deleted, merged away, or not downloaded yet).
    held: Mapped[bool] = mapped_column(Boolean)
    last_on: Mapped[date] = mapped_column(Date)
    # 0 when a record was removed since ``last_on`` was set: it may be later than the
    # last record held (never earlier).
    last_on_exact: Mapped[bool] = mapped_column(Boolean)
    finals: Mapped[int] = mapped_column(Integer)


_COUNT: Final = (
    "INSERT INTO visit_final_days (rm_id, visit_on, finals) "
    "VALUES (coalesce(NEW.rm_id, ''), NEW.visit_on, 1) "
    "ON CONFLICT (rm_id, visit_on) DO UPDATE SET finals = finals + 1; "
    "INSERT INTO prospect_final_visits "
    "(prospect_id, rm_id, held, last_on, last_on_exact, finals) "
    "SELECT NEW.prospect_id, p.assigned_rm_id, p.id IS NOT NULL, NEW.visit_on, 1, 1 "
    "FROM (SELECT 1) LEFT JOIN prospects p ON p.id = NEW.prospect_id WHERE 1 "
    "ON CONFLICT (prospect_id) DO UPDATE SET finals = finals + 1, "
    "last_on_exact = CASE WHEN excluded.last_on >= last_on THEN 1 ELSE last_on_exact END, "
    "last_on = max(last_on, excluded.last_on); "
)

# Name → CREATE statement, in the order revision 0017 makes them.
TRIGGERS: Final = {
    "visits_final_counted": (
        "CREATE TRIGGER visits_final_counted AFTER INSERT ON visits "
        "WHEN NEW.status = 'final' AND NEW.amends_id IS NULL "
        f"BEGIN {_COUNT}END"
    ),
    "visits_finalized_counted": (
        "CREATE TRIGGER visits_finalized_counted AFTER UPDATE OF status ON visits "
        "WHEN OLD.status != 'final' AND NEW.status = 'final' AND NEW.amends_id IS NULL "
        f"BEGIN {_COUNT}END"
    ),
    "visits_final_uncounted": (
        "CREATE TRIGGER visits_final_uncounted AFTER DELETE ON visits "
        "WHEN OLD.status = 'final' AND OLD.amends_id IS NULL BEGIN "
        "UPDATE visit_final_days SET finals = finals - 1 "
        "WHERE rm_id = coalesce(OLD.rm_id, '') AND visit_on = OLD.visit_on; "
        "DELETE FROM visit_final_days "
        "WHERE rm_id = coalesce(OLD.rm_id, '') AND visit_on = OLD.visit_on AND finals <= 0; "
        "UPDATE prospect_final_visits SET finals = finals - 1, "
        "last_on_exact = CASE WHEN OLD.visit_on >= last_on THEN 0 ELSE last_on_exact END "
        "WHERE prospect_id = OLD.prospect_id; "
        "DELETE FROM prospect_final_visits "
        "WHERE prospect_id = OLD.prospect_id AND finals <= 0; END"
    ),
    "prospects_final_visits_held": (
        "CREATE TRIGGER prospects_final_visits_held AFTER INSERT ON prospects BEGIN "
        "UPDATE prospect_final_visits SET rm_id = NEW.assigned_rm_id, held = 1 "
        "WHERE prospect_id = NEW.id; END"
    ),
    "prospects_final_visits_reassigned": (
        "CREATE TRIGGER prospects_final_visits_reassigned "
        "AFTER UPDATE OF assigned_rm_id ON prospects "
        "WHEN OLD.assigned_rm_id IS NOT NEW.assigned_rm_id BEGIN "
        "UPDATE prospect_final_visits SET rm_id = NEW.assigned_rm_id "
        "WHERE prospect_id = NEW.id; END"
    ),
    "prospects_final_visits_gone": (
        "CREATE TRIGGER prospects_final_visits_gone AFTER DELETE ON prospects BEGIN "
        "UPDATE prospect_final_visits SET held = 0, rm_id = NULL "
        "WHERE prospect_id = OLD.id; END"
    ),
}

# The two tables made again from the visits and prospects (revision 0017, and a check).
REFILL: Final = (
    "DELETE FROM visit_final_days",
    "DELETE FROM prospect_final_visits",
    "INSERT INTO visit_final_days (rm_id, visit_on, finals) "
    "SELECT coalesce(rm_id, ''), visit_on, count(*) FROM visits "
    "WHERE status = 'final' AND amends_id IS NULL GROUP BY coalesce(rm_id, ''), visit_on",
    "INSERT INTO prospect_final_visits "
    "(prospect_id, rm_id, held, last_on, last_on_exact, finals) "
    "SELECT v.prospect_id, p.assigned_rm_id, p.id IS NOT NULL, v.last_on, 1, v.finals "
    "FROM (SELECT prospect_id, max(visit_on) AS last_on, count(*) AS finals FROM visits "
    "WHERE status = 'final' AND amends_id IS NULL GROUP BY prospect_id) v "
    "LEFT JOIN prospects p ON p.id = v.prospect_id",
)


class ProspectMilestones(Base):
    """When a prospect first moved to first-loan and to strategic (stored timestamps)."""

    __tablename__ = "prospect_milestones"
    __table_args__ = ({"sqlite_with_rowid": False},)
    prospect_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    first_loan_at: Mapped[str | None] = mapped_column(String(32))
    strategic_at: Mapped[str | None] = mapped_column(String(32))
    # The earlier of the two: when the prospect became a first-loan customer.
    first_at: Mapped[str | None] = mapped_column(String(32))
    first_us: Mapped[int | None] = mapped_column(BigInteger)
    strategic_us: Mapped[int | None] = mapped_column(BigInteger)


# A stored timestamp in microseconds since 1970 (as crm.store.pipeline_queries reads them).
MICROS: Final = "(unixepoch(substr({0}, 1, 19)) * 1000000 + CAST(substr({0}, 21, 6) AS INTEGER))"


def _milestones_derived(prospect: str) -> str:
    return (
        "UPDATE prospect_milestones SET first_at = CASE WHEN strategic_at < first_loan_at "
        "OR first_loan_at IS NULL THEN strategic_at ELSE first_loan_at END"
        f"{prospect}; "
        f"UPDATE prospect_milestones SET first_us = {MICROS.format('first_at')}, "
        f"strategic_us = {MICROS.format('strategic_at')}{prospect}; "
    )


def _milestones_again(prospect: str) -> str:
    return (
        f"DELETE FROM prospect_milestones WHERE prospect_id = {prospect}; "
        "INSERT INTO prospect_milestones (prospect_id, first_loan_at, strategic_at) "
        f"SELECT {prospect}, min(CASE WHEN to_stage = 'first_loan' THEN changed_at END), "
        "min(CASE WHEN to_stage = 'strategic' THEN changed_at END) FROM stage_events "
        f"WHERE prospect_id = {prospect} AND to_stage IN ('first_loan', 'strategic') "
        "HAVING count(*) > 0; " + _milestones_derived(f" WHERE prospect_id = {prospect}")
    )


_EARLIER = "min(coalesce({0}, excluded.{0}), coalesce(excluded.{0}, {0}))"

# Name → CREATE statement, in the order revision 0018 makes them.
MILESTONE_TRIGGERS: Final = {
    "stage_events_milestones_added": (
        "CREATE TRIGGER stage_events_milestones_added AFTER INSERT ON stage_events "
        "WHEN NEW.to_stage IN ('first_loan', 'strategic') BEGIN "
        "INSERT INTO prospect_milestones (prospect_id, first_loan_at, strategic_at) "
        "VALUES (NEW.prospect_id, "
        "CASE WHEN NEW.to_stage = 'first_loan' THEN NEW.changed_at END, "
        "CASE WHEN NEW.to_stage = 'strategic' THEN NEW.changed_at END) "
        "ON CONFLICT (prospect_id) DO UPDATE SET "
        f"first_loan_at = {_EARLIER.format('first_loan_at')}, "
        f"strategic_at = {_EARLIER.format('strategic_at')}; "
        + _milestones_derived(" WHERE prospect_id = NEW.prospect_id")
        + "END"
    ),
    "stage_events_milestones_removed": (
        "CREATE TRIGGER stage_events_milestones_removed AFTER DELETE ON stage_events "
        "WHEN OLD.to_stage IN ('first_loan', 'strategic') BEGIN "
        + _milestones_again("OLD.prospect_id")
        + "END"
    ),
    "stage_events_milestones_changed": (
        "CREATE TRIGGER stage_events_milestones_changed "
        "AFTER UPDATE OF prospect_id, to_stage, changed_at ON stage_events "
        "WHEN OLD.to_stage IN ('first_loan', 'strategic') "
        "OR NEW.to_stage IN ('first_loan', 'strategic') BEGIN "
        + _milestones_again("OLD.prospect_id")
        + _milestones_again("NEW.prospect_id")
        + "END"
    ),
}

MILESTONES_REFILL: Final = (
    "DELETE FROM prospect_milestones",
    "INSERT INTO prospect_milestones (prospect_id, first_loan_at, strategic_at) "
    "SELECT prospect_id, min(CASE WHEN to_stage = 'first_loan' THEN changed_at END), "
    "min(CASE WHEN to_stage = 'strategic' THEN changed_at END) FROM stage_events "
    "WHERE to_stage IN ('first_loan', 'strategic') GROUP BY prospect_id",
    *(part.strip() for part in _milestones_derived("").split(";") if part.strip()),
)
