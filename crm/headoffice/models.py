"""Head office's own tables (separate metadata from the desktop store).

A generic record store carries every synced entity (entity, id, owner, team, JSON data,
per-field HLCs, version, deleted), so new kinds of records (visits, checklist ticks) flow
without a schema change here; prospects get entity-specific rules in ``prospects.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Bumped with every change to these tables; ``db.migrate`` runs the steps in between.
SCHEMA_VERSION = 5
SEQ_COUNTER = "seq"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCStamp(TypeDecorator[datetime]):
    """Timestamps in UTC on both databases (SQLite returns them naive: they are UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)
        return stamp


def _ts() -> Mapped[datetime]:
    return mapped_column(UTCStamp())


class Meta(Base):
    """Facts about this head office: schema version, epoch (changes when the data is reset)."""

    __tablename__ = "ho_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Counter(Base):
    """The change-log sequence: updated inside every write transaction, so the row lock
    orders writers and commit order equals seq order on SQLite and PostgreSQL alike."""

    __tablename__ = "ho_counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class HoTeam(Base):
    __tablename__ = "ho_teams"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    branch: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = _ts()


class HoUser(Base):
    __tablename__ = "ho_users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # rm / lead / admin
    team_id: Mapped[str | None] = mapped_column(ForeignKey("ho_teams.id"), index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    # scrypt$n$r$p$salt$hash (hex); empty: cannot sign in.
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Wrong passwords since the last sign-in or lockout (attempts in flight count too),
    # the last one's time, and how many lockouts in a row (each doubles the next; schema 3).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failed_at: Mapped[datetime | None] = _ts()
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = _ts()
    created_at: Mapped[datetime] = _ts()


class SignInCount(Base):
    """Sign-in attempts counted per client address, and per user name head office does not
    have (counted as a real user's are): kept in the database, so a restart forgets none
    (schema 3)."""

    __tablename__ = "ho_sign_in_counts"
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # "address" / "name"
    subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = _ts()
    updated_at: Mapped[datetime] = mapped_column(UTCStamp(), index=True)


class Device(Base):
    __tablename__ = "ho_devices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("ho_users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    # sha256 of the random token: a stolen database does not give working tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    registered_at: Mapped[datetime] = _ts()
    last_seen_at: Mapped[datetime | None] = _ts()
    revoked_at: Mapped[datetime | None] = _ts()


class Record(Base):
    """Every synced row, whatever its entity."""

    __tablename__ = "ho_records"
    __table_args__ = (
        Index("ix_ho_records_walk", "ord", "id"),
        Index("ix_ho_records_owner", "owner_id", "ord", "id"),
        Index("ix_ho_records_team", "team_id", "ord", "id"),
        # The shared pool's part of a snapshot walks this one (schema 2).
        Index("ix_ho_records_pool_walk", "pool", "ord", "id"),
    )
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    ord: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[str | None] = mapped_column(String(36))
    team_id: Mapped[str | None] = mapped_column(String(36))
    prospect_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # Readable by everyone: the shared pool, the user directory, reference data.
    pool: Mapped[bool] = mapped_column(Boolean, default=False)
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    data: Mapped[str] = mapped_column(Text)
    # {field: HLC text} of the edit that set each field (last writer wins per field).
    hlcs: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts()


class Change(Base):
    """The change log devices pull from: who could see the record before and after."""

    __tablename__ = "ho_changes"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    prev_owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    prev_team_id: Mapped[str | None] = mapped_column(String(36))
    pool: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = _ts()


class AppliedOp(Base):
    """Every op a device pushed, with its result: a retried push answers from here."""

    __tablename__ = "ho_applied_ops"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)
    applied_at: Mapped[datetime] = _ts()


class Audit(Base):
    """Who did what as administrator (never customer data: ids and counts only)."""

    __tablename__ = "ho_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = _ts()
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
