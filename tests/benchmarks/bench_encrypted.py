"""An encrypted book against the same book plain, on the 100,000-prospect demo, in one run.

Issue 19's target: the workspace's list, search and scroll figures on the encrypted book
within 1.3x of the plain book's. Each figure is the median of repeated runs through the
services (the list's pages, the search box's pages and counts, scrolling the whole book by
name page after page as the list fetches it), the plain book's figure the baseline, the
two timed in turns (the lowest of three rounds' medians: the machine may be shared); also
unlocking (scrypt, one slot), opening the book to its first page, and converting it
(``crm book encrypt``) beside a plain online backup of the same book.

Run: ``python tests/benchmarks/bench_encrypted.py`` (or ``packaging/bootstrap.py bench
encrypted``).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from common import demo_db, report

from crm.domain.query import ProspectFilter, Sort, SortColumn
from crm.services import book_lock
from crm.services.container import open_services
from crm.store import keys
from crm.store.files import raw_connect
from crm.store.first_look import read_first_rows

N = 100_000
PASSPHRASE = "benchmark passphrase"
TARGET = "≤ 1.3× plain"


def _copy(source: Path, target: Path) -> float:
    """A compacted copy of ``source`` (``VACUUM INTO``: rows laid out afresh, as the
    conversion's export lays them); its seconds."""
    start = time.perf_counter()
    src = raw_connect(source)
    try:
        src.execute("VACUUM INTO ?", (str(target),))
    finally:
        src.close()
    return time.perf_counter() - start


def paired_ms(
    ours: Any, baseline: Any, runs: int = 15, rounds: int = 3, warmup: int = 2
) -> tuple[float, float]:
    """Medians (ms) of ``ours`` and ``baseline`` timed in turns, the order swapped every
    run, the lowest of ``rounds`` rounds' medians for each: on a shared machine a busy
    moment then weighs on both alike, and a busy round on neither."""
    for _ in range(warmup):
        ours()
        baseline()
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        samples: tuple[list[float], list[float]] = ([], [])
        for n in range(runs):
            order = (0, 1) if n % 2 else (1, 0)
            for i in order:
                start = time.perf_counter()
                (ours, baseline)[i]()
                samples[i].append((time.perf_counter() - start) * 1000)
        best = [min(best[i], statistics.median(samples[i])) for i in (0, 1)]
    return best[0], best[1]


def _scroll(ours: Any, theirs: Any) -> tuple[list[float], list[float]]:
    """Every page's milliseconds in each book, walking both by name 200 at a time, a page
    of one and then the same page of the other."""
    flt, by_name = ProspectFilter(), Sort(SortColumn.NAME)
    times: tuple[list[float], list[float]] = ([], [])
    after: list[Any] = [None, None]
    done = [False, False]
    while not all(done):
        for i, services in enumerate((ours, theirs)):
            if done[i]:
                continue
            start = time.perf_counter()
            rows = services.prospects.page(flt, by_name, 0, 200, after=after[i])
            times[i].append((time.perf_counter() - start) * 1000)
            done[i] = len(rows) < 200
            after[i] = (rows[-1].sort_key, rows[-1].id) if rows else None
    return times


def _cases(services: Any) -> list[tuple[str, Any]]:
    prospects = services.prospects
    rm = services.users.all(role="rm")[0]
    lists = [
        (
            "list: stage + district by name",
            ProspectFilter(stages=("no_loan",), districts=("440605",)),
            Sort(SortColumn.NAME),
        ),
        (
            "list: RM + source by last contact",
            ProspectFilter(rm_ids=(rm.id,), sources=("settlement_account",)),
            Sort(SortColumn.LAST_CONTACT, descending=True),
        ),
        ("list: industry C by RM", ProspectFilter(industries=("C",)), Sort(SortColumn.RM)),
        ("list: everyone by name, first page", ProspectFilter(), Sort(SortColumn.NAME)),
    ]
    cases: list[tuple[str, Any]] = [
        (name, lambda f=f, s=s: prospects.page(f, s, 0, 200)) for name, f, s in lists
    ]
    for word in ("五金", "陶瓷", "xinfeng"):
        flt = ProspectFilter(text=word)
        cases.append(
            (f"search '{word}': first page", lambda f=flt: prospects.page(f, Sort(), 0, 200))
        )
        cases.append((f"search '{word}': count", lambda f=flt: prospects.count(f)))
    return cases


def main() -> None:
    demo = demo_db(N)
    with tempfile.TemporaryDirectory() as folder:
        # Both books fresh copies of the demo (which other benchmarks may hold open).
        plain, encrypted = Path(folder) / "plain.db", Path(folder) / "encrypted.db"
        copy_s = _copy(demo, plain)
        _copy(demo, encrypted)
        start = time.perf_counter()
        book_lock.encrypt_book(
            encrypted,
            "passphrase",
            username="bench",
            passphrase=PASSPHRASE,
            keep_backup=lambda book: None,
        )
        convert_s = time.perf_counter() - start
        report(f"crm book encrypt, {N:,} prospects", convert_s, copy_s, "s ", "(VACUUM INTO)")

        keys.forget_all()
        unlocks = []
        for _ in range(5):
            start = time.perf_counter()
            book_lock.unlock(encrypted, "bench", PASSPHRASE)
            unlocks.append(time.perf_counter() - start)
        report(
            "unlock (scrypt n=2^15 r=8 p=1, one slot)",
            statistics.median(unlocks) * 1000,
            0.0,
            "ms",
            "0.1–0.3 s",
        )

        # Upgraded to the head revision (as the app would) and closed before the first
        # look, which reads a book at the head revision, cleanly closed, only.
        for book in (encrypted, plain):
            open_services(book).close()
        first, first_plain = paired_ms(
            lambda: read_first_rows(encrypted, 200), lambda: read_first_rows(plain, 200)
        )
        assert read_first_rows(encrypted, 200) is not None
        report("first look: first page read from the file", first, first_plain, "ms", "")

        ours = open_services(encrypted)
        theirs = open_services(plain)
        try:
            worst = 0.0
            for (name, enc), (_same, base) in zip(_cases(ours), _cases(theirs), strict=True):
                figure, baseline = paired_ms(enc, base)
                report(name, figure, baseline, "ms", TARGET)
                worst = max(worst, figure / baseline if baseline else 0.0)
            enc_pages, plain_pages = _scroll(ours, theirs)
            report(
                f"scroll: a page of 200 ({len(enc_pages)} pages, median)",
                statistics.median(enc_pages),
                statistics.median(plain_pages),
                "ms",
                TARGET,
            )
            whole, whole_plain = sum(enc_pages), sum(plain_pages)
            report("scroll: the whole book by name", whole, whole_plain, "ms", TARGET)
            page = statistics.median(enc_pages) / statistics.median(plain_pages)
            worst = max(worst, whole / whole_plain, page)
            print(f"worst ratio encrypted / plain: {worst:.2f} (target ≤ 1.30)", flush=True)
        finally:
            ours.close()
            theirs.close()
            keys.forget_all()


if __name__ == "__main__":
    main()
