"""`crm audit`: this device's audit log (sign-ins, exports, PDFs and prints, numbers shown
in full, imports and their undo), newest first, each line sent to head office or waiting.

crm audit [--action A] [--user U] [--since DAY] [--limit N] [--json]

``crm headoffice audit`` lists the lines every device sent, with head office's own, in the
same form (``lines_text``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time
from typing import Any

from crm.domain.audit import ACTION_LABELS, ACTIONS
from crm.domain.clock import SHANGHAI
from crm.domain.errors import DomainError
from crm.i18n import describe, msg


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    audit = subparsers.add_parser(
        "audit", parents=[common], help="this device's audit log, newest first"
    )
    audit.add_argument("--action", choices=sorted(ACTIONS), help="only this action")
    audit.add_argument("--of", dest="of_user", metavar="USERNAME", help="only this user's lines")
    audit.add_argument("--since", help="only lines from this day (YYYY-MM-DD) or moment on")
    audit.add_argument("--limit", type=int, default=50, help="at most this many lines")
    audit.set_defaults(func=cmd_audit)


def parse_since(text: str | None) -> datetime | None:
    """A day (from its start in Shanghai) or an ISO moment (UTC unless it says)."""
    if not text:
        return None
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").date()
            return datetime.combine(day, time(), SHANGHAI).astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError(
            "audit.since", "'{text}' is not a day (YYYY-MM-DD) or a moment", text=text
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def action_name(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return describe(label) if label is not None else action


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_value(v) for v in value)
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _detail(detail: Mapping[str, Any]) -> str:
    return " ".join(f"{k}={_value(v)}" for k, v in sorted(detail.items()))


def lines_text(lines: Iterable[Mapping[str, Any]]) -> str:
    """Lines as people read them: the time in Shanghai, who, where, what, about what."""
    rows: list[str] = []
    for line in lines:
        at = datetime.fromisoformat(str(line["at"]))
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        source = line.get("device") or msg("head office")
        state = line.get("state", "")
        cells = [
            f"{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}",
            str(source)[:13],
            str(line.get("actor") or "-"),
            action_name(str(line["action"])),
            str(line.get("target") or "-"),
            _detail(line.get("detail") or {}),
        ]
        if state:
            cells.append(state)
        rows.append("  ".join(cells))
    return "\n".join(rows) if rows else msg("No audit lines.")


def cmd_audit(args: argparse.Namespace) -> int:
    from crm.commands.loans import _services

    services = _services(args)
    try:
        user_id = services.users.by_username(args.of_user).id if args.of_user else None
        lines = services.audit.lines(
            limit=args.limit, action=args.action, user_id=user_id, since=parse_since(args.since)
        )
    finally:
        services.close()
    if args.json:
        json.dump([line.as_dict() for line in lines], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(
        lines_text(
            {
                "at": line.at.isoformat(),
                "device": line.device_id,
                "actor": line.username or line.user_id,
                "action": line.action,
                "target": line.target_id,
                "detail": line.detail,
                "state": msg("sent") if not line.waiting else msg("waiting"),
            }
            for line in lines
        )
    )
    return 0
