"""`crm pipeline`: a team lead's pipeline figures on the terminal, or as JSON.

crm pipeline --db PATH [--team T | --rm USER] [--from D --to D] [--json]

The period defaults to the year to date of the app's clock (CRM_CLOCK, else the computer's).
Amounts are in yuan; rates, growth and the non-performing ratios in basis points (7143 =
71.43 %; the ratios' tolerance, 300, is 3 percentage points). An unknown team or
RM, or a period that starts after it ends, is refused with a message (exit 1).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from crm import resources
from crm.domain.pipeline_metrics import MATURITY_WINDOWS, PipelineFigures
from crm.i18n import language, msg

EXIT_OK = 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "pipeline",
        parents=[common],
        help="pipeline figures of the book, a team or an RM (stages, funnel, two increases …)",
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--team", help="a team's name or id")
    who.add_argument("--rm", help="an RM's username")
    parser.add_argument("--from", dest="start", type=_day, help="first day (default: 1 January)")
    parser.add_argument("--to", dest="end", type=_day, help="last day (default: today)")
    parser.set_defaults(func=cmd_pipeline)


def cmd_pipeline(args: argparse.Namespace) -> int:
    from crm.services.today import open_for_report

    services = open_for_report(Path(args.db))
    today = services.ctx.today()
    end = args.end or today
    start = args.start or date(end.year, 1, 1)
    figures = services.reports.pipeline_figures(start, end, team=args.team, rm=args.rm)
    data = figures_json(figures)
    data["scope"] = {"team": args.team, "rm": args.rm}
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(table(data))
    return EXIT_OK


def yuan(fen: int) -> int | float:
    """Fen as yuan: a whole number when it is one."""
    return fen // 100 if fen % 100 == 0 else round(fen / 100, 2)


def figures_json(f: PipelineFigures) -> dict[str, Any]:
    steps = {s.stage: s for s in f.funnel.steps}
    ti = f.two_increases
    npl = f.npl
    return {
        "period": {"from": f.period.start.isoformat(), "to": f.period.end.isoformat()},
        "as_of": f.as_of.isoformat(),
        "stages": {label.code: f.stages.get(label.code, 0) for label in resources.stage_labels()},
        "funnel": {
            "entered": f.funnel.entered,
            "to_first_loan": f.funnel.to_first_loan,
            "to_strategic": f.funnel.to_strategic,
            "dropped": f.funnel.dropped,
            "reached": {stage: step.reached for stage, step in steps.items()},
            "rates": {
                "to_first_loan": steps["first_loan"].rate_bp,
                "to_strategic": steps["strategic"].rate_bp,
            },
            "median_days": {
                "to_first_loan": _days(steps["first_loan"].median_days),
                "to_strategic": _days(steps["strategic"].median_days),
            },
        },
        "first_loans": {
            "this_period": f.first_loans.this_period,
            "same_period_last_year": f.first_loans.same_period_last_year,
            "growth": f.first_loans.growth_bp,
            "new_loan_customers": f.new_loans.new_loan_customers,
            "share_of_new_loan_customers": f.new_loans.share_bp,
        },
        "by_source": [
            {
                "source": s.source,
                "prospects": s.prospects,
                "first_loans": s.first_loans,
                "rate": s.rate_bp,
                "target": s.target_bp,
                "met": s.met,
            }
            for s in f.by_source
        ],
        "visits": [
            {
                "rm": v.rm,
                "done": v.done,
                "due": v.due,
                "overdue_prospects": v.overdue_prospects,
                "visits": v.visits,
            }
            for v in f.visits
        ],
        "overdue_prospects": f.overdue.total,
        "stalled": {
            "after_days": f.stalled.after_days,
            "total": f.stalled.total,
            "by_stage": dict(f.stalled.by_stage),
        },
        "maturities": {str(days): f.maturities.within(days) for days in MATURITY_WINDOWS},
        "maturing_balance": {
            str(w.days): yuan(sum(x.balance_fen for x in f.maturities.windows if x.days <= w.days))
            for w in f.maturities.windows
        },
        "two_increases": {
            "inclusive_balance_start": yuan(ti.inclusive_balance_start_fen),
            "inclusive_balance_now": yuan(ti.inclusive_balance_now_fen),
            "inclusive_growth": ti.inclusive_growth_bp,
            "all_balance_start": yuan(ti.all_balance_start_fen),
            "all_balance_now": yuan(ti.all_balance_now_fen),
            "all_growth": ti.all_growth_bp,
            "borrowers_start": ti.borrowers_start,
            "borrowers_now": ti.borrowers_now,
            "met": ti.met,
        },
        "npl": {
            "inclusive_ratio": npl.inclusive_ratio_bp,
            "all_ratio": npl.all_ratio_bp,
            "tolerance": npl.tolerance_bp,
            "met": npl.met,
            "inclusive_npl": yuan(npl.inclusive_npl_fen),
            "inclusive_balance": yuan(npl.inclusive_balance_fen),
            "all_npl": yuan(npl.all_npl_fen),
            "all_balance": yuan(npl.all_balance_fen),
        },
    }


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _pct(bp: int | None) -> str:
    return "—" if bp is None else f"{bp / 100:.2f}%"


def _names() -> tuple[dict[str, str], dict[str, str]]:
    zh = language().startswith("zh")
    stages = {s.code: s.name_zh if zh else s.name_en for s in resources.stage_labels()}
    sources = {s.code: s.short_zh if zh else s.short_en for s in resources.sources()}
    return stages, sources


def table(d: dict[str, Any]) -> str:
    """The figures as a reader scans them, in the language of the messages."""
    stages, sources = _names()
    out = [msg("Pipeline from {start} to {end}", start=d["period"]["from"], end=d["period"]["to"])]
    out.append("")
    out.append(msg("Prospects by stage"))
    out += [f"  {stages.get(k, k)}: {n}" for k, n in d["stages"].items()]
    fn = d["funnel"]
    out.append(msg("Funnel"))
    out.append(
        "  "
        + msg(
            "reached a first loan {n} ({rate}), strategic {m} ({rate2})",
            n=fn["reached"]["first_loan"],
            rate=_pct(fn["rates"]["to_first_loan"]),
            m=fn["reached"]["strategic"],
            rate2=_pct(fn["rates"]["to_strategic"]),
        )
    )
    out.append(
        "  "
        + msg(
            "in the period: entered {a}, to first loan {b}, to strategic {c}",
            a=fn["entered"],
            b=fn["to_first_loan"],
            c=fn["to_strategic"],
        )
    )
    fl = d["first_loans"]
    out.append(
        msg(
            "New first-loan customers: {n} (same period last year {m}); "
            "{share} of {k} new loan customers",
            n=fl["this_period"],
            m=fl["same_period_last_year"],
            share=_pct(fl["share_of_new_loan_customers"]),
            k=fl["new_loan_customers"],
        )
    )
    out.append(msg("Conversion by source list"))
    for s in d["by_source"]:
        out.append(
            "  "
            + msg(
                "{source}: {won} of {n} ({rate}, target {target})",
                source=sources.get(s["source"], s["source"]),
                won=s["first_loans"],
                n=s["prospects"],
                rate=_pct(s["rate"]),
                target=_pct(s["target"]),
            )
        )
    out.append(msg("Visits per RM"))
    for v in d["visits"]:
        out.append(
            "  "
            + msg(
                "{rm}: done {done} of {due} due, {overdue} overdue",
                rm=v["rm"],
                done=v["done"],
                due=v["due"],
                overdue=v["overdue_prospects"],
            )
        )
    st = d["stalled"]
    out.append(msg("Stalled ({days} days): {n}", days=st["after_days"], n=st["total"]))
    m = d["maturities"]
    out.append(
        msg("Maturing within 30/60/90 days: {a} / {b} / {c}", a=m["30"], b=m["60"], c=m["90"])
    )
    ti = d["two_increases"]
    out.append(
        msg(
            "Two increases: inclusive balance {start} → {now} yuan ({growth}, all loans "
            "{all}); borrowers {b0} → {b1}; {verdict}",
            start=f"{ti['inclusive_balance_start']:,}",
            now=f"{ti['inclusive_balance_now']:,}",
            growth=_pct(ti["inclusive_growth"]),
            all=_pct(ti["all_growth"]),
            b0=ti["borrowers_start"],
            b1=ti["borrowers_now"],
            verdict=msg("met") if ti["met"] else msg("not met"),
        )
    )
    npl = d["npl"]
    out.append(
        msg(
            "Non-performing ratio: inclusive {inclusive} ({bad} of {balance} yuan), all loans "
            "{all}; tolerance {tolerance} points; {verdict}",
            inclusive=_pct(npl["inclusive_ratio"]),
            bad=f"{npl['inclusive_npl']:,}",
            balance=f"{npl['inclusive_balance']:,}",
            all=_pct(npl["all_ratio"]),
            tolerance=f"{npl['tolerance'] / 100:g}",
            verdict=msg("met") if npl["met"] else msg("not met"),
        )
    )
    return "\n".join(out) + "\n"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            msg("'{text}' is not a date (YYYY-MM-DD)", text=text)
        ) from exc
