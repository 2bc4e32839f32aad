"""Issue 5's figures on the 100,000-prospect demo database (about 300,000 visits), each
beside a baseline measured in the same run:

- building the demo with its visit history (target ≤ 30 s), beside bare executemany of the
  same visit rows into an empty table;
- Today for an RM, a team lead's team and the whole book (target ≤ 200 ms), beside the
  main overdue query as bare SQL on a bare connection;
- `crm visits due` as a user runs it (target ≤ 1 s), beside a bare interpreter that
  imports the SQLite driver and runs the same overdue query;
- opening a month in the calendar page, data and paint (target ≤ 150 ms), beside the
  month's visits as bare SQL on a bare connection.

    python3 packaging/bootstrap.py bench visits          # builds the database, then measures
    .venv/bin/python tests/benchmarks/bench_visits.py --reuse   # measures an existing one
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from common import CACHE, ROOT, median_ms, report
from sqlcipher3 import dbapi2 as sqlite3  # the same SQLite the app uses

from crm.domain.clock import SHANGHAI, utcnow

N = 100_000
PATH = CACHE / f"demo-visits-{N}-1.db"
OVERDUE_SQL = (
    "SELECT p.id, p.name, p.stage, p.next_visit_due FROM prospects p "
    "WHERE p.next_visit_due < ? AND p.stage != 'dropped' {scope}"
    "ORDER BY p.next_visit_due LIMIT 200"
)


def _today() -> date:
    """The day the demo book was built for: the app's clock (CRM_CLOCK honoured) in
    Shanghai, not the machine's."""
    return utcnow().astimezone(SHANGHAI).date()


def bench_demo_build() -> Path:
    from crm.demo.builder import build_demo

    CACHE.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{PATH}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    summary = build_demo(PATH, prospects=N, seed=1)
    ours = time.perf_counter() - start
    src = sqlite3.connect(PATH)
    rows = src.execute("SELECT * FROM visits").fetchall()
    schema = src.execute("SELECT sql FROM sqlite_master WHERE name = 'visits'").fetchone()[0]
    src.close()
    with tempfile.TemporaryDirectory() as tmp:
        bare = sqlite3.connect(Path(tmp) / "bare.db")
        bare.execute("PRAGMA journal_mode=WAL")
        bare.execute(schema)
        start = time.perf_counter()
        with bare:
            bare.executemany(f"INSERT INTO visits VALUES ({','.join('?' * len(rows[0]))})", rows)
        baseline = time.perf_counter() - start
        bare.close()
    print(f"  {summary.prospects:,} prospects, {summary.visits:,} visits", flush=True)
    report(f"crm demo --prospects {N:,} (with visits)", ours, baseline, "s ", "≤ 30 s")
    return PATH


def bench_today(path: Path) -> None:
    from crm.services.container import open_services
    from crm.services.today import Scope, TodayService

    services = open_services(path)
    today = TodayService(services.ctx)
    day = services.ctx.today()
    users = services.users.all()
    lead = next(u for u in users if u.role == "lead")
    rm = next(u for u in users if u.role == "rm")
    bare = sqlite3.connect(path)
    for label, scope in (
        (f"an RM ({rm.username})", today.scope_for(rm.id)),
        (f"a team lead's team ({lead.team_name})", today.scope_for(lead.id)),
        ("the whole book", Scope(None)),
    ):
        ours = median_ms(lambda scope=scope: today.summary(scope))
        ids = scope.rm_ids
        where = f"AND p.assigned_rm_id IN ({','.join('?' * len(ids))}) " if ids else ""
        sql = OVERDUE_SQL.format(scope=where)
        params = (day.isoformat(), *(ids or ()))
        baseline = median_ms(lambda sql=sql, params=params: bare.execute(sql, params).fetchall())
        report(f"Today for {label}", ours, baseline, "ms", "≤ 200 ms")
    services.close()


def bench_due_command(path: Path) -> None:
    env = dict(os.environ, PYTHONUTF8="1")
    python = sys.executable
    conn = sqlite3.connect(path)
    rm = conn.execute("SELECT username FROM users WHERE role = 'rm' ORDER BY username").fetchone()[
        0
    ]
    conn.close()
    day = _today().isoformat()
    query = OVERDUE_SQL.format(scope="")
    bare = (
        f"from sqlcipher3 import dbapi2 as s; c = s.connect(r'{path}'); "
        f"c.execute({query!r}, ({day!r},)).fetchall()"
    )

    def run(args: list[str]) -> None:
        subprocess.run(args, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)

    baseline = median_ms(lambda: run([python, "-c", bare]), runs=5, warmup=1)
    for label, extra in ((f"one RM ({rm})", ["--rm", rm]), ("the whole book", [])):
        command = [python, "-m", "crm.cli", "visits", "due", "--db", str(path), "--json", *extra]
        ours = median_ms(lambda command=command: run(command), runs=5, warmup=1)
        report(f"crm visits due --json, {label}", ours, baseline, "ms", "≤ 1000 ms")


def bench_calendar_month(path: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from crm.services.container import open_services
    from crm.ui.calendar.page import CalendarPage
    from crm.ui.common.context import UiContext, load_startup
    from crm.ui.common.settings import AppSettings
    from crm.ui.common.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    services = open_services(path)
    with tempfile.TemporaryDirectory() as tmp:
        ui = UiContext(
            services, AppSettings(Path(tmp) / "s.ini"), TaskRunner(), load_startup(services)
        )
        page = CalendarPage(ui)
        page.resize(1200, 680)
        page.show()
        page.start()
        shown: list[object] = []
        page.shown.connect(lambda *args: shown.append(args))

        def wait() -> None:
            deadline = time.perf_counter() + 60
            while not shown:
                if time.perf_counter() > deadline:
                    raise TimeoutError("the calendar did not show its range")
                app.processEvents()
                time.sleep(0.0005)
            shown.clear()

        wait()
        months = [_today().replace(day=1) + timedelta(days=31 * k) for k in range(-3, 3)]
        months = [m.replace(day=1) for m in months]
        cycle = iter(months * 10)

        def open_month() -> None:
            page.show_month(next(cycle))
            wait()
            page.month_view.repaint()

        bare = sqlite3.connect(path)
        for label, index in (("the lead's team", 0), ("one RM", 2)):
            if page.scope.currentIndex() != index:
                page.scope.setCurrentIndex(index)  # reloads
            else:
                page.reload()
            wait()
            ids = page.scope.scope().rm_ids or ()
            ours = median_ms(open_month, runs=12, warmup=2)
            start, end = page.month_view.range_for(months[3])
            sql = (
                "SELECT v.id, v.visit_on, v.start_time, p.name FROM visits v "
                "JOIN prospects p ON p.id = v.prospect_id "
                f"WHERE v.rm_id IN ({','.join('?' * len(ids))}) AND v.visit_on BETWEEN ? AND ? "
                "AND v.amends_id IS NULL ORDER BY v.visit_on, v.start_time"
            )
            params = (*ids, start.isoformat(), end.isoformat())
            baseline = median_ms(
                lambda sql=sql, params=params: bare.execute(sql, params).fetchall()
            )
            count = len(bare.execute(sql, params).fetchall())
            report(
                f"open a month in the calendar, {label} ({count:,} visits)",
                ours,
                baseline,
                "ms",
                "≤ 150 ms",
            )
        ui.tasks.wait()
        page.close()
    services.close()


if __name__ == "__main__":
    path = PATH if "--reuse" in sys.argv and PATH.exists() else bench_demo_build()
    bench_today(path)
    bench_due_command(path)
    bench_calendar_month(path)
