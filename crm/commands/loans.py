"""`crm loans …` and `crm renewals due`: record and follow loans, and the renewals to start.

crm loans add PROSPECT --product CODE --amount YUAN --start D --maturity D --rate PCT
                       [--credit-line YUAN] [--repayment MODE]
crm loans list [PROSPECT] [--status S]              a prospect's loans, or the book's
crm loans edit LOAN [--amount YUAN] [--maturity D] …  before head office has it
crm loans repay LOAN --amount YUAN [--on D]
crm loans overdue LOAN
crm loans renew LOAN --maturity D [--amount YUAN] [--rate PCT] [--start D]
crm loans outcome LOAN repaid|not_renewed [--reason TEXT] [--on D]
crm loans classify LOAN normal|special_mention|substandard|doubtful|loss [--on D]
                                                     five-category grade (五级分类)
crm renewals due [--days 90] [--rm NAME] [--date D]
crm renewals check LOAN                              the product matched again on today's facts

PROSPECT is an id or a USCC; amounts are in yuan (12.5万 and ¥3,000,000.00 too), rates in
percent (3.85 or 3.85%). A refused action ends with status 1, a wrong usage with 2.
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

from crm.i18n import describe, msg, plural

EXIT_OK = 0
EXIT_USAGE = 2
STATUSES = ("active", "repaid", "overdue", "renewed", "not_renewed")
# crm.domain.loan_classes.CLASSES, spelled out so parsing the command line imports nothing.
CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    loans = subparsers.add_parser("loans", help="record loans, repayments and renewals")
    sub = loans.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = sub.add_parser("add", parents=[common], help="record a loan granted to a prospect")
    add.add_argument("prospect", help="the prospect's id or USCC")
    add.add_argument("--product", required=True, help="product code (basic, tech, …)")
    add.add_argument("--amount", required=True, type=_money, help="amount in yuan")
    add.add_argument("--start", required=True, type=_day, help="start date (YYYY-MM-DD)")
    add.add_argument("--maturity", required=True, type=_day, help="maturity (YYYY-MM-DD)")
    add.add_argument("--rate", required=True, type=_rate, help="rate in percent (3.85)")
    add.add_argument("--credit-line", type=_money, help="credit line in yuan")
    add.add_argument("--repayment", default="", help="repayment mode code")
    add.set_defaults(func=cmd_add)

    lst = sub.add_parser("list", parents=[common], help="a prospect's loans, or the book's")
    lst.add_argument("prospect", nargs="?", help="the prospect's id or USCC")
    lst.add_argument("--status", choices=STATUSES, help="only loans of this status")
    lst.add_argument("--limit", type=int, default=200, help="rows (the book's list)")
    lst.add_argument("--offset", type=int, default=0, help="rows to skip (the book's list)")
    lst.set_defaults(func=cmd_list)

    edit = sub.add_parser(
        "edit", parents=[common], help="correct a loan head office does not have yet"
    )
    edit.add_argument("loan", help="the loan's id")
    edit.add_argument("--product")
    edit.add_argument("--amount", type=_money)
    edit.add_argument("--start", type=_day)
    edit.add_argument("--maturity", type=_day)
    edit.add_argument("--rate", type=_rate)
    edit.add_argument("--credit-line", type=_money)
    edit.add_argument("--repayment")
    edit.set_defaults(func=cmd_edit)

    repay = sub.add_parser("repay", parents=[common], help="record a repayment")
    repay.add_argument("loan", help="the loan's id")
    repay.add_argument("--amount", required=True, type=_money, help="amount in yuan")
    repay.add_argument("--on", type=_day, help="the day (default: today)")
    repay.set_defaults(func=cmd_repay)

    overdue = sub.add_parser("overdue", parents=[common], help="mark a loan past due")
    overdue.add_argument("loan", help="the loan's id")
    overdue.set_defaults(func=cmd_overdue)

    renew = sub.add_parser("renew", parents=[common], help="renew a loan (续贷)")
    renew.add_argument("loan", help="the loan's id")
    renew.add_argument("--maturity", required=True, type=_day, help="the new maturity")
    renew.add_argument("--amount", type=_money, help="default: the balance still owed")
    renew.add_argument("--rate", type=_rate, help="default: the loan's rate")
    renew.add_argument("--start", type=_day, help="default: the loan's maturity")
    renew.set_defaults(func=cmd_renew)

    outcome = sub.add_parser("outcome", parents=[common], help="how a loan ended without a renewal")
    outcome.add_argument("loan", help="the loan's id")
    outcome.add_argument("result", choices=["repaid", "not_renewed"])
    outcome.add_argument("--reason", default="", help="why it was not renewed")
    outcome.add_argument("--on", type=_day, help="the day (default: today)")
    outcome.set_defaults(func=cmd_outcome)

    classify = sub.add_parser(
        "classify", parents=[common], help="set a loan's five-category grade (五级分类)"
    )
    classify.add_argument("loan", help="the loan's id")
    classify.add_argument("grade", choices=CLASSES)
    classify.add_argument("--on", type=_day, help="from this day (default: today)")
    classify.set_defaults(func=cmd_classify)

    renewals = subparsers.add_parser("renewals", help="renewals (续贷) to start")
    rsub = renewals.add_subparsers(dest="action", metavar="ACTION", required=True)
    due = rsub.add_parser(
        "due", parents=[common], help="active loans maturing soon, with their reminders"
    )
    due.add_argument("--days", type=int, default=90, help="how far ahead (default: 90)")
    due.add_argument("--rm", help="an RM's username (default: everyone)")
    due.add_argument("--date", type=_day, help="the day to look from (default: today)")
    due.set_defaults(func=cmd_renewals_due)
    check = rsub.add_parser(
        "check",
        parents=[common],
        help="before renewing: the loan's product matched again on the customer's facts",
    )
    check.add_argument("loan", help="the loan's id")
    check.set_defaults(func=cmd_renewals_check)


# -- helpers ------------------------------------------------------------------------------------


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            msg("'{text}' is not a date (YYYY-MM-DD)", text=text)
        ) from exc


def _money(text: str) -> int:
    from crm.domain.errors import DomainError
    from crm.domain.money import parse_money

    try:
        return parse_money(text)
    except DomainError as exc:
        raise argparse.ArgumentTypeError(describe(exc)) from exc


def _rate(text: str) -> int:
    from crm.domain.errors import DomainError
    from crm.domain.money import parse_rate

    try:
        return parse_rate(text)
    except DomainError as exc:
        raise argparse.ArgumentTypeError(describe(exc)) from exc


def _services(args: argparse.Namespace, *, report: bool = False) -> Any:
    from crm.services.container import open_services
    from crm.services.today import open_for_report

    services = open_for_report(Path(args.db)) if report else open_services(Path(args.db))
    if getattr(args, "user", None):
        services.act_as(args.user)
    return services


def _prospect(services: Any, key: str) -> str:
    """A prospect id from an id or a USCC typed by the user."""
    from crm.domain.errors import DomainError
    from crm.domain.uscc import USCC

    if len(key.replace(" ", "")) == 18:
        try:
            found = services.prospects.find_by_uscc(USCC.parse(key).value)
        except DomainError:
            found = None
        if found:
            return str(found)
    return key


def yuan(fen: int | None) -> int | float | None:
    """Fen as a JSON number of yuan (whole yuan as an integer)."""
    if fen is None:
        return None
    whole, cents = divmod(fen, 100)
    return whole if cents == 0 else round(fen / 100, 2)


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=_plain, indent=2))
    sys.stdout.write("\n")


def _width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def loan_json(record: Any) -> dict[str, Any]:
    """A loan as the commands print it: amounts in yuan."""
    data = dataclasses.asdict(record)
    for key in ("amount_fen", "credit_line_fen", "balance_fen"):
        data[key.removesuffix("_fen")] = yuan(data.pop(key))
    data["rate"] = data.pop("rate_bp") / 100
    return data


def _status(code: str) -> str:
    from crm.services.loans import STATUS_NAMES

    name = STATUS_NAMES.get(code)
    return describe(name) if name is not None else code


def _grade(code: str) -> str:
    from crm.domain.loan_classes import CLASS_NAMES

    name = CLASS_NAMES.get(code)
    return describe(name) if name is not None else code


def _show(record: Any) -> None:
    from crm.commands.wording import product_name
    from crm.domain.money import format_rate, format_yuan

    print(
        _table(
            [
                msg("Loan"),
                msg("Product"),
                msg("Amount"),
                msg("Balance"),
                msg("Rate"),
                msg("Start"),
                msg("Maturity"),
                msg("Status"),
                msg("Classification"),
            ],
            [
                [
                    r.id,
                    product_name(r.product_code),
                    format_yuan(r.amount_fen),
                    format_yuan(r.balance_fen),
                    format_rate(r.rate_bp),
                    r.start_date.isoformat(),
                    r.maturity_date.isoformat(),
                    _status(r.status),
                    _grade(r.classification),
                ]
                for r in (record if isinstance(record, list) else [record])
            ],
        )
    )


def _done(args: argparse.Namespace, record: Any) -> int:
    if args.json:
        _print_json(loan_json(record))
    else:
        _show(record)
    return EXIT_OK


# -- commands -----------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace) -> int:
    from crm.services.loans import LoanDraft

    services = _services(args)
    pid = _prospect(services, args.prospect)
    record = services.loans.record(
        pid,
        LoanDraft(
            amount_fen=args.amount,
            rate_bp=args.rate,
            start_date=args.start,
            maturity_date=args.maturity,
            product_code=args.product,
            credit_line_fen=args.credit_line,
            repayment_mode=args.repayment,
        ),
    )
    if args.json:
        return _done(args, record)
    _show(record)
    if record.prospect_stage == "no_loan":
        print(
            msg(
                "The prospect can now become a first-loan customer: "
                "crm prospects stage {id} first_loan",
                id=pid,
            )
        )
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    if args.limit < 1 or args.offset < 0:
        print(
            f"crm: {msg('--limit must be at least 1 and --offset not negative')}", file=sys.stderr
        )
        return EXIT_USAGE
    services = _services(args, report=args.prospect is None)
    if args.prospect:
        records = services.loans.of_prospect(_prospect(services, args.prospect))
        if args.status:
            records = [r for r in records if r.status == args.status]
    else:
        records = services.loans.page(args.status, args.limit, args.offset)
    if args.json:
        _print_json([loan_json(r) for r in records])
    else:
        _show(records)
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    from crm.services.loans import LoanDraft

    services = _services(args)
    now = services.loans.get(args.loan)
    record = services.loans.edit(
        args.loan,
        LoanDraft(
            amount_fen=now.amount_fen if args.amount is None else args.amount,
            rate_bp=now.rate_bp if args.rate is None else args.rate,
            start_date=args.start or now.start_date,
            maturity_date=args.maturity or now.maturity_date,
            product_code=now.product_code if args.product is None else args.product,
            credit_line_fen=now.credit_line_fen if args.credit_line is None else args.credit_line,
            repayment_mode=now.repayment_mode if args.repayment is None else args.repayment,
        ),
    )
    return _done(args, record)


def cmd_repay(args: argparse.Namespace) -> int:
    services = _services(args)
    return _done(args, services.loans.repay(args.loan, args.amount, args.on))


def cmd_overdue(args: argparse.Namespace) -> int:
    services = _services(args)
    return _done(args, services.loans.mark_overdue(args.loan))


def cmd_renew(args: argparse.Namespace) -> int:
    services = _services(args)
    record = services.loans.renew(
        args.loan, args.maturity, amount_fen=args.amount, rate_bp=args.rate, start=args.start
    )
    return _done(args, record)


def cmd_outcome(args: argparse.Namespace) -> int:
    services = _services(args)
    return _done(args, services.loans.record_outcome(args.loan, args.result, args.reason, args.on))


def cmd_classify(args: argparse.Namespace) -> int:
    services = _services(args)
    return _done(args, services.loans.reclassify(args.loan, args.grade, args.on))


def renewal_json(row: Any) -> dict[str, Any]:
    return {
        "loan_id": row.loan_id,
        "prospect_id": row.prospect_id,
        "prospect_name": row.prospect_name,
        "rm_name": row.rm_name,
        "product_code": row.product_code,
        "maturity": row.maturity.isoformat(),
        "days_left": row.days_left,
        "reminder": row.reminder,
        "reminder_on": row.reminder_on.isoformat() if row.reminder_on else None,
        "handled": row.handled,
        "overdue_days": row.overdue_days,
        "balance": yuan(row.balance_fen),
    }


def cmd_renewals_due(args: argparse.Namespace) -> int:
    if args.days < 0 or args.days > 366:
        print(f"crm: {msg('--days must be from 0 to 366')}", file=sys.stderr)
        return EXIT_USAGE
    services = _services(args, report=True)
    rm_ids = None
    if args.rm:
        rm_ids = (services.users.by_username(args.rm).id,)
    rows = services.loans.renewals_due(args.days, args.date, rm_ids)
    if args.json:
        sys.stdout.write(json.dumps([renewal_json(r) for r in rows], ensure_ascii=False))
        sys.stdout.write("\n")
        return EXIT_OK
    from crm.domain.money import format_yuan

    print(
        _table(
            [
                msg("Maturity"),
                msg("Days left"),
                msg("Reminder"),
                msg("Prospect"),
                msg("RM"),
                msg("Balance"),
                msg("Action"),
            ],
            [
                [
                    r.maturity.isoformat(),
                    str(r.days_left),
                    msg("{days} days", days=r.reminder) if r.reminder else "",
                    r.prospect_name,
                    r.rm_name or "",
                    format_yuan(r.balance_fen),
                    _action(r),
                ]
                for r in rows
            ],
        )
    )
    print(
        plural(
            len(rows),
            "{count} loan maturing within {days} days",
            "{count} loans maturing within {days} days",
            days=args.days,
        )
    )
    return EXIT_OK


def cmd_renewals_check(args: argparse.Namespace) -> int:
    services = _services(args)
    found = services.loans.renewal_precheck(args.loan)
    product = found.product
    criteria = [] if product is None else product.criteria
    data = {
        "loan_id": found.loan.id,
        "product": found.loan.product_code,
        "status": None if product is None else product.status.value,
        "criteria": [
            {"key": c.key, "status": c.status.value, "message": describe(c.message)}
            for c in criteria
        ],
        "missing": list(found.missing),
        "changed": [
            {"key": f.key, "value": f.json_value, "confirmed_on": f.confirmed_on}
            for f in found.changed
        ],
        "eligible": list(found.eligible),
        "warnings": [describe(w.message) for w in found.warnings],
        "notice": describe(found.notice),
    }
    if args.json:
        _print_json(data)
        return EXIT_OK
    print(describe(found.notice))
    if product is None:
        print(msg("{code} is not in the catalogue in force", code=found.loan.product_code))
    else:
        from crm.domain.matching import Status

        words = {
            Status.ELIGIBLE: msg("eligible"),
            Status.NOT_ELIGIBLE: msg("not eligible"),
            Status.UNKNOWN: msg("data missing"),
        }
        print(msg("{code}: {status}", code=product.code, status=words[product.status]))
        for c in criteria:
            print(f"  [{c.status.value}] {describe(c.message)}")
    if found.changed:
        print(msg("Confirmed since the loan was granted:"))
        for f in found.changed:
            day = f.confirmed_on.isoformat() if f.confirmed_on else ""
            print(f"  {f.key} = {f.json_value} ({day})")
    if found.eligible:
        print(msg("Also eligible now: {codes}", codes=", ".join(found.eligible)))
    for warning in data["warnings"]:
        print(f"! {warning}")
    return EXIT_OK


def _action(row: Any) -> str:
    if row.reminder is None:
        return ""
    if row.handled:
        return msg("contacted")
    if row.overdue_days:
        return msg("overdue by {days} days", days=row.overdue_days)
    return msg("due today")
