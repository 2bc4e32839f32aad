"""``crm sync``: sync a local database with head office from a script or a terminal.

    crm sync --db book.db --server https://ho.example.cn [--username wangfang] [--json]
        (on a file that does not exist yet: creates the book and downloads it)
    crm sync status --db book.db [--json]      last sync, cursor, changes waiting, conflicts
    crm sync conflicts --db book.db [--all] [--json]   what head office merged or refused

The first time (no device token in the keyring for this server) it registers the computer:
the password comes from standard input (``--password-stdin``), ``$CRM_PASSWORD``, or a
prompt — never from the command line, where other users could read it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from crm.domain.errors import DomainError
from crm.i18n import describe, msg, plural

ZONE = ZoneInfo("Asia/Shanghai")


def _print_json(data: Any) -> None:
    import json

    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _open(args: argparse.Namespace, *, create: bool = False) -> Any:
    from crm.services.container import open_services

    services = open_services(Path(args.db), create=create)
    if getattr(args, "user", None):
        services.act_as(args.user)
    return services


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    env = os.environ.get("CRM_PASSWORD")
    if env:
        return env
    if sys.stdin.isatty():
        return getpass.getpass(msg("Password for {user}: ", user=args.username))
    raise DomainError(
        "sync.password_needed",
        "a password is needed to register this computer (--password-stdin)",
    )


def _new_passphrase(username: str) -> str | None:
    """The passphrase this computer is to hold for ``username`` on a new book: from
    CRM_PASSPHRASE (scripts), or typed twice on a terminal; None when neither is there."""
    from crm.services import book_lock

    given = book_lock.passphrase_from_environment()
    if given is None and sys.stdin.isatty():
        given = getpass.getpass(
            msg(
                "A passphrase for {user} on this computer (at least {count} characters): ",
                user=username,
                count=book_lock.MIN_PASSPHRASE,
            )
        )
        if getpass.getpass(msg("The same passphrase again: ")) != given:
            raise DomainError(
                "sync.passphrases_differ",
                "The two passphrases differ; nothing has been made or sent.",
            )
    if given is not None:
        book_lock.check_passphrase(given)
    return given


def cmd_sync(args: argparse.Namespace) -> int:
    path = Path(args.db)
    new_book = not path.exists()
    passphrase: str | None = None
    if new_book:
        # A new computer: the book is made here and filled by the first download, so all
        # that is needed to sign in is asked for before any file is made.
        if not args.server or not args.username:
            raise DomainError(
                "sync.new_book_needs",
                "there is no book at {path} yet: give --server URL and --username NAME to "
                "create it from head office",
                path=str(path),
            )
        password = _password(args)
        passphrase = _new_passphrase(args.username)
        from crm.services import book_lock

        # Encrypted from the start, its key in the keyring: a head office may require it.
        book_lock.new_keyring_book(path)
    services = _open(args, create=new_book)
    sync = services.sync_with(verify=args.cafile or True)
    status = sync.status()
    server = args.server or status.server_url
    if not server:
        raise DomainError("sync.no_server", "no head office given: use --server URL")
    if not sync.registered_with(server, status):
        username = args.username
        if not username:
            current = services.users.current()
            username = current.username if current else None
        if not username:
            raise DomainError(
                "sync.no_username", "this computer is not registered yet: give --username"
            )
        args.username = username
        if not new_book:
            password = _password(args)
        try:
            sync.sign_in(server, username, password, args.device_name or "")
        except BaseException:
            if new_book:
                # Nothing was downloaded: leave no empty book behind to puzzle over.
                services.close()
                _remove_book(path)
            raise
        if new_book:
            _hold_credentials(path, username, passphrase)
    if args.claim:
        for key in args.claim:
            sync.claim(key)
    report = ProgressReport(sys.stderr, quiet=args.quiet)
    try:
        summary = sync.sync(report)
    finally:
        report.close()
    from crm.services.key_policy import follow_key_source

    # The book's key is kept where head office's security policy says (once it can be).
    follow_key_source(path, services.security_policy())
    conflicts = sync.conflicts()
    if args.json:
        data = summary.as_dict()
        data["open_conflicts"] = len(conflicts)
        data["conflict_list"] = [
            {
                "id": c.id,
                "entity": c.entity,
                "entity_id": c.entity_id,
                "kind": c.kind,
                "outcome": c.outcome,
                "code": c.code,
                "message": describe(c.message),
            }
            for c in conflicts
        ]
        _print_json(data)
        return 0
    print(
        msg(
            "Synced with {server}: sent {pushed} changes ({rejected} refused), received "
            "{pulled}, removed {removed}; {conflicts} conflicts to look at; cursor {cursor}.",
            server=server,
            pushed=summary.pushed,
            rejected=summary.rejected,
            pulled=summary.pulled,
            removed=summary.removed,
            conflicts=len(conflicts),
            cursor=summary.cursor,
        )
    )
    for c in conflicts[:20]:
        print(f"  - {c.title or c.entity_id}: {describe(c.message)}")
    for line in summary.mismatches:
        print(f"  ! {line}")
    return 0


def _remove_book(path: Path) -> None:
    from crm.services import book_lock

    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        file.unlink(missing_ok=True)
    book_lock.forget_key_file(path)


def _hold_credentials(path: Path, username: str, passphrase: str | None) -> None:
    """Head office accepted ``username``: this computer holds their credentials (the
    passphrase given) from now on, or says how to give them later."""
    from crm.services import book_lock

    if passphrase is not None:
        book_lock.set_passphrase(path, username, passphrase)
        return
    sys.stderr.write(
        msg(
            "No passphrase was given for {user} (CRM_PASSPHRASE, or a terminal): set one with "
            "crm passphrase set --db {path} --user {user}",
            user=username,
            path=str(path),
        )
        + "\n"
    )


def _phase(code: str) -> str:
    if code == "push":
        return msg("Sending changes")
    if code == "send":
        return msg("Sending files")
    if code == "download":
        return msg("Downloading the book")
    if code == "pull":
        return msg("Receiving changes")
    if code == "fetch":
        return msg("Fetching files")
    return code


class ProgressReport:
    """How far a sync is, on stderr (stdout stays the result, for scripts and ``jq``): one
    line rewritten in place on a terminal, a line per phase and per quarter of it otherwise
    (a log, a CI job)."""

    def __init__(self, stream: TextIO, *, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.live = stream.isatty()
        self.phase: str | None = None
        self.quarter = -1
        self.last = ""

    def __call__(self, p: Any) -> None:
        if self.quiet:
            return
        total = f"/{p.total:,}" if p.total else ""
        line = f"{_phase(p.phase)} {p.done:,}{total}"
        started = p.phase != self.phase
        if self.live:
            if started and self.phase is not None:
                self.stream.write("\n")
            self.stream.write(f"\r{line}   ")
        else:
            if started:
                self._finish_phase()
                self.quarter = -1
            quarter = min(4 * p.done // p.total, 4) if p.total else 0
            if started or quarter > self.quarter:
                self.stream.write(line + "\n")
                self.quarter = quarter
                line = ""
        self.phase = p.phase
        self.last = line
        self.stream.flush()

    def _finish_phase(self) -> None:
        """A log's last word on the phase: how far it got, when that was not yet said."""
        if self.last:
            self.stream.write(self.last + "\n")
            self.last = ""

    def close(self) -> None:
        if self.quiet or self.phase is None:
            return
        if self.live:
            self.stream.write("\n")
        else:
            self._finish_phase()
        self.stream.flush()


