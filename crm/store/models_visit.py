"""Visits, contact cadence, financial-literacy checklists and holiday calendars."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm.store.models import Base, Prospect

VISIT_STATUSES = ("planned", "draft", "final")
VISIT_KINDS = ("site", "phone", "online")
# Refuses any change to a finalized visit, whoever asks (revision 0003 creates it).
IMMUTABLE_TRIGGER = "visits_final_is_immutable"
# Refuses the removal of a finalized visit, whoever asks (revision 0009 creates it; only
# wiping a revoked device's book drops it for the moment of the wipe: ``KEPT_TRIGGER_SQL``).
KEPT_TRIGGER = "visits_final_is_kept"
KEPT_TRIGGER_SQL = (
    f"CREATE TRIGGER {KEPT_TRIGGER} BEFORE DELETE ON visits "
    "WHEN OLD.status = 'final' "
    "BEGIN SELECT RAISE(ABORT, 'a finalized visit cannot be deleted'); END"
)
# Refuses to delete a prospect with finalized visits that was not archived first (0009).
ARCHIVE_FIRST_TRIGGER = "prospects_archived_before_delete"
# Why a prospect's finalized visits were archived.
ARCHIVE_REASONS = ("deleted", "merged", "import_undone", "head_office")


class Visit(Base):
    """A planned, drafted or finalized visit; a finalized one is never changed again."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(f"status IN {VISIT_STATUSES}", name="status"),
        CheckConstraint(f"kind IN {VISIT_KINDS}", name="kind"),
        CheckConstraint("need_amount_fen IS NULL OR need_amount_fen >= 0", name="need_amount"),
        # An RM's calendar: a month of some RMs' visits is one range scan, and the days'
        # counts and first visits are read from the index alone.
        Index("ix_visits_rm_visit_on", "rm_id", "visit_on", "start_time", "amends_id", "id"),
        # Visits planned or drafted and not finalized, by day (Today's overdue list): the
        # few open ones, not the hundreds of thousands of final records.
        Index(
            "ix_visits_open_visit_on",
            "visit_on",
            "status",
            sqlite_where=text("status != 'final'"),
        ),
        # Amendments of a record (few).
        Index("ix_visits_amends_id", "amends_id", sqlite_where=text("amends_id IS NOT NULL")),
        # Whether a prospect has a finalized record in a period, from the index alone (the
        # pipeline's visits done vs due; revision 0011).
        Index(
            "ix_visits_final_prospect",
            "prospect_id",
            "visit_on",
            "status",
            "amends_id",
            sqlite_where=text("status = 'final' AND amends_id IS NULL"),
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # No foreign key: a finalized visit outlives its prospect (deleted, merged into another,
    # or gone from this book), which is then in ``archived_prospects``. Triggers keep the
    # rest (revision 0009): a prospect's planned and draft visits go with it, and a prospect
    # with finalized visits cannot be deleted before it is archived.
    prospect_id: Mapped[str] = mapped_column(String(36), index=True)
    rm_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    kind: Mapped[str] = mapped_column(String(16), default="site")  # site / phone / online
    # No index of its own: by RM (ix_visits_rm_visit_on) or open ones (ix_visits_open_visit_on).
    visit_on: Mapped[date] = mapped_column(Date)
    start_time: Mapped[str] = mapped_column(String(5), default="")  # HH:MM, user's zone
    place: Mapped[str] = mapped_column(String(300), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    companions: Mapped[str] = mapped_column(Text, default="")
    people_met: Mapped[str] = mapped_column(Text, default="")
    operating_state: Mapped[str] = mapped_column(Text, default="")
    repayment_source: Mapped[str] = mapped_column(Text, default="")
    growth_prospects: Mapped[str] = mapped_column(Text, default="")
    need_amount_fen: Mapped[int | None] = mapped_column(Integer)
    need_purpose: Mapped[str] = mapped_column(Text, default="")
    need_timing: Mapped[str] = mapped_column(String(100), default="")
    # Item codes, sorted and space-separated (resources/data/due_diligence.json).
    due_diligence: Mapped[str] = mapped_column(Text, default="")
    # Financial-literacy checklist items covered in this visit, likewise.
    checklist_items: Mapped[str] = mapped_column(Text, default="")
    credit_auth: Mapped[bool | None] = mapped_column(Boolean)
    credit_auth_on: Mapped[date | None] = mapped_column(Date)
    next_steps: Mapped[str] = mapped_column(Text, default="")
    next_visit_on: Mapped[date | None] = mapped_column(Date)
    # An amendment points at the original record it corrects, and says why.
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"))
    amend_reason: Mapped[str] = mapped_column(Text, default="")
    # SHA-256 of prev_hash and the content (crm.domain.visits.chain_hash); "" until final.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    finalized_at: Mapped[datetime | None]
    finalized_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)


class ArchivedProspect(Base):
    """A prospect that left this book while it had finalized visits: what an auditor needs
    to read those visits (who the enterprise was), why it left and when."""

    __tablename__ = "archived_prospects"
    __table_args__ = (
        CheckConstraint(f"reason IN {ARCHIVE_REASONS}", name="reason"),
        # The prospects merged into one (its page lists their visits too).
        Index(
            "ix_archived_prospects_merged_into",
            "merged_into",
            sqlite_where=text("merged_into IS NOT NULL"),
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str | None] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(200))
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    stage: Mapped[str] = mapped_column(String(16))
    rm_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(16))
    # The prospect it was merged into (reason "merged").
    merged_into: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime]
    archived_by: Mapped[str | None] = mapped_column(String(36))


