"""What the product matching reads of a prospect: its business facts (each with when and by
whom it was last confirmed) and the non-credit services it already holds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.store.models import Base


class ProspectFact(Base):
    """One business fact of a prospect (annual invoicing, tax credit grade, …): its value
    as JSON text, so a fact keeps its type (a number, a date, a flag, a grade)."""

    __tablename__ = "prospect_facts"
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    confirmed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]


class HeldService(Base):
    """A non-credit relationship service the customer holds (settlement account, payroll
    agency, card acquiring, online banking): what a no-loan prospect is offered next."""

    __tablename__ = "held_services"
    __table_args__ = (UniqueConstraint("prospect_id", "service_code"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    service_code: Mapped[str] = mapped_column(String(40))
    since: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
