"""Records changing hands or going away: reassignment (to an RM or back to the shared pool)
and deletion. A device's claim, a team lead's assign and delete ops, and head office's own
administration all come here.

The change rows name the previous owner and team, so the devices that held a record pull a
``remove`` (reassigned away) or a ``delete`` and drop it.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from crm.headoffice import chains
from crm.headoffice.db import Tx
from crm.headoffice.models import HoUser, Record
from crm.headoffice.wire import dumps


def reassign(tx: Tx, rec: Record, user: HoUser | None, hlc: str) -> None:
    """Give a prospect (and its children) to ``user`` (None: back to the shared pool)."""
    prev_owner, prev_team, was_pool = rec.owner_id, rec.team_id, rec.pool
    owner = user.id if user else None
    team = user.team_id if user else None
    pool = user is None
    data = json.loads(rec.data)
    hlcs = json.loads(rec.hlcs)
    data["rm_id"] = owner
    hlcs["rm_id"] = hlc
    rec.owner_id, rec.team_id, rec.pool = owner, team, pool
    rec.data, rec.hlcs = dumps(data), dumps(hlcs)
    rec.version += 1
    rec.updated_at = tx.now
    rec.seq = tx.log(
        "prospect",
        rec.id,
        owner,
        team,
        prev_owner_id=prev_owner,
        prev_team_id=prev_team,
        pool=pool or was_pool,
    )
    for child in tx.session.scalars(
        select(Record)
        .where(Record.prospect_id == rec.id, Record.entity != "prospect")
        .order_by(Record.ord, Record.id)
    ):
        child.owner_id, child.team_id, child.pool = owner, team, pool
        child.updated_at = tx.now
        child.seq = tx.log(
            child.entity,
            child.id,
            owner,
            team,
            prev_owner_id=prev_owner,
            prev_team_id=prev_team,
            pool=pool or was_pool,
        )


def delete(tx: Tx, rec: Record) -> None:
    """Delete wins: the record and its children are gone for every device, but for a
    prospect's finalized visits and their chain head (evidence: ``chains.kept_on_delete``)."""
    targets = [rec]
    if rec.entity == "prospect":
        targets += [
            child
            for child in tx.session.scalars(
                select(Record).where(
                    Record.prospect_id == rec.id,
                    Record.entity != "prospect",
                    Record.deleted.is_(False),
                )
            )
            if not chains.kept_on_delete(child)
        ]
    for target in targets:
        target.deleted = True
        target.version += 1
        target.updated_at = tx.now
        target.seq = tx.log(
            target.entity, target.id, target.owner_id, target.team_id, pool=target.pool
        )
