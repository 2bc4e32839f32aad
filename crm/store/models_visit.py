"""Visits, contact cadence, financial-literacy checklists and holiday calendars."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.store.models import Base

VISIT_STATUSES = ("planned", "draft", "final")


class Visit(Base):
    """A planned, drafted or finalized visit; a finalized one is never changed again."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(f"status IN {VISIT_STATUSES}", name="status"),
        CheckConstraint("need_amount_fen IS NULL OR need_amount_fen >= 0", name="need_amount"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    rm_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    kind: Mapped[str] = mapped_column(String(16), default="site")  # site / phone / online
    visit_on: Mapped[date] = mapped_column(Date, index=True)
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
    due_diligence: Mapped[str] = mapped_column(Text, default="")  # JSON list of item codes
    credit_auth: Mapped[bool | None] = mapped_column(Boolean)
    credit_auth_on: Mapped[date | None] = mapped_column(Date)
    next_steps: Mapped[str] = mapped_column(Text, default="")
    next_visit_on: Mapped[date | None] = mapped_column(Date)
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    finalized_at: Mapped[datetime | None]
    finalized_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)


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
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), primary_key=True
    )
    item_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))
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
