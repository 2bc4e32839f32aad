"""Issue 18's 360-page figure: opening a customer on the 100,000-prospect book ≤ 150 ms
(median of opens of different customers, through the real page, offscreen): from the open
to the page painted with everything its first view shows (header, figures, overview, and
the loans, visits and products tabs read), printed beside reading the same customer through
the service alone (the least any page must do).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import demo_db, report
from PySide6.QtWidgets import QApplication

from crm.domain.query import ProspectFilter, Sort
from crm.services.container import open_services
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.prospects.page import ProspectsPage

OPENS = 15
STAGES = ("no_loan", "first_loan", "strategic", "dropped")


def wait_for(app: QApplication, condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not get there in time")
        app.processEvents()
        time.sleep(0.0005)


def main() -> None:
    app = QApplication([])
    services = open_services(demo_db(100_000))
    with tempfile.TemporaryDirectory() as tmp:
        ui = UiContext(
            services, AppSettings(Path(tmp) / "settings.ini"), TaskRunner(), load_startup(services)
        )
        ids = [
            row.id
            for stage in STAGES
            for row in services.prospects.page(ProspectFilter(stages=(stage,)), Sort(), 0, 8)
        ]
        page = ProspectsPage(ui)
        page.resize(1366, 768)
        page.show()
        page.start()
        wait_for(app, lambda: ui.tasks.pending() == 0)
        started = time.perf_counter()
        page.open_prospect(ids[-1])  # the first open makes the page (and imports its tabs)
        wait_for(app, lambda: ui.tasks.pending() == 0)
        first = (time.perf_counter() - started) * 1000

        figures = []
        for pid in ids[: OPENS + 2]:
            page.show_list()
            app.processEvents()
            started = time.perf_counter()
            page.open_prospect(pid)
            detail = page.detail
            wait_for(
                app,
                lambda detail=detail, pid=pid: (
                    detail.detail is not None
                    and detail.detail.id == pid
                    and ui.tasks.pending() == 0
                ),
            )
            detail.repaint()  # painted, not only laid out
            figures.append((time.perf_counter() - started) * 1000)
        figures = figures[2:]  # the statements' first runs

        alone = []
        for pid in ids[:OPENS]:
            started = time.perf_counter()
            services.prospects.get(pid)
            alone.append((time.perf_counter() - started) * 1000)
        report(
            "360 page: open to painted, all first-view reads (median)",
            statistics.median(figures),
            statistics.median(alone),
            "ms",
            "≤ 150 ms",
        )
        print(
            f"  opens {', '.join(f'{f:.0f}' for f in figures)} ms; worst {max(figures):.0f} ms;"
            f" first open (page made) {first:.0f} ms",
            flush=True,
        )
        ui.tasks.wait()
        page.close()
    services.close()


if __name__ == "__main__":
    main()
