"""Issue 15's UI figure: the prospect page's product panel shows the new pre-assessment
≤ 100 ms after the RM saves a fact (Save clicked to the panel updated, through the real
window, offscreen), printed beside matching the same prospect through the service alone.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import report
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from crm.demo.builder import build_demo
from crm.domain.query import ProspectFilter, Sort
from crm.services.container import open_services
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.prospects.page import ProspectsPage

SAVES = 9


def wait_for(app: QApplication, condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.001)


def main() -> None:
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_demo(folder / "demo.db", prospects=2000, seed=7)
        services = open_services(folder / "demo.db")
        ui = UiContext(
            services, AppSettings(folder / "settings.ini"), TaskRunner(), load_startup(services)
        )
        rows = services.prospects.page(ProspectFilter(stages=("no_loan",)), Sort())
        pid = rows[0].id
        page = ProspectsPage(ui)
        page.resize(1366, 768)
        page.show()
        page.start()
        wait_for(app, lambda: ui.tasks.pending() == 0)
        page.open_prospect(pid)
        wait_for(app, lambda: ui.tasks.pending() == 0)
        view = page.detail.products
        assert view is not None
        page.detail.tabs.setCurrentWidget(view)
        app.processEvents()
        editor = view.facts.rows["annual_invoicing"].editor
        figures = []
        for n in range(SAVES):
            editor.clear()
            QTest.keyClicks(editor, str(80 + 10 * n))
            view.last_update_ms = None
            started = time.perf_counter()
            QTest.mouseClick(view.facts.save_button, Qt.MouseButton.LeftButton)
            wait_for(app, lambda: view.last_update_ms is not None)
            figures.append((time.perf_counter() - started) * 1000)
        alone = []
        for _ in range(SAVES):
            started = time.perf_counter()
            services.products.match(pid)
            alone.append((time.perf_counter() - started) * 1000)
        report(
            "product panel: fact saved to panel updated (median)",
            statistics.median(figures),
            statistics.median(alone),
            "ms",
            "≤ 100 ms",
        )
        print(f"  saves {', '.join(f'{f:.0f}' for f in figures)} ms", flush=True)
        ui.tasks.wait()
        page.close()
        services.close()


if __name__ == "__main__":
    main()