class VisitChainHead(Base):
    """The head of a prospect's chain of finalized visits as head office last confirmed it
    (the sync download's ``visit_chain`` records): the last record, its hash and how many
    records the chain holds. A book whose chain lost its last record no longer has it, which
    nothing in the chain itself shows (``crm visits verify`` compares against this)."""

    __tablename__ = "visit_chain_heads"
    # The prospect's id (head office keys the record by it).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    prospect_id: Mapped[str] = mapped_column(String(36))
    head_id: Mapped[str] = mapped_column(String(36))
    head_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    confirmed_at: Mapped[datetime | None]


class ChecklistArea(Base):
    """One of the four areas of the financial-literacy checklist (head office data)."""

    __tablename__ = "checklist_areas"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ChecklistItem(Base):
    """An item of a financial-literacy checklist template (head office data)."""

    __tablename__ = "checklist_items"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    area: Mapped[str] = mapped_column(String(40), index=True)
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChecklistTick(Base):
    """An item covered with a prospect, and the visit where it was covered."""

    __tablename__ = "checklist_ticks"
    # Items covered and the last one's time per prospect, from the index alone.
    __table_args__ = (Index("ix_checklist_ticks_prospect_ticked", "prospect_id", "ticked_at"),)
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), primary_key=True
    )
    item_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    visit_id: Mapped[str | None] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    ticked_at: Mapped[datetime]
    ticked_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class CadenceRule(Base):
    """How often a stage is visited; defaults from resources, replaceable by head office."""

    __tablename__ = "cadence_rules"
    stage: Mapped[str] = mapped_column(String(16), primary_key=True)
    every_days: Mapped[int] = mapped_column(Integer)
    # Days after the first drawdown for the post-loan visit (first-loan customers).
    first_after_days: Mapped[int | None] = mapped_column(Integer)


class HolidayYear(Base):
    """A year's public holidays and make-up working days published by head office."""

    __tablename__ = "holiday_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # JSON: {"holidays": [...], "workdays": [...]}
    source: Mapped[str] = mapped_column(String(100), default="")
    published_at: Mapped[datetime]


# An RM's prospects by due date (Today's "no contact for longer than the cadence" list):
# stage and id too, so the list and its count are read from the index alone.
Index(
    "ix_prospects_rm_next_visit_due",
    Prospect.__table__.c.assigned_rm_id,
    Prospect.__table__.c.next_visit_due,
    Prospect.__table__.c.stage,
    Prospect.__table__.c.id,
)
# First-loan customers of some RMs with the day they became one (stalled checklists),
# read from the index alone.
Index(
    "ix_prospects_stage_rm_since",
    Prospect.__table__.c.stage,
    Prospect.__table__.c.assigned_rm_id,
    Prospect.__table__.c.stage_changed_at,
    Prospect.__table__.c.id,
)