def _when(value: datetime | None) -> str:
    """A stored UTC time in the user's zone (Asia/Shanghai), to the minute."""
    if value is None:
        return ""
    return value.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def _resolution(code: str) -> str:
    if code == "accept_server":
        return msg("kept head office's version")
    if code == "send_again":
        return msg("sent again")
    if code == "dismiss":
        return msg("dismissed")
    return code


def cmd_sync_status(args: argparse.Namespace) -> int:
    services = _open(args)
    status = services.sync.status()
    if args.json:
        _print_json(
            {
                "configured": status.configured,
                "server_url": status.server_url,
                "user_id": status.user_id,
                "user_name": status.user_name,
                "device_id": status.device_id,
                "last_sync": status.last_sync.isoformat() if status.last_sync else None,
                "cursor": status.cursor,
                "pending": status.pending,
                "audit_waiting": status.audit_waiting,
                "conflicts": status.conflicts,
                "downloading": status.downloading,
                "token_store": status.token_store,
                "quarantined": status.quarantined,
            }
        )
        return 0
    if status.server_url:
        state = msg("registered") if status.configured else msg("not signed in on this computer")
        print(msg("Head office: {url} ({state})", url=status.server_url, state=state))
    else:
        print(msg("Head office: not set up (sync --server URL --username NAME)"))
    if status.token_store == "keyring":
        print(msg("Device token: in the system keyring"))
    elif status.token_store == "file":
        print(msg("Device token: in a private file ({path})", path=status.token_file))
    if status.user_name or status.user_id:
        print(msg("User: {name}", name=status.user_name or status.user_id))
    print(
        msg("Last sync: {when}", when=_when(status.last_sync))
        if status.last_sync
        else msg("Last sync: never")
    )
    if status.cursor is not None:
        print(msg("Position in head office's changes: {cursor}", cursor=status.cursor))
    if status.downloading:
        print(msg("A first download stopped part-way; it resumes at the next sync."))
    print(msg("Changes waiting to be sent: {count}", count=status.pending))
    if status.audit_waiting:
        print(msg("Audit log lines waiting to be sent: {count}", count=status.audit_waiting))
    print(msg("Open conflicts: {count}", count=status.conflicts))
    if status.quarantined:
        print(
            msg(
                "Records from head office kept aside (they cannot be applied): {count}",
                count=status.quarantined,
            )
        )
    return 0


