"""The ``crm`` command: every core job without a display, and the GUI as its default.

User mistakes (a wrong path, a refused move, a bad USCC) end with a message on stderr in
the user's language and a non-zero status, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from crm import __version__
from crm.i18n import describe, msg, plural, set_language

EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it


class CliError(Exception):
    """A message for the user; the command stops with it."""

    def __init__(self, message: str, status: int = EXIT_USER_ERROR) -> None:
        super().__init__(message)
        self.status = status


def _default_db() -> Path:
    env = os.environ.get("CRM_DB")
    if env:
        return Path(env)
    from crm.app import default_db_path

    return default_db_path()


def _open(args: argparse.Namespace, *, create: bool = False) -> Any:
    from crm.services.container import open_services

    services = open_services(Path(args.db), create=create)
    user = getattr(args, "user", None)
    if user:
        services.act_as(user)
    return services


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _print_json(data: object) -> None:
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        data = dataclasses.asdict(data)
    elif isinstance(data, list):
        data = [
            dataclasses.asdict(d) if dataclasses.is_dataclass(d) and not isinstance(d, type) else d
            for d in data
        ]
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
    sys.stdout.write("\n")


def _width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


# -- commands ---------------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    from crm.app import launch_gui

    return launch_gui(Path(args.db), language=args.lang, smoke=getattr(args, "smoke", False))


def cmd_check(args: argparse.Namespace) -> int:
    from crm.services.container import check_database

    # Every page, as after an unclean shutdown (everyday opening reads only what it needs).
    check_database(Path(args.db))
    if args.json:
        _print_json({"path": str(Path(args.db).resolve()), "ok": True})
        return 0
    print(msg("{path}: every page checks out", path=args.db))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from crm.demo.builder import build_demo

    path = Path(args.db)
    if path.exists() and not args.force:
        raise CliError(msg("{path} already exists; add --force to replace it", path=path))
    _check_folder_takes_files(path)
    if args.prospects < 1 or args.prospects > 1_000_000:
        raise CliError(msg("--prospects must be between 1 and 1,000,000"), EXIT_USAGE)
    show = not args.json and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            sys.stderr.write(f"\r{done:,}/{total:,}")
            sys.stderr.flush()

    summary = build_demo(
        path,
        prospects=args.prospects,
        seed=args.seed,
        progress=progress,
        replace=args.force,
        encrypted=not args.plain,
    )
    if show:
        sys.stderr.write("\n")
    if args.json:
        _print_json(summary)
    else:
        print(
            msg(
                "Demo database {path}: {prospects} prospects, {users} users in {teams} teams "
                "({seconds} s). Signed in as {user}.",
                path=path,
                prospects=f"{summary.prospects:,}",
                users=summary.users,
                teams=summary.teams,
                seconds=f"{summary.seconds:.1f}",
                user=summary.signed_in,
            )
        )
    return 0


def _check_folder_takes_files(path: Path) -> None:
    """Before minutes of building: the folder exists (or can be made) and takes a new file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.with_name(f".{path.name}.write-check")
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise CliError(
            msg(
                "{path} cannot be created: {folder} does not take new files",
                path=path,
                folder=path.parent,
            )
        ) from exc


def _filter_from(args: argparse.Namespace, services: Any) -> Any:
    from crm.commands.wording import district_codes, source_codes
    from crm.domain.query import ProspectFilter

    rm_ids: list[str] = []
    for name in args.rm or []:
        rm_ids.append(services.users.by_username(name).id)
    return ProspectFilter(
        stages=tuple(args.stage or ()),
        sources=source_codes(args.source) if args.source else (),
        rm_ids=tuple(rm_ids),
        districts=district_codes(services, args.district) if args.district else (),
        industries=tuple(args.industry or ()),
        tags=tuple(args.tag or ()),
        no_contact_days=args.no_contact_days,
        text=args.search or "",
    )


