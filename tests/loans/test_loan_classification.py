"""Five-category classification (五级分类) of a loan: recorded normal, reclassified on a day
by someone through the loan writer (an op for head office), refused with the reason when
wrong; a non-performing loan is never renewed; the grade travels through a real head
office to the lead's laptop; `crm loans classify` sets it from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from loan_helpers import RM1, TODAY, Clock, outbox
from sqlalchemy import select
from test_loans_cli import USCC, book, crm

from crm.domain.errors import DomainError
from crm.services.container import Services
from crm.services.loans import LoanDraft, LoanRefused, LoanService
from crm.store.engine import Database
from crm.sync.protocol import PayloadError, parse_payload
from tests.sync.conftest import device, memory_keyring, people, running_server, server
from tests.sync.harness import Device, Server, Team

__all__ = ["book", "device", "memory_keyring", "people", "running_server", "server"]

START = date(2026, 3, 2)


def draft() -> LoanDraft:
    return LoanDraft(
        amount_fen=50_000_000,
        rate_bp=385,
        start_date=START,
        maturity_date=date(2027, 3, 2),
        product_code="basic",
    )


def test_a_loan_is_recorded_normal_and_reclassified_with_day_and_who(
    services: Services, prospect: str, db: Database
) -> None:
    loan = services.loans.record(prospect, draft())
    assert (loan.classification, loan.classified_on, loan.classified_by) == ("normal", None, None)
    assert not loan.non_performing
    assert "classification" not in outbox(db)[0].payload

    watched = services.loans.reclassify(loan.id, "special_mention", date(2026, 5, 20))
    assert (watched.classification, watched.classified_on, watched.classified_by) == (
        "special_mention",
        date(2026, 5, 20),
        RM1,
    )
    bad = services.loans.reclassify(loan.id, "substandard")
    assert bad.classified_on == TODAY and bad.non_performing
    ops = [op for op in outbox(db) if op.kind == "classify"]
    assert [op.payload for op in ops] == [
        {
            "prospect_id": prospect,
            "classification": "special_mention",
            "classified_on": "2026-05-20",
            "classified_by": RM1,
        },
        {
            "prospect_id": prospect,
            "classification": "substandard",
            "classified_on": TODAY.isoformat(),
            "classified_by": RM1,
        },
    ]
    for op in ops:
        parse_payload("loan", op.kind, op.payload)
    assert services.loans.get(loan.id).classification == "substandard"


def test_a_wrong_reclassification_is_refused_with_the_reason(
    services: Services, prospect: str, clock: Clock
) -> None:
    loan = services.loans.record(prospect, draft())
    with pytest.raises(DomainError, match="'bad' is not a loan classification"):
        services.loans.reclassify(loan.id, "bad")
    with pytest.raises(LoanRefused, match="already classified normal"):
        services.loans.reclassify(loan.id, "normal")
    with pytest.raises(DomainError, match="is not between the loan's start"):
        services.loans.reclassify(loan.id, "doubtful", date(2026, 1, 5))
    services.loans.reclassify(loan.id, "doubtful", date(2026, 6, 1))
    with pytest.raises(DomainError, match="before the loan's last classification"):
        services.loans.reclassify(loan.id, "loss", date(2026, 5, 1))
    with pytest.raises(LoanRefused, match="not renewed: a renewal must not hide credit risk"):
        services.loans.renew(loan.id, date(2028, 3, 2))
    repaid = services.loans.record(prospect, draft())
    services.loans.repay(repaid.id, 50_000_000)
    with pytest.raises(LoanRefused, match="the loan is closed"):
        services.loans.reclassify(repaid.id, "loss")
    assert services.loans.get(loan.id).classification == "doubtful"


def test_head_office_refuses_an_unknown_grade() -> None:
    with pytest.raises(PayloadError, match="classification"):
        parse_payload("loan", "classify", {"prospect_id": "p", "classification": "bad"})
    with pytest.raises(PayloadError, match="classified_on"):
        parse_payload("loan", "classify", {"classification": "loss", "classified_on": "2026-13-01"})


def test_the_grade_travels_through_head_office_to_the_leads_laptop(
    device: Callable[..., Device], people: Team, server: Server
) -> None:
    from crm.headoffice.models import Record

    laptop, lead = device("wangfang"), device("chenjing")
    for d in (laptop, lead):
        d.sign_in()
        d.run()
    pid = laptop.create("佛山市禅城区祖庙鸿发五金店")
    loans = LoanService(laptop.ctx)
    loan = loans.record(pid, draft())
    laptop.run()
    lead.run()
    assert LoanService(lead.ctx).get(loan.id).classification == "normal"

    loans.reclassify(loan.id, "doubtful", date(2026, 4, 1))
    summary = laptop.run()
    assert summary.rejected == 0 and laptop.outbox() == []
    with server.ho.store.read() as s:
        rec = s.scalar(select(Record).where(Record.entity == "loan", Record.id == loan.id))
        assert rec is not None
        data: dict[str, Any] = json.loads(rec.data) if isinstance(rec.data, str) else rec.data
    assert (data["classification"], data["classified_on"], data["classified_by"]) == (
        "doubtful",
        "2026-04-01",
        people.rm1,
    )
    lead.run()
    seen = LoanService(lead.ctx).get(loan.id)
    assert (seen.classification, seen.classified_on, seen.classified_by) == (
        "doubtful",
        date(2026, 4, 1),
        people.rm1,
    )
    # The lead grades it further; the RM's laptop gets it back.
    LoanService(lead.ctx).reclassify(loan.id, "loss", date(2026, 4, 2))
    lead.run()
    laptop.run()
    back = loans.get(loan.id)
    assert (back.classification, back.classified_by) == ("loss", people.lead)


def test_crm_loans_classify(book: tuple[str, str]) -> None:
    db, _pid = book
    added = crm(
        "loans", "add", USCC, "--product", "basic", "--amount", "50万", "--start",
        "2026-01-05", "--maturity", "2027-01-05", "--rate", "3.85", "--db", db, "--json",
    )  # fmt: skip
    loan = json.loads(added.stdout)
    assert loan["classification"] == "normal"
    done = crm("loans", "classify", loan["id"], "substandard", "--on", "2026-06-01", "--db", db)
    assert done.returncode == 0, done.stderr
    assert "substandard" in done.stdout
    shown = crm("loans", "list", USCC, "--db", db, lang="zh_CN")
    assert "次级" in shown.stdout and "五级分类" in shown.stdout
    again = crm("loans", "classify", loan["id"], "substandard", "--db", db, lang="zh_CN")
    assert again.returncode == 1 and "该笔贷款已是次级类" in again.stderr
    wrong = crm("loans", "classify", loan["id"], "bad", "--db", db)
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    data = json.loads(crm("loans", "list", USCC, "--db", db, "--json").stdout)
    assert (data[0]["classification"], data[0]["classified_on"]) == ("substandard", "2026-06-01")
