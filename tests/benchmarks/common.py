"""Small helpers shared by the benchmark scripts: timing, medians, a demo database."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("CRM_BENCH_DIR", ROOT / "demo-data" / "bench"))


def median_ms(func: Callable[[], object], runs: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def report(name: str, ours: float, baseline: float, unit: str, target: str) -> None:
    ratio = ours / baseline if baseline else float("inf")
    print(
        f"{name:<48} {ours:9.1f} {unit}   baseline {baseline:9.1f} {unit}   "
        f"ratio {ratio:5.2f}   target {target}",
        flush=True,
    )


def _page_size(path: Path) -> int:
    from crm.store.files import raw_connect

    conn = raw_connect(path, read_only=True)
    try:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def demo_db(prospects: int = 100_000, seed: int = 1) -> Path:
    """The benchmark demo database, built once and reused (delete the folder to rebuild)."""
    from crm.demo.builder import build_demo
    from crm.store.engine import PAGE_SIZE

    path = CACHE / f"demo-{prospects}-{seed}.db"
    if path.exists() and _page_size(path) != PAGE_SIZE:
        print("demo database has another page size than new books: rebuilding it", flush=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        # Built under another name and renamed when complete: a benchmark started meanwhile
        # never opens a half-built book.
        building = path.with_name(f"{path.stem}.building-{os.getpid()}.db")
        build_demo(building, prospects=prospects, seed=seed)
        os.replace(building, path)
    return path
