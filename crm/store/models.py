"""SQLAlchemy 2 typed models of the local store.

Ids of every synced row are UUIDv7 text made on the device; money is integer fen; rates
are basis points; timestamps are UTC (``UTCDateTime``); calendar days are ``date``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from crm.store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STAGES = ("no_loan", "first_loan", "strategic", "dropped")
KINDS = ("enterprise", "individual")
ROLES = ("rm", "lead", "admin")
LOAN_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def _id() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True)


class AppMeta(Base):
    """Small key/value facts about this device's database (current user, clock, device id)."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[str] = _id()
    name: Mapped[str] = mapped_column(String(100), unique=True)
    branch: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="role"),
        # Unique so that SQLite knows reading RMs in this order, and each RM's prospects by
        # ix_prospects_rm_name, gives the list sorted by RM without sorting it.
        Index("ix_users_display_name", "display_name", "id", unique=True),
    )
    id: Mapped[str] = _id()
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    team: Mapped[Team | None] = relationship()


class District(Base):
    """Administrative divisions the book uses (county level, GB/T 2260 six-digit codes)."""

    __tablename__ = "districts"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(80), default="")


class Prospect(Base):
    __tablename__ = "prospects"
    __table_args__ = (
        CheckConstraint(f"stage IN {STAGES}", name="stage"),
        CheckConstraint(f"kind IN {KINDS}", name="kind"),
        CheckConstraint(
            "registered_capital_fen IS NULL OR registered_capital_fen >= 0",
            name="capital_not_negative",
        ),
        # Lists sorted by name are sorted by the pinyin sort key (revision 0014): the
        # whole book, one RM's, one stage's, each read in index order a page at a time.
        # The whole book's carries the search row and the RM (revision 0019): a walk that
        # keeps a search's matches or a lead's scope tests each row from the index alone.
        Index("ix_prospects_sort_key", "sort_key", "id", "search_rowid", "assigned_rm_id"),
        Index("ix_prospects_rm_sort_key", "assigned_rm_id", "sort_key", "id"),
        # One RM's book by last contact stops after a page instead of sorting every match.
        Index("ix_prospects_rm_last_contact", "assigned_rm_id", "last_contact_on"),
        Index("ix_prospects_stage_sort_key", "stage", "sort_key"),
        # A prospect's entry and RM looked up by id from the index alone (the pipeline
        # figures join events, lists and loans to their prospect; revision 0011).
        Index("ix_prospects_id_created_rm", "id", "created_at", "assigned_rm_id"),
    )
    id: Mapped[str] = _id()
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # Normalised name (half-width, no spaces, folded brackets): the dedupe key when a
    # list has no USCC.
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    # The short name (简称) shown where space is tight, made from the name
    # (crm.domain.short_name) unless an RM wrote their own ("short_name" in edited_fields).
    short_name: Mapped[str | None] = mapped_column(String(200))
    # The name's pinyin, then the name (crm.domain.pinyin.sort_key): lists sort by it.
    sort_key: Mapped[str | None] = mapped_column(String(800))
    kind: Mapped[str] = mapped_column(String(16), default="enterprise")
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    district_code: Mapped[str | None] = mapped_column(String(6), index=True)
    street: Mapped[str] = mapped_column(String(100), default="")
    industry_code: Mapped[str | None] = mapped_column(String(2), index=True)
    registered_capital_fen: Mapped[int | None] = mapped_column(Integer)
    established_on: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(16), default="no_loan")
    stage_changed_at: Mapped[datetime]
    assigned_rm_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    last_contact_on: Mapped[date | None] = mapped_column(Date, index=True)
    # When the next contact is due by the stage's cadence (kept by the visits service).
    next_visit_due: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    # Fields an RM changed by hand (space-separated names): imports never overwrite them.
    edited_fields: Mapped[str] = mapped_column(Text, default="")
    # This prospect's rowid in the full-text index (local only; see crm/store/search.py).
    search_rowid: Mapped[int | None] = mapped_column(Integer, unique=True)
    # Incremented on every change; the sync protocol sends it as an op's base version.
    version: Mapped[int] = mapped_column(Integer, default=1)

    assigned_rm: Mapped[User | None] = relationship()
    tags: Mapped[list[ProspectTag]] = relationship(
        cascade="all, delete-orphan", order_by="ProspectTag.tag_code"
    )
    contacts: Mapped[list[Contact]] = relationship(
        cascade="all, delete-orphan", order_by="Contact.created_at"
    )
    sources: Mapped[list[SourceMembership]] = relationship(
        cascade="all, delete-orphan", order_by="SourceMembership.added_at"
    )
    stage_events: Mapped[list[StageEvent]] = relationship(
        cascade="all, delete-orphan", order_by="StageEvent.changed_at"
    )
    loans: Mapped[list[Loan]] = relationship(
        cascade="all, delete-orphan", order_by="Loan.start_date"
    )


