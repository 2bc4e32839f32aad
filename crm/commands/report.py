"""`crm report …`: visit and pipeline reports as PDF files.

crm report visit VISIT_ID -o FILE.pdf [--show-identifiers]
crm report visits --from D --to D -o FILE.pdf|DIR [--rm USER] [--show-identifiers]
crm report pipeline [--team T | --rm USER] --from D --to D -o FILE.pdf
crm report samples -o DIR                  sample reports of the book, to see them

Reports are in the language of the messages (--lang, else the system's). ID and phone
numbers are partly hidden unless --show-identifiers is given, which is recorded in the book
(and said on the report). `-o DIR` (an existing folder, or a path ending in a slash) writes
one file per visit into it. A file is written whole or not at all: a report that cannot
be made (an unknown id, a bad period) or written (no such folder, no permission) leaves no
file behind, only a message.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from crm.i18n import language, msg, plural

EXIT_OK = 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    report = subparsers.add_parser("report", help="visit and pipeline reports as PDF")
    sub = report.add_subparsers(dest="action", metavar="ACTION", required=True)

    visit = sub.add_parser("visit", parents=[common], help="the report of one visit")
    visit.add_argument("visit_id", metavar="VISIT_ID", help="the visit's id")
    visit.add_argument("-o", "--output", required=True, help="the PDF file to write")
    visit.add_argument(
        "--show-identifiers",
        action="store_true",
        help="print ID and phone numbers in full (recorded in the book)",
    )
    visit.set_defaults(func=cmd_visit)

    visits = sub.add_parser(
        "visits", parents=[common], help="the reports of the visits recorded in a period"
    )
    visits.add_argument("--from", dest="start", required=True, type=_day, help="first day")
    visits.add_argument("--to", dest="end", required=True, type=_day, help="last day")
    visits.add_argument(
        "-o",
        "--output",
        required=True,
        help="one PDF file for all, or a folder for one file per visit",
    )
    visits.add_argument("--rm", help="only this RM's visits (username)")
    visits.add_argument(
        "--show-identifiers",
        action="store_true",
        help="print ID and phone numbers in full (recorded in the book)",
    )
    visits.set_defaults(func=cmd_visits)

    pipeline = sub.add_parser(
        "pipeline", parents=[common], help="the pipeline report of a team, an RM or the book"
    )
    who = pipeline.add_mutually_exclusive_group()
    who.add_argument("--team", help="a team's name or id")
    who.add_argument("--rm", help="an RM's username")
    pipeline.add_argument("--from", dest="start", required=True, type=_day, help="first day")
    pipeline.add_argument("--to", dest="end", required=True, type=_day, help="last day")
    pipeline.add_argument("-o", "--output", required=True, help="the PDF file to write")
    pipeline.set_defaults(func=cmd_pipeline)

    samples = sub.add_parser(
        "samples",
        parents=[common],
        help="sample reports of a book (visits, a draft, a day, the pipelines) into a folder",
    )
    samples.add_argument("-o", "--output", required=True, help="the folder to write them into")
    samples.set_defaults(func=cmd_samples)


# -- commands -------------------------------------------------------------------------------------


def cmd_visit(args: argparse.Namespace) -> int:
    target = _file_target(args.output)
    services = _services(args)
    data = services.reports.visit_pdf(
        args.visit_id, show_identifiers=args.show_identifiers, lang=language()
    )
    _save(data, target)
    _done(args, [target])
    return EXIT_OK


def cmd_visits(args: argparse.Namespace) -> int:
    folder = _is_folder(args.output)
    target = Path(args.output)
    if folder:
        _check_folder(target)
    else:
        target = _file_target(args.output)
    services = _services(args)
    rm_ids = [services.users.by_username(args.rm).id] if args.rm else None
    show = sys.stderr.isatty() and not args.json

    def progress(done: int, total: int) -> None:
        if show:
            sys.stderr.write(f"\r{done:,}/{total:,}")
            sys.stderr.flush()

    files = services.reports.visits_pdf(
        args.start,
        args.end,
        per_visit=folder,
        rm_ids=rm_ids,
        show_identifiers=args.show_identifiers,
        lang=language(),
        progress=progress,
    )
    if show:
        sys.stderr.write("\n")
    written: list[Path] = []
    for f in files:
        path = target / f.name if folder else target
        _save(f.data, path)
        written.append(path)
    _done(args, written)
    return EXIT_OK


def cmd_pipeline(args: argparse.Namespace) -> int:
    target = _file_target(args.output)
    services = _services(args)
    data = services.reports.pipeline_pdf(
        args.start, args.end, team=args.team, rm=args.rm, lang=language()
    )
    _save(data, target)
    _done(args, [target])
    return EXIT_OK


def cmd_samples(args: argparse.Namespace) -> int:
    folder = Path(args.output)
    if not folder.exists() and folder.parent.is_dir():
        folder.mkdir()
    _check_folder(folder)
    services = _services(args)
    written = []
    for f in services.reports.samples(lang=language()):
        _save(f.data, folder / f.name)
        written.append(folder / f.name)
    _done(args, written)
    return EXIT_OK


# -- helpers --------------------------------------------------------------------------------------


def _services(args: argparse.Namespace) -> Any:
    from crm.services.today import open_for_report

    services = open_for_report(Path(args.db))
    if getattr(args, "user", None):
        services.act_as(args.user)
    return services


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            msg("'{text}' is not a date (YYYY-MM-DD)", text=text)
        ) from exc


def _is_folder(output: str) -> bool:
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def _file_target(output: str) -> Path:
    """The file to write, checked before any work: its folder must exist and take files."""
    target = Path(output)
    if target.is_dir():
        raise _os_error(errno.EISDIR, target)
    _check_folder(target.parent if str(target.parent) else Path("."), shown=target)
    return target


def _check_folder(folder: Path, shown: Path | None = None) -> None:
    name = str(shown or folder)
    if not folder.is_dir():
        raise _os_error(errno.ENOENT, name)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _os_error(errno.EACCES, name)


def _os_error(code: int, path: object) -> OSError:
    """The system's error for ``path`` (OSError picks its subclass from the code), which the
    ``crm`` command words for the user."""
    return OSError(code, os.strerror(code), str(path))


def _save(data: bytes, target: Path) -> None:
    from crm.services.reports import save_report

    save_report(data, target)


def _done(args: argparse.Namespace, written: list[Path]) -> None:
    if args.json:
        json.dump({"files": [str(p) for p in written]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if len(written) == 1:
        print(msg("Wrote {path}", path=written[0]))
    else:
        print(
            plural(
                len(written),
                "Wrote {count} report into {folder}",
                "Wrote {count} reports into {folder}",
                folder=written[0].parent if written else "",
            )
        )
