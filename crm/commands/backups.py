"""`crm backup` and `crm restore`: copies of a book in the backups folder.

crm backup [--db PATH] [--to DIR] [--json]        back the book up now
crm backup list [--db PATH] [--to DIR] [--json]   its backups, newest first
crm restore FILE [--db PATH] [--to DIR] [--yes]   put a backup in place of the book

The folder defaults to the platform's (``crm.app.backups_dir``). A restore checks the
backup first and keeps the book it replaces as a backup of its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crm.i18n import msg


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    backup = subparsers.add_parser("backup", parents=[common], help="back the book up now")
    backup.add_argument(
        "action", nargs="?", choices=["now", "list"], default="now", help="now (default) or list"
    )
    backup.add_argument("--to", dest="folder", help="backups folder (default: the app's)")
    backup.set_defaults(func=cmd_backup)
    restore = subparsers.add_parser(
        "restore", parents=[common], help="put a backup in place of the book"
    )
    restore.add_argument("file", help="the backup to restore")
    restore.add_argument("--to", dest="folder", help="backups folder (default: the app's)")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(func=cmd_restore)


def _service(args: argparse.Namespace) -> Any:
    from crm.app import backups_dir
    from crm.services.backups import BackupService

    folder = Path(args.folder) if args.folder else backups_dir()
    return BackupService(Path(args.db), folder)


def _row(backup: Any) -> dict[str, Any]:
    return {
        "path": str(backup.path),
        "taken_at": backup.taken_at.isoformat(),
        "size": backup.size,
        "kind": backup.tag or "backup",
    }


def cmd_backup(args: argparse.Namespace) -> int:
    service = _service(args)
    if args.action == "list":
        found = service.backups()
        if args.json:
            json.dump([_row(b) for b in found], sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        elif not found:
            print(
                msg("No backups of {book} in {folder}.", book=service.book, folder=service.folder)
            )
        else:
            for b in found:
                print(f"{b.taken_at:%Y-%m-%d %H:%M} UTC  {b.size / 1e6:8.1f} MB  {b.path}")
        return 0
    made = service.back_up()
    if args.json:
        json.dump(_row(made), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(msg("Backed up to {path}", path=made.path))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    service = _service(args)
    source = Path(args.file)
    service.check(source)  # a bad file is refused before anything is asked or changed
    if not args.yes:
        if not sys.stdin.isatty():
            print(msg("Restoring replaces the book: add --yes to confirm."), file=sys.stderr)
            return 1
        answer = input(msg("Replace {book} with {file}? [y/N] ", book=service.book, file=source))
        if answer.strip().lower() not in {"y", "yes", "是"}:
            print(msg("Nothing was changed."))
            return 1
    kept = service.restore(source)
    result = {"restored": str(source), "book": str(service.book)}
    if kept is not None:
        result["kept"] = str(kept.path)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(msg("Restored {file} into {book}.", file=source, book=service.book))
        if kept is not None:
            print(msg("The book it replaced was kept as {path}", path=kept.path))
    return 0
