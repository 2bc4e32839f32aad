"""The ``crm`` command line's parser: argparse speaking the user's language, and the global
options (``--lang``, ``--db``, ``--user``, ``--json``) taken before or after a sub-command.

argparse builds its own messages ("the following arguments are required", "invalid
choice", "usage:", its help headings) with gettext's ``_()`` looked up at call time in its
module, so pointing that name at the core catalogue translates them where they are made;
reading the English text back out of a finished message would break with every Python.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from crm.domain.errors import Message
from crm.i18n import msg, tr

# argparse's messages a user can meet (the rest are programming errors in a parser's
# definition). Listed as Messages so the catalogue's completeness test finds them.
ARGPARSE_TEXTS = (
    Message("usage: "),
    Message("positional arguments"),
    Message("options"),
    Message("show this help message and exit"),
    Message("show program's version number and exit"),
    Message("%(prog)s: error: %(message)s\n"),
    Message("argument %(argument_name)s: %(message)s"),
    Message("unrecognized arguments: %s"),
    Message("ambiguous option: %(option)s could match %(matches)s"),
    Message("invalid choice: %(value)r (choose from %(choices)s)"),
    Message("invalid %(type)s value: %(value)r"),
    Message("can't open '%(filename)s': %(error)s"),
    Message("expected one argument"),
    Message("expected at most one argument"),
    Message("expected at least one argument"),
    Message("expected %s argument"),
    Message("expected %s arguments"),
    Message("the following arguments are required: %s"),
    Message("one of the arguments %s is required"),
    Message("not allowed with argument %s"),
    Message("ignored explicit argument %r"),
    Message("unknown parser %(parser_name)r (choices: %(choices)s)"),
)


def _gettext(text: str) -> str:
    return tr(text)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return tr(singular if count == 1 else plural)


def install_translation() -> None:
    """argparse's own words in the current language (see the module's docstring)."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]


class TranslatedHelpFormatter(argparse.HelpFormatter):
    """Help whose descriptions, headings and option texts are looked up in the catalogue."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return tr(action.help) if action.help else action.help

    def add_text(self, text: str | None) -> None:
        super().add_text(tr(text) if text and text is not argparse.SUPPRESS else text)

    def start_section(self, heading: str | None) -> None:
        super().start_section(tr(heading) if heading else heading)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help is translated; its sub-commands are of the same kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", TranslatedHelpFormatter)
        super().__init__(*args, **kwargs)


# -- global options ---------------------------------------------------------------------------

LANGUAGES = ("zh_CN", "en")
# A Message so the catalogue's completeness test finds the text (it is passed by name).
DB_HELP = Message("the database file (default: $CRM_DB or the app's data folder)").template
_LEAF = "_leaf_parser"


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """The options every command shares, on the top-level parser (``crm --lang en gui``)."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help="language of messages (default: the system's)",
    )
    parser.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
    parser.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        help="act as this user (username) instead of the signed-in one",
    )
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON instead of text"
    )


# Option string -> the name the commands read it by (headoffice's --db is its own database).
_GLOBAL_DESTS = {"--lang": "lang", "--db": "db", "--user": "user", "--json": "json"}
_DEFAULTS: dict[str, object] = {"lang": None, "db": None, "user": None, "json": False}


def _children(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if child not in found:
                    found.append(child)
    return found


def _tree(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for child in _children(parser):
        yield from _tree(child)


def _global_action(parser: argparse.ArgumentParser, option: str) -> argparse.Action | None:
    for action in parser._actions:
        if option in action.option_strings and action.dest == _GLOBAL_DESTS[option]:
            return action
    return None


def _leaves(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    children = _children(parser)
    if not children:
        return [parser]
    return [leaf for child in children for leaf in _leaves(child)]


def spread_global_options(top: argparse.ArgumentParser) -> None:
    """Let each global option be given after the sub-command too, wherever it means the same.

    Every parser takes ``--lang``; a command group (``crm prospects``, ``crm sync``) takes
    ``--db``/``--user``/``--json`` when all its commands do. Every value defaults to "not
    given" so a sub-command's default never overwrites a value given before it; the real
    defaults are filled in by ``settle_global_options``.
    """
    for parser in _tree(top):
        parser.formatter_class = TranslatedHelpFormatter
        parser.set_defaults(**{_LEAF: parser})
        if parser is top:
            continue
        for option in _GLOBAL_DESTS:
            action = _global_action(parser, option)
            if action is not None:
                action.default = argparse.SUPPRESS
                continue
            if any(option in a.option_strings for a in parser._actions):
                continue  # the same spelling for something else (headoffice's --db)
            group = _children(parser)
            if option == "--lang" or (
                group and all(_global_action(leaf, option) for leaf in _leaves(parser))
            ):
                _copy_option(top, parser, option)


def _copy_option(
    top: argparse.ArgumentParser, parser: argparse.ArgumentParser, option: str
) -> None:
    source = _global_action(top, option)
    assert source is not None
    if isinstance(source, argparse._StoreTrueAction):
        parser.add_argument(
            option, action="store_true", default=argparse.SUPPRESS, help=source.help
        )
    else:
        parser.add_argument(
            option, choices=source.choices, default=argparse.SUPPRESS, help=source.help
        )


def settle_global_options(args: argparse.Namespace) -> None:
    """Refuse a global option the command has no use for (``crm --json gui``), then fill in
    the defaults of those not given."""
    leaf: argparse.ArgumentParser | None = vars(args).pop(_LEAF, None)
    if leaf is not None:
        for option, dest in _GLOBAL_DESTS.items():
            if dest in vars(args) and _global_action(leaf, option) is None:
                leaf.error(
                    msg("{option} does not apply to '{command}'", option=option, command=leaf.prog)
                )
    for dest, default in _DEFAULTS.items():
        if dest not in vars(args):
            setattr(args, dest, default)
