"""The demo book follows the product catalogue: most prospects have business facts (some
incomplete, some none), every loan is of a product the customer's kind, industry and facts
allow, within the indicative range (so within the product's cap) and term, some loans
mature in the next 90 days, and customers hold non-credit services of the catalogue."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from crm.demo.builder import build_demo
from crm.domain.facts import FACTS, parse_fact
from crm.domain.matching import Status
from crm.domain.stages import months_between
from crm.services.container import Services
from crm.services.context import Context
from crm.store.migrate import open_database

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-products") / "demo.db"
    build_demo(path, prospects=1500, seed=5, today=TODAY)
    return path


@pytest.fixture
def conn(book: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(book)
    yield connection
    connection.close()


@pytest.fixture
def services(book: Path) -> Iterator[Services]:
    db, _ = open_database(book)
    noon = datetime(TODAY.year, TODAY.month, TODAY.day, 4, tzinfo=UTC)
    made = Services(Context(db, clock=lambda: noon))
    yield made
    made.close()


def test_most_prospects_have_facts_some_incomplete(conn: sqlite3.Connection) -> None:
    total = conn.execute("SELECT count(*) FROM prospects").fetchone()[0]
    per_prospect = dict(
        conn.execute("SELECT prospect_id, count(*) FROM prospect_facts GROUP BY prospect_id")
    )
    assert 0.75 * total < len(per_prospect) < total  # most, not all
    # Some lack a fact others have (not collected yet).
    lacking = conn.execute(
        "SELECT count(*) FROM prospects p WHERE p.id IN (SELECT prospect_id FROM prospect_facts)"
        " AND NOT EXISTS (SELECT 1 FROM prospect_facts f WHERE f.prospect_id = p.id"
        " AND f.key = 'tax_credit_grade')"
    ).fetchone()[0]
    assert lacking > 0.02 * total
    rms = {r[0] for r in conn.execute("SELECT id FROM users")}
    for key, value, confirmed_on, confirmed_by in conn.execute(
        "SELECT key, value, confirmed_on, confirmed_by FROM prospect_facts"
    ):
        assert key in FACTS and parse_fact(key, json.loads(value)) is not None
        assert date.fromisoformat(confirmed_on) <= TODAY
        assert confirmed_by is None or confirmed_by in rms


def test_loans_are_of_products_the_customer_may_have_within_their_caps(
    conn: sqlite3.Connection, services: Services
) -> None:
    catalogue = services.products.catalogue()
    loans = conn.execute(
        "SELECT prospect_id, product_code, amount_fen, rate_bp, start_date, maturity_date,"
        " repayment_mode FROM loans"
    ).fetchall()
    assert len(loans) > 200
    used = Counter(code for _, code, *_ in loans)
    assert len(used) >= 3, used  # several products, not one
    results = {}
    for pid, code, amount, rate, start, maturity, repayment in loans:
        product = catalogue.product(code)
        assert product is not None and product.credit, code
        assert product.amount is not None and amount <= product.amount.cap_fen
        if pid not in results:
            results[pid] = services.products.match(pid)
        result = results[pid].product(code)
        assert result is not None and result.status is Status.ELIGIBLE, (pid, code, result)
        assert result.amount_max_fen is not None and amount <= result.amount_max_fen
        assert result.term_months_min is not None and result.term_months_max is not None
        months = months_between(date.fromisoformat(start), date.fromisoformat(maturity))
        assert result.term_months_min <= months <= result.term_months_max
        assert product.rate_bp is not None and abs(rate - product.rate_bp) <= 20
        assert repayment in {r.code for r in product.repayment}
    livelihood = [amount for _, code, amount, *_ in loans if code == "livelihood"]
    assert livelihood and max(livelihood) <= 2_000_000 * 100


def test_some_loans_mature_in_the_next_90_days(conn: sqlite3.Connection) -> None:
    soon = conn.execute(
        "SELECT count(*) FROM loans WHERE status = 'active' AND maturity_date > ?"
        " AND maturity_date <= ?",
        (TODAY.isoformat(), (TODAY + timedelta(days=90)).isoformat()),
    ).fetchone()[0]
    assert soon >= 10


def test_customers_hold_services_of_the_catalogue(
    conn: sqlite3.Connection, services: Services
) -> None:
    catalogue = services.products.catalogue()
    held = conn.execute("SELECT prospect_id, service_code FROM held_services").fetchall()
    assert len(held) > 300
    for _, code in held:
        product = catalogue.product(code)
        assert product is not None and not product.credit
    customers = {r[0] for r in conn.execute("SELECT id FROM prospects WHERE stage = 'first_loan'")}
    holding = {pid for pid, _ in held}
    assert len(customers & holding) > 0.8 * len(customers)
