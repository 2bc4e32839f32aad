"""Chinese-native lists on the 100,000-prospect demo database, each beside a baseline
measured in the same run.

Run with ``QT_QPA_PLATFORM=offscreen``:

- a page of 200 sorted by name (pinyin sort key) through the service, the first page and
  one deep in the book (sought after a row, as the list pages), and a team lead's first
  page (the team's RMs' books and the pool), target ≤ 20 ms, beside the bare driver reading
  200 rows in no order; timed once the app has settled (the list's count and the search
  warm-up that follow the first page run on other threads and would be timed with it);
- each keystroke of full pinyin typed in the list's search box (xinfeng, tianyou, mixed
  三水xinfeng) to the list updated, target ≤ 60 ms median and ≤ 100 ms worst, beside the
  same app's keystrokes of pinyin initials (what it had before) and the service's page()
  for the same text.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import demo_db, median_ms, report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ui import open_app, run_until, wait_for

N = 100_000
PINYIN = ("xinfeng", "tianyou", "三水xinfeng")
INITIALS = ("xftc", "tyxx", "fsnh")


def lead_scope(users) -> tuple[str, ...]:
    """A team lead's list as the service scopes it: the team's RMs and the pool."""
    from crm.domain.query import UNASSIGNED

    lead = next(u for u in users if u.role == "lead")
    return (*sorted(u.id for u in users if u.team_id == lead.team_id), UNASSIGNED)


def bench_pages(service, db: Path, users) -> None:
    from crm.domain.query import ProspectFilter, Sort, SortColumn
    from crm.store.files import raw_connect

    everyone, by_name = ProspectFilter(), Sort(SortColumn.NAME)
    first = service.page(everyone, by_name, 0, 200)
    names = [r.name for r in first]
    print(f"  first names: {' '.join(n[:6] for n in names[:5])} …", flush=True)
    conn = raw_connect(db, read_only=True)
    try:
        floor = median_ms(
            lambda: conn.execute(
                "SELECT id, name, uscc, stage, assigned_rm_id FROM prospects LIMIT 200"
            ).fetchall()
        )
    finally:
        conn.close()
    top = median_ms(lambda: service.page(everyone, by_name, 0, 200))
    middle = service.page(everyone, by_name, N // 2, 1)[0]
    deep = median_ms(
        lambda: service.page(everyone, by_name, 0, 200, after=(middle.sort_key, middle.id))
    )
    backwards = median_ms(lambda: service.page(everyone, Sort(SortColumn.NAME, True), 0, 200))
    team = ProspectFilter(rm_ids=lead_scope(users))
    lead = median_ms(lambda: service.page(team, by_name, 0, 200))
    report("pinyin-sorted page of 200, first", top, floor, "ms", "≤ 20 ms")
    report("pinyin-sorted page of 200, a team lead's first", lead, floor, "ms", "≤ 20 ms")
    report("pinyin-sorted page of 200, mid-book (after a row)", deep, floor, "ms", "≤ 20 ms")
    report("pinyin-sorted page of 200, descending", backwards, floor, "ms", "≤ 20 ms")


def keystrokes(list_view, words) -> tuple[list[float], list[float], list[str]]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent, QKeyEvent
    from PySide6.QtWidgets import QApplication

    model = list_view.model
    search = list_view.filters.search
    service = list_view.ui.services.prospects
    marks: dict[str, float] = {}
    model.reloaded.connect(lambda: marks.__setitem__("reloaded", time.perf_counter()))
    search.setFocus()
    wait_for(lambda: list_view.ui.tasks.pending() == 0)
    per_key, baselines, typed = [], [], []
    for word in words:
        search.clear()
        wait_for(lambda: model.filter.text == "" and not model.loading)
        for n in range(1, len(word) + 1):
            text, char = word[:n], word[n - 1]
            marks.clear()
            start = time.perf_counter()
            if char.isascii():
                event = QKeyEvent(
                    QKeyEvent.Type.KeyPress,
                    Qt.Key(ord(char.upper())),
                    Qt.KeyboardModifier.NoModifier,
                    char,
                )
            else:
                event = QInputMethodEvent()
                event.setCommitString(char)
            QApplication.sendEvent(search, event)
            run_until(
                model.reloaded,
                lambda text=text: (
                    "reloaded" in marks and model.filter.text == text and not model.loading
                ),
            )
            per_key.append((marks["reloaded"] - start) * 1000)
            flt, sort = model.filter, model.sort_order
            baselines.append(median_ms(lambda flt=flt, sort=sort: service.page(flt, sort, 0, 200)))
            typed.append(f"{text}:{model.total if model.total is not None else '?'}")
    search.clear()
    wait_for(lambda: model.filter.text == "" and not model.loading and model.rowCount() > 0)
    return per_key, baselines, typed


def bench_search(list_view) -> None:
    ours, pages, typed = keystrokes(list_view, PINYIN)
    before, _, typed_before = keystrokes(list_view, INITIALS)
    print(
        "  pinyin keystrokes (ms): "
        + ", ".join(f"{t} {ms:.0f}" for t, ms in zip(typed, ours, strict=True)),
        flush=True,
    )
    print(
        "  initials keystrokes (ms): "
        + ", ".join(f"{t} {ms:.0f}" for t, ms in zip(typed_before, before, strict=True)),
        flush=True,
    )
    report(
        "full pinyin keystroke to list updated, median",
        statistics.median(ours),
        statistics.median(before),
        "ms",
        "≤ 60 ms (baseline: initials)",
    )
    report(
        "full pinyin keystroke to list updated, max",
        max(ours),
        max(before),
        "ms",
        "≤ 100 ms (baseline: initials)",
    )
    report(
        "  service.page for the same text, median",
        statistics.median(pages),
        statistics.median(before),
        "ms",
        "-",
    )


def main() -> None:
    db = demo_db(N)
    with tempfile.TemporaryDirectory() as folder:
        _app, _launcher, window, list_view = open_app(db, Path(folder))
        window.grab()
        wait_for(lambda: list_view.ui.services_ready and list_view.ui.tasks.pending() == 0)
        bench_pages(list_view.ui.services.prospects, db, list_view.ui.users)
        bench_search(list_view)
        window.ui.tasks.wait(5000)
    os._exit(0)


if __name__ == "__main__":
    main()
