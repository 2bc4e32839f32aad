"""`crm book` and `crm passphrase`: the encrypted book and its users' credentials here.

crm book status [--db PATH] [--json]          plain or encrypted, whose slots, where the key is
crm book encrypt [--source keyring|passphrase] [--user U]   convert a plain book
crm passphrase set [--user U]                          set or change a user's passphrase here
crm passphrase remove --user U                         take a user's credentials off (a lead's act)

A passphrase is read from CRM_PASSPHRASE (a new one from CRM_NEW_PASSPHRASE) for scripts,
or asked on the terminal; never from the command line, where other users see it.

Before any other command runs on an encrypted book, :func:`unlock_for` gets its key (a
passphrase book asks for a passphrase) and checks ``--user``: a user may be acted as only
when this computer holds their credentials (their slot in the book's key file, and for a
passphrase book the passphrase that unlocked it).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from crm.domain.errors import DomainError
from crm.i18n import msg

# Commands that open no book of the user's or handle the key themselves (the desktop app
# asks for the passphrase in its own sign-in: None is `crm` alone, which opens it).
NO_UNLOCK = frozenset({None, "gui", "demo", "book", "passphrase", "headoffice"})


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    book = subparsers.add_parser("book", help="the book's encryption: status, encrypt")
    actions = book.add_subparsers(dest="book_action", metavar="ACTION")
    status = actions.add_parser(
        "status", parents=[common], help="plain or encrypted, whose credentials, where the key is"
    )
    status.set_defaults(func=cmd_status)
    encrypt = actions.add_parser(
        "encrypt", parents=[common], help="encrypt a plain book, keeping every row"
    )
    encrypt.add_argument(
        "--source",
        choices=["keyring", "passphrase"],
        default="keyring",
        help="where the key is kept: the keyring (default) or only under passphrases",
    )
    encrypt.set_defaults(func=cmd_encrypt)
    book.set_defaults(func=cmd_status)

    phrase = subparsers.add_parser("passphrase", help="a user's passphrase on this computer")
    steps = phrase.add_subparsers(dest="passphrase_action", metavar="ACTION")
    put = steps.add_parser("set", parents=[common], help="set or change a user's passphrase")
    put.set_defaults(func=cmd_set)
    remove = steps.add_parser(
        "remove", parents=[common], help="take a user's credentials off this computer"
    )
    remove.set_defaults(func=cmd_remove)
    phrase.set_defaults(func=_usage(phrase))


def _usage(parser: argparse.ArgumentParser) -> Any:
    def show(args: argparse.Namespace) -> int:
        parser.print_usage(sys.stderr)
        return 2

    return show


def _ask(prompt: str, variable: str = "CRM_PASSPHRASE", *, confirm: bool = False) -> str:
    """A passphrase from the environment, or typed on the terminal (twice when new)."""
    from crm.services import book_lock

    given = book_lock.passphrase_from_environment(variable)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise DomainError(
            "book.no_terminal",
            "A passphrase is needed: set {variable} or run the command in a terminal.",
            variable=variable,
        )
    typed = getpass.getpass(prompt)
    if confirm and getpass.getpass(msg("The same passphrase again: ")) != typed:
        raise DomainError(
            "book.passphrases_differ", "The two passphrases differ; nothing has been changed."
        )
    return typed


def unlock_for(args: argparse.Namespace) -> None:
    """Get an encrypted book's key for the command about to run, and check ``--user``."""
    if getattr(args, "command", None) in NO_UNLOCK or not getattr(args, "db", None):
        return
    from crm.services import book_lock

    path = Path(args.db)
    if not book_lock.is_encrypted(path):
        return
    security = book_lock.book_security(path)
    user = getattr(args, "user", None)
    if user:
        book_lock.may_act_as(path, user)
        if security.source == book_lock.PASSPHRASE:
            book_lock.unlock(path, user, _ask(msg("Passphrase for {user}: ", user=user)))
        return
    if security.source == book_lock.PASSPHRASE and not book_lock.can_open(path):
        if not security.users:
            raise book_lock.locked(path)
        book_lock.unlock_any(path, _ask(msg("Passphrase: ")))


def cmd_status(args: argparse.Namespace) -> int:
    from crm.services import book_lock

    path = Path(args.db)
    if not path.is_file():
        raise book_lock.missing_book(path)
    security = book_lock.book_security(path)
    place = book_lock.key_place(path)
    data: dict[str, Any] = {
        "book": str(path),
        "encrypted": security.encrypted,
        "source": security.source,
        "users": list(security.users),
        "key_file": str(place.keys_file) if place else None,
        "key_kept": place.kept if place else None,
        "key_fallback_file": str(place.fallback_file) if place and place.fallback_file else None,
    }
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not security.encrypted:
        print(msg("{book}: not encrypted (crm book encrypt encrypts it).", book=path))
        return 0
    print(msg("{book}: encrypted (SQLCipher, AES-256).", book=path))
    print(msg("Key file: {file}", file=data["key_file"]))
    if security.source == book_lock.PASSPHRASE:
        print(msg("The key is kept only under the users' passphrases."))
    elif place is not None and place.kept == "keyring":
        print(msg("The key is kept in this computer's keyring."))
    elif place is not None and place.kept == "file":
        print(
            msg(
                "No keyring works here: the key is kept in {file}, readable by this account only.",
                file=data["key_fallback_file"],
            )
        )
    else:
        print(msg("The key is not on this computer: sign in with a passphrase set for it."))
    users = ", ".join(security.users) or msg("none")
    print(msg("Users with credentials here: {users}", users=users))
    return 0


