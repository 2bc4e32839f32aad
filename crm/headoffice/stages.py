"""Stage changes are commands ``{from, to, reason}``: head office checks each against its
own current stage (someone else may have moved the prospect meanwhile) and the domain's
gates (``check_move``: a first-loan customer needs a recorded loan, a strategic client the
criteria head office publishes and a service plan in force), then appends the event to the
prospect's history under the device's event id, so the device's history and head office's
stay one record."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crm.domain.errors import DomainError
from crm.domain.service_plans import counts_for_gate
from crm.domain.stages import Stage, StageFacts, StrategicCriteria, check_move
from crm.domain.strategic_criteria import parse_criteria
from crm.headoffice.db import Tx
from crm.headoffice.errors import Rejected
from crm.headoffice.merge import applied, touch
from crm.headoffice.models import Record
from crm.headoffice.scope import Actor
from crm.headoffice.wire import iso
from crm.sync import protocol as P

ZONE = ZoneInfo("Asia/Shanghai")
log = logging.getLogger(__name__)


def change_stage(
    tx: Tx, actor: Actor, op: P.Op, command: P.StageChange, rec: Record
) -> dict[str, Any]:
    data = json.loads(rec.data)
    current = data.get("stage")
    wanted = command.to
    if command.from_ != current:
        raise Rejected(
            P.R_STAGE,
            "the stage was changed meanwhile",
            record=rec,
            current=current,
            wanted=wanted,
        )
    try:
        check_move(
            Stage(current),
            Stage(wanted),
            facts(tx, rec.id),
            criteria(tx),
            reason_code=command.reason_code or None,
            reason_text=command.reason or "",
        )
    except (DomainError, ValueError) as exc:
        params = getattr(exc, "params", {})
        raise Rejected(
            P.R_STAGE_RULE,
            getattr(exc, "template", str(exc)),
            record=rec,
            params={k: str(v) for k, v in params.items()},
        ) from exc
    at = op.created_at or iso(tx.now)
    data["stage"] = wanted
    data["stage_changed_at"] = at
    history = list(data.get("history") or [])
    history.append(
        event(
            command.event_id or op.op_id,
            current,
            wanted,
            command.reason_code or "",
            command.reason or "",
            actor.user_id,
            at,
        )
    )
    data["history"] = history
    hlcs = json.loads(rec.hlcs)
    hlcs["stage"] = op.hlc
    touch(tx, rec, data, hlcs)
    return applied(op, rec)


def facts(tx: Tx, prospect_id: str) -> StageFacts:
    """What the gates look at: the prospect's loans as head office has them."""
    loans = [
        json.loads(text)
        for text in tx.session.scalars(
            select(Record.data).where(
                Record.entity == "loan",
                Record.prospect_id == prospect_id,
                Record.deleted.is_(False),
            )
        )
    ]
    starts = [date.fromisoformat(lo["start_date"]) for lo in loans if lo.get("start_date")]
    return StageFacts(
        loan_count=len(loans),
        first_loan_date=min(starts, default=None),
        total_credit_fen=sum(int(lo.get("amount_fen") or 0) for lo in loans),
        today=tx.now.astimezone(ZONE).date(),
        active_plan=_plan_in_force(tx, prospect_id),
    )


def _plan_in_force(tx: Tx, prospect_id: str) -> bool:
    """Whether the customer's service plan, as head office has it, counts for the gate."""
    data = tx.session.execute(
        select(Record.data).where(
            Record.entity == "service_plan",
            Record.prospect_id == prospect_id,
            Record.deleted.is_(False),
        )
    ).scalar()
    if data is None:
        return False
    status = json.loads(data).get("status")
    return isinstance(status, str) and counts_for_gate(status)


def criteria(tx: Tx) -> StrategicCriteria:
    """The strategic-client criteria: as published (reference ``criteria``), else the
    defaults shipped with the app. A stored document that cannot be read (published before
    publishing checked it) falls back to the defaults and is logged: a device's stage change
    is judged, never answered with an error."""
    data = tx.session.execute(
        select(Record.data).where(
            Record.entity == "reference", Record.id == "criteria", Record.deleted.is_(False)
        )
    ).scalar_one_or_none()
    if data is not None:
        try:
            return parse_criteria(json.loads(data).get("document"))
        except (DomainError, ValueError, AttributeError) as exc:
            log.warning("the published criteria cannot be read, the defaults apply: %s", exc)
    from crm import resources

    return parse_criteria(resources.stage_rules())


def event(
    event_id: str,
    from_stage: str | None,
    to_stage: str,
    reason_code: str,
    reason: str,
    by: str | None,
    at: str,
) -> dict[str, Any]:
    """One entry of a prospect's stage history."""
    return {
        "id": event_id,
        "from": from_stage,
        "to": to_stage,
        "reason_code": reason_code,
        "reason": reason,
        "by": by,
        "at": at,
    }