def cmd_sync_conflicts(args: argparse.Namespace) -> int:
    services = _open(args)
    conflicts = services.sync.conflicts(include_resolved=args.all)
    if args.json:
        _print_json(
            [
                {
                    "id": c.id,
                    "created_at": c.created_at.isoformat(),
                    "entity": c.entity,
                    "entity_id": c.entity_id,
                    "title": c.title,
                    "kind": c.kind,
                    "outcome": c.outcome,
                    "code": c.code,
                    "message": describe(c.message),
                    "local": c.local,
                    "server": c.server,
                    "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
                    "resolution": c.resolution,
                }
                for c in conflicts
            ]
        )
        return 0
    if not conflicts:
        print(msg("No conflicts: everything changed here reached head office."))
        return 0
    for c in conflicts:
        resolved = (
            "  " + msg("(resolved: {how})", how=_resolution(c.resolution))
            if c.resolved_at is not None
            else ""
        )
        print(f"{_when(c.created_at)}  {c.title or c.entity_id}  {describe(c.message)}{resolved}")
        print(f"    {c.id}")
    print(plural(len(conflicts), "{count} conflict", "{count} conflicts"))
    return 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "sync", parents=[common], help="sync this computer's book with head office"
    )
    p.add_argument("--server", help="head office URL (https://…; remembered after the first)")
    p.add_argument("--username", help="who registers this computer (the first time)")
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    p.add_argument("--device-name", help="a name for this computer at head office")
    p.add_argument("--cafile", help="CA bundle that signed head office's certificate")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument(
        "--claim", action="append", help="claim this shared-pool prospect (id) before syncing"
    )
    p.set_defaults(func=cmd_sync)
    # Without a sub-command, ``crm sync`` syncs (as before); these only look.
    sub = p.add_subparsers(
        dest="sync_action", metavar="[ACTION]", title="actions (without one: sync now)"
    )
    status = sub.add_parser(
        "status",
        parents=[common],
        help="last sync, position in head office's changes, changes waiting, conflicts",
    )
    status.set_defaults(func=cmd_sync_status)
    conflicts = sub.add_parser(
        "conflicts", parents=[common], help="changes head office merged or did not apply"
    )
    conflicts.add_argument("--all", action="store_true", help="include resolved ones")
    conflicts.set_defaults(func=cmd_sync_conflicts)
