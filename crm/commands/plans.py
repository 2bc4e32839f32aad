"""`crm plans …`: strategic clients' service plans (配套金融服务方案).

crm plans list [--status S] [--rm NAME] [--due]      the book's plans (or those to review)
crm plans show PROSPECT                              one customer's plan
crm plans add PROSPECT --items CODE[,CODE…] --review D [--owner NAME] [--status S]
                       [--notes TEXT]                create the plan, or change it
crm plans review PROSPECT [--next D] [--close]       a review held today

PROSPECT is an id or a USCC. Items are service codes (settlement, credit, wealth_management,
supply_chain_finance, payroll, cash_management, trade_finance, online_banking) or product
codes of the catalogue. A refused action ends with status 1, a wrong usage with 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from crm.domain.errors import Message
from crm.i18n import describe, msg, tr

EXIT_OK = 0
STATUSES = ("draft", "active", "under_review", "closed")
STATUS_NAMES = {
    "draft": Message("draft"),
    "active": Message("active"),
    "under_review": Message("under review"),
    "closed": Message("closed"),
}


# What each service area of a plan is called (crm.domain.service_plans.SERVICE_AREAS); a
# catalogue product keeps its code.
AREA_NAMES = {
    "settlement": Message("payment and settlement"),
    "credit": Message("credit"),
    "wealth_management": Message("wealth management"),
    "supply_chain_finance": Message("supply-chain finance"),
    "payroll": Message("payroll agency"),
    "cash_management": Message("cash management"),
    "trade_finance": Message("trade finance"),
    "online_banking": Message("online banking"),
}


def items_text(items: Sequence[str]) -> str:
    """A plan's items in the user's language, comma-separated."""
    names = [tr(AREA_NAMES[code].template) if code in AREA_NAMES else code for code in items]
    return msg(", ").join(names) if names else ""


def status_name(code: str) -> str:
    """A plan's status in the user's language."""
    name = STATUS_NAMES.get(code)
    return describe(name) if name is not None else code


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    plans = subparsers.add_parser("plans", help="strategic clients' service plans")
    sub = plans.add_subparsers(dest="action", metavar="ACTION", required=True)

    lst = sub.add_parser("list", parents=[common], help="the book's service plans")
    lst.add_argument("--status", choices=STATUSES, help="only plans of this status")
    lst.add_argument("--rm", help="an RM's username (default: everyone)")
    lst.add_argument("--due", action="store_true", help="only plans whose review has come")
    lst.set_defaults(func=cmd_list)

    show = sub.add_parser("show", parents=[common], help="a customer's service plan")
    show.add_argument("prospect", help="the prospect's id or USCC")
    show.set_defaults(func=cmd_show)

    add = sub.add_parser("add", parents=[common], help="create or change a customer's plan")
    add.add_argument("prospect", help="the prospect's id or USCC")
    add.add_argument("--items", required=True, help="services and products, comma-separated codes")
    add.add_argument("--review", required=True, type=_day, help="next review (YYYY-MM-DD)")
    add.add_argument("--owner", help="the owning RM's username (default: you)")
    add.add_argument("--status", choices=STATUSES, default="active")
    add.add_argument("--notes", default="")
    add.set_defaults(func=cmd_add)

    review = sub.add_parser("review", parents=[common], help="record a review held today")
    review.add_argument("prospect", help="the prospect's id or USCC")
    review.add_argument("--next", type=_day, help="the next review (default: in six months)")
    review.add_argument("--close", action="store_true", help="the review ends the plan")
    review.set_defaults(func=cmd_review)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            msg("'{text}' is not a date (YYYY-MM-DD)", text=text)
        ) from exc


def _services(args: argparse.Namespace) -> Any:
    from crm.commands.loans import _services as open_for

    return open_for(args)


def _prospect(services: Any, key: str) -> str:
    from crm.commands.loans import _prospect as resolve

    return resolve(services, key)


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(type(value).__name__)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=_plain))
    sys.stdout.write("\n")


def _user_id(services: Any, username: str | None) -> str | None:
    if username is None:
        return None
    return str(services.users.by_username(username).id)


def cmd_list(args: argparse.Namespace) -> int:
    services = _services(args)
    rm = _user_id(services, args.rm)
    rm_ids = None if rm is None else (rm,)
    if args.due:
        plans = list(services.plans.reviews_due(rm_ids))
        if args.status:
            plans = [p for p in plans if p.status == args.status]
    else:
        plans = services.plans.plans(rm_ids, (args.status,) if args.status else None)
    if args.json:
        _print_json(plans)
        return EXIT_OK
    from crm.commands.visits import _table

    print(msg("Service plans: {count}", count=len(plans)))
    if plans:
        print(
            _table(
                [msg("Review on"), msg("Prospect"), msg("Owner"), msg("Status"), msg("Items")],
                [
                    [
                        p.review_on.isoformat(),
                        p.prospect_name,
                        p.owner_name or "",
                        status_name(p.status),
                        items_text(p.items),
                    ]
                    for p in plans
                ],
            )
        )
    return EXIT_OK


def _print_plan(services: Any, pid: str, plan: Any, as_json: bool) -> None:
    if as_json:
        _print_json(plan)
        return
    owner = ""
    if plan.owner_id:
        owner = next((u.display_name for u in services.users.all() if u.id == plan.owner_id), "")
    rows = [
        (msg("Prospect"), pid),
        (msg("Status"), status_name(plan.status)),
        (msg("Items"), items_text(plan.items)),
        (msg("Owner"), owner),
        (msg("Review on"), plan.review_on.isoformat()),
        (msg("Last reviewed"), plan.reviewed_on.isoformat() if plan.reviewed_on else ""),
        (msg("Notes"), plan.notes),
    ]
    for label, value in rows:
        print(f"{label}: {value}")
    if plan.review_due:
        print(msg("The review is due."))
    if plan.unsent:
        print(msg("Not yet sent to head office."))


def cmd_show(args: argparse.Namespace) -> int:
    services = _services(args)
    pid = _prospect(services, args.prospect)
    plan = services.plans.get(pid)
    if plan is None:
        from crm.domain.service_plans import PlanRefused

        raise PlanRefused("plan.missing", "this customer has no service plan yet")
    _print_plan(services, pid, plan, args.json)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from crm.domain.service_plans import PlanDraft

    services = _services(args)
    pid = _prospect(services, args.prospect)
    owner = _user_id(services, args.owner) if args.owner else services.actor_id
    items = tuple(code.strip() for code in args.items.split(",") if code.strip())
    draft = PlanDraft(items, owner, args.review, args.status, args.notes)
    plan = services.plans.save(pid, draft)
    _print_plan(services, pid, plan, args.json)
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    services = _services(args)
    pid = _prospect(services, args.prospect)
    plan = services.plans.review(pid, args.next, "closed" if args.close else "active")
    _print_plan(services, pid, plan, args.json)
    return EXIT_OK