def cmd_prospects_list(args: argparse.Namespace) -> int:
    from crm.domain.query import Sort, SortColumn

    if not args.all and (args.limit < 1 or args.offset < 0):
        raise CliError(msg("--limit must be at least 1 and --offset not negative"), EXIT_USAGE)
    services = _open(args)
    flt = _filter_from(args, services)
    sort = Sort(SortColumn(args.sort), args.desc)
    total = services.prospects.count(flt)
    offset = 0 if args.all else args.offset
    rows = services.prospects.page(
        flt, sort, offset=offset, limit=max(total, 1) if args.all else args.limit
    )
    if args.json:
        _print_json(
            {"total": total, "offset": offset, "rows": [dataclasses.asdict(r) for r in rows]}
        )
        return 0
    from crm.commands.wording import district_names, stage_name

    districts = district_names(services)
    headers = [msg("Name"), msg("USCC"), msg("Stage"), msg("RM"), msg("District")]
    print(
        _table(
            headers,
            [
                [
                    r.name,
                    r.uscc or "",
                    stage_name(r.stage),
                    r.rm_name or "",
                    districts.get(r.district_code or "", r.district_name or ""),
                ]
                for r in rows
            ],
        )
    )
    print(
        plural(
            total,
            "{shown} of {count} prospect",
            "{shown} of {count} prospects",
            shown=f"{len(rows):,}",
        )
    )
    if offset + len(rows) < total:
        print(
            msg(
                "More rows follow: --offset {next} for the next page, --all for every row",
                next=offset + len(rows),
            )
        )
    return 0


def _resolve(services: Any, key: str) -> str:
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


def cmd_prospects_show(args: argparse.Namespace) -> int:
    services = _open(args)
    detail = services.prospects.get(_resolve(services, args.key))
    if args.json:
        _print_json(detail)
        return 0
    from crm.commands.wording import (
        district_names,
        drop_reason_name,
        industry_name,
        source_name,
        stage_name,
        tag_name,
    )
    from crm.domain.money import format_wan, format_yuan

    district = district_names(services).get(detail.district_code or "", "")
    pairs = [
        (msg("Name"), detail.name),
        (msg("USCC"), detail.uscc or ""),
        (msg("Stage"), stage_name(detail.stage)),
        (msg("Owner"), detail.owner_name),
        (msg("Phone"), detail.phone),
        (msg("Address"), detail.address),
        (msg("Industry"), industry_name(detail.industry_code)),
        (msg("District"), district),
        (
            msg("Registered capital"),
            (format_wan if _lang() == "zh_CN" else format_yuan)(detail.registered_capital_fen)
            if detail.registered_capital_fen
            else "",
        ),
        (msg("RM"), detail.rm_name or ""),
        (msg("Sources"), _joined(source_name(s.code) for s in detail.sources)),
        (msg("Tags"), _joined(tag_name(t) for t in detail.tags)),
    ]
    for key, value in pairs:
        print(f"{key}: {value}")
    for change in detail.history:
        why = [drop_reason_name(change.reason_code)] if change.reason_code else []
        why += [change.reason_text] if change.reason_text else []
        reason = f" ({'; '.join(why)})" if why else ""
        print(
            f"  {change.changed_at:%Y-%m-%d} {stage_name(change.from_stage)} → "
            f"{stage_name(change.to_stage)}{reason} {change.changed_by or ''}"
        )
    return 0


def _joined(names: Iterable[str]) -> str:
    return ("、" if _lang() == "zh_CN" else ", ").join(names)


def cmd_prospects_stage(args: argparse.Namespace) -> int:
    from crm.domain.stages import Stage

    services = _open(args)
    detail = services.prospects.change_stage(
        _resolve(services, args.key),
        args.target,
        args.reason_code,
        args.reason or "",
        lead_confirmed=args.lead_confirmed,
    )
    if args.json:
        _print_json(detail)
    else:
        print(msg("{name} is now {stage}", name=detail.name, stage=Stage(detail.stage)))
    return 0


