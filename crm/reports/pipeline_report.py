"""The pipeline report (客户培育进度报告) a team lead prints for the weekly meeting.

The figures (crm.domain.pipeline_metrics) of a team, an RM or the whole book for a period:
the book by stage, the funnel with its conversion rates, new first-loan customers against
the same period last year, visits done against due per RM, the prospects overdue for
contact, the loans maturing in the next 90 days, the two increases (两增) and the
non-performing ratio against its tolerance (不良率容忍度). Charts sit
beside their tables; long tables run onto further pages with their header repeated.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from crm.domain.pipeline_metrics import STAGE_ORDER, PipelineFigures, ratio_bp
from crm.reports import charts
from crm.reports.blocks import grid, heading
from crm.reports.document import (
    BAD,
    CONTENT_WIDTH,
    GOOD,
    RULE,
    SHADE,
    PageInfo,
    ReportStart,
    Styles,
    build_pdf,
    para,
    table_style,
)
from crm.reports.model import PipelineReportData
from crm.reports.text import DASH, ReportText, markup


def render_pipeline_report(data: PipelineReportData, lang: str) -> bytes:
    t = ReportText(lang)
    return build_pdf(
        pipeline_story(data, t),
        title=t.tr("Pipeline report"),
        author=data.generated_by,
        subject=data.scope,
    )


def _bp(t: ReportText, value: int | None) -> str:
    if value is None:
        return DASH
    return f"{value / 100:.1f}%"


def _growth(t: ReportText, value: int | None) -> str:
    if value is None:
        return DASH
    return f"{'+' if value >= 0 else ''}{value / 100:.2f}%"


def pipeline_story(data: PipelineReportData, t: ReportText) -> list[Flowable]:
    f = data.figures
    info = PageInfo(
        key=0,
        bank=data.letterhead.bank,
        branch=data.letterhead.branch,
        title=t.tr("Pipeline report"),
        footer_left=t.tr(
            "Generated {moment} by {user}",
            moment=t.moment(data.generated_at),
            user=data.generated_by,
        ),
        footer_note=data.scope,
        page_label=t.tr("Page {page} of {pages}", page="{page}", pages="{pages}"),
    )
    story: list[Flowable] = [ReportStart(info)]
    story.append(para(t.tr("Pipeline report"), Styles.title))
    story.append(
        Paragraph(
            markup(
                t.tr(
                    "{scope} · {start} to {end} · lists and balances as of {day}",
                    scope=data.scope,
                    start=t.day(f.period.start),
                    end=t.day(f.period.end),
                    day=t.day(f.as_of),
                )
            ),
            Styles.subtitle,
        )
    )
    story += _summary(data, t)
    story += _stages(data, t)
    story += _funnel(data, t)
    story += _first_loans(f, t)
    story += _visits(f, t)
    story += _overdue(data, t)
    story += _maturities(data, t)
    story += _two_increases(f, t)
    story += _non_performing(f, t)
    return story


def _summary(data: PipelineReportData, t: ReportText) -> list[Flowable]:
    f = data.figures
    done = sum(v.done for v in f.visits)
    due = sum(v.due for v in f.visits)
    ti = f.two_increases
    boxes = [
        (t.tr("Prospects in scope"), t.count(f.prospects)),
        (
            t.tr("New first-loan customers"),
            f"{t.count(f.first_loans.this_period)} "
            f"({t.tr('last year {count}', count=t.count(f.first_loans.same_period_last_year))})",
        ),
        (t.tr("Contacts done / due"), f"{t.count(done)} / {t.count(due)}"),
        (t.tr("Overdue for contact"), t.count(f.overdue.total)),
        (t.tr("Maturing within 90 days"), t.count(f.maturities.total)),
        (t.tr("Two increases"), t.tr("met") if ti.met else t.tr("not met")),
    ]
    cells = [
        [
            para(label, Styles.label),
            Paragraph(f'<font size="13">{markup(value)}</font>', Styles.body),
        ]
        for label, value in boxes
    ]
    rows = [
        [_box(cells[i]), _box(cells[i + 1]), _box(cells[i + 2])] for i in range(0, len(cells), 3)
    ]
    table = Table(rows, colWidths=[CONTENT_WIDTH / 3] * 3, hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [Spacer(1, 2 * mm), table]


def _box(content: Sequence[Flowable]) -> Table:
    box = Table([[c] for c in content], colWidths=[CONTENT_WIDTH / 3 - 4])
    box.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                ("LINEABOVE", (0, 0), (-1, 0), 1.2, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return box


def _stages(data: PipelineReportData, t: ReportText) -> list[Flowable]:
    f = data.figures
    order = [s for s in STAGE_ORDER if s in f.stages] + [
        s for s in sorted(f.stages) if s not in STAGE_ORDER
    ]
    labels = [data.stage_labels.get(s, s) for s in order]
    values = [f.stages[s] for s in order]
    rows: list[list[str | Flowable]] = [
        [label, t.count(n), t.percent(n, f.prospects)]
        for label, n in zip(labels, values, strict=True)
    ]
    rows.append([t.tr("Total"), t.count(f.prospects), t.percent(f.prospects, f.prospects)])
    chart = charts.horizontal_bars(labels, values, CONTENT_WIDTH * 0.55)
    table = grid(
        [t.tr("Stage"), t.tr("Prospects"), t.tr("Share")], rows, [0.2, 0.12, 0.1], right=(1, 2)
    )
    side = Table([[chart, table]], colWidths=[CONTENT_WIDTH * 0.56, CONTENT_WIDTH * 0.44])
    side.setStyle(
        table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return [*heading(t.tr("Prospects by stage (now)")), side]


def _funnel(data: PipelineReportData, t: ReportText) -> list[Flowable]:
    fn = data.figures.funnel
    names = {
        "no_loan": t.tr("In the pool"),
        "first_loan": t.tr("Became first-loan customers"),
        "strategic": t.tr("Became strategic clients"),
    }
    steps = [(names.get(s.stage, s.stage), s.reached) for s in fn.steps]
    rates = [
        "" if s.rate_bp is None else t.tr("conversion {rate}", rate=_bp(t, s.rate_bp))
        for s in fn.steps
    ]
    drawing = charts.funnel(steps, rates, CONTENT_WIDTH)
    rows: list[list[str | Flowable]] = [
        [
            names.get(s.stage, s.stage),
            t.count(s.reached),
            _bp(t, s.rate_bp),
            DASH if s.median_days is None else t.tr("{days} days", days=f"{s.median_days:.0f}"),
        ]
        for s in fn.steps
    ]
    table = grid(
        [
            t.tr("Step"),
            t.tr("Prospects"),
            t.tr("Conversion from the step before"),
            t.tr("Median time"),
        ],
        rows,
        [0.34, 0.18, 0.26, 0.22],
        right=(1, 2, 3),
    )
    moves = grid(
        [
            t.tr("In the period"),
            t.tr("Entered the pool"),
            t.tr("To first loan"),
            t.tr("To strategic"),
            t.tr("Dropped"),
        ],
        [
            [
                t.tr("Prospects"),
                t.count(fn.entered),
                t.count(fn.to_first_loan),
                t.count(fn.to_strategic),
                t.count(fn.dropped),
            ]
        ],
        [0.2, 0.2, 0.2, 0.2, 0.2],
        right=(1, 2, 3, 4),
    )
    note = Paragraph(
        markup(
            t.tr(
                "The funnel counts every prospect in scope that had entered the pool by the end "
                "of the period, and those that had reached each stage by then (median time: from "
                "entering the pool to the first loan, and from the first loan to strategic)."
            )
        ),
        Styles.small,
    )
    return [
        *heading(t.tr("Cultivation funnel")),
        KeepTogether([drawing, table]),
        Spacer(1, 3 * mm),
        moves,
        Spacer(1, 1 * mm),
        note,
    ]


def _first_loans(f: PipelineFigures, t: ReportText) -> list[Flowable]:
    fl = f.first_loans
    before = f.period.a_year_before()
    labels = [
        t.tr("{start} to {end}", start=t.day(before.start), end=t.day(before.end)),
        t.tr("{start} to {end}", start=t.day(f.period.start), end=t.day(f.period.end)),
    ]
    chart = charts.horizontal_bars(
        labels, [fl.same_period_last_year, fl.this_period], CONTENT_WIDTH * 0.62
    )
    words = t.tr(
        "{this} new first-loan customers, against {last} in the same period last year ({growth}).",
        this=t.count(fl.this_period),
        last=t.count(fl.same_period_last_year),
        growth=_growth(t, fl.growth_bp),
    )
    return [
        *heading(t.tr("New first-loan customers")),
        KeepTogether([para(words, Styles.body), chart]),
    ]


def _visits(f: PipelineFigures, t: ReportText) -> list[Flowable]:
    flow: list[Flowable] = list(heading(t.tr("Visits done against due, by RM")))
    if not f.visits:
        return [*flow, para(t.tr("No visits were due or done."), Styles.body)]
    names = [v.rm for v in f.visits]
    chart = charts.grouped_bars(
        names,
        [[v.due for v in f.visits], [v.done for v in f.visits]],
        [t.tr("Contacts due"), t.tr("Prospects contacted")],
        CONTENT_WIDTH,
    )
    rows: list[list[str | Flowable]] = [
        [
            v.rm,
            t.count(v.visits),
            t.count(v.done),
            t.count(v.due),
            _bp(t, v.done_bp),
            t.count(v.overdue_prospects),
        ]
        for v in f.visits
    ]
    total_done = sum(v.done for v in f.visits)
    total_due = sum(v.due for v in f.visits)
    rows.append(
        [
            t.tr("Total"),
            t.count(sum(v.visits for v in f.visits)),
            t.count(total_done),
            t.count(total_due),
            _bp(t, ratio_bp(total_done, total_due)),
            t.count(sum(v.overdue_prospects for v in f.visits)),
        ]
    )
    table = grid(
        [
            t.tr("Relationship manager"),
            t.tr("Visit records"),
            t.tr("Prospects contacted"),
            t.tr("Contacts due"),
            t.tr("Completion"),
            t.tr("Overdue now"),
        ],
        rows,
        [0.22, 0.14, 0.17, 0.15, 0.14, 0.18],
        right=(1, 2, 3, 4, 5),
    )
    note = Paragraph(
        markup(
            t.tr(
                "Due: the RM's prospects contacted in the period, or whose next contact was due by "
                "its end and is still open. Visit records: finalized records the RM made."
            )
        ),
        Styles.small,
    )
    return [*flow, chart, table, Spacer(1, 1 * mm), note]


def _overdue(data: PipelineReportData, t: ReportText) -> list[Flowable]:
    f = data.figures
    flow: list[Flowable] = list(heading(t.tr("Overdue contacts")))
    o = f.overdue
    if not o.total:
        return [*flow, para(t.tr("No prospect is overdue for contact."), Styles.body)]
    words = t.tr(
        "{total} prospects are overdue for contact on {day}.",
        total=t.count(o.total),
        day=t.day(f.as_of),
    )
    if o.total > len(o.listed):
        words += " " + t.tr("The {count} most overdue are listed.", count=t.count(len(o.listed)))
    rows: list[list[str | Flowable]] = [
        [
            c.name,
            c.rm,
            data.stage_labels.get(c.stage, c.stage),
            t.day(c.due_on),
            t.count(c.days_overdue),
        ]
        for c in o.listed
    ]
    table = grid(
        [
            t.tr("Customer"),
            t.tr("Relationship manager"),
            t.tr("Stage"),
            t.tr("Due on"),
            t.tr("Days overdue"),
        ],
        rows,
        [0.36, 0.15, 0.19, 0.15, 0.15],
        right=(4,),
    )
    return [*flow, para(words, Styles.body), Spacer(1, 2 * mm), table]


def _maturities(data: PipelineReportData, t: ReportText) -> list[Flowable]:
    f = data.figures
    m = f.maturities
    flow: list[Flowable] = list(heading(t.tr("Loans maturing in the next 90 days")))
    labels = []
    previous = 0
    for w in m.windows:
        labels.append(t.tr("{first}–{last} days", first=previous, last=w.days))
        previous = w.days + 1
    window_rows: list[list[str | Flowable]] = [
        [label, t.count(w.loans), t.money(w.balance_fen)]
        for label, w in zip(labels, m.windows, strict=True)
    ]
    window_rows.append(
        [t.tr("Total"), t.count(m.total), t.money(sum(w.balance_fen for w in m.windows))]
    )
    windows = grid(
        [t.tr("Maturing in"), t.tr("Loans"), t.tr("Balance")],
        window_rows,
        [0.16, 0.1, 0.2],
        right=(1, 2),
    )
    chart = charts.horizontal_bars(labels, [w.loans for w in m.windows], CONTENT_WIDTH * 0.5)
    side = Table([[chart, windows]], colWidths=[CONTENT_WIDTH * 0.52, CONTENT_WIDTH * 0.48])
    side.setStyle(
        table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    flow.append(side)
    if not m.listed:
        return flow
    if m.total > len(m.listed):
        flow.append(
            Paragraph(
                markup(t.tr("The {count} soonest are listed.", count=t.count(len(m.listed)))),
                Styles.small,
            )
        )
    rows: list[list[str | Flowable]] = [
        [
            loan.name,
            loan.rm,
            data.product_labels.get(loan.product_code, loan.product_code),
            t.money(loan.balance_fen),
            t.day(loan.maturity_date),
            t.count(loan.days_left),
        ]
        for loan in m.listed
    ]
    flow += [
        Spacer(1, 2 * mm),
        grid(
            [
                t.tr("Customer"),
                t.tr("Relationship manager"),
                t.tr("Product"),
                t.tr("Balance"),
                t.tr("Maturity"),
                t.tr("Days left"),
            ],
            rows,
            [0.32, 0.13, 0.15, 0.16, 0.13, 0.11],
            right=(3, 5),
        ),
    ]
    return flow


def _two_increases(f: PipelineFigures, t: ReportText) -> list[Flowable]:
    ti = f.two_increases

    def verdict(ok: bool) -> Paragraph:
        colour = GOOD if ok else BAD
        word = t.tr("met") if ok else t.tr("not met")
        return Paragraph(f'<font color="{colour.hexval()}">{markup(word)}</font>', Styles.cell)

    header = [
        "",
        t.tr("Start of year ({day})", day=t.day(ti.year_start)),
        t.tr("Now ({day})", day=t.day(ti.as_of)),
        t.tr("Growth"),
        t.tr("Result"),
    ]
    rows: list[list[str | Flowable]] = [
        [
            t.tr("Inclusive small-micro loans (balance)"),
            t.money(ti.inclusive_balance_start_fen),
            t.money(ti.inclusive_balance_now_fen),
            _growth(t, ti.inclusive_growth_bp),
            verdict(ti.growth_met),
        ],
        [
            t.tr("All loans (balance)"),
            t.money(ti.all_balance_start_fen),
            t.money(ti.all_balance_now_fen),
            _growth(t, ti.all_growth_bp),
            "",
        ],
        [
            t.tr("Inclusive borrowers with a balance"),
            t.count(ti.borrowers_start),
            t.count(ti.borrowers_now),
            t.count(ti.borrowers_now - ti.borrowers_start),
            verdict(ti.borrowers_met),
        ],
    ]
    table = grid(header, rows, [0.3, 0.19, 0.19, 0.14, 0.18], right=(1, 2, 3))
    note = Paragraph(
        markup(
            t.tr(
                "Inclusive: customers whose total credit is at most 10,000,000 yuan; bill "
                "discounting and rediscounting are left out. A loan outstanding at the start of "
                "the year counts at the amount drawn (the book keeps no earlier balances)."
            )
        ),
        Styles.small,
    )
    verdict_line = Paragraph(
        markup(t.tr("Two increases: {result}", result=t.tr("met") if ti.met else t.tr("not met"))),
        Styles.subheading,
    )
    return [
        *heading(t.tr("Two increases")),
        KeepTogether([table, Spacer(1, 1 * mm), verdict_line, note]),
    ]


def _non_performing(f: PipelineFigures, t: ReportText) -> list[Flowable]:
    npl = f.npl
    colour = GOOD if npl.met else BAD
    word = t.tr("met") if npl.met else t.tr("not met")
    header = [
        "",
        t.tr("Non-performing balance"),
        t.tr("Balance now"),
        t.tr("Non-performing ratio"),
    ]
    rows: list[list[str | Flowable]] = [
        [
            t.tr("Inclusive small-micro loans"),
            t.money(npl.inclusive_npl_fen),
            t.money(npl.inclusive_balance_fen),
            _ratio(npl.inclusive_ratio_bp),
        ],
        [
            t.tr("All loans"),
            t.money(npl.all_npl_fen),
            t.money(npl.all_balance_fen),
            _ratio(npl.all_ratio_bp),
        ],
    ]
    table = grid(header, rows, [0.34, 0.22, 0.22, 0.22], right=(1, 2, 3))
    verdict_line = Paragraph(
        f'<font color="{colour.hexval()}">'
        + markup(
            t.tr(
                "Non-performing ratio within {points} points of all loans: {result}",
                points=f"{npl.tolerance_bp / 100:g}",
                result=word,
            )
        )
        + "</font>",
        Styles.subheading,
    )
    note = Paragraph(
        markup(
            t.tr(
                "Non-performing: loans graded substandard, doubtful or loss in the "
                "five-category classification; balances outstanding now, bill discounting "
                "left out. The inclusive ratio may exceed the all-loan ratio by at most the "
                "tolerance."
            )
        ),
        Styles.small,
    )
    return [
        *heading(t.tr("Non-performing loans")),
        KeepTogether([table, Spacer(1, 1 * mm), verdict_line, note]),
    ]


def _ratio(value: int | None) -> str:
    return DASH if value is None else f"{value / 100:.2f}%"
