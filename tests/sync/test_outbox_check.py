"""The client checks every outbox op against the protocol's models (crm.sync.protocol, the
ones head office parses every pushed op through) before it goes up: an op that does not fit
is not sent, becomes a local conflict with the reason, and the ops behind it still go up."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select, update

from crm.domain.ids import new_id
from crm.headoffice.models import AppliedOp, Record
from crm.store import outbox
from crm.store.models import OutboxOp
from crm.store.models_sync import SyncConflict
from crm.sync import protocol as P
from tests.sync.harness import Device, Server


def _loan_as_text(pid: str) -> tuple[str, str, str, dict[str, Any], str]:
    payload = {
        "prospect_id": pid,
        "amount_fen": "12.5万",  # an amount is integer fen
        "rate_bp": 385,
        "start_date": "2026-06-01",
        "maturity_date": "2027-06-01",
        "product_code": "basic_credit",
    }
    return "loan", new_id(), "create", payload, "amount_fen"


def _stage_nowhere(pid: str) -> tuple[str, str, str, dict[str, Any], str]:
    return "prospect", pid, "stage", {"from": "no_loan", "to": "won"}, "to"


@pytest.mark.parametrize("bad_op", [_loan_as_text, _stage_nowhere], ids=["loan", "stage"])
def test_an_op_that_does_not_fit_is_a_local_conflict_not_sent_and_blocks_nothing(
    device: Any, server: Server, bad_op: Any
) -> None:
    a: Device = device("wangfang")
    a.sign_in()
    a.run()
    pid = a.create("佛山市禅城区祖庙五金店")
    a.run()

    entity, entity_id, kind, payload, place = bad_op(pid)
    with a.db.transaction() as s:
        # Through the store's one outbox writer, as any use case queues a change.
        bad = outbox.record(
            s,
            a.clock(),
            entity=entity,
            entity_id=entity_id,
            kind=kind,
            payload=payload,
            base_version=None,
        ).op_id
    # Ops behind the bad one: a new prospect and an edit of the first.
    other = a.create("佛山市南海区桂城陶瓷贸易部")
    detail = a.prospects.get(pid)
    form = detail.draft()
    form.phone = "13900139000"
    a.prospects.update(pid, form, expected_version=detail.version)
    queued = [op.op_id for op in a.outbox()]
    assert len(queued) == 3 and queued[0] == bad

    summary = a.run()

    assert (summary.pushed, summary.applied, summary.rejected) == (2, 2, 1)
    assert a.outbox() == []
    # Not sent: head office never saw the op, and holds no trace of it.
    with server.ho.store.read() as s:
        assert s.scalars(select(AppliedOp).where(AppliedOp.op_id == bad)).first() is None
        if entity == "loan":
            assert s.get(Record, ("loan", entity_id)) is None
        else:
            assert json.loads(s.get(Record, ("prospect", pid)).data)["stage"] == "no_loan"
        # The ops behind it went up.
        assert s.get(Record, ("prospect", other)) is not None
        assert json.loads(s.get(Record, ("prospect", pid)).data)["phone"] == "13900139000"
        sent = set(s.scalars(select(AppliedOp.op_id)))
    assert set(queued[1:]) <= sent

    # A conflict on the page the user sees, with the protocol's reason.
    [conflict] = a.sync.conflicts()
    assert (conflict.entity, conflict.entity_id, conflict.kind) == (entity, entity_id, kind)
    assert (conflict.outcome, conflict.code) == ("rejected", P.R_INVALID)
    assert conflict.title == "佛山市禅城区祖庙五金店"
    assert conflict.local == payload
    assert conflict.server is None
    shown = str(conflict.message)
    assert shown.startswith("The change does not fit the sync protocol")
    assert f"invalid {entity} {kind} payload: {place}:" in shown
    with a.db.reading() as s:
        reason = json.loads(s.scalars(select(SyncConflict.reason)).one())
    assert reason["invalid_fields"] == [place]
    assert reason["sent"] is False

    # Nothing is left to go up: the next sync sends nothing and finds the counts equal.
    again = a.run()
    assert (again.pushed, again.rejected, again.counts_ok) == (0, 0, True)
    a.sync.resolve(conflict.id, "dismiss")
    assert a.sync.conflicts() == []


def test_an_op_whose_payload_is_not_json_is_a_conflict_too(device: Any, server: Server) -> None:
    a: Device = device("wangfang")
    a.sign_in()
    a.run()
    pid = a.create("佛山市顺德区容桂电器配件厂")
    with a.db.transaction() as s:
        # A payload damaged on disk (the writer itself only writes JSON).
        s.execute(update(OutboxOp).where(OutboxOp.entity_id == pid).values(payload="{broken"))
    other = a.create("佛山市三水区西南家具店")

    summary = a.run()

    assert (summary.pushed, summary.rejected) == (1, 1)
    assert a.outbox() == []
    [conflict] = a.sync.conflicts()
    assert (conflict.entity_id, conflict.kind, conflict.code) == (pid, "create", P.R_INVALID)
    assert conflict.local == {"value": "{broken"}
    assert "payload: not JSON" in str(conflict.message)
    with server.ho.store.read() as s:
        assert s.get(Record, ("prospect", pid)) is None
        assert s.get(Record, ("prospect", other)) is not None
