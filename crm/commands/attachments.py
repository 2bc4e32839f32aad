"""`crm visits attach` and `crm visits files`: photos and documents on a visit record.

crm visits attach VISIT_ID FILE [--kind KIND] [--caption TEXT] [--json]
crm visits files VISIT_ID [--json]

A file goes on a record that is not finalized yet (a finalized one is amended first:
``crm visits amend``); JPEG, PNG, HEIC or PDF, up to the size head office's data sets.
An unknown record, a file that cannot be read, a damaged, too large or unsupported one:
a message, exit status 1, and nothing stored.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crm.domain.attachments import KINDS
from crm.i18n import msg

EXIT_OK = 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    attach = subparsers.add_parser(
        "attach",
        parents=[common],
        help="attach a photo or document (JPEG, PNG, HEIC, PDF) to an open visit record",
    )
    attach.add_argument("visit_id", help="the record's id (from crm visits record)")
    attach.add_argument("file", help="the file to attach")
    attach.add_argument("--kind", default="other", choices=KINDS, help="what it shows")
    attach.add_argument("--caption", default="", help="a few words on what it shows")
    attach.set_defaults(func=cmd_attach)

    listed = subparsers.add_parser(
        "files", parents=[common], help="the photos and documents of a visit record"
    )
    listed.add_argument("visit_id", help="the record's id")
    listed.set_defaults(func=cmd_files)


def _services(args: argparse.Namespace) -> Any:
    from crm.services.container import open_services

    services = open_services(Path(args.db))
    if getattr(args, "user", None):
        services.act_as(args.user)
    return services


def _plain(info: Any) -> dict[str, Any]:
    return {
        "id": info.id,
        "visit_id": info.visit_id,
        "sha256": info.sha256,
        "kind": info.kind,
        "caption": info.caption,
        "filename": info.filename,
        "media_type": info.media_type,
        "size": info.size,
        "taken_at": info.taken_at.isoformat() if info.taken_at else None,
        "latitude": info.latitude,
        "longitude": info.longitude,
        "stored": info.stored,
    }


def _line(info: Any) -> str:
    parts = [info.id, info.kind, info.media_type, f"{info.size:,} B", info.sha256[:12]]
    if info.taken_at is not None:
        parts.append(msg("taken {when}", when=info.taken_at.isoformat(timespec="seconds")))
    if info.latitude is not None and info.longitude is not None:
        parts.append(f"{info.latitude:.6f},{info.longitude:.6f}")
    if not info.stored:
        parts.append(msg("not on this computer yet"))
    if info.caption:
        parts.append(info.caption)
    return "  ".join(parts)


def cmd_attach(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        info = services.attachments.attach_file(
            args.visit_id, Path(args.file), kind=args.kind, caption=args.caption
        )
    finally:
        services.close()
    if args.json:
        sys.stdout.write(json.dumps(_plain(info), ensure_ascii=False) + "\n")
        return EXIT_OK
    print(msg("Attached {file} to visit {visit}", file=info.filename, visit=info.visit_id))
    print(_line(info))
    return EXIT_OK


def cmd_files(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        found = services.attachments.for_visit(args.visit_id)
    finally:
        services.close()
    if args.json:
        sys.stdout.write(json.dumps([_plain(a) for a in found], ensure_ascii=False) + "\n")
        return EXIT_OK
    if not found:
        print(msg("No files on this visit record"))
    for info in found:
        print(_line(info))
    return EXIT_OK
