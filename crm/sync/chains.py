"""At each sync, before anything else goes up: the chains of finalized visits this book holds
short of the head head office confirmed (``visit_chain_heads``, from earlier syncs) are
reported to head office, which checks them against its own records, notes them in its audit
trail and answers ``chain_gap`` naming the records this book lacks. The answer becomes a
conflict here (shown on the conflicts page and by ``crm sync status``) and a line of the
sync's summary; a gap already answered and not yet resolved is not reported again.

A book that lost the last record of a chain cannot tell from the chain itself: the records
left still check. Nor does the next record finalized here, chained to the record before the
one lost, show it. Checked before the push, the gap is found whatever comes next.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crm.domain.errors import Message
from crm.domain.ids import new_id
from crm.store import meta, sync_state, visit_queries
from crm.store.engine import Database
from crm.sync import errors
from crm.sync import protocol as P
from crm.sync.client import HeadOfficeClient


@dataclass(frozen=True)
class ChainGapFound:
    """A gap head office confirmed: the prospect and the records this book lacks."""

    prospect_id: str
    missing: tuple[str, ...]
    held: int
    here: int

    def message(self) -> Message:
        return errors.conflict_message(
            P.R_CHAIN_GAP,
            {"missing": list(self.missing), "held": self.held, "here": self.here},
        )


def report_gaps(
    db: Database, client: HeadOfficeClient, clock: Callable[[], datetime]
) -> list[ChainGapFound]:
    """Report the chains this book holds short of head office's confirmed head; returns
    the gaps head office confirmed (each now an open conflict)."""
    now = clock()
    with db.transaction() as s:
        conn = s.connection()
        reported = visit_queries.reported_chain_gaps(conn)
        gaps = [g for g in visit_queries.chain_gaps(conn) if g.prospect_id not in reported]
        if not gaps:
            return []
        hlc = meta.Clock(s, now)
        ops: list[dict[str, Any]] = []
        for gap in gaps:
            end = visit_queries.chain_end(conn, gap.prospect_id)
            payload = {
                "prospect_id": gap.prospect_id,
                "head_id": gap.head_id,
                "head_hash": gap.head_hash,
                "here_id": end[0] if end else None,
                "here_hash": end[1] if end else None,
                "here_count": gap.here,
            }
            ops.append(
                {
                    "op_id": new_id(),
                    "entity": P.VISIT_CHAIN,
                    "entity_id": gap.prospect_id,
                    "kind": "report",
                    "payload": payload,
                    "base_version": None,
                    "hlc": hlc.tick(),
                    "created_at": now.isoformat(timespec="microseconds"),
                }
            )
        hlc.save()
    found: list[ChainGapFound] = []
    for start in range(0, len(ops), P.PUSH_BATCH):
        batch = ops[start : start + P.PUSH_BATCH]
        results = client.push(batch).get("results")
        if not isinstance(results, list) or len(results) != len(batch):
            raise errors.server_failed(502)
        with db.transaction() as s:
            for sent, result in zip(batch, results, strict=True):
                if result.get("code") != P.R_CHAIN_GAP:
                    continue
                missing = tuple(str(m) for m in result.get("missing") or ())
                confirmed = ChainGapFound(
                    sent["entity_id"],
                    missing,
                    int(result.get("held") or 0),
                    int(result.get("here") or 0),
                )
                sync_state.add_conflict(
                    s,
                    op_id=sent["op_id"],
                    entity=P.VISIT_CHAIN,
                    entity_id=confirmed.prospect_id,
                    kind="report",
                    outcome="rejected",
                    code=P.R_CHAIN_GAP,
                    reason=json.dumps(
                        {
                            "missing": list(missing),
                            "held": confirmed.held,
                            "here": confirmed.here,
                        },
                        ensure_ascii=False,
                    ),
                    local_payload=json.dumps(sent["payload"], ensure_ascii=False),
                    server_payload="",
                    created_at=now,
                )
                found.append(confirmed)
    return found
