"""The maturing loans of the pipeline: every loan's day and balance, and the first lines by
day and customer name, equal the whole list read with each loan's customer, for any limit
(the lines look up only the customers they show)."""

from __future__ import annotations

from datetime import date

from report_helpers import RM1, RM2, RM3
from sqlalchemy import text

from crm.services.container import Services
from crm.store import pipeline_queries as q
from crm.store.engine import Database
from tests.reports.test_pipeline_report import Book

_EVERY_LINE = (
    "SELECT l.prospect_id, p.name, u.display_name, l.product_code, "
    "coalesce(l.balance_fen, l.amount_fen), l.maturity_date, p.assigned_rm_id FROM loans l "
    "JOIN prospects p ON p.id = l.prospect_id LEFT JOIN users u ON u.id = p.assigned_rm_id "
    "WHERE l.status IN ('active', 'overdue') AND l.maturity_date >= :first "
    "AND l.maturity_date <= :last ORDER BY l.maturity_date, p.name"
)


def test_the_first_lines_and_every_balance_are_those_of_the_whole_list(
    services: Services, book: Book, db: Database
) -> None:
    first, last = date(2026, 6, 15), date(2027, 12, 31)
    with db.reading() as s:
        for rms in (None, (RM1,), (RM1, RM2), (RM3,)):
            every = [
                r
                for r in s.execute(
                    text(_EVERY_LINE), {"first": first.isoformat(), "last": last.isoformat()}
                )
                if rms is None or r[6] in rms
            ]
            assert rms != (RM1, RM2) or len(every) >= 3  # P1, P2, P3 and P5's loans
            for limit in range(len(every) + 2):
                got = q.maturing(s, rms, first, last, limit)
                assert got.due == [(r[5], r[4]) for r in every]
                assert got.first == [q.MaturityRow(*r[:6]) for r in every[:limit]]
