"""The acting user of a context as the roles policy (crm.domain.roles) sees them.

Read afresh in each use case's own session: a role or team that changed at head office is
in force from the sync that brought it, and three small reads by key cost nothing beside
the use case itself.
"""

from __future__ import annotations

from typing import Final

from crm.domain.roles import Acting
from crm.services.context import Context, NotFound
from crm.store import meta, pipeline_queries, prospect_reads, user_queries
from crm.store.unit_of_work import Session

# The head-office user this book is signed in as (crm.sync.engine.USER_KEY): set, the
# roles bind (crm.domain.roles).
SIGNED_IN_KEY: Final = "sync.user_id"


def acting_in(s: Session, actor_id: str | None) -> Acting:
    """``actor_id``'s role and team (None: nobody acting, see crm.domain.roles)."""
    if actor_id is None:
        return Acting.nobody()
    user = user_queries.person(s, actor_id)
    if user is None:
        raise NotFound("user", actor_id)
    if meta.get(s, SIGNED_IN_KEY) is None:
        return Acting.unbound(user.id, user.role, user.team_id)
    members = pipeline_queries.team_members(s, user.team_id) if user.team_id else []
    return Acting.user(user.id, user.role, user.team_id, members)


def check_prospect_in(s: Session, actor_id: str | None, prospect_id: str) -> None:
    """NotFound for a prospect not in the book; refused (crm.domain.roles) for one outside
    the acting user's scope. For the use cases that reach a prospect through something of
    its own (a loan, a visit's file, its facts) rather than through the prospect service."""
    p = prospect_reads.plain(s, prospect_id)
    if p is None:
        raise NotFound("prospect", prospect_id)
    acting_in(s, actor_id).check_sees(p.assigned_rm_id)


def acting(ctx: Context) -> Acting:
    """The context's acting user, read in a session of its own."""
    with ctx.db.reading() as s:
        return acting_in(s, ctx.actor_id)
