"""Issue 19's frozen app: its start to the window ready (the prospect list painted and the
services loaded: what ``crm gui --smoke`` waits for) on the 100,000-prospect demo book,
beside the same command from the virtual environment (target ≤ 1.2×), the median of
``CRM_BENCH_FROZEN_RUNS`` (5) runs each, taken alternately.

The bundle is dist/FirstLoanCRM (``packaging/build_linux.sh`` or ``python3
packaging/bootstrap.py build``); without it this benchmark says so and stops.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, demo_db, report

from crm.ui.launch import SMOKE_MARKER

RUNS = max(1, int(os.environ.get("CRM_BENCH_FROZEN_RUNS", "5")))
BUNDLE = ROOT / "dist" / "FirstLoanCRM"
FROZEN = BUNDLE / ("crm.exe" if os.name == "nt" else "crm")
UNFROZEN = Path(sys.executable).with_name("crm")


def start(program: Path, db: Path) -> float:
    """Milliseconds from starting ``program gui --smoke`` to its line saying the window is
    painted with its services."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    began = time.perf_counter()
    child = subprocess.Popen(
        [str(program), "gui", "--smoke", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith(SMOKE_MARKER):
            elapsed = (time.perf_counter() - began) * 1000
            child.wait(60)
            return elapsed
    child.wait(60)
    raise SystemExit(
        f"{program} did not open the book: {child.stderr.read() if child.stderr else ''}"
    )


def main() -> None:
    if not FROZEN.exists():
        raise SystemExit(f"no frozen app at {BUNDLE}: run packaging/build_linux.sh first")
    source = demo_db()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        shutil.copy(source, db)
        start(FROZEN, db)  # the first run after a build warms the file cache
        start(UNFROZEN, db)
        frozen, unfrozen = [], []
        for _ in range(RUNS):
            frozen.append(start(FROZEN, db))
            unfrozen.append(start(UNFROZEN, db))
    print(f"runs: frozen {[round(x) for x in frozen]}, unfrozen {[round(x) for x in unfrozen]}")
    report(
        f"frozen start to window ready (median of {RUNS})",
        statistics.median(frozen),
        statistics.median(unfrozen),
        "ms",
        "≤ 1.2× the unfrozen start",
    )


if __name__ == "__main__":
    main()
