"""The strategic gate takes the criteria head office publishes, against a real head office
on loopback: publishing checks the document the gate reads (a malformed one is refused,
naming the field, and nothing is stored); a document stored before that check, which cannot
be read, never makes head office answer a device's stage change with an error; published
criteria change the gate's answer on the laptop after a sync; and a stage move head office
refuses under its newer criteria is reported and does not hold back the changes behind it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from crm.cli import main
from crm.domain.errors import DomainError
from crm.headoffice.models import Record
from crm.services.loans import LoanDraft, LoanService
from tests.strategic.helpers import give_plan
from tests.sync.conftest import device, memory_keyring, people, running_server, server
from tests.sync.harness import Device, Server, Team

__all__ = ["device", "memory_keyring", "people", "running_server", "server"]

# One loan of 600,000 yuan, 14 months ago: short of the bundled criteria (2 loans,
# 1,000,000 yuan), enough for LENIENT, short again of STRICT.
LENIENT = {
    "strategic": {"min_months_as_customer": 12, "min_loans": 1, "min_total_credit_fen": 50_000_000}
}
STRICT = {"min_months_as_customer": 12, "min_loans": 3, "min_total_credit_fen": 50_000_000}


def _first_loan_customer(laptop: Device) -> str:
    pid = laptop.create("佛山市禅城区甲机械有限公司")
    today = laptop.ctx.today()
    LoanService(laptop.ctx).record(
        pid,
        LoanDraft(
            amount_fen=60_000_000,
            rate_bp=385,
            start_date=today - timedelta(days=430),
            maturity_date=today + timedelta(days=300),
        ),
    )
    laptop.prospects.change_stage(pid, "first_loan")
    return pid


def _ho_stage(server: Server, pid: str) -> str:
    with server.ho.store.read() as s:
        rec = s.get(Record, ("prospect", pid))
        assert rec is not None
        return str(json.loads(rec.data)["stage"])


def _store_unreadable_criteria(server: Server) -> None:
    """What publishing stored before it checked the document."""
    server.admin.publish("criteria", LENIENT)
    with server.ho.store.write() as tx:
        rec = tx.session.get(Record, ("reference", "criteria"))
        assert rec is not None
        rec.data = json.dumps({"kind": "criteria", "document": {"strategic": {"min_loans": "two"}}})


def test_publishing_refuses_criteria_the_gate_cannot_read(server: Server, people: Team) -> None:
    version = server.admin.publish("criteria", LENIENT)
    for bad, field in (
        ({"strategic": {"min_loans": 1}}, "min_months_as_customer"),
        ({**STRICT, "min_loans": "two"}, "min_loans"),
        ({**STRICT, "min_total_credit_fen": -1}, "min_total_credit_fen"),
        (["min_loans", 1], "must be an object"),
    ):
        with pytest.raises(DomainError, match=field):
            server.admin.publish("criteria", bad)
    with server.ho.store.read() as s:
        rec = s.get(Record, ("reference", "criteria"))
        assert rec is not None and rec.version == version
        assert json.loads(rec.data)["document"] == LENIENT


def test_published_criteria_change_the_gate_and_a_refused_move_blocks_nothing(
    device: Callable[..., Device], server: Server, people: Team
) -> None:
    laptop = device("wangfang")
    laptop.sign_in()
    laptop.run()
    pid = _first_loan_customer(laptop)
    # The bundled criteria: one loan of 600,000 yuan is not a strategic client.
    with pytest.raises(DomainError) as refused:
        laptop.prospects.change_stage(pid, "strategic")
    assert refused.value.code == "stage.strategic_criteria"

    # A stored document head office cannot read: its gate falls back to the bundled
    # criteria instead of failing, so the device's pushes are answered.
    _store_unreadable_criteria(server)
    summary = laptop.run()
    assert summary.rejected == 0 and laptop.outbox() == []
    assert _ho_stage(server, pid) == "first_loan"

    # Head office publishes lenient criteria: after a sync the laptop's gate lets it pass.
    server.admin.publish("criteria", LENIENT)
    laptop.run()
    give_plan(laptop.ctx, pid)
    laptop.prospects.change_stage(pid, "strategic")
    laptop.run()
    assert _ho_stage(server, pid) == "strategic"

    # Back to first loan, then moved to strategic offline while head office publishes
    # stricter criteria: head office refuses the move, the prospect created behind it
    # still arrives, and the outbox is left empty.
    laptop.prospects.change_stage(pid, "first_loan", reason_text="复核授信")
    laptop.run()
    laptop.prospects.change_stage(pid, "strategic")
    server.admin.publish("criteria", STRICT)
    later = laptop.create("佛山市南海区乙五金厂")
    summary = laptop.run()
    assert summary.rejected == 1 and summary.applied >= 1
    assert laptop.outbox() == []
    assert [c.code for c in laptop.sync.conflicts()][-1] == "stage_refused"
    assert _ho_stage(server, pid) == "first_loan"
    with server.ho.store.read() as s:
        assert s.get(Record, ("prospect", later)) is not None
    # The laptop now has the stricter criteria too: its gate refuses the same move.
    laptop.run()
    assert laptop.prospect(pid).stage == "first_loan"
    with pytest.raises(DomainError):
        laptop.prospects.change_stage(pid, "strategic")


def test_crm_headoffice_publish_criteria_refuses_a_malformed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ho.db'}"
    path = tmp_path / "criteria.json"
    path.write_text(json.dumps({"strategic": {"min_loans": 2}}), encoding="utf-8")
    status = main(["--lang", "zh_CN", "headoffice", "publish", "criteria", str(path), "--db", url])
    _, err = capsys.readouterr()
    assert status == 1 and "min_months_as_customer" in err and "战略客户标准" in err
    # The bundled stage rules, published as they are, and a file of the criteria alone.
    assert main(["headoffice", "publish", "criteria", "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr()[0]) == {"kind": "criteria", "version": 1}
    path.write_text(json.dumps(STRICT), encoding="utf-8")
    assert main(["headoffice", "publish", "criteria", str(path), "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr()[0]) == {"kind": "criteria", "version": 2}
