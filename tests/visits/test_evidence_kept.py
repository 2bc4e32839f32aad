"""Finalized visits outlive their prospect: deleting it archives them (its drafts and plans
go), they stay readable with the prospect's name and USCC, their chain still checks, and no
plain SQL deletes one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from visit_helpers import TODAY, Book, Clock, complete

from crm.cli import main
from crm.domain.prospect import ProspectDraft
from crm.domain.visits import VisitDraft, VisitRefused
from crm.services.context import Context, NotFound
from crm.services.prospects import ProspectService
from crm.services.visits import VisitService
from crm.store.engine import raw_connect

USCC = "91440605MA4UJ2K81Q"


@pytest.fixture
def records(visits: VisitService, book: Book, clock: Clock, ctx: Context) -> dict[str, str]:
    """A prospect with a USCC: a finalized record, its amendment, a draft and a plan."""
    ProspectService(ctx).update(
        book.huaxing, ProspectDraft(name="佛山市南海区华兴五金制品厂", uscc=USCC)
    )
    first = visits.start_record(book.huaxing, TODAY)
    final = visits.finalize(first.id, complete(next_visit_on=None)).id
    clock.advance(hours=2)
    amendment = visits.amend(final)
    fixed = complete(next_visit_on=None, amend_reason="金额更正", need_amount_fen=80_000_000)
    amended = visits.finalize(amendment.id, fixed).id
    draft = visits.start_record(book.huaxing, TODAY).id
    plan = visits.plan(book.huaxing, VisitDraft(visit_on=TODAY + timedelta(days=7))).id
    return {"final": final, "amended": amended, "draft": draft, "plan": plan}


def test_deleting_a_prospect_keeps_its_finalized_visits_readable_and_checked(
    visits: VisitService, book: Book, ctx: Context, records: dict[str, str]
) -> None:
    ProspectService(ctx).delete(book.huaxing, "录入错误")

    for key in ("draft", "plan"):
        with pytest.raises(NotFound):
            visits.get(records[key])
    kept = visits.get(records["final"])
    assert kept.is_final and kept.line.prospect_name == "佛山市南海区华兴五金制品厂"
    assert kept.archive is not None
    assert (kept.archive.uscc, kept.archive.reason, kept.archive.note) == (
        USCC,
        "deleted",
        "录入错误",
    )
    # The amendment is still linked to what it amends.
    assert [a.id for a in kept.amendments] == [records["amended"]]
    assert visits.get(records["amended"]).line.amends_id == records["final"]
    report = visits.verify()
    assert report.ok and report.checked == 2


def test_a_finalized_visit_cannot_be_deleted_by_plain_sql(
    ctx: Context, records: dict[str, str]
) -> None:
    conn = raw_connect(ctx.db.path)
    try:
        with pytest.raises(Exception, match="a finalized visit cannot be deleted"):
            conn.execute("DELETE FROM visits WHERE id = ?", (records["amended"],))
        conn.rollback()
        # Nor does deleting its prospect by hand take it along.
        with pytest.raises(Exception, match="must be archived before it is deleted"):
            conn.execute("DELETE FROM prospects WHERE uscc = ?", (USCC,))
        conn.rollback()
        assert conn.execute("SELECT count(*) FROM visits WHERE status = 'final'").fetchone() == (2,)
    finally:
        conn.close()


def test_crm_prospects_delete_keeps_the_finalized_visits(
    ctx: Context, records: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(ctx.db.path)
    assert main(["prospects", "delete", USCC, "--yes", "--db", db]) == 0
    capsys.readouterr()
    conn = raw_connect(ctx.db.path)
    try:
        kept = conn.execute("SELECT id FROM visits ORDER BY id").fetchall()
        assert sorted(r[0] for r in kept) == sorted([records["final"], records["amended"]])
        archived = conn.execute("SELECT name, uscc, reason FROM archived_prospects").fetchall()
        assert archived == [("佛山市南海区华兴五金制品厂", USCC, "deleted")]
    finally:
        conn.close()
    assert main(["visits", "verify", "--db", db]) == 0


def test_a_prospect_without_finalized_visits_is_deleted_without_an_archive(
    visits: VisitService, book: Book, ctx: Context
) -> None:
    visits.start_record(book.meijia, TODAY)
    ProspectService(ctx).delete(book.meijia, "")
    with ctx.db.reading() as s:
        conn = s.connection()
        assert conn.exec_driver_sql("SELECT count(*) FROM archived_prospects").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM visits").scalar() == 0


def test_a_record_of_a_prospect_gone_is_not_amended(
    visits: VisitService, book: Book, ctx: Context, records: dict[str, str]
) -> None:
    ProspectService(ctx).delete(book.huaxing, "")
    with pytest.raises(VisitRefused, match="can no longer be amended"):
        visits.amend(records["final"])
