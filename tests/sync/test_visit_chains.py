"""Head office keeps the head of each prospect's chain of finalized visits: a laptop whose
chain lost its last record is found out by `crm visits verify` and at its next sync, and a
prospect deleted anywhere leaves its finalized visits with head office and on the laptop."""

from __future__ import annotations

import json

import pytest

from crm.cli import main
from crm.domain.visits import VisitDraft
from crm.headoffice.models import Record
from crm.services.visits import VisitService
from crm.store.engine import raw_connect
from crm.store.models_visit import KEPT_TRIGGER
from crm.sync import protocol as P
from tests.sync.harness import Device, Server


def call(visits: VisitService, pid: str, purpose: str) -> str:
    """A phone call recorded and finalized today; returns its id."""
    draft = VisitDraft(
        visit_on=visits.ctx.today(),
        kind="phone",
        purpose=purpose,
        people_met="王总",
        next_steps="下周上门",
    )
    return visits.finalize(visits.record(pid, draft).id).id


def lose(d: Device, visit_id: str) -> None:
    """What someone with an SQLite tool could do: drop the guard and delete a record."""
    conn = raw_connect(d.path)
    try:
        conn.execute(f"DROP TRIGGER IF EXISTS {KEPT_TRIGGER}")
        conn.execute("DELETE FROM visits WHERE id = ?", (visit_id,))
        conn.commit()
    finally:
        conn.close()


def chain_at_head_office(server: Server, pid: str) -> dict:
    with server.ho.store.read() as s:
        rec = s.get(Record, (P.VISIT_CHAIN, pid))
        assert rec is not None and not rec.deleted
        return json.loads(rec.data)


@pytest.fixture
def laptop(device) -> Device:
    d: Device = device("wangfang")
    d.sign_in()
    d.run()
    return d


def test_a_chain_that_lost_its_last_record_is_found_by_verify_and_at_the_next_sync(
    laptop: Device, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    visits = VisitService(laptop.ctx)
    pid = laptop.create("佛山市南海区桂城鸿运五金制品厂")
    first = call(visits, pid, "电话回访")
    last = call(visits, pid, "约定上门时间")
    laptop.run()
    head = chain_at_head_office(server, pid)
    assert (head["head_id"], head["count"]) == (last, 2)
    db = ["--db", str(laptop.path)]
    assert main(["visits", "verify", *db]) == 0
    capsys.readouterr()

    lose(laptop, last)
    # The records left still chain: only the head head office confirmed shows the loss.
    assert main(["--lang", "en", "visits", "verify", *db]) == 1
    out = capsys.readouterr()
    assert last in out.out and "佛山市南海区桂城鸿运五金制品厂" in out.out
    assert "missing" in out.out and "head office holds 2" in out.out
    assert main(["--lang", "zh_CN", "visits", "verify", *db]) == 1
    assert "缺失" in capsys.readouterr().out

    summary = laptop.run()
    assert any(last in line for line in summary.mismatches)
    [conflict] = laptop.sync.conflicts()
    assert (conflict.code, conflict.entity_id) == (P.R_CHAIN_GAP, pid)
    audit = [a for a in server.admin.audit_log() if a["action"] == "visit_chain_gap"]
    assert len(audit) == 1 and audit[0]["target"] == pid
    assert audit[0]["detail"]["missing"] == [last]
    # Reported once: the next sync does not repeat it while the conflict is open.
    assert laptop.run().mismatches == []
    assert len(laptop.sync.conflicts()) == 1
    assert first  # the first record stays, and still checks on its own


def test_a_record_chained_past_a_lost_one_is_kept_and_noted_at_head_office(
    laptop: Device, server: Server
) -> None:
    visits = VisitService(laptop.ctx)
    pid = laptop.create("佛山市顺德区美嘉家具有限公司")
    call(visits, pid, "电话回访")
    lost = call(visits, pid, "约定上门时间")
    laptop.run()
    lose(laptop, lost)
    newest = call(visits, pid, "上门走访后电话确认")
    summary = laptop.run()
    assert summary.rejected == 0  # the new record is evidence: stored all the same
    assert any(lost in line for line in summary.mismatches)
    head = chain_at_head_office(server, pid)
    assert (head["head_id"], head["count"]) == (newest, 3)
    actions = [a["action"] for a in server.admin.audit_log()]
    assert "visit_chain_gap" in actions and "visit_chain_fork" in actions


def test_a_prospect_deleted_at_head_office_keeps_its_finalized_visits_everywhere(
    laptop: Device, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    visits = VisitService(laptop.ctx)
    pid = laptop.create("禅城区陶瓷之家经营部")
    kept = call(visits, pid, "电话回访")
    draft = visits.record(pid, VisitDraft(visit_on=visits.ctx.today(), purpose="未完成"))
    laptop.run()
    server.admin.delete_prospect(pid)
    laptop.run()
    assert laptop.prospect(pid) is None
    with server.ho.store.read() as s:
        assert not s.get(Record, ("visit", kept)).deleted
    record = visits.get(kept)
    assert record.is_final and record.line.prospect_name == "禅城区陶瓷之家经营部"
    assert record.archive is not None and record.archive.reason == "head_office"
    with pytest.raises(Exception, match="no visit"):
        visits.get(draft.id)
    assert main(["visits", "verify", "--db", str(laptop.path)]) == 0
    capsys.readouterr()
    # A laptop that downloads the book afresh gets the evidence too.
    assert chain_at_head_office(server, pid)["head_id"] == kept
