"""Issue 15's matching figures, each beside a baseline measured in the same run:

- matching one prospect against the bundled catalogue (target ≤ 1 ms median), beside
  reading that prospect's facts from their JSON form (parse_facts of one dict);
- matching 100,000 varied prospects in memory (the engine's share of the ≤ 20 s for the
  whole demo book), beside reading their 100,000 facts dicts;
- matching all 100,000 prospects of the demo book through the use case
  (``Services.products.match_all``: rows and facts read in one query each, then each
  matched; target ≤ 20 s), beside the time to read their facts.

    python3 packaging/bootstrap.py bench products
    .venv/bin/python tests/benchmarks/bench_products.py
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from common import CACHE, demo_db, report

from crm.domain.catalogue import parse_catalogue
from crm.domain.facts import Facts, parse_facts
from crm.domain.matching import match
from crm.resources import catalogue_document, catalogue_schema

TODAY = date(2026, 12, 5)
ONE = {
    "kind": "enterprise",
    "industry": "C33",
    "established_on": "2019-04-01",
    "tax_credit_grade": "B",
    "annual_invoicing": 1_800_000,
    "avg_monthly_turnover": 160_000,
    "owner_serious_overdue": False,
    "tech_enterprise": True,
    "annual_rd_spend": 400_000,
    "ip_pledgeable": True,
    "insured_staff": 14,
    "insured_staff_stable_months": 9,
    "monthly_wage_per_head": 6_200,
    "customer_rating": 4.7,
    "green": False,
    "in_cultivation_pool": True,
}


def per_call_us(func: Callable[[], object], calls: int = 200, samples: int = 31) -> float:
    """Median time of one call in microseconds, timed in batches (a call is too short to
    time alone)."""
    for _ in range(calls):
        func()
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(calls):
            func()
        times.append((time.perf_counter() - start) / calls * 1_000_000)
    return statistics.median(times)


def varied(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """Fact sets like a book's: most facts present, some missing, values either side of
    the thresholds."""
    rng = random.Random(seed)
    industries = ["C33", "C13", "F52", "F51", "G54", "H62", "O80", "Q85", "I65", "E48"]
    rows: list[dict[str, Any]] = []
    for _ in range(count):
        row: dict[str, Any] = {
            "kind": rng.choice(["enterprise", "individual"]),
            "industry": rng.choice(industries),
            "established_on": f"{rng.randint(2010, 2026)}-{rng.randint(1, 12):02d}-15",
            "tax_credit_grade": rng.choice("ABMCD"),
            "annual_invoicing": rng.randint(0, 5_000_000),
            "avg_monthly_turnover": rng.randint(0, 600_000),
            "owner_serious_overdue": rng.random() < 0.05,
            "tech_enterprise": rng.random() < 0.2,
            "annual_rd_spend": rng.randint(0, 2_000_000),
            "ip_pledgeable": rng.random() < 0.3,
            "insured_staff": rng.randint(0, 60),
            "insured_staff_stable_months": rng.randint(0, 36),
            "monthly_wage_per_head": rng.randint(3_000, 12_000),
            "customer_rating": round(rng.uniform(3.5, 5.0), 1),
            "green": rng.random() < 0.1,
            "in_cultivation_pool": rng.random() < 0.5,
            "proof_of_operation": rng.choice(["property_certificate", "lease", "utility_records"]),
            "platform_monthly_settlement": rng.randint(0, 300_000),
        }
        for key in rng.sample(sorted(row), rng.randint(0, 6)):
            del row[key]
        rows.append(row)
    return rows


def main() -> None:
    catalogue = parse_catalogue(catalogue_document(), catalogue_schema())
    facts = parse_facts(ONE)
    ours = per_call_us(lambda: match(facts, catalogue, TODAY))
    baseline = per_call_us(lambda: parse_facts(ONE))
    report("match one prospect (all products, overlays)", ours, baseline, "µs", "≤ 1000 µs")

    rows = varied(100_000)
    start = time.perf_counter()
    parsed: list[Facts] = [parse_facts(row) for row in rows]
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    for one in parsed:
        match(one, catalogue, TODAY)
    match_s = time.perf_counter() - start
    report("match 100,000 prospects in memory", match_s, read_s, "s", "≤ 20 s (with reads)")
    match_book()


def book_with_facts(prospects: int = 100_000, seed: int = 1) -> Path:
    """The benchmark demo book, as long as it was built with facts (a book built before the
    demo followed the catalogue has none): else one of its own, built once."""
    from crm.demo.builder import build_demo
    from crm.store.files import raw_connect

    path = demo_db(prospects, seed)
    conn = raw_connect(path, read_only=True)
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'prospect_facts'"
        ).fetchone()
        has_facts = bool(has_table) and bool(
            conn.execute("SELECT 1 FROM prospect_facts LIMIT 1").fetchone()
        )
    finally:
        conn.close()
    if has_facts:
        return path
    own = CACHE / f"demo-facts-{prospects}-{seed}.db"
    if not own.exists():
        print("the cached demo book has no facts: building one that has", flush=True)
        building = own.with_name(f"{own.stem}.building-{os.getpid()}.db")
        build_demo(building, prospects=prospects, seed=seed)
        os.replace(building, own)
    return own


def match_book(runs: int = 3) -> None:
    from crm.services.container import open_services

    services = open_services(book_with_facts())
    try:
        services.products.catalogue()  # parsed once, before any run is timed
        results = [services.products.match_all() for _ in range(runs)]
    finally:
        services.close()
    results.sort(key=lambda r: r.read_seconds + r.match_seconds)
    median = results[len(results) // 2]
    report(
        f"match all {median.prospects:,} demo prospects (book)",
        median.read_seconds + median.match_seconds,
        median.read_seconds,
        "s",
        "≤ 20 s; baseline: reading their facts",
    )


if __name__ == "__main__":
    main()
