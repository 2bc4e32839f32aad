"""The hash chain finds finalized records changed, removed or reopened behind the app's back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from visit_helpers import TODAY, Book, Clock, complete

from crm.cli import main
from crm.services.context import Context
from crm.services.visits import VisitService
from crm.store.engine import raw_connect
from crm.store.models_visit import IMMUTABLE_TRIGGER, KEPT_TRIGGER


@pytest.fixture
def chain(visits: VisitService, book: Book, clock: Clock) -> list[str]:
    """Three finalized records of one prospect and one of another, a day apart."""
    ids = []
    for n in range(3):
        draft = visits.start_record(book.huaxing, TODAY + timedelta(days=n))
        ids.append(
            visits.finalize(
                draft.id, complete(day=TODAY + timedelta(days=n), next_visit_on=None)
            ).id
        )
        clock.advance(days=1)
    other = visits.start_record(book.meijia, TODAY + timedelta(days=3))
    ids.append(
        visits.finalize(
            other.id,
            complete(day=TODAY + timedelta(days=3), next_visit_on=None, checklist_items=()),
        ).id
    )
    return ids


def tamper(db_path: Path, sql: str, *params: object) -> None:
    """What someone with an SQLite tool could do: drop the guards, then change a row."""
    conn = raw_connect(db_path)
    try:
        conn.execute(f"DROP TRIGGER IF EXISTS {IMMUTABLE_TRIGGER}")
        conn.execute(f"DROP TRIGGER IF EXISTS {KEPT_TRIGGER}")
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def test_an_untouched_book_verifies(visits: VisitService, chain: list[str]) -> None:
    report = visits.verify()
    assert report.ok and report.checked == 4 and report.chains == 2


def test_a_changed_field_is_found(visits: VisitService, chain: list[str], ctx: Context) -> None:
    tamper(ctx.db.path, "UPDATE visits SET need_amount_fen = 500000000 WHERE id = ?", chain[1])
    report = visits.verify()
    assert [(f.visit_id, f.problem) for f in report.findings] == [(chain[1], "changed")]
    assert report.findings[0].prospect_name == "佛山市南海区华兴五金制品厂"


def test_a_changed_hash_breaks_the_link_to_the_next_record(
    visits: VisitService, chain: list[str], ctx: Context
) -> None:
    # Rewriting the content and recomputing only that row's hash still breaks the chain.
    from crm.domain.visits import HASHED_FIELDS, chain_hash

    conn = raw_connect(ctx.db.path)
    cols = ", ".join(HASHED_FIELDS)
    row = dict(
        zip(
            (*HASHED_FIELDS, "prev_hash"),
            conn.execute(
                f"SELECT {cols}, prev_hash FROM visits WHERE id = ?", (chain[1],)
            ).fetchone(),
            strict=True,
        )
    )
    conn.close()
    row["purpose"] = "伪造的目的"
    forged = chain_hash(row, str(row["prev_hash"]))
    tamper(
        ctx.db.path,
        "UPDATE visits SET purpose = ?, content_hash = ? WHERE id = ?",
        "伪造的目的",
        forged,
        chain[1],
    )
    report = visits.verify()
    assert [(f.visit_id, f.problem) for f in report.findings] == [(chain[2], "broken")]


def test_a_removed_record_breaks_the_chain(
    visits: VisitService, chain: list[str], ctx: Context
) -> None:
    tamper(ctx.db.path, "DELETE FROM checklist_ticks WHERE visit_id = ?", chain[0])
    tamper(ctx.db.path, "DELETE FROM visits WHERE id = ?", chain[0])
    assert [(f.visit_id, f.problem) for f in visits.verify().findings] == [(chain[1], "broken")]


def test_a_reopened_record_is_found(visits: VisitService, chain: list[str], ctx: Context) -> None:
    tamper(ctx.db.path, "UPDATE visits SET status = 'draft' WHERE id = ?", chain[2])
    assert [(f.visit_id, f.problem) for f in visits.verify().findings] == [(chain[2], "reopened")]


def test_crm_visits_verify_reports_and_exits_non_zero(
    chain: list[str], ctx: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(ctx.db.path)
    assert main(["visits", "verify", "--db", db]) == 0
    assert "4 finalized records in 2 prospect files checked: 0 problems" in capsys.readouterr().out
    tamper(ctx.db.path, "UPDATE visits SET people_met = '张三' WHERE id = ?", chain[3])
    assert main(["visits", "verify", "--db", db]) == 1
    out = capsys.readouterr()
    assert chain[3] in out.out and "content changed after it was finalized" in out.out
    assert "1 problems" in out.err
    assert main(["visits", "verify", "--db", db, "--json"]) == 1
    assert '"problem": "changed"' in capsys.readouterr().out
