"""Issue 2's figures on the 100,000-prospect demo database, each beside bare SQLite.

- building the demo (target ≤ 30 s), beside bare executemany of the same prospect rows;
- a filtered, sorted page of 200 through the service (target ≤ 20 ms), beside the same
  SQL on a bare sqlite connection;
- a 2-character Chinese search (target ≤ 50 ms), likewise.
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import CACHE, demo_db, median_ms, report
from sqlcipher3 import dbapi2 as sqlite3  # the same SQLite the app uses

from crm.demo.builder import build_demo
from crm.domain.query import ProspectFilter, Sort, SortColumn
from crm.services.container import open_services

N = 100_000


def bench_demo_build() -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{N}-1.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    cpu = _cpu_seconds()
    start = time.perf_counter()
    summary = build_demo(path, prospects=N, seed=1)
    ours = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    # Baseline: the same prospect rows written by bare sqlite3 into an empty table.
    src = sqlite3.connect(path)
    rows = src.execute("SELECT * FROM prospects").fetchall()
    schema = src.execute("SELECT sql FROM sqlite_master WHERE name='prospects'").fetchone()[0]
    src.close()
    with tempfile.TemporaryDirectory() as tmp:
        bare = sqlite3.connect(Path(tmp) / "bare.db")
        bare.execute("PRAGMA journal_mode=WAL")
        bare.execute(schema)
        start = time.perf_counter()
        with bare:
            bare.executemany(f"INSERT INTO prospects VALUES ({','.join('?' * len(rows[0]))})", rows)
        baseline = time.perf_counter() - start
        bare.close()
    report(f"crm demo --prospects {N:,}", ours, baseline, "s ", "≤ 30 s")
    # The build draws in worker processes: CPU time of all of them, beside the wall time.
    print(f"  ({summary.visits:,} visits; CPU user+sys {cpu:.1f} s in all processes)", flush=True)
    return path


def _cpu_seconds() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_queries(path: Path) -> None:
    services = open_services(path)
    prospects = services.prospects
    rm = services.users.all(role="rm")[0]
    cases = [
        (
            "page of 200: stage + district, sorted by name",
            ProspectFilter(stages=("no_loan",), districts=("440605",)),
            Sort(SortColumn.NAME),
        ),
        (
            "page of 200: RM + source, sorted by last contact",
            ProspectFilter(rm_ids=(rm.id,), sources=("settlement_account",)),
            Sort(SortColumn.LAST_CONTACT, descending=True),
        ),
        (
            "page of 200: industry section C, sorted by RM",
            ProspectFilter(industries=("C",)),
            Sort(SortColumn.RM),
        ),
    ]
    bare = sqlite3.connect(path)
    for name, flt, sort in cases:
        ours = median_ms(lambda flt=flt, sort=sort: prospects.page(flt, sort, 0, 200))
        sql, params = _captured(services, lambda flt=flt, sort=sort: prospects.page(flt, sort))
        baseline = median_ms(lambda sql=sql, params=params: bare.execute(sql, params).fetchall())
        report(name, ours, baseline, "ms", "≤ 20 ms")
    for word in ("五金", "陶瓷", "家具"):
        flt = ProspectFilter(text=word)
        ours = median_ms(lambda flt=flt: prospects.page(flt, Sort(), 0, 200))
        count_ms = median_ms(lambda flt=flt: prospects.count(flt))
        baseline = median_ms(
            lambda word=word: bare.execute(
                "SELECT id, name FROM prospects WHERE name LIKE ? ORDER BY name LIMIT 200",
                (f"%{word}%",),
            ).fetchall()
        )
        report(f"search '{word}': first page of 200", ours, baseline, "ms", "≤ 50 ms")
        report(f"search '{word}': count of all matches", count_ms, baseline, "ms", "")
    services.close()


def _captured(services: Any, call: Callable[[], object]) -> tuple[str, Any]:
    """The SQL and parameters the service sent to the driver (its last SELECT)."""
    from sqlalchemy import event

    engine = services.ctx.db.engine
    seen: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen[-1]


if __name__ == "__main__":
    import sys

    path = demo_db(N) if "--reuse" in sys.argv else bench_demo_build()
    bench_queries(path)
