"""A strategic client's service plan (crm.domain.service_plans): one per customer, keyed by
the prospect, so every device and head office hold the same record for it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.store.models import Base

PLAN_STATUSES = ("draft", "active", "under_review", "closed")


class ServicePlan(Base):
    __tablename__ = "service_plans"
    __table_args__ = (
        CheckConstraint(f"status IN {PLAN_STATUSES}", name="status"),
        # The open plans whose review has come (Today, `crm visits due`), by day.
        Index("ix_service_plans_status_review_on", "status", "review_on"),
    )
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), primary_key=True
    )
    # The products and services to provide: codes separated by spaces (service areas of
    # crm.domain.service_plans, or catalogue products), as a list of words travels.
    items: Mapped[str] = mapped_column(Text, default="")
    # The RM who owns the plan.
    rm_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    review_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    notes: Mapped[str] = mapped_column(Text, default="")
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
