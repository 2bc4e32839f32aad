"""Issue 17's Team-page speed targets on the pipeline benchmark's 100,000-prospect book
(bench_pipeline.book()): a drill-down list opened, the dialog shown with its 2,000 lines
(read on the task runner's worker, filled into the table) ≤ 150 ms, beside the bare SQL of
the same lines on a bare connection; and the Excel export of 10,000 rows (a drill-down's
list as the dialog writes it: bold frozen headers, formats, text neutralised) ≤ 3 s,
beside openpyxl writing the same values in a plain write-only workbook (its floor).

    python3 packaging/bootstrap.py bench team_page
    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_team_page.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench_pipeline import book
from common import median_ms, report
from sqlcipher3 import dbapi2 as sqlite3  # the same SQLite the app uses

RUNS = 7
ROWS = 10_000
# The drill-down's lines as the store reads them (crm/store/team_queries.py), bare.
_LINES_SQL = (
    "SELECT p.id, p.name, coalesce(u.display_name, ''), p.stage, p.next_visit_due, "
    "p.last_contact_on FROM prospects p LEFT JOIN users u ON u.id = p.assigned_rm_id "
    "WHERE 1 = 1 ORDER BY p.name, p.id LIMIT ?"
)


def bare_lines(path: Path, limit: int) -> float:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return median_ms(lambda: conn.execute(_LINES_SQL, (limit,)).fetchall(), runs=RUNS)
    finally:
        conn.close()


def plain_workbook(rows: list[list[str]], headers: list[str], target: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(target)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from crm.services import reference
    from crm.services.container import open_services
    from crm.services.team import DRILL_LIMIT, Drill, TeamService
    from crm.ui.common.context import StartupData, UiContext
    from crm.ui.common.settings import AppSettings
    from crm.ui.common.tasks import TaskRunner
    from crm.ui.team.drill import DrillDialog
    from crm.ui.team.excel import write_workbook

    app = QApplication.instance() or QApplication([])
    path = book()
    services = open_services(path)
    folder = Path(tempfile.mkdtemp(prefix="bench-team-"))
    users = services.users.all()
    admin = next(u for u in users if u.role == "admin")
    ui = UiContext(
        services,
        AppSettings(folder / "settings.ini"),
        TaskRunner(),
        StartupData(admin, users, reference.districts(services.ctx)),
    )
    team = TeamService(services.ctx)
    today = services.ctx.today()
    start = date(today.year, 1, 1)

    def load() -> list:
        return team.prospects(Drill("all"), start, today)

    def open_drill() -> None:
        dialog = DrillDialog(ui, "all", load)
        loop = QEventLoop()
        dialog.loaded.connect(loop.quit)
        QTimer.singleShot(10_000, loop.quit)
        dialog.show()
        loop.exec()
        app.processEvents()
        assert len(dialog.lines) == DRILL_LIMIT, len(dialog.lines)
        dialog.close()
        dialog.deleteLater()
        app.processEvents()

    bare_ms = bare_lines(path, DRILL_LIMIT)
    ours = median_ms(open_drill, runs=RUNS)
    report(f"drill-down opened, {DRILL_LIMIT:,} lines", ours, bare_ms, "ms", "≤ 150 ms")

    lines = team.prospects(Drill("all"), start, today, limit=ROWS)
    assert len(lines) == ROWS
    dialog = DrillDialog(ui, "all", lambda: lines)
    loop = QEventLoop()
    dialog.loaded.connect(loop.quit)
    dialog.show()
    loop.exec()
    rows = [dialog._values(line) for line in dialog.lines]
    from crm.ui.team.excel import Sheet

    sheet = Sheet("all", dialog.headers, ["text"] * len(dialog.headers), rows)
    ours_s, floor_s = [], []
    for n in range(3):
        t = time.perf_counter()
        write_workbook(folder / f"ours-{n}.xlsx", [sheet])
        ours_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        plain_workbook(rows, list(dialog.headers), folder / f"plain-{n}.xlsx")
        floor_s.append(time.perf_counter() - t)
    report(
        f"Excel export, {ROWS:,} rows",
        statistics.median(ours_s) * 1000,
        statistics.median(floor_s) * 1000,
        "ms",
        "≤ 3000 ms",
    )
    dialog.close()
    ui.tasks.wait()
    services.close()


if __name__ == "__main__":
    main()