class ProspectTag(Base):
    __tablename__ = "prospect_tags"
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), primary_key=True
    )
    tag_code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[str] = _id()
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class SourceMembership(Base):
    """One prospect, several source lists: each list it was found on is a membership."""

    __tablename__ = "source_memberships"
    __table_args__ = (
        UniqueConstraint("prospect_id", "source_code"),
        # A list's members in order, from the index alone (revision 0011).
        Index("ix_source_memberships_source_prospect", "source_code", "prospect_id"),
    )
    id: Mapped[str] = _id()
    prospect_id: Mapped[str] = mapped_column(ForeignKey("prospects.id", ondelete="CASCADE"))
    source_code: Mapped[str] = mapped_column(String(40), index=True)
    added_at: Mapped[datetime]
    external_ref: Mapped[str] = mapped_column(String(100), default="")


class StageEvent(Base):
    __tablename__ = "stage_events"
    # A prospect's moves into a stage, and when, from the index alone (revision 0011).
    __table_args__ = (
        Index("ix_stage_events_prospect_stage", "prospect_id", "to_stage", "changed_at"),
    )
    id: Mapped[str] = _id()
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str] = mapped_column(String(40), default="")
    reason_text: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime]

    user: Mapped[User | None] = relationship()


class Assignment(Base):
    """Who held a prospect before whom: reassignments are history, not overwrites."""

    __tablename__ = "assignments"
    id: Mapped[str] = _id()
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    from_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    assigned_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")


class Loan(Base):
    __tablename__ = "loans"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("rate_bp >= 0", name="rate_not_negative"),
        CheckConstraint("maturity_date >= start_date", name="maturity_after_start"),
        CheckConstraint(
            "status IN ('active', 'repaid', 'overdue', 'renewed', 'not_renewed')", name="status"
        ),
        CheckConstraint("balance_fen IS NULL OR balance_fen >= 0", name="balance_not_negative"),
        CheckConstraint(f"classification IN {LOAN_CLASSES}", name="classification"),
        # The active loans maturing by a day, in maturity order (renewals due), without
        # reading the closed ones.
        Index("ix_loans_status_maturity_date", "status", "maturity_date"),
    )
    id: Mapped[str] = _id()
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    product_code: Mapped[str] = mapped_column(String(40), default="")
    amount_fen: Mapped[int] = mapped_column(Integer)
    rate_bp: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    maturity_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime]
    # The credit line granted, when the loan draws on one (may exceed the amount drawn).
    credit_line_fen: Mapped[int | None] = mapped_column(Integer)
    # How it is repaid: a code of the catalogue's repayment options (equal_installments, …).
    repayment_mode: Mapped[str] = mapped_column(String(24), default="")
    # What is still owed; None until a first repayment (then the whole amount was owed).
    balance_fen: Mapped[int | None] = mapped_column(Integer)
    # A renewal (续贷) is a new loan linked to the one it replaces.
    renewed_from_id: Mapped[str | None] = mapped_column(ForeignKey("loans.id"), index=True)
    # How the loan ended at maturity (renewed, repaid, not_renewed) and why, in words.
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime | None]
    # Five-category classification (crm.domain.loan_classes): normal when recorded, changed
    # by a reclassification on a day, by someone.
    classification: Mapped[str] = mapped_column(String(16), default="normal")
    classified_on: Mapped[date | None] = mapped_column(Date)
    classified_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class OutboxOp(Base):
    """A change waiting to reach head office, written in the same transaction as the change."""

    __tablename__ = "outbox"
    # Local order of the queue; never synced, so an integer is fine here.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int | None] = mapped_column(Integer)
    hlc: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]


# Feature tables live in their own modules; importing them here puts them in the metadata
# that Alembic and the schema test compare against.
from crm.store import (  # noqa: E402, F401
    models_attachments,
    models_audit,
    models_import,
    models_pipeline,
    models_plans,
    models_products,
    models_sync,
    models_visit,
)