def cmd_prospects_assign(args: argparse.Namespace) -> int:
    services = _open(args)
    rm = services.users.by_username(args.rm)
    moved = services.prospects.assign([_resolve(services, k) for k in args.keys], rm.id)
    if args.json:
        _print_json({"assigned": moved})
    else:
        print(
            plural(
                moved,
                "{count} prospect assigned to {rm}",
                "{count} prospects assigned to {rm}",
                rm=rm.display_name,
            )
        )
    return 0


def cmd_prospects_delete(args: argparse.Namespace) -> int:
    services = _open(args)
    pid = _resolve(services, args.key)
    name = services.prospects.get(pid).name
    if not args.yes:
        raise CliError(
            msg("deleting {name} cannot be undone; add --yes to confirm", name=name), EXIT_USAGE
        )
    services.prospects.delete(pid, args.reason or "")
    if args.json:
        _print_json({"deleted": pid})
    else:
        print(msg("Deleted {name}", name=name))
    return 0


def cmd_prospects_add(args: argparse.Namespace) -> int:
    from crm.commands.wording import district_codes, source_codes
    from crm.domain.prospect import ProspectDraft

    services = _open(args)
    draft = ProspectDraft(
        name=args.name,
        uscc=args.uscc or "",
        kind=args.kind,
        owner_name=args.owner or "",
        phone=args.phone or "",
        address=args.address or "",
        industry_code=args.industry or "",
        district_code=district_codes(services, [args.district])[0] if args.district else "",
        sources=list(source_codes(args.source)) if args.source else [],
        tags=list(args.tag or []),
    )
    detail = services.prospects.create(draft)
    if args.json:
        _print_json(detail)
    else:
        print(msg("Created {name} ({id})", name=detail.name, id=detail.id))
    return 0


def _lang() -> str:
    from crm.i18n import language

    return language()


