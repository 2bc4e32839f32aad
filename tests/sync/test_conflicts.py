"""The conflict policy, end to end through a real head office."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from crm.domain.errors import DomainError
from crm.domain.prospect import ProspectDraft
from crm.domain.roles import NOT_ALLOWED
from crm.store.models import StageEvent
from tests.sync.harness import Device, Server


def _two_devices(device) -> tuple[Device, Device, str]:
    a: Device = device("wangfang", name="laptop")
    b: Device = device("wangfang", name="tablet")
    for d in (a, b):
        d.sign_in()
        d.run()
    pid = a.create("佛山市南海区桂城鸿运五金制品厂", phone="13800138000")
    a.run()
    b.run()
    assert b.prospect(pid) is not None
    return a, b, pid


def _edit(d: Device, pid: str, **values: object) -> None:
    detail = d.prospects.get(pid)
    draft = detail.draft()
    for key, value in values.items():
        setattr(draft, key, value)
    d.prospects.update(pid, draft)


def _server_data(server: Server, pid: str) -> dict:
    from crm.headoffice.models import Record

    with server.ho.store.read() as s:
        return json.loads(s.get(Record, ("prospect", pid)).data)


def test_offline_edits_of_different_fields_both_survive(device, server):
    a, b, pid = _two_devices(device)
    _edit(a, pid, phone="13900139000")
    _edit(b, pid, address="佛山市南海区桂城街道南海大道1号")
    a.run()
    b.run()
    a.run()
    for d in (a, b):
        p = d.prospect(pid)
        assert p.phone == "13900139000"
        assert p.address == "佛山市南海区桂城街道南海大道1号"
    data = _server_data(server, pid)
    assert data["phone"] == "13900139000" and data["address"].endswith("南海大道1号")


def test_same_field_later_hybrid_clock_wins_everywhere(device, server):
    a, b, pid = _two_devices(device)
    _edit(a, pid, notes="earlier note from the laptop")
    time.sleep(0.005)
    _edit(b, pid, notes="later note from the tablet")
    # The later edit reaches head office first; the earlier one must not overwrite it.
    b.run()
    summary = a.run()
    assert summary.merged == 1
    b.run()
    for d in (a, b):
        assert d.prospect(pid).notes == "later note from the tablet"
    assert _server_data(server, pid)["notes"] == "later note from the tablet"
    conflicts = a.sync.conflicts()
    assert [c.outcome for c in conflicts] == ["merged"]
    assert conflicts[0].local["fields"]["notes"] == "earlier note from the laptop"
    assert conflicts[0].server["notes"] == "later note from the tablet"


def test_concurrent_stage_moves_one_applies_one_conflicts_and_later_ops_flow(device, server):
    a, b, pid = _two_devices(device)
    a.prospects.change_stage(pid, "dropped", "no_need", "客户暂无融资需求")
    b.prospects.change_stage(pid, "dropped", "other_bank", "已在他行获得授信")
    _edit(b, pid, owner_name="李四")  # a later op behind the refused one
    a.run()
    summary = b.run()
    assert summary.rejected == 1 and summary.applied == 1
    assert b.outbox() == []
    conflicts = b.sync.conflicts()
    assert len(conflicts) == 1 and conflicts[0].code == "stage_conflict"
    a.run()
    for d in (a, b):
        p = d.prospect(pid)
        assert p.stage == "dropped" and p.owner_name == "李四"
        with d.db.reading() as s:
            reasons = [
                e.reason_code
                for e in s.scalars(
                    select(StageEvent).where(
                        StageEvent.prospect_id == pid, StageEvent.to_stage == "dropped"
                    )
                )
            ]
        assert reasons == ["no_need"]


def test_delete_wins_over_an_offline_edit(device, server):
    a, b, pid = _two_devices(device)
    _edit(b, pid, notes="edited while head office deleted it")
    server.admin.delete_prospect(pid)
    summary = b.run()
    assert summary.rejected == 1
    assert b.prospect(pid) is None
    a.run()
    assert a.prospect(pid) is None
    assert [c.code for c in b.sync.conflicts()] == ["deleted"]


def test_duplicate_uscc_is_answered_with_duplicate_of(device, server, people):
    from crm.domain.uscc import make_uscc

    code = make_uscc("9", "1", "440604", "MA4UQ0001").value
    a: Device = device("wangfang")
    c: Device = device("liqiang")
    for d in (a, c):
        d.sign_in()
        d.run()
    first = a.create("佛山市禅城区甲公司", uscc=code)
    a.run()
    c.create("佛山市禅城区甲公司（重复录入）", uscc=code)
    summary = c.run()
    assert summary.rejected == 1
    [conflict] = c.sync.conflicts()
    assert conflict.code == "duplicate_uscc"
    with c.db.reading() as s:
        from crm.store.models_sync import SyncConflict

        reason = json.loads(s.scalars(select(SyncConflict.reason)).one())
    assert reason["duplicate_of"] == first
    # Accepting head office's answer removes the local-only duplicate.
    c.sync.resolve(conflict.id, "accept_server")
    assert c.sync.conflicts() == []


def test_a_finalized_visit_never_changes_at_head_office(device, server):
    a: Device = device("wangfang")
    a.sign_in()
    a.run()
    pid = a.create("佛山市三水区乙农场")
    from crm.services.outbox import record

    vid = "0190f000-0000-7000-8000-0000000000aa"
    with a.db.transaction() as s:
        for kind, payload in (
            (
                "finalize",
                {
                    "prospect_id": pid,
                    "status": "final",
                    "visit_on": "2026-06-15",
                    "kind": "site",
                    "purpose": "首次走访",
                },
            ),
            ("reschedule", {"visit_on": "2026-06-20"}),
        ):
            record(
                s,
                a.ctx,
                entity="visit",
                entity_id=vid,
                kind=kind,
                payload=payload,
                base_version=None,
            )
    summary = a.run()
    assert summary.applied == 2 and summary.rejected == 1
    assert a.sync.conflicts()[0].code == "finalized"
    from crm.store.models_visit import Visit

    with a.db.reading() as s:
        v = s.get(Visit, vid)
        assert v.status == "final" and v.visit_on.isoformat() == "2026-06-15"


def test_draft_fields_are_rejected_on_creating_in_someone_elses_book(device, people):
    a: Device = device("wangfang")
    a.sign_in()
    a.run()
    # The desktop refuses it for the RM (crm.domain.roles); head office refuses it too,
    # whatever the device sends (here as a command run with no user would).
    with pytest.raises(DomainError, check=lambda e: e.code == NOT_ALLOWED):
        a.prospects.create(ProspectDraft(name="佛山市高明区丙商行"), rm_id=people.rm2)
    assert a.outbox() == []
    a.ctx.actor_id = None
    p = a.prospects.create(ProspectDraft(name="佛山市高明区丙商行"), rm_id=people.rm2)
    summary = a.run()
    assert summary.rejected == 1 and p.id
