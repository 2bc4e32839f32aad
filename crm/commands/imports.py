"""`crm import FILE`: import a prospect list; also list, undo and settle earlier imports.

    crm import list.xlsx --source park               import (one transaction)
    crm import list.csv --source park --dry-run      what it would do, nothing written
    crm import list.csv --json                       one JSON object on stdout
    crm import --list                                recent imports
    crm import --undo BATCH                          take an import back
    crm import --flags | --confirm FLAG | --split FLAG   possible duplicates

The exit status is 0 when the file was read (rejected rows included), 2 when it could not
be read (missing, encrypted, empty, no header row) or the options are wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_UNREADABLE = 2
SHOWN_ERRORS = 20


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import",
        parents=[common],
        help="import a prospect list (Excel, ODS or CSV); undo an import",
        description="Import a prospect list into the book: .xlsx, .xls, .ods or .csv "
        "(UTF-8, GBK or GB18030). Rows with errors are reported and can be saved with "
        "--rejected to be fixed and imported again.",
    )
    parser.add_argument("file", nargs="?", help="the list to import")
    parser.add_argument("--source", help="which list it is (a source code, e.g. park)")
    parser.add_argument("--sheet", help="the sheet to read (default: the first)")
    parser.add_argument("--mapping", help="a saved column mapping of this source")
    parser.add_argument("--encoding", help="of a CSV file: UTF-8, GBK, GB18030 (default: detect)")
    parser.add_argument("--header-row", type=int, help="the row the column names are in")
    parser.add_argument("--dry-run", action="store_true", help="show what would happen only")
    parser.add_argument(
        "--rejected", metavar="OUT", help="save rejected rows to OUT (.xlsx or .csv) to fix them"
    )
    parser.add_argument(
        "--save-mapping", metavar="NAME", help="save the columns found as a mapping of --source"
    )
    parser.add_argument("--list", action="store_true", help="list recent imports")
    parser.add_argument("--undo", metavar="BATCH", help="undo the import BATCH")
    parser.add_argument("--flags", action="store_true", help="list open possible duplicates")
    parser.add_argument("--confirm", metavar="FLAG", help="a possible duplicate is the same")
    parser.add_argument("--split", metavar="FLAG", help="a possible duplicate is different")
    parser.set_defaults(func=cmd_import)


def _services(args: argparse.Namespace) -> Any:
    from crm.services.container import open_services

    services = open_services(Path(args.db))
    if getattr(args, "user", None):
        services.act_as(args.user)
    return services


def _print_json(data: object) -> None:
    import dataclasses
    from datetime import date, datetime

    def plain(value: object) -> object:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.asdict(value)
        if isinstance(value, datetime | date):
            return value.isoformat()
        raise TypeError(f"cannot serialise {type(value).__name__}")

    if isinstance(data, list):
        data = [plain(d) if dataclasses.is_dataclass(d) else d for d in data]
    elif dataclasses.is_dataclass(data) and not isinstance(data, type):
        data = dataclasses.asdict(data)
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=plain)
    sys.stdout.write("\n")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True))

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _fail(text: str, status: int) -> int:
    # Said here rather than by raising crm.cli.CliError: run as `python -m crm.cli`, that
    # module is __main__, and an import of crm.cli would be a second copy of its classes.
    print(f"crm: {text}", file=sys.stderr)
    return status


def cmd_import(args: argparse.Namespace) -> int:
    from crm.domain.errors import DomainError
    from crm.i18n import describe, msg

    actions = [args.list, args.undo, args.flags, args.confirm, args.split]
    usage = msg("give a file to import, or one of --list, --undo, --flags")
    if sum(1 for a in actions if a) > 1 or (args.file and any(actions)):
        return _fail(usage, EXIT_UNREADABLE)
    try:
        if args.list:
            return _list(args)
        if args.undo:
            return _undo(args)
        if args.flags:
            return _flags(args)
        if args.confirm or args.split:
            return _settle(args)
        if not args.file:
            return _fail(usage, EXIT_UNREADABLE)
        return _import(args)
    except DomainError as exc:
        from crm.services.imports.files import ImportFileError
        from crm.services.imports.service import UnknownSource

        status = EXIT_UNREADABLE if isinstance(exc, ImportFileError | UnknownSource) else 1
        if args.json:
            json.dump({"error": describe(exc)}, sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        return _fail(describe(exc), status)


class _Progress:
    """`12,000 rows (24%)` on the terminal, rewritten in place; nothing when piped."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def __call__(self, rows: int, fraction: float) -> None:
        if not self.enabled:
            return
        percent = f" ({fraction:.0%})" if fraction else ""
        sys.stderr.write(f"\r{rows:,}{percent}   ")
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _import(args: argparse.Namespace) -> int:
    from crm.i18n import describe, msg, plural
    from crm.services.imports.service import ImportRequest

    services = _services(args)
    service = services.imports
    request = ImportRequest(
        Path(args.file),
        source_code=args.source,
        sheet=args.sheet,
        encoding=args.encoding,
        mapping_name=args.mapping,
        header_row=args.header_row,
    )
    if args.save_mapping and not args.source:
        return _fail(msg("--save-mapping needs --source: mappings are kept per list"), 2)
    if args.rejected:
        # Before the import: a path that cannot take the file must not be found after the
        # rows are in the book.
        service.check_rejected_target(Path(args.rejected))
    progress = _Progress(not args.json and sys.stderr.isatty())
    try:
        result = service.run(request, dry_run=args.dry_run, progress=progress)
    finally:
        progress.done()
    if args.save_mapping:
        service.save_mapping(
            args.source,
            args.save_mapping,
            result.file.headers,
            result.file.fields,
            result.file.header_row,
        )
    saved = None
    if args.rejected and result.errors:
        saved = service.save_rejected(result, Path(args.rejected), describe)
    if args.json:
        _print_json(result.as_json(describe))
        return EXIT_OK
    _report(result, describe, msg, services.zone)
    if saved is not None:
        print(
            plural(
                saved,
                "{count} rejected row saved to {path}",
                "{count} rejected rows saved to {path}",
                path=args.rejected,
            )
        )
    return EXIT_OK


