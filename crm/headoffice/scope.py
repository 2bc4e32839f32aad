"""Who a request acts for and what that user may see and change: an RM their own book, a
team lead their team's, an administrator everything; the shared pool is readable by all
and changes hands by claim only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, true

from crm.headoffice.models import Change, Record


@dataclass(frozen=True)
class Actor:
    """Who a request acts for: the device's user, with the scope that follows."""

    user_id: str
    role: str
    team_id: str | None
    device_id: str


def can_see(actor: Actor, owner_id: str | None, team_id: str | None, pool: bool) -> bool:
    if actor.role == "admin" or pool or owner_id == actor.user_id:
        return True
    return actor.role == "lead" and team_id is not None and team_id == actor.team_id


def can_write(actor: Actor, rec: Record) -> bool:
    """Pool records change by claim only; otherwise as can_see."""
    if actor.role == "admin":
        return True
    if rec.pool:
        return False
    return can_see(actor, rec.owner_id, rec.team_id, False)


def record_scope(actor: Actor) -> ColumnElement[bool]:
    """The records the actor may see, as one condition."""
    if actor.role == "admin":
        return true()
    clauses = [Record.pool.is_(True), Record.owner_id == actor.user_id]
    if actor.role == "lead" and actor.team_id:
        clauses.append(Record.team_id == actor.team_id)
    return or_(*clauses)


def scope_parts(actor: Actor) -> list[ColumnElement[bool]]:
    """``record_scope`` as disjoint parts, each walkable on one index in (ord, id) order:
    own book (owner, ord, id), team (team, ord, id), shared pool (pool, ord, id)."""
    if actor.role == "admin":
        return [true()]
    not_mine = or_(Record.owner_id.is_(None), Record.owner_id != actor.user_id)
    parts: list[ColumnElement[bool]] = [Record.owner_id == actor.user_id]
    pool = and_(Record.pool == true(), not_mine)
    if actor.role == "lead" and actor.team_id:
        parts.append(and_(Record.team_id == actor.team_id, not_mine))
        not_team = or_(Record.team_id.is_(None), Record.team_id != actor.team_id)
        pool = and_(pool, not_team)
    parts.append(pool)
    return parts


def change_scope(actor: Actor) -> ColumnElement[bool]:
    """The change-log rows the actor pulls: records in scope before or after the change."""
    if actor.role == "admin":
        return true()
    clauses = [
        Change.pool.is_(True),
        Change.owner_id == actor.user_id,
        Change.prev_owner_id == actor.user_id,
    ]
    if actor.role == "lead" and actor.team_id:
        clauses += [Change.team_id == actor.team_id, Change.prev_team_id == actor.team_id]
    return or_(*clauses)
