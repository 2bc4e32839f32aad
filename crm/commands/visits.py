"""`crm visits …`: what is due, calendar export, the records' hash chain, holiday tables.

crm visits due [--rm NAME] [--date D] [--days N] [--json]   due and overdue
crm visits no-contact --days N [--rm NAME] [--json]           silent prospects
crm visits plan KEY --date D [--time HH:MM] [--purpose TEXT]   schedule a visit
crm visits record KEY --on D --kind site|phone [fields]       a record, as a draft
crm visits finalize ID                                        make a record final
crm visits amend ID --reason TEXT [fields] [--draft]          correct a final record
crm visits export-ics [--rm NAME] -o FILE.ics                 for Outlook, phones
crm visits verify                                             non-zero on tampering or loss
crm visits holidays import FILE | list [--year Y]             holidays, days off
crm visits cadence show | import FILE                         contact rhythm
crm visits checklists import FILE                             literacy checklists
crm visits recompute-due                                      every next-visit date
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from crm.i18n import msg, plural

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "visits", help="visits: what is due, calendar export, record integrity, holidays"
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    due = sub.add_parser(
        "due", parents=[common], help="visits planned, overdue, and prospects due for contact"
    )
    due.add_argument("--rm", help="an RM's username (default: everyone)")
    due.add_argument("--date", type=_day, help="the day to look from (default: today)")
    due.add_argument("--days", type=int, help="how far ahead counts as due (default: cadence)")
    due.add_argument(
        "--limit", type=int, default=200, help="rows of each list to show (default: 200)"
    )
    due.add_argument("--offset", type=int, default=0, help="rows of each list to skip")
    due.add_argument("--all", action="store_true", help="every row of every list")
    due.set_defaults(func=cmd_due)

    quiet = sub.add_parser(
        "no-contact", parents=[common], help="prospects with no contact for N days or more"
    )
    quiet.add_argument("--days", type=int, required=True)
    quiet.add_argument("--rm", help="an RM's username (default: everyone)")
    quiet.add_argument("--date", type=_day, help="the day to count from (default: today)")
    quiet.add_argument("--limit", type=int, default=200)
    quiet.set_defaults(func=cmd_no_contact)

    plan = sub.add_parser("plan", parents=[common], help="schedule a visit to a prospect")
    plan.add_argument("key", help="the prospect's id or USCC")
    plan.add_argument("--date", type=_day, required=True)
    plan.add_argument("--time", default="", help="HH:MM")
    plan.add_argument("--kind", default="site", choices=["site", "phone", "online"])
    plan.add_argument("--place", default="")
    plan.add_argument("--purpose", default="")
    plan.add_argument("--companions", default="")
    plan.set_defaults(func=cmd_plan)

    record = sub.add_parser(
        "record", parents=[common], help="record a visit or call as a draft (then finalize it)"
    )
    record.add_argument("key", help="the prospect's id or USCC")
    record.add_argument(
        "--on", dest="day", type=_day, required=True, help="the day of the visit (YYYY-MM-DD)"
    )
    record.add_argument("--kind", default="site", choices=["site", "phone", "online"])
    _record_fields(record)
    record.set_defaults(func=cmd_record)

    finalize = sub.add_parser(
        "finalize", parents=[common], help="make a visit record final (it never changes again)"
    )
    finalize.add_argument("visit_id", help="the record's id (from crm visits record)")
    finalize.set_defaults(func=cmd_finalize)

    amend = sub.add_parser(
        "amend", parents=[common], help="correct a finalized record with an amendment"
    )
    amend.add_argument("visit_id", help="the finalized record's id")
    amend.add_argument("--reason", required=True, help="what the amendment corrects")
    amend.add_argument(
        "--draft", action="store_true", help="leave the amendment a draft (finalize it later)"
    )
    _record_fields(amend)
    amend.set_defaults(func=cmd_amend)

    ics = sub.add_parser(
        "export-ics", parents=[common], help="write visits to an .ics file for a calendar app"
    )
    ics.add_argument("--rm", help="an RM's username (default: the signed-in user's book)")
    ics.add_argument("-o", "--output", required=True, help="the .ics file to write")
    ics.add_argument("--from", dest="start", type=_day, help="first day (default: 90 days ago)")
    ics.add_argument("--to", dest="end", type=_day, help="last day (default: a year ahead)")
    ics.set_defaults(func=cmd_export_ics)

    verify = sub.add_parser(
        "verify", parents=[common], help="check every finalized record against its hash chain"
    )
    verify.set_defaults(func=cmd_verify)

    holidays = sub.add_parser("holidays", help="public holiday tables")
    hsub = holidays.add_subparsers(dest="holiday_action", metavar="ACTION", required=True)
    himport = hsub.add_parser(
        "import", parents=[common], help="load a year's holidays published by head office"
    )
    himport.add_argument("file", help="JSON: {year, holidays: [...], workdays: [...]}")
    himport.add_argument("--source", default="", help="where the table comes from")
    himport.set_defaults(func=cmd_holidays_import)
    hlist = hsub.add_parser(
        "list",
        parents=[common],
        help="the years whose holidays are published, or a year's days off (--year)",
    )
    hlist.add_argument(
        "--year",
        type=int,
        help="each day off and make-up working day of this year, provisional or published",
    )
    hlist.set_defaults(func=cmd_holidays_list)

    cadence = sub.add_parser("cadence", help="the contact rhythm of each stage")
    csub = cadence.add_subparsers(dest="cadence_action", metavar="ACTION", required=True)
    cshow = csub.add_parser("show", parents=[common], help="the rules in force")
    cshow.set_defaults(func=cmd_cadence_show)
    cimport = csub.add_parser("import", parents=[common], help="load head office's rules")
    cimport.add_argument("file", help="JSON like resources/data/cadence.json")
    cimport.set_defaults(func=cmd_cadence_import)

    checklists = sub.add_parser("checklists", help="financial-literacy checklist templates")
    ksub = checklists.add_subparsers(dest="checklist_action", metavar="ACTION", required=True)
    kimport = ksub.add_parser("import", parents=[common], help="load head office's template")
    kimport.add_argument("file", help="JSON like resources/data/checklists.json")
    kimport.set_defaults(func=cmd_checklists_import)

    recompute = sub.add_parser(
        "recompute-due", parents=[common], help="recompute every prospect's next visit due"
    )
    recompute.set_defaults(func=cmd_recompute_due)

    from crm.commands import attachments as attachment_commands

    attachment_commands.register(sub, common)


# -- helpers ------------------------------------------------------------------------------------


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from exc


# A record's fields as options: (option, draft field, what it holds).
_TEXT_FIELDS = (
    ("--time", "start_time", "the time it began, HH:MM"),
    ("--place", "place", "where (default for a site visit: the prospect's address)"),
    ("--purpose", "purpose", "what it was for"),
    ("--companions", "companions", "who went along"),
    ("--people-met", "people_met", "whom you met"),
    ("--operating-state", "operating_state", "the real operating state seen"),
    ("--repayment-source", "repayment_source", "the first repayment source"),
    ("--growth-prospects", "growth_prospects", "the growth prospects"),
    ("--need-purpose", "need_purpose", "what the financing is for"),
    ("--need-timing", "need_timing", "when the financing is needed"),
    ("--next-steps", "next_steps", "the next steps"),
)
_OPTION_OF = {name: option for option, name, _ in _TEXT_FIELDS} | {
    "visit_on": "--on",
    "kind": "--kind",
    "need_amount_fen": "--need-amount",
    "due_diligence": "--due-diligence",
    "checklist_items": "--checklist",
    "credit_auth": "--credit-auth",
    "credit_auth_on": "--credit-auth-on",
    "next_visit_on": "--next-visit",
    "amend_reason": "--reason",
}


def _record_fields(parser: argparse.ArgumentParser) -> None:
    for option, name, what in _TEXT_FIELDS:
        parser.add_argument(option, dest=name, help=what)
    parser.add_argument(
        "--need-amount", dest="need_amount", help="the financing needed (100万, 500000元)"
    )
    parser.add_argument(
        "--due-diligence", dest="due_diligence", help="due-diligence item codes, comma-separated"
    )
    parser.add_argument(
        "--checklist", dest="checklist_items", help="checklist item codes covered, comma-separated"
    )
    parser.add_argument(
        "--credit-auth",
        dest="credit_auth",
        choices=["yes", "no"],
        help="whether the customer authorised a credit-information query",
    )
    parser.add_argument("--credit-auth-on", dest="credit_auth_on", type=_day)
    parser.add_argument("--next-visit", dest="next_visit_on", type=_day)


def _with_fields(draft: Any, args: argparse.Namespace) -> Any:
    """The draft with the record fields given on the command line."""
    from crm.domain.money import parse_money

    changes: dict[str, Any] = {}
    for _, name, _ in _TEXT_FIELDS:
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    if getattr(args, "need_amount", None) is not None:
        changes["need_amount_fen"] = parse_money(args.need_amount) if args.need_amount else None
    for name in ("due_diligence", "checklist_items"):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = tuple(c.strip() for c in value.split(",") if c.strip())
    if getattr(args, "credit_auth", None) is not None:
        changes["credit_auth"] = args.credit_auth == "yes"
    for name in ("credit_auth_on", "next_visit_on"):
        if getattr(args, name, None) is not None:
            changes[name] = getattr(args, name)
    return dataclasses.replace(draft, **changes)


def _services(args: argparse.Namespace, *, report: bool = False) -> Any:
    """The use cases over ``--db``; a read-only report skips the full integrity scan."""
    from crm.services.container import open_services
    from crm.services.today import open_for_report

    services = open_for_report(Path(args.db)) if report else open_services(Path(args.db))
    if getattr(args, "user", None):
        services.act_as(args.user)
    return services


def _plain(value: object) -> object:
    """JSON for dataclasses (shallowly: rows hold only plain values), days and moments."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dict(vars(value))
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _print_json(data: object) -> None:
    """One JSON document on stdout (thousands of rows: written in one go, not indented)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=_plain))
    sys.stdout.write("\n")


def _width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _scope(services: Any, rm: str | None, default_everyone: bool = True) -> Any:
    from crm.services.today import Scope

    if rm:
        user = services.users.by_username(rm)
        return Scope((user.id,), user.display_name)
    if default_everyone:
        return Scope(None)
    return services.today.scope_for(services.actor_id)


def _stage(code: str) -> str:
    from crm.i18n import language
    from crm.resources import label, stage_labels

    stage, _, reason = code.partition(":")
    found = next((s for s in stage_labels() if s.code == stage), None)
    if found is None:
        return code
    if reason:
        # A revisit rule of dropped prospects (dropped:no_need): the stage and the reason.
        from crm.resources import drop_reasons

        why = next((r for r in drop_reasons() if r.code == reason), None)
        return f"{label(found, language())} ({label(why, language()) if why else reason})"
    return label(found, language())


# -- commands -----------------------------------------------------------------------------------


def cmd_due(args: argparse.Namespace) -> int:
    if args.limit < 1 or args.offset < 0:
        print(
            f"crm: {msg('--limit must be at least 1 and --offset not negative')}", file=sys.stderr
        )
        return EXIT_USAGE
    services = _services(args, report=True)
    report = services.today.due_report(
        _scope(services, args.rm),
        args.date,
        args.days,
        limit=None if args.all else args.limit,
        offset=0 if args.all else args.offset,
    )
    if args.json:
        _print_json(report)
        return EXIT_OK
    print(
        msg(
            "Due on {day} (due soon: within {days} days)",
            day=report.day.isoformat(),
            days=report.due_soon_days,
        )
    )
    sections = (
        (msg("Visits planned for the day"), report.planned, len(report.planned)),
        (msg("Planned visits not recorded"), report.overdue_visits, report.overdue_visit_count),
    )
    for title, visits, count in sections:
        print(f"\n{title}: {_shown(len(visits), count, report.offset)}")
        if visits:
            print(
                _table(
                    [msg("Day"), msg("Time"), msg("Prospect"), msg("RM"), msg("Purpose")],
                    [
                        [
                            v.visit_on.isoformat(),
                            v.start_time,
                            v.prospect_name,
                            v.rm_name or "",
                            v.purpose[:30],
                        ]
                        for v in visits
                    ],
                )
            )
    for title, due, count in (
        (msg("Contact overdue"), report.overdue, report.overdue_count),
        (msg("Contact due soon"), report.due, report.due_count),
    ):
        print(f"\n{title}: {_shown(len(due), count, report.offset)}")
        if due:
            print(
                _table(
                    [
                        msg("Due"),
                        msg("Days overdue"),
                        msg("Prospect"),
                        msg("Stage"),
                        msg("RM"),
                        msg("Last contact"),
                    ],
                    [
                        [
                            p.next_visit_due.isoformat() if p.next_visit_due else "",
                            str(p.overdue_days),
                            p.name,
                            _stage(p.stage),
                            p.rm_name or "",
                            p.last_contact_on.isoformat() if p.last_contact_on else "",
                        ]
                        for p in due
                    ],
                )
            )
    if report.renewals:
        from crm.domain.money import format_yuan

        print(f"\n{msg('Renewals to start')}: {len(report.renewals):,}")
        print(
            _table(
                [
                    msg("Maturity"),
                    msg("Days left"),
                    msg("Reminder"),
                    msg("Days overdue"),
                    msg("Prospect"),
                    msg("RM"),
                    msg("Balance"),
                ],
                [
                    [
                        r.maturity.isoformat(),
                        str(r.days_left),
                        msg("{days} days", days=r.reminder),
                        str(r.overdue_days),
                        r.prospect_name,
                        r.rm_name or "",
                        format_yuan(r.balance_fen),
                    ]
                    for r in report.renewals
                ],
            )
        )
    if report.plan_reviews:
        from crm.commands.plans import status_name as plan_status_name

        print(f"\n{msg('Service plans to review')}: {len(report.plan_reviews):,}")
        print(
            _table(
                [
                    msg("Review on"),
                    msg("Days overdue"),
                    msg("Prospect"),
                    msg("Owner"),
                    msg("Status"),
                ],
                [
                    [
                        p.review_on.isoformat(),
                        str(p.overdue_days),
                        p.prospect_name,
                        p.owner_name or "",
                        plan_status_name(p.status),
                    ]
                    for p in report.plan_reviews
                ],
            )
        )
    longest = max(report.overdue_visit_count, report.overdue_count, report.due_count)
    if report.limit is not None and report.offset + report.limit < longest:
        print(
            "\n"
            + msg(
                "More rows follow: --offset {next} for the next page, --all for every row",
                next=report.offset + report.limit,
            )
        )
    return EXIT_OK


def _shown(rows: int, count: int, offset: int) -> str:
    """'1,234' for a whole list, '200 of 1,234 (from 401)' for a page of it."""
    if rows == count:
        return f"{count:,}"
    if offset:
        return msg(
            "{rows} of {count} (from {first})", rows=rows, count=f"{count:,}", first=offset + 1
        )
    return msg("{rows} of {count}", rows=rows, count=f"{count:,}")


def cmd_no_contact(args: argparse.Namespace) -> int:
    if args.days < 1:
        print(f"crm: {msg('--days must be at least 1')}", file=sys.stderr)
        return EXIT_USAGE
    services = _services(args, report=True)
    rows = services.today.no_contact(_scope(services, args.rm), args.days, args.date, args.limit)
    if args.json:
        _print_json(rows)
        return EXIT_OK
    print(
        _table(
            [msg("Prospect"), msg("Stage"), msg("RM"), msg("Last contact")],
            [
                [
                    p.name,
                    _stage(p.stage),
                    p.rm_name or "",
                    p.last_contact_on.isoformat() if p.last_contact_on else msg("never"),
                ]
                for p in rows
            ],
        )
    )
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from crm.domain.visits import VisitDraft

    services = _services(args)
    key = args.key
    if len(key.replace(" ", "")) == 18:
        key = services.prospects.find_by_uscc(key.replace(" ", "").upper()) or key
    service = services.visits
    detail = service.plan(
        key,
        VisitDraft(
            visit_on=args.date,
            kind=args.kind,
            start_time=args.time,
            place=args.place,
            purpose=args.purpose,
            companions=args.companions,
        ),
    )
    info = service.day_info(args.date)
    if args.json:
        _print_json(
            {
                "visit": detail.line,
                "day_kind": info.kind.value,
                "holiday": info.name,
                "holidays_known": info.known,
                "holidays_provisional": info.provisional,
            }
        )
        return EXIT_OK
    print(
        msg(
            "Visit to {name} planned for {day} {time}",
            name=detail.line.prospect_name,
            day=args.date.isoformat(),
            time=args.time,
        )
    )
    warning = _day_warning(info)
    if warning:
        print(f"crm: {warning}", file=sys.stderr)
    return EXIT_OK


def _day_warning(info: Any) -> str:
    from crm.domain.holidays import DayKind, holiday_name
    from crm.i18n import language

    if info.kind == DayKind.HOLIDAY and info.provisional:
        return msg(
            "{day} is a public holiday ({name}, provisional until head office publishes {year})",
            day=info.day.isoformat(),
            name=holiday_name(info.name, language()),
            year=info.day.year,
        )
    if info.kind == DayKind.HOLIDAY:
        return msg(
            "{day} is a public holiday ({name})",
            day=info.day.isoformat(),
            name=holiday_name(info.name, language()),
        )
    if info.kind == DayKind.WEEKEND:
        if not info.known:
            return msg(
                "{day} is a weekend day; the holidays of {year} are not published yet",
                day=info.day.isoformat(),
                year=info.day.year,
            )
        return msg("{day} is a weekend day", day=info.day.isoformat())
    if not info.known:
        return msg(
            "the holidays of {year} are not published yet: only weekends are checked",
            year=info.day.year,
        )
    return ""


def _prospect_id(services: Any, key: str) -> str | None:
    """The prospect a command names by id or USCC, if this book has it."""
    from crm.services.context import NotFound

    compact = key.replace(" ", "").upper()
    if len(compact) == 18:
        found = services.prospects.find_by_uscc(compact)
        if found:
            return str(found)
    try:
        return str(services.visits.prospect_brief(key.strip()).id)
    except NotFound:
        return None


def _unknown_visit(visit_id: str) -> int:
    print(f"crm: {msg('there is no visit record with id {id}', id=visit_id)}", file=sys.stderr)
    return EXIT_PROBLEM


def _not_final_yet(problems: Sequence[Any]) -> list[str]:
    """What a record still lacks, each with the option that gives it."""
    from crm.i18n import describe

    return [f"{_OPTION_OF.get(p.field, p.field)}: {describe(p)}" for p in problems]


def _record_json(detail: Any, missing: Sequence[str]) -> dict[str, Any]:
    return {
        "id": detail.id,
        "prospect_id": detail.line.prospect_id,
        "prospect_name": detail.line.prospect_name,
        "status": detail.status,
        "amends_id": detail.line.amends_id,
        "visit_on": detail.line.visit_on,
        "kind": detail.line.kind,
        "record": dataclasses.asdict(detail.draft),
        "content_hash": detail.content_hash,
        "prev_hash": detail.prev_hash,
        "finalized_at": detail.finalized_at,
        "missing_to_finalize": list(missing),
    }


def _report_record(args: argparse.Namespace, detail: Any, services: Any) -> int:
    from crm.domain.visits import finalize_problems

    missing: list[str] = []
    if not detail.is_final:
        missing = _not_final_yet(
            finalize_problems(
                detail.draft, services.ctx.today(), amendment=detail.line.amends_id is not None
            )
        )
    if args.json:
        _print_json(_record_json(detail, missing))
        return EXIT_OK
    if detail.is_final:
        print(
            msg(
                "Record {id} of the visit to {name} on {day} finalized; hash {hash}",
                id=detail.id,
                name=detail.line.prospect_name,
                day=detail.line.visit_on.isoformat(),
                hash=detail.content_hash,
            )
        )
        return EXIT_OK
    print(
        msg(
            "Draft record {id} of the visit to {name} on {day} saved",
            id=detail.id,
            name=detail.line.prospect_name,
            day=detail.line.visit_on.isoformat(),
        )
    )
    if missing:
        print(msg("Before it can be finalized:"))
        for line in missing:
            print(f"  - {line}")
    return EXIT_OK


def _problems(title: str, errors: Sequence[Any]) -> int:
    print(f"crm: {title}", file=sys.stderr)
    for line in _not_final_yet(errors):
        print(f"  - {line}", file=sys.stderr)
    return EXIT_PROBLEM


def _checked(service: Any, draft: Any) -> Any:
    """The draft as a save would check it (items against the lists in force)."""
    from crm.domain.visits import check_draft

    ref = service.form_reference()
    return check_draft(draft, {d.code for d in ref.due_diligence}, ref.checklists.codes())


def cmd_record(args: argparse.Namespace) -> int:
    from crm.domain.visits import InvalidVisit, VisitDraft

    services = _services(args)
    pid = _prospect_id(services, args.key)
    if pid is None:
        print(
            f"crm: {msg('there is no prospect with id or USCC {key}', key=args.key)}",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    service = services.visits
    draft = _with_fields(VisitDraft(visit_on=args.day, kind=args.kind), args)
    try:
        # Checked whole before anything is stored: a wrong field leaves no draft behind.
        _checked(service, draft)
    except InvalidVisit as exc:
        return _problems(msg("nothing was recorded:"), exc.errors)
    detail = service.record(pid, draft)
    return _report_record(args, detail, services)


def cmd_finalize(args: argparse.Namespace) -> int:
    from crm.domain.visits import InvalidVisit
    from crm.services.context import NotFound

    services = _services(args)
    try:
        detail = services.visits.finalize(args.visit_id.strip())
    except NotFound:
        return _unknown_visit(args.visit_id)
    except InvalidVisit as exc:
        return _problems(msg("the record cannot be finalized yet:"), exc.errors)
    return _report_record(args, detail, services)


def cmd_amend(args: argparse.Namespace) -> int:
    from crm.domain.visits import InvalidVisit
    from crm.services.context import NotFound

    services = _services(args)
    service = services.visits
    try:
        original = service.get(args.visit_id.strip())
    except NotFound:
        return _unknown_visit(args.visit_id)
    try:
        # The correction is checked before the amendment is opened.
        _checked(service, _with_fields(original.draft, args))
    except InvalidVisit as exc:
        return _problems(msg("nothing was amended:"), exc.errors)
    amendment = service.amend(original.id)
    draft = _with_fields(dataclasses.replace(amendment.draft, amend_reason=args.reason), args)
    detail = service.save_draft(amendment.id, draft)
    if not args.draft:
        try:
            detail = service.finalize(amendment.id)
        except InvalidVisit as exc:
            title = msg("the amendment {id} is kept as a draft:", id=amendment.id)
            return _problems(title, exc.errors)
    return _report_record(args, detail, services)


def cmd_export_ics(args: argparse.Namespace) -> int:
    services = _services(args, report=True)
    scope = _scope(services, args.rm, default_everyone=False)
    target = Path(args.output)
    count = services.calendar.export_ics(
        target,
        scope.rm_ids,
        args.start,
        args.end,
        name=msg("Visits: {who}", who=scope.label) if scope.label else "",
    )
    if args.json:
        _print_json({"file": str(target), "events": count})
    else:
        print(
            plural(
                count,
                "{count} visit written to {path}",
                "{count} visits written to {path}",
                path=target,
            )
        )
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    services = _services(args)
    report = services.visits.verify()
    if args.json:
        _print_json(report)
        return EXIT_OK if report.ok else EXIT_PROBLEM
    problems = {
        "changed": msg("content changed after it was finalized"),
        "broken": msg("the chain is broken before it (a record was removed or altered)"),
        "reopened": msg("a finalized record is no longer marked final"),
    }
    for f in report.findings:
        day = f.visit_on.isoformat() if f.visit_on else "?"
        problem = problems.get(f.problem, f.problem)
        if f.problem == "missing":
            problem = msg(
                "missing: the last record of this prospect's chain as head office confirmed "
                "it is not in this book (head office holds {held} finalized records of the "
                "prospect, this book {here})",
                held=f.held,
                here=f.here,
            )
        print(
            msg(
                "{id} {day} {name}: {problem}",
                id=f.visit_id,
                day=day,
                name=f.prospect_name or f.prospect_id,
                problem=problem,
            )
        )
    summary = msg(
        "{checked} finalized records in {chains} prospect files checked: {problems} problems",
        checked=f"{report.checked:,}",
        chains=f"{report.chains:,}",
        problems=len(report.findings),
    )
    print(summary, file=sys.stdout if report.ok else sys.stderr)
    return EXIT_OK if report.ok else EXIT_PROBLEM


def _load_json_file(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise SystemExit(f"crm: {msg('{path} does not exist', path=path)}") from None
    except json.JSONDecodeError as exc:
        raise SystemExit(
            f"crm: {msg('{path} is not valid JSON: {error}', path=path, error=exc)}"
        ) from None


def cmd_holidays_import(args: argparse.Namespace) -> int:
    data = _load_json_file(args.file)
    services = _services(args)
    year, changed = services.visit_setup.load_holidays(data, args.source or Path(args.file).name)
    if args.json:
        _print_json({"year": year, "due_dates_changed": changed})
    else:
        print(
            plural(
                changed,
                "Holidays of {year} loaded; {count} due date changed",
                "Holidays of {year} loaded; {count} due dates changed",
                year=year,
            )
        )
    return EXIT_OK


def cmd_holidays_list(args: argparse.Namespace) -> int:
    services = _services(args, report=True)
    if args.year is not None:
        return _holiday_days(args, services.visit_setup.holiday_days(args.year))
    years = services.visit_setup.holiday_years()
    if args.json:
        _print_json(years)
        return EXIT_OK
    print(
        _table(
            [msg("Year"), msg("Source"), msg("Holidays"), msg("Make-up days")],
            [[str(y.year), y.source, str(y.holidays), str(y.workdays)] for y in years],
        )
    )
    return EXIT_OK


def _holiday_days(args: argparse.Namespace, days: Sequence[Any]) -> int:
    from crm.i18n import language

    if args.json:
        _print_json(
            [
                {
                    "date": d.day.isoformat(),
                    "kind": d.kind,
                    "name_zh": d.name_zh,
                    "name_en": d.name_en,
                    "provisional": d.provisional,
                }
                for d in days
            ]
        )
        return EXIT_OK
    if not days:
        print(msg("No holidays are known for {year}", year=args.year))
        return EXIT_OK
    zh = language() == "zh_CN"
    print(
        _table(
            [msg("Date"), msg("Weekday"), msg("Off or worked"), msg("Holiday")],
            [
                [
                    d.day.isoformat(),
                    _weekday(d.day.weekday()),
                    msg("day off") if d.kind == "holiday" else msg("make-up working day"),
                    d.name_zh if zh else d.name_en,
                ]
                for d in days
            ],
        )
    )
    if days[0].provisional:
        print(
            msg(
                "Provisional: computed from the statutory holidays; head office's schedule "
                "for {year} (with its make-up working days) replaces it when published",
                year=args.year,
            )
        )
    return EXIT_OK


def _weekday(n: int) -> str:
    names = (msg("Mon"), msg("Tue"), msg("Wed"), msg("Thu"), msg("Fri"), msg("Sat"), msg("Sun"))
    return names[n]


def cmd_cadence_show(args: argparse.Namespace) -> int:
    services = _services(args, report=True)
    table = services.visit_setup.cadence()
    rules = [dataclasses.asdict(r) for r in table.rules.values()]
    if args.json:
        _print_json({"rules": rules, "due_soon_days": table.due_soon_days})
        return EXIT_OK
    print(
        _table(
            [msg("Stage"), msg("Every (days)"), msg("After first drawdown (days)")],
            [
                [_stage(r["stage"]), str(r["every_days"]), str(r["first_after_days"] or "")]
                for r in rules
            ],
        )
    )
    return EXIT_OK


def cmd_cadence_import(args: argparse.Namespace) -> int:
    from crm.domain.cadence import parse_rules

    table = parse_rules(_load_json_file(args.file))
    services = _services(args)
    changed = services.visit_setup.load_cadence(table)
    print(
        plural(
            changed,
            "Cadence rules loaded; {count} due date changed",
            "Cadence rules loaded; {count} due dates changed",
        )
    )
    return EXIT_OK


def cmd_checklists_import(args: argparse.Namespace) -> int:
    from crm.domain.visits import parse_checklists

    template = parse_checklists(_load_json_file(args.file))
    services = _services(args)
    services.visit_setup.load_checklists(template)
    print(
        msg(
            "Checklist template loaded: {areas} areas, {items} items",
            areas=len(template.areas),
            items=len(template.items),
        )
    )
    return EXIT_OK


def cmd_recompute_due(args: argparse.Namespace) -> int:
    services = _services(args)
    changed = services.visit_setup.recompute_due()
    if args.json:
        _print_json({"changed": changed})
    else:
        print(plural(changed, "{count} due date changed", "{count} due dates changed"))
    return EXIT_OK
