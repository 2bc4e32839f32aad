"""Issue 15's renewal figure: the renewals due in the next 90 days over the 100,000-prospect
demo book with at least 60,000 loans (target ≤ 100 ms), beside the same rows read as bare
SQL on a bare connection (the join of active loans maturing in the window to their
prospects and RMs).

The demo book has fewer loans than that: the benchmark adds loans to its own copy of the
book (to first-loan and strategic customers first), maturing over the next three years
and a few already past maturity, until there are 60,000. The copy gets every index a book
declares on its loans (a cached demo book built while its indexes were down lacks them).

    python3 packaging/bootstrap.py bench renewals
    .venv/bin/python tests/benchmarks/bench_renewals.py
"""

from __future__ import annotations

import random
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import demo_db, median_ms, report
from sqlcipher3 import dbapi2 as sqlite3  # the same SQLite the app uses

from crm.domain.clock import utcnow

PROSPECTS = 100_000
LOANS = 60_000
WINDOW = 90
BARE_SQL = (
    "SELECT l.id, l.prospect_id, p.name, p.assigned_rm_id, u.display_name, l.product_code, "
    "l.amount_fen, l.balance_fen, l.maturity_date, p.last_contact_on FROM loans l "
    "JOIN prospects p ON p.id = l.prospect_id LEFT JOIN users u ON u.id = p.assigned_rm_id "
    "WHERE l.maturity_date <= ? AND l.status = 'active' ORDER BY l.maturity_date, l.id"
)


def _prospects(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM prospects").fetchone()[0])
    finally:
        conn.close()


def add_loans(path: Path, today_text: str) -> tuple[int, int]:
    """Loans enough for LOANS in all; returns how many prospects and loans the book then
    holds."""
    from sqlalchemy.dialects import sqlite as dialect
    from sqlalchemy.schema import CreateIndex

    from crm.domain.ids import new_id
    from crm.store.models import Loan

    conn = sqlite3.connect(path)
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for index in Loan.__table__.indexes:
        if index.name not in present:
            print(f"  the book lacks {index.name}: built", flush=True)
            conn.execute(str(CreateIndex(index).compile(dialect=dialect.dialect())))
    conn.commit()
    prospects = int(conn.execute("SELECT count(*) FROM prospects").fetchone()[0])
    have = int(conn.execute("SELECT count(*) FROM loans").fetchone()[0])
    if have >= LOANS:
        conn.close()
        return prospects, have
    customers = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM prospects ORDER BY stage IN ('first_loan', 'strategic') DESC, id"
        )
    ]
    rng = random.Random(15)
    today = datetime.fromisoformat(today_text).date()
    stamp = utcnow().astimezone(UTC).isoformat(timespec="microseconds")
    rows = []
    for n in range(LOANS - have):
        maturity = today + timedelta(days=rng.randint(-20, 3 * 365))
        start = maturity - timedelta(days=365 * rng.choice((1, 2, 3)))
        amount = rng.choice((30, 50, 80, 100, 200, 300)) * 1_000_000
        rows.append(
            (
                new_id(),
                customers[n % len(customers)],
                rng.choice(("basic", "tech", "trade", "livelihood")),
                amount,
                rng.choice((345, 365, 385, 420)),
                start.isoformat(),
                maturity.isoformat(),
                "active",
                stamp,
                None if rng.random() < 0.7 else amount // 2,
            )
        )
    with conn:
        conn.executemany(
            "INSERT INTO loans (id, prospect_id, product_code, amount_fen, rate_bp, start_date, "
            "maturity_date, status, created_at, balance_fen, repayment_mode, outcome_reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')",
            rows,
        )
    total = int(conn.execute("SELECT count(*) FROM loans").fetchone()[0])
    conn.close()
    return prospects, total


def main() -> None:
    from crm.services.container import open_services

    source = demo_db()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "renewals.db"
        if _prospects(source) < PROSPECTS:
            from crm.demo.builder import build_demo

            print(f"  the cached demo book is incomplete: building {PROSPECTS:,}", flush=True)
            build_demo(path, prospects=PROSPECTS, seed=1)
        else:
            shutil.copyfile(source, path)
        services = open_services(path)  # brings the copy up to the current schema
        today = services.ctx.today()
        services.close()
        prospects, loans = add_loans(path, today.isoformat())

        services = open_services(path)
        service = services.loans
        rows = service.renewals_due(WINDOW)
        waiting = sum(r.needs_action for r in rows)
        print(
            f"  {prospects:,} prospects, {loans:,} loans; {len(rows):,} active loans maturing "
            f"within {WINDOW} days (or past maturity), {waiting:,} reminders waiting",
            flush=True,
        )
        ours = median_ms(lambda: service.renewals_due(WINDOW))

        bare = sqlite3.connect(path)
        horizon = (today + timedelta(days=WINDOW)).isoformat()
        baseline = median_ms(lambda: bare.execute(BARE_SQL, (horizon,)).fetchall())
        assert len(bare.execute(BARE_SQL, (horizon,)).fetchall()) == len(rows)
        bare.close()
        report(f"renewals due in {WINDOW} days ({loans:,} loans)", ours, baseline, "ms", "≤ 100 ms")
        services.close()


if __name__ == "__main__":
    main()