def _report(result: Any, describe: Any, msg: Any, zone: Any) -> None:
    info = result.file
    where = info.file_name + (f" [{info.sheet}]" if info.sheet else "")
    print(
        msg(
            "{file}: header in row {row}, {rows} rows: {created} new, {merged} merged, "
            "{flagged} possible duplicates, {unchanged} already known, {rejected} rejected",
            file=where,
            row=info.header_row,
            rows=f"{result.rows:,}",
            created=f"{result.created:,}",
            merged=f"{result.merged:,}",
            flagged=f"{result.flagged:,}",
            unchanged=f"{result.unchanged:,}",
            rejected=f"{result.rejected:,}",
        )
    )
    for error in result.errors[:SHOWN_ERRORS]:
        column = f" {error.column}" if error.column else ""
        print(
            msg(
                "  row {row}{column}: {message}",
                row=error.row,
                column=column,
                message=describe(error.error),
            )
        )
    if len(result.errors) > SHOWN_ERRORS:
        print(
            msg(
                "  … and {count} more; --rejected FILE saves every rejected row",
                count=len(result.errors) - SHOWN_ERRORS,
            )
        )
    if result.previous:
        last = result.previous[0]
        print(
            msg(
                "This file was imported before ({when}); rows already in the book were left "
                "as they are.",
                when=f"{last.started_at.astimezone(zone):%Y-%m-%d %H:%M}",
            )
        )
    if result.dry_run:
        print(msg("Dry run: nothing was written."))
    elif result.batch_id:
        print(
            msg(
                "Import {batch} done; to take it back: crm import --undo {batch}",
                batch=result.batch_id,
            )
        )


def _list(args: argparse.Namespace) -> int:
    from crm.i18n import msg

    services = _services(args)
    batches = services.imports.batches()
    zone = services.zone
    statuses = {"done": msg("imported"), "undone": msg("undone"), "running": msg("running")}
    if args.json:
        _print_json(batches)
        return EXIT_OK
    rows = [
        [
            b.id,
            f"{b.started_at.astimezone(zone):%Y-%m-%d %H:%M}",
            b.file_name,
            b.source_code,
            statuses.get(b.status, b.status),
            f"{b.created}/{b.merged}/{b.flagged}/{b.rejected}",
        ]
        for b in batches
    ]
    headers = [
        msg("Import"),
        msg("When"),
        msg("File"),
        msg("List"),
        msg("Status"),
        msg("New/merged/flagged/rejected"),
    ]
    print(_table(headers, rows))
    return EXIT_OK


def _undo(args: argparse.Namespace) -> int:
    from crm.i18n import msg

    result = _services(args).imports.undo(args.undo)
    if args.json:
        _print_json(result)
        return EXIT_OK
    print(
        msg(
            "Import undone: {deleted} prospects deleted, {removed} list memberships removed, "
            "{emptied} filled fields emptied",
            deleted=result.deleted,
            removed=result.memberships_removed,
            emptied=result.fields_emptied,
        )
    )
    return EXIT_OK


def _flags(args: argparse.Namespace) -> int:
    from crm.i18n import msg

    flags = _services(args).imports.flags()
    if args.json:
        _print_json(flags)
        return EXIT_OK
    print(
        _table(
            [msg("Flag"), msg("Imported"), msg("Looks like")],
            [[f.id, f.prospect_name, f.candidate_name] for f in flags],
        )
    )
    return EXIT_OK


def _settle(args: argparse.Namespace) -> int:
    from crm.i18n import msg

    service = _services(args).imports
    if args.confirm:
        kept = service.confirm_duplicate(args.confirm)
        text = msg("Merged into {id}", id=kept)
    else:
        kept = service.split_duplicate(args.split)
        text = msg("Kept apart: {id}", id=kept)
    if args.json:
        _print_json({"prospect": kept})
    else:
        print(text)
    return EXIT_OK
