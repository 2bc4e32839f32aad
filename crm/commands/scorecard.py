"""`crm scorecard`: each RM's score on the scorecard head office published, on the terminal
or as JSON.

crm scorecard --db PATH [--team T | --rm USER] [--from D --to D] [--json]

The period defaults to the year to date of the app's clock. A measure's attainment is of
its target, capped at 100 % (basis points in JSON); points are of the measure's weight, the
total of 100. An unknown team or RM, or a period that starts after it ends, is refused with
a message (exit 1).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from crm.domain.errors import Message
from crm.i18n import describe, msg

EXIT_OK = 0
# What each measure is called (crm.domain.scorecard.MEASURES).
MEASURE_NAMES = {
    "credit_loans": Message("Credit loans granted"),
    "credit_loan_amount": Message("Credit loans granted (yuan)"),
    "first_loan_customers": Message("New first-loan customers"),
    "strategic_clients": Message("New strategic clients"),
    "visit_discipline": Message("Contacts done of those due"),
}


def measure_name(code: str) -> str:
    name = MEASURE_NAMES.get(code)
    return describe(name) if name is not None else code


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "scorecard",
        parents=[common],
        help="RMs' scores on head office's scorecard (credit loans, first-loan customers …)",
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--team", help="a team's name or id")
    who.add_argument("--rm", help="an RM's username")
    parser.add_argument("--from", dest="start", type=_day, help="first day (default: 1 January)")
    parser.add_argument("--to", dest="end", type=_day, help="last day (default: today)")
    parser.set_defaults(func=cmd_scorecard)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            msg("'{text}' is not a date (YYYY-MM-DD)", text=text)
        ) from exc


def cmd_scorecard(args: argparse.Namespace) -> int:
    from crm.services.today import open_for_report

    services = open_for_report(Path(args.db))
    if getattr(args, "user", None):
        services.act_as(args.user)
    today = services.ctx.today()
    end = args.end or today
    start = args.start or date(end.year, 1, 1)
    report = services.scorecard.report(start, end, team=args.team, rm=args.rm)
    data = report_json(report)
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(table(data))
    return EXIT_OK


def report_json(report: Any) -> dict[str, Any]:
    return {
        "period": {"from": report.period.start.isoformat(), "to": report.period.end.isoformat()},
        "as_of": report.as_of.isoformat(),
        "scope": {"kind": report.scope.kind, "name": report.scope.name},
        "scorecard": {
            "source": report.source,
            "name": report.card.name,
            "measures": [
                {"measure": m.code, "weight": m.weight, "target": m.target}
                for m in report.card.measures
            ],
        },
        "rms": [
            {
                "rm_id": row.rm_id,
                "rm": row.rm,
                "total": row.total,
                "measures": {
                    m.code: {
                        "actual": m.actual,
                        "target": m.target,
                        "weight": m.weight,
                        "attainment_bp": m.attainment_bp,
                        "points": m.points_centi / 100,
                    }
                    for m in row.measures
                },
            }
            for row in report.rows
        ],
    }


def table(data: dict[str, Any]) -> str:
    from crm.commands.visits import _table

    measures = [m["measure"] for m in data["scorecard"]["measures"]]
    source = (
        msg("published by head office")
        if data["scorecard"]["source"] == "published"
        else msg("bundled with the app")
    )
    lines = [
        msg(
            "RM scorecard, {start} to {end} ({source})",
            start=data["period"]["from"],
            end=data["period"]["to"],
            source=source,
        ),
        "",
        _table(
            [msg("Measure"), msg("Weight"), msg("Target (30 days)")],
            [
                [measure_name(m["measure"]), str(m["weight"]), _figure(m["measure"], m["target"])]
                for m in data["scorecard"]["measures"]
            ],
        ),
        "",
    ]
    if not data["rms"]:
        lines.append(msg("No RM in this scope."))
    else:
        lines.append(
            _table(
                [msg("RM"), msg("Score"), *(measure_name(code) for code in measures)],
                [
                    [
                        row["rm"],
                        f"{row['total']:.2f}",
                        *(
                            f"{_figure(code, row['measures'][code]['actual'])} / "
                            f"{_figure(code, row['measures'][code]['target'])} "
                            f"({row['measures'][code]['points']:.2f})"
                            for code in measures
                        ),
                    ]
                    for row in data["rms"]
                ],
            )
        )
    return "\n".join(lines) + "\n"


def _figure(code: str, value: int) -> str:
    """A measure's figure as people read it: visits as a percentage, others as numbers."""
    if code == "visit_discipline":
        return f"{value / 100:.1f}%"
    return f"{value:,}"