def cmd_encrypt(args: argparse.Namespace) -> int:
    from crm.app import backups_dir
    from crm.services import book_lock
    from crm.services.backups import BackupService

    path = Path(args.db)
    if book_lock.is_encrypted(path):
        raise book_lock.already_encrypted(path)
    if not path.is_file():
        raise book_lock.not_a_book(path)
    user = args.user or _signed_in(path)
    if args.user:
        _role_of(path, args.user)  # a user the book knows, or its message
    passphrase: str | None = None
    if args.source == book_lock.PASSPHRASE:
        if not user:
            raise book_lock.no_user()
        passphrase = _ask(msg("New passphrase for {user}: ", user=user), confirm=True)
    elif user and book_lock.passphrase_from_environment() is not None:
        passphrase = _ask("")  # a slot too, when a script gives one
    if passphrase is not None:
        book_lock.check_passphrase(passphrase)
    service = BackupService(path, backups_dir())

    def keep(book: Path) -> Path:
        return service.back_up(tag="before-encrypt").path

    counts = book_lock.encrypt_book(
        path,
        args.source,
        username=user if passphrase is not None else None,
        passphrase=passphrase,
        keep_backup=keep,
    )
    plain_left = [b.path for b in service.backups()]
    if args.json:
        data = {
            "book": str(path),
            "source": args.source,
            "rows": counts,
            "plain_backups": [str(p) for p in plain_left],
        }
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(
        msg(
            "Encrypted {book}: {rows} rows in {tables} tables, every one checked.",
            book=path,
            rows=f"{sum(counts.values()):,}",
            tables=len(counts),
        )
    )
    if plain_left:
        print(
            msg(
                "Earlier backups of this book in {folder} are not encrypted ({count}); "
                "delete them when the bank's rules require it.",
                folder=service.folder,
                count=len(plain_left),
            )
        )
    return 0


def _signed_in(path: Path) -> str | None:
    """The book's signed-in user's name (None when nobody is)."""
    from crm.services.container import open_services

    services = open_services(path)
    try:
        current = services.users.current()
        return current.username if current else None
    finally:
        services.close()


def _role_of(path: Path, username: str) -> str | None:
    from crm.services.container import open_services

    services = open_services(path)
    try:
        return services.users.by_username(username).role
    finally:
        services.close()


def cmd_set(args: argparse.Namespace) -> int:
    from crm.services import book_lock

    path = Path(args.db)
    if not path.is_file():
        raise book_lock.missing_book(path)
    security = book_lock.book_security(path)
    if not security.encrypted:
        raise book_lock.not_encrypted(path)
    user = args.user
    vouched = False
    if not user and len(security.users) == 1:
        user = security.users[0]
    if not user:
        vouched = _vouch(path, security.users)
        user = _signed_in(path)
    if not user:
        raise book_lock.no_user()
    old: str | None = None
    if user in security.users:
        old = _ask(msg("Current passphrase for {user}: ", user=user))
    else:
        if not vouched:
            _vouch(path, security.users)
        _role_of(path, user)  # a user the book knows, or its message
    new = _ask(msg("New passphrase for {user}: ", user=user), "CRM_NEW_PASSPHRASE", confirm=True)
    book_lock.set_passphrase(path, user, new, old)
    print(msg("The passphrase of {user} is set on this computer.", user=user))
    return 0


def _vouch(path: Path, users: tuple[str, ...]) -> bool:
    """A user who already has credentials here signs in first (once a book has any): a
    new user's credentials are added by someone this computer knows."""
    from crm.services import book_lock

    if not users:
        return False
    book_lock.unlock_any(path, _ask(msg("Passphrase of a user who has one here: ")))
    return True


def cmd_remove(args: argparse.Namespace) -> int:
    from crm.services import book_lock

    path = Path(args.db)
    if not path.is_file():
        raise book_lock.missing_book(path)
    if not args.user:
        raise DomainError("book.remove_whom", "Say whose credentials to remove: --user NAME.")
    security = book_lock.book_security(path)
    if not security.encrypted:
        raise book_lock.not_encrypted(path)
    acting = book_lock.unlock_any(path, _ask(msg("Your passphrase (a team lead's): ")))
    book_lock.remove_passphrase(path, args.user, _role_of(path, acting.username))
    print(msg("The credentials of {user} are removed from this computer.", user=args.user))
    return 0
