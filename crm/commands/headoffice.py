"""``crm headoffice …``: run and administer the head-office service.

    crm headoffice init  --db sqlite:///ho.db [--seed-from book.db --seed-password-stdin]
    crm headoffice serve --db sqlite:///ho.db --host 127.0.0.1 --port 8765 [--certfile --keyfile]
    crm headoffice team add NAME [--branch B]
    crm headoffice user add USERNAME --name 王芳 --role rm --team NAME --password-stdin
    crm headoffice device register --user U      (prints the token once)
    crm headoffice device revoke DEVICE_ID
    crm headoffice assign KEY... --rm U | --pool
    crm headoffice publish checklists|cadence|catalogue|holidays|criteria|scorecard|security
        [FILE]
    crm headoffice pool import FILE [--source CODE]
    crm headoffice unlock USERNAME [--address IP]
    crm headoffice openapi [-o docs/openapi.json]

``--db`` takes a SQLAlchemy URL (``sqlite:///ho.db``, ``postgresql+psycopg://…``) or a
path, default ``$CRM_HO_DB`` or ``sqlite:///ho.db``. Passwords are read from standard
input, never from the command line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crm.domain.errors import DomainError
from crm.i18n import msg

DEFAULT_URL = "sqlite:///ho.db"


def _fail(text: str, status: int = 1) -> Exception:
    return DomainError("headoffice.refused", "{detail}", detail=text)


def _admin(args: argparse.Namespace, *, init: bool = True) -> Any:
    from crm.headoffice.admin import Admin
    from crm.headoffice.db import Store
    from crm.headoffice.service import HeadOffice

    store = Store(args.ho_db or os.environ.get("CRM_HO_DB") or DEFAULT_URL)
    if init:
        store.init()
    return Admin(HeadOffice(store), actor=os.environ.get("USER", "admin-cli"))


def _run(args: argparse.Namespace, action: Any) -> int:
    from crm.headoffice.admin import AdminError

    admin = _admin(args)
    try:
        result = action(admin)
    except AdminError as exc:
        raise _fail(str(exc)) from exc
    finally:
        admin.store.dispose()
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    elif result is not None:
        print(result if isinstance(result, str) else json.dumps(result, ensure_ascii=False))
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    if getattr(args, "password_stdin", False) or getattr(args, "seed_password_stdin", False):
        return sys.stdin.readline().rstrip("\n")
    return os.environ.get("CRM_PASSWORD") or None


# -- commands -----------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from crm.headoffice.app import serve

    if bool(args.certfile) != bool(args.keyfile):
        raise _fail(msg("--certfile and --keyfile go together"), 2)
    if args.workers < 1:
        raise _fail(msg("--workers must be at least 1"), 2)
    serve(
        args.ho_db or os.environ.get("CRM_HO_DB") or DEFAULT_URL,
        args.host,
        args.port,
        certfile=args.certfile,
        keyfile=args.keyfile,
        log_level=args.log_level,
        workers=args.workers,
    )
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    def action(admin: Any) -> Any:
        if args.reset:
            admin.store.reset()
        counts = admin.record_counts()
        result: dict[str, Any] = {"url": admin.store.url, "records": counts}
        if args.seed_from and not counts.get("prospect"):
            password = _read_password(args)
            result["loaded"] = seed_from_book(admin, Path(args.seed_from), password)
            result["records"] = admin.record_counts()
        return result

    return _run(args, action)


def seed_from_book(admin: Any, path: Path, password: str | None) -> int:
    """Load a local book (e.g. the demo database) into head office, give every user the
    same password (a demo only), and publish the default reference data."""
    from crm import resources
    from crm.services.container import open_services

    services = open_services(path)
    try:
        loaded = int(admin.load_records(services.sync.export_book()))
    finally:
        services.close()
    if password:
        for user in admin.users():
            admin.set_password(user["username"], password)
    admin.publish("checklists", resources.load_json("data", "checklists.json"))
    admin.publish("cadence", resources.load_json("data", "cadence.json"))
    admin.publish("criteria", resources.stage_rules())
    admin.publish("catalogue", resources.catalogue_document())
    return loaded


def cmd_team_add(args: argparse.Namespace) -> int:
    return _run(args, lambda a: {"team_id": a.add_team(args.name, args.branch or "")})


def cmd_user_add(args: argparse.Namespace) -> int:
    password = _read_password(args)
    return _run(
        args,
        lambda a: {
            "user_id": a.add_user(
                args.username,
                args.name or args.username,
                args.role,
                password=password,
                team=args.team,
                phone=args.phone or "",
            )
        },
    )


def cmd_user_password(args: argparse.Namespace) -> int:
    password = _read_password(args)
    if not password:
        raise _fail(msg("give the new password on standard input (--password-stdin)"), 2)
    return _run(args, lambda a: a.set_password(args.username, password))


def cmd_unlock(args: argparse.Namespace) -> int:
    if not args.username and not args.address:
        raise _fail(msg("give the user name, --address, or both"), 2)

    def action(admin: Any) -> str:
        said = []
        if args.username:
            admin.unlock(args.username)
            said.append(msg("{user} can sign in again", user=args.username))
        if args.address:
            if admin.unlock_address(args.address):
                said.append(msg("{address} can sign in again", address=args.address))
            else:
                said.append(
                    msg("no wrong passwords are counted for {address}", address=args.address)
                )
        return "\n".join(said)

    return _run(args, action)


def cmd_user_set(args: argparse.Namespace) -> int:
    if not args.role and not args.team:
        raise _fail(msg("give --role, --team or both"), 2)
    return _run(args, lambda a: a.set_role(args.username, role=args.role, team=args.team))


def cmd_user_list(args: argparse.Namespace) -> int:
    return _run(args, lambda a: a.users())


def cmd_device_register(args: argparse.Namespace) -> int:
    def action(admin: Any) -> Any:
        device, token = admin.register_device(args.user, args.device_id, args.name or "")
        return {"device_id": device, "token": token}

    return _run(args, action)


def cmd_device_revoke(args: argparse.Namespace) -> int:
    return _run(args, lambda a: a.revoke_device(args.device_id))


def cmd_device_list(args: argparse.Namespace) -> int:
    return _run(args, lambda a: a.devices())


def cmd_assign(args: argparse.Namespace) -> int:
    if bool(args.rm) == bool(args.pool):
        raise _fail(msg("give --rm USERNAME or --pool"), 2)
    return _run(args, lambda a: {"assigned": a.assign(args.keys, None if args.pool else args.rm)})


def cmd_delete(args: argparse.Namespace) -> int:
    return _run(args, lambda a: a.delete_prospect(args.key))


def cmd_publish(args: argparse.Namespace) -> int:
    from crm import resources

    if args.file:
        try:
            document = json.loads(Path(args.file).read_text(encoding="utf-8-sig"))
        except ValueError as exc:
            raise _fail(
                msg("{path} is not valid JSON: {error}", path=args.file, error=exc)
            ) from None
    elif args.kind in ("checklists", "cadence"):
        document = resources.load_json("data", f"{args.kind}.json")
    elif args.kind == "criteria":
        document = resources.stage_rules()
    elif args.kind == "scorecard":
        document = resources.load_json("data", "scorecard.json")
    elif args.kind == "catalogue":
        document = resources.catalogue_document()
    elif args.kind == "security":
        from crm.domain.security_policy import DEFAULT

        document = DEFAULT.document()
    else:
        raise _fail(msg("give the file to publish"), 2)
    return _run(args, lambda a: {"kind": args.kind, "version": a.publish(args.kind, document)})


def pool_rows(path: Path, source: str | None) -> Iterator[dict[str, Any]]:
    """Rows for the shared pool from a JSON list, or from any file the desktop importer
    reads (Excel, CSV in GBK/UTF-8 …), parsed and cleaned by that same importer."""
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise _fail(msg("the JSON file must hold a list of enterprises"))
        yield from (dict(row) for row in data if isinstance(row, dict))
        return
    import tempfile

    from crm.services.container import open_services
    from crm.services.imports.service import ImportRequest

    with tempfile.TemporaryDirectory() as folder:
        services = open_services(Path(folder) / "pool.db", create=True)
        try:
            services.imports.run(ImportRequest(path, source_code=source or "shared_pool"))
            for rec in services.sync.export_book():
                if rec["entity"] == "prospect":
                    yield {**rec["data"], "id": rec["id"]}
        finally:
            services.close()


def cmd_pool_import(args: argparse.Namespace) -> int:
    rows = list(pool_rows(Path(args.file), args.source))
    return _run(args, lambda a: a.pool_import(rows))


def cmd_openapi(args: argparse.Namespace) -> int:
    from crm.headoffice.openapi import openapi_text

    text = openapi_text()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(msg("Wrote the OpenAPI document to {path}", path=args.output))
    else:
        sys.stdout.write(text)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from crm.commands.audit import lines_text, parse_since

    since = parse_since(args.since)

    def lines(admin: Any) -> Any:
        found = admin.audit_log(
            args.limit, device=args.device, user=args.of_user, action=args.action, since=since
        )
        return found if args.json else lines_text(found)

    return _run(args, lines)


# -- parser -------------------------------------------------------------------------------------


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    base = argparse.ArgumentParser(add_help=False)
    base.add_argument(
        "--db",
        dest="ho_db",
        help="head-office database URL or path (default: $CRM_HO_DB or sqlite:///ho.db)",
    )
    base.add_argument("--json", action="store_true", help="print JSON")

    ho = subparsers.add_parser("headoffice", help="run and administer the head-office service")
    sub = ho.add_subparsers(dest="ho_action", metavar="ACTION", required=True)

    serve = sub.add_parser("serve", parents=[base], help="run the sync service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--certfile", help="TLS certificate (PEM) for https")
    serve.add_argument("--keyfile", help="TLS private key (PEM)")
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes sharing the port (a branch: PostgreSQL and one per core)",
    )
    serve.set_defaults(func=cmd_serve)

    init = sub.add_parser("init", parents=[base], help="create (or upgrade) the database")
    init.add_argument("--seed-from", help="load a local book (e.g. the demo database)")
    init.add_argument(
        "--seed-password-stdin",
        action="store_true",
        help="read one password for every seeded user from standard input (demo)",
    )
    init.add_argument("--reset", action="store_true", help="drop everything first")
    init.set_defaults(func=cmd_init)

    team = sub.add_parser("team", help="teams").add_subparsers(dest="team_action", required=True)
    tadd = team.add_parser("add", parents=[base], help="add a team")
    tadd.add_argument("name")
    tadd.add_argument("--branch")
    tadd.set_defaults(func=cmd_team_add)

    user = sub.add_parser("user", help="users").add_subparsers(dest="user_action", required=True)
    uadd = user.add_parser("add", parents=[base], help="add a user (RM, team lead, admin)")
    uadd.add_argument("username")
    uadd.add_argument("--name", help="display name")
    uadd.add_argument("--role", choices=["rm", "lead", "admin"], default="rm")
    uadd.add_argument("--team", help="team name or id")
    uadd.add_argument("--phone")
    uadd.add_argument("--password-stdin", action="store_true")
    uadd.set_defaults(func=cmd_user_add)
    upw = user.add_parser("password", parents=[base], help="set a user's password")
    upw.add_argument("username")
    upw.add_argument("--password-stdin", action="store_true")
    upw.set_defaults(func=cmd_user_password)
    uset = user.add_parser(
        "set", parents=[base], help="change a user's role or team (reaches their devices)"
    )
    uset.add_argument("username")
    uset.add_argument("--role", choices=["rm", "lead", "admin"])
    uset.add_argument("--team", help="team name or id")
    uset.set_defaults(func=cmd_user_set)
    ulist = user.add_parser("list", parents=[base], help="list users")
    ulist.set_defaults(func=cmd_user_list)
    unlock = sub.add_parser(
        "unlock", parents=[base], help="end a user's lockout after wrong passwords"
    )
    unlock.add_argument("username", nargs="?")
    unlock.add_argument("--address", help="also end this client address's lockout")
    unlock.set_defaults(func=cmd_unlock)

    device = sub.add_parser("device", help="devices").add_subparsers(
        dest="device_action", required=True
    )
    dreg = device.add_parser("register", parents=[base], help="register a device for a user")
    dreg.add_argument("--user", required=True)
    dreg.add_argument("--device-id")
    dreg.add_argument("--name")
    dreg.set_defaults(func=cmd_device_register)
    drev = device.add_parser("revoke", parents=[base], help="revoke a device (it wipes itself)")
    drev.add_argument("device_id")
    drev.set_defaults(func=cmd_device_revoke)
    dlist = device.add_parser("list", parents=[base], help="list devices")
    dlist.set_defaults(func=cmd_device_list)

    assign = sub.add_parser("assign", parents=[base], help="assign prospects to an RM")
    assign.add_argument("keys", nargs="+", help="prospect ids or USCCs")
    assign.add_argument("--rm", help="RM username")
    assign.add_argument("--pool", action="store_true", help="back to the shared pool")
    assign.set_defaults(func=cmd_assign)

    delete = sub.add_parser("delete", parents=[base], help="delete a prospect everywhere")
    delete.add_argument("key")
    delete.set_defaults(func=cmd_delete)

    publish = sub.add_parser("publish", parents=[base], help="publish reference data")
    publish.add_argument(
        "kind",
        choices=[
            "catalogue",
            "checklists",
            "cadence",
            "holidays",
            "criteria",
            "scorecard",
            "security",
        ],
    )
    publish.add_argument("file", nargs="?", help="JSON file (default: the bundled one)")
    publish.set_defaults(func=cmd_publish)

    pool = sub.add_parser("pool", help="the shared pool").add_subparsers(
        dest="pool_action", required=True
    )
    pimport = pool.add_parser(
        "import", parents=[base], help="push enterprises from a file into the shared pool"
    )
    pimport.add_argument("file")
    pimport.add_argument("--source", help="source list code (default shared_pool)")
    pimport.set_defaults(func=cmd_pool_import)

    openapi = sub.add_parser(
        "openapi", help="print (or write) the OpenAPI document of the sync protocol"
    )
    openapi.add_argument("-o", "--output", help="write it to this file (docs/openapi.json)")
    openapi.set_defaults(func=cmd_openapi)

    audit = sub.add_parser(
        "audit",
        parents=[base],
        help="recent administrative actions and the audit lines devices sent, newest first",
    )
    audit.add_argument("--limit", type=int, default=50, help="at most this many lines")
    audit.add_argument("--device", help="only this device's lines (its id or the id's start)")
    audit.add_argument("--user", dest="of_user", metavar="USERNAME", help="only this user's lines")
    audit.add_argument("--action", help="only this action (sign_in, export, pdf, …)")
    audit.add_argument("--since", help="only lines from this day (YYYY-MM-DD) or moment on")
    audit.set_defaults(func=cmd_audit)