# -- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from crm.commands.parsing import DB_HELP, Parser, add_global_options
    from crm.commands.wording import stage_code

    db_help = DB_HELP
    common = Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=db_help)
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument("--user", help="act as this user (username) instead of the signed-in one")

    parser = Parser(
        prog="crm",
        description="FirstLoan CRM (首贷通): cultivate first-loan small-business customers.",
    )
    parser.add_argument("--version", action="version", version=f"crm {__version__}")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the desktop app (the default command)")
    gui.add_argument("--db", default=argparse.SUPPRESS, help=db_help)
    gui.add_argument(
        "--smoke",
        action="store_true",
        help="open the book (made if missing), render the window offscreen and exit 0",
    )
    gui.set_defaults(func=cmd_gui)

    demo = sub.add_parser(
        "demo", parents=[common], help="build a realistic demo database for one city"
    )
    demo.add_argument("--prospects", type=int, default=2000, help="how many prospects")
    demo.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    demo.add_argument("--force", action="store_true", help="replace an existing file")
    demo.add_argument(
        "--plain",
        action="store_true",
        help="build a plain book (by default it is encrypted, its key in the keyring)",
    )
    demo.set_defaults(func=cmd_demo)

    check = sub.add_parser(
        "check", parents=[common], help="check every page of the database (after a crash)"
    )
    check.set_defaults(func=cmd_check)

    pros = sub.add_parser("prospects", help="list, show, add, move and assign prospects")
    psub = pros.add_subparsers(dest="action", metavar="ACTION", required=True)

    lst = psub.add_parser("list", parents=[common], help="list prospects with filters")
    lst.add_argument(
        "--stage",
        action="append",
        type=stage_code,
        choices=["no_loan", "first_loan", "strategic", "dropped"],
        help="stage: code or name (首贷户, First-loan customer)",
    )
    lst.add_argument("--source", action="append", help="source list: code or name (园区建档)")
    lst.add_argument("--rm", action="append", help="RM username")
    lst.add_argument(
        "--district", action="append", help="district: name (南海区, Nanhai) or code (440605)"
    )
    lst.add_argument("--industry", action="append", help="industry division or section")
    lst.add_argument("--tag", action="append", help="tag code")
    lst.add_argument("--no-contact-days", type=int, help="no contact for at least N days")
    lst.add_argument("--search", help="text: Chinese substring, pinyin initials, USCC, phone")
    lst.add_argument(
        "--sort",
        default="name",
        choices=[
            "name",
            "uscc",
            "stage",
            "rm",
            "district",
            "industry",
            "last_contact",
            "stage_since",
            "updated",
        ],
    )
    lst.add_argument("--desc", action="store_true", help="sort descending")
    lst.add_argument("--limit", type=int, default=50, help="rows to show (default: 50)")
    lst.add_argument("--offset", type=int, default=0, help="rows to skip")
    lst.add_argument("--all", action="store_true", help="every row (--limit and --offset ignored)")
    lst.set_defaults(func=cmd_prospects_list)

    show = psub.add_parser("show", parents=[common], help="show one prospect (id or USCC)")
    show.add_argument("key")
    show.set_defaults(func=cmd_prospects_show)

    add = psub.add_parser("add", parents=[common], help="add a prospect")
    add.add_argument("--name", required=True)
    add.add_argument("--uscc")
    add.add_argument("--kind", default="enterprise", choices=["enterprise", "individual"])
    add.add_argument("--owner")
    add.add_argument("--phone")
    add.add_argument("--address")
    add.add_argument("--industry")
    add.add_argument("--district", help="district: name (南海区, Nanhai) or code (440605)")
    add.add_argument("--source", action="append", help="source list: code or name (园区建档)")
    add.add_argument("--tag", action="append")
    add.set_defaults(func=cmd_prospects_add)

    stage = psub.add_parser("stage", parents=[common], help="move a prospect to another stage")
    stage.add_argument("key")
    stage.add_argument(
        "target",
        type=stage_code,
        choices=["no_loan", "first_loan", "strategic", "dropped"],
        help="the stage: code or name (首贷户, First-loan customer)",
    )
    stage.add_argument(
        "--reason-code", help="for dropped: no_need, ineligible, other_bank, closed, risk, other"
    )
    stage.add_argument("--reason", help="why (needed for backward moves and drops)")
    stage.add_argument(
        "--lead-confirmed",
        action="store_true",
        help="a team lead (--user) confirms dropping a customer whose loans are outstanding",
    )
    stage.set_defaults(func=cmd_prospects_stage)

    delete = psub.add_parser(
        "delete", parents=[common], help="delete a prospect entered by mistake (drop real ones)"
    )
    delete.add_argument("key")
    delete.add_argument("--reason", help="why, for head office")
    delete.add_argument("--yes", action="store_true", help="confirm the deletion")
    delete.set_defaults(func=cmd_prospects_delete)

    assign = psub.add_parser("assign", parents=[common], help="assign prospects to an RM")
    assign.add_argument("keys", nargs="+", help="prospect ids or USCCs")
    assign.add_argument("--rm", required=True, help="RM username")
    assign.set_defaults(func=cmd_prospects_assign)
    from crm.commands import visits as visit_commands

    visit_commands.register(sub, common)
    from crm.commands import loans as loan_commands

    loan_commands.register(sub, common)
    from crm.commands import imports as import_commands

    import_commands.register(sub, common)
    from crm.commands import headoffice as headoffice_commands
    from crm.commands import sync as sync_commands

    sync_commands.register(sub, common)
    headoffice_commands.register(sub, common)
    from crm.commands import products as product_commands

    product_commands.register(sub, common)
    from crm.commands import report as report_commands

    report_commands.register(sub, common)
    from crm.commands import pipeline as pipeline_commands

    pipeline_commands.register(sub, common)
    from crm.commands import backups as backup_commands

    backup_commands.register(sub, common)
    from crm.commands import book as book_commands

    book_commands.register(sub, common)
    from crm.commands import plans as plan_commands

    plan_commands.register(sub, common)
    from crm.commands import scorecard as scorecard_commands

    scorecard_commands.register(sub, common)
    from crm.commands import audit as audit_commands

    audit_commands.register(sub, common)
    from crm.commands.parsing import spread_global_options

    spread_global_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        # Before parsing: argparse's own messages come out in the language asked for.
        set_language(_language_asked(arguments) or _detected())
        from crm.commands.parsing import install_translation

        install_translation()
        return _run(arguments)
    except KeyboardInterrupt:
        # Ctrl-C: one line, and the status a shell gives a command stopped by SIGINT.
        _tell(msg("interrupted"))
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _reader_gone()
    except Exception as exc:
        # Clean-up that fails as Ctrl-C unwinds (a connection the interrupt already closed)
        # is the interruption's doing, not a fault to show.
        if not _caused_by_interrupt(exc):
            raise
        _tell(msg("interrupted"))
        return EXIT_INTERRUPTED


