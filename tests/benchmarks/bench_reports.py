"""Issue 16's report figures on the 100,000-prospect demo book (about 300,000 visits), each
beside a baseline measured in the same run:

- one visit report, warm (target ≤ 250 ms and ≤ 200 KB without photos), beside a bare
  ReportLab document of one page of Chinese paragraphs in the same embedded font;
- 200 visit reports in one batch (target ≤ 20 s), as one PDF and as one file each, beside
  200 of those bare pages;
- the pipeline report of the whole book and of a team for a month (target ≤ 3 s), beside
  the stage counts of the book as bare SQL on a bare connection.

The benchmark works on its own copy of the cached demo book (brought up to the current
schema once), so other benchmarks' books are left as they are.

    python3 packaging/bootstrap.py bench reports
    .venv/bin/python tests/benchmarks/bench_reports.py
"""

from __future__ import annotations

import io
import shutil
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from common import CACHE, demo_db, median_ms, report
from sqlcipher3 import dbapi2 as sqlite3  # the same SQLite the app uses

N = 100_000
BATCH = 200
BOOK = CACHE / f"demo-reports-{N}-1.db"


def book() -> Path:
    if not BOOK.exists():
        source = demo_db(N)
        building = BOOK.with_suffix(".copying")
        shutil.copyfile(source, building)
        building.rename(BOOK)
    return BOOK


def bare_page(count: int = 1) -> bytes:
    """``count`` pages of Chinese paragraphs in the bundled font: ReportLab's own cost."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from crm.reports.fonts import SANS, register_fonts

    register_fonts()
    style = ParagraphStyle("bare", fontName=SANS, fontSize=9.5, leading=13.5, wordWrap="CJK")
    text = "实地查看经营场所，两条生产线正常开工，工人约40人，销售回款稳定，月均流水约120万元。" * 3
    story = []
    for n in range(count):
        if n:
            story.append(PageBreak())
        story.extend(Paragraph(text, style) for _ in range(12))
    out = io.BytesIO()
    SimpleDocTemplate(out, initialFontName=SANS).build(story)
    return out.getvalue()


def pick(path: Path) -> tuple[str, str, date, date]:
    """A finalized site visit with its record filled in; an RM and the days back from the
    book's last visit day holding at least BATCH recorded visits of theirs."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        visit_id = conn.execute(
            "SELECT id FROM visits WHERE status = 'final' AND kind = 'site' "
            "AND amends_id IS NULL ORDER BY length(operating_state) DESC LIMIT 1"
        ).fetchone()[0]
        last = date.fromisoformat(
            conn.execute("SELECT max(visit_on) FROM visits WHERE status = 'final'").fetchone()[0]
        )
        rm_id = conn.execute(
            "SELECT rm_id FROM visits WHERE rm_id IS NOT NULL GROUP BY rm_id "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        days = conn.execute(
            "SELECT visit_on, count(*) FROM visits WHERE rm_id = ? AND amends_id IS NULL "
            "AND status IN ('draft', 'final') AND visit_on <= ? "
            "GROUP BY visit_on ORDER BY visit_on DESC",
            (rm_id, last.isoformat()),
        ).fetchall()
    finally:
        conn.close()
    total, first = 0, last
    for day, n in days:
        total += n
        first = date.fromisoformat(day)
        if total >= BATCH:
            break
    return visit_id, rm_id, first, last


def main() -> None:
    from crm.services.container import open_services

    path = book()
    visit_id, rm_id, first, last = pick(path)
    services = open_services(path)  # brings the copy up to the current schema (once)
    reports = services.reports

    # -- one visit report ------------------------------------------------------------------
    bare_ms = median_ms(bare_page, runs=15)
    for lang in ("zh_CN", "en"):
        sizes: list[int] = []

        def one(lang: str = lang, sizes: list[int] = sizes) -> None:
            sizes.append(len(reports.visit_pdf(visit_id, lang=lang)))

        ours = median_ms(one, runs=15)
        report(f"one visit report, warm ({lang})", ours, bare_ms, "ms", "≤ 250 ms")
        kb = statistics.median(sizes) / 1024
        report(f"  its size ({lang})", kb, len(bare_page()) / 1024, "KB", "≤ 200 KB")

    # -- a batch of visit reports ------------------------------------------------------------
    ids = reports.recorded_visits(first, last, [rm_id])[:BATCH]
    started = time.perf_counter()
    bare_page(len(ids))
    bare_s = time.perf_counter() - started
    for per_visit, name in ((False, "one PDF"), (True, "one file each")):
        started = time.perf_counter()
        files = reports.visit_reports(ids, per_visit=per_visit, lang="zh_CN")
        ours = time.perf_counter() - started
        megabytes = sum(len(f.data) for f in files) / 1e6
        report(
            f"{len(ids)} visit reports, {name} ({megabytes:.1f} MB)", ours, bare_s, "s", "≤ 20 s"
        )

    # -- the pipeline report -----------------------------------------------------------------
    start, end = last.replace(day=1), last

    def bare_sql() -> None:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("SELECT stage, count(*) FROM prospects GROUP BY stage").fetchall()
        finally:
            conn.close()

    baseline = median_ms(bare_sql, runs=5, warmup=1)
    team = services.users.teams()[0].name
    for scope, kwargs in (("the whole book", {}), (f"team {team}", {"team": team})):
        for lang in ("zh_CN",):
            ours = median_ms(
                lambda kwargs=kwargs, lang=lang: reports.pipeline_pdf(
                    start, end, lang=lang, **kwargs
                ),
                runs=5,
                warmup=1,
            )
            report(f"pipeline report, {scope}, a month", ours, baseline, "ms", "≤ 3000 ms")
    figures_ms = median_ms(lambda: reports.pipeline_figures(start, end), runs=5, warmup=1)
    report("  its figures alone (the whole book)", figures_ms, baseline, "ms", "—")
    year = median_ms(
        lambda: reports.pipeline_pdf(end - timedelta(days=364), end, lang="zh_CN"), runs=3
    )
    report("pipeline report, the whole book, a year", year, baseline, "ms", "≤ 3000 ms")
    services.close()


if __name__ == "__main__":
    main()