def _caused_by_interrupt(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__context__
    return False


def _run(arguments: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(arguments)
    from crm.commands.parsing import settle_global_options

    settle_global_options(args)
    if args.lang:
        set_language(args.lang)
    if args.db == "":
        parser.error(msg("--db needs a file name"))
    if args.db is None:
        args.db = str(_default_db())
    func: Callable[[argparse.Namespace], int] = getattr(args, "func", cmd_gui)
    from crm.domain.errors import DomainError

    try:
        from crm.commands.book import unlock_for

        # An encrypted book's key before the command opens it; `--user` only as a user
        # whose credentials this computer holds.
        unlock_for(args)
        status = func(args)
        # Written out here, where a reader that went away (`crm … | head -1`) is caught.
        sys.stdout.flush()
        return status
    except CliError as exc:
        _tell(str(exc))
        return exc.status
    except DomainError as exc:
        _tell(describe(exc))
        return EXIT_USER_ERROR
    except OSError as exc:
        # A file the command was given that the system refuses (no permission, a folder,
        # a device gone): the user's to fix, so a message, not a traceback.
        if exc.filename is None or isinstance(exc, BrokenPipeError):
            raise
        _tell(_os_error(exc))
        return EXIT_USER_ERROR


def _tell(message: str) -> None:
    """A message for the user on stderr (stdout stays the command's output alone)."""
    print(f"crm: {message}", file=sys.stderr)


def _language_asked(arguments: Sequence[str]) -> str | None:
    """The value of a ``--lang`` anywhere among the options (the last one wins, as in the
    parse); a wrong value is left for the parser to refuse."""
    asked = None
    for i, arg in enumerate(arguments):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(arguments):
            asked = arguments[i + 1]
        elif arg.startswith("--lang="):
            asked = arg.split("=", 1)[1]
    from crm.commands.parsing import LANGUAGES

    return asked if asked in LANGUAGES else None


# What a shell reports for a command killed by SIGPIPE (128 + 13).
EXIT_PIPE_CLOSED = 141


def _reader_gone() -> int:
    """The program reading our output stopped (`| head`): stop quietly, as Unix tools do.
    Output still buffered goes nowhere, so Python's flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return EXIT_PIPE_CLOSED


def _os_error(exc: OSError) -> str:
    path = str(exc.filename)
    if isinstance(exc, IsADirectoryError):
        return msg("{path} is a folder, not a file", path=path)
    if isinstance(exc, PermissionError):
        return msg("{path} cannot be opened: permission denied", path=path)
    if isinstance(exc, FileNotFoundError):
        return msg("there is no file or folder {path}", path=path)
    return msg("{path}: {problem}", path=path, problem=exc.strerror or type(exc).__name__)


def _detected() -> str:
    from crm.i18n import detect_language

    return detect_language()


if __name__ == "__main__":
    sys.exit(main())
