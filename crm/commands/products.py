"""`crm match`: which loan products and services fit a prospect, and why.

crm match --facts FILE.json [--catalog FILE] [--json]
crm match --db PATH --uscc CODE [--catalog FILE] [--json]

A pre-assessment (预授信参考) for the RM, not a credit decision. The facts file is a JSON
object of business facts (amounts in yuan, dates ISO; see crm/domain/facts.py); a missing
fact is reported as missing data, an unknown key or a value of the wrong type is refused
with exit status 2 and a message naming the key. The catalogue is the bundled default
unless --catalog names a file (checked against the schema as head office's would be).

The facts come from the ``facts source`` argument group through ``facts_from_args``;
``show_match`` prints a result for any facts, so another source (a prospect in a book) is
an argument and a branch there.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # every `crm` command builds this parser: import the engine when matching
    from crm.domain.catalogue import Catalogue, Overlay
    from crm.domain.facts import Facts
    from crm.domain.matching import MatchResult, ProductResult

EXIT_OK = 0
EXIT_USAGE = 2


class Refused(Exception):
    """A message for the user and the exit status to end with."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "match",
        parents=[common],
        help="which loan products and services fit a prospect, and why (a pre-assessment)",
    )
    source = parser.add_argument_group("facts source")
    source.add_argument(
        "--facts", metavar="FILE.json", help="a JSON file of the prospect's facts (yuan)"
    )
    source.add_argument(
        "--uscc",
        metavar="CODE",
        help="a prospect of the book (--db) by its USCC: its stored facts and own fields, "
        "against the catalogue in force on this computer",
    )
    parser.add_argument(
        "--catalog", metavar="FILE", help="a product catalogue file (default: the bundled one)"
    )
    parser.set_defaults(func=cmd_match)


def cmd_match(args: argparse.Namespace) -> int:
    from crm.domain.clock import SHANGHAI, utcnow

    try:
        if args.uscc and not args.facts:
            facts, catalogue, today = from_book(args)
            return show_match(facts, catalogue, today, as_json=args.json)
        facts = facts_from_args(args)
        catalogue = load_catalogue(args.catalog)
    except Refused as exc:
        print(f"crm: {exc}", file=sys.stderr)
        return exc.status
    return show_match(facts, catalogue, utcnow().astimezone(SHANGHAI).date(), as_json=args.json)


def from_book(args: argparse.Namespace) -> tuple[Facts, Catalogue, date]:
    """A stored prospect's facts (its own kind, industry and date of establishment with
    them), the catalogue in force in the book (or --catalog), and the book's today."""
    from crm.domain.errors import DomainError
    from crm.domain.uscc import USCC
    from crm.i18n import describe, msg
    from crm.services.container import open_services

    try:
        code = USCC.parse(args.uscc).value
    except DomainError as exc:
        raise Refused(describe(exc)) from None
    services = open_services(Path(args.db))
    try:
        pid = services.prospects.find_by_uscc(code)
        if pid is None:
            raise Refused(msg("no prospect with USCC {uscc} in this book", uscc=code), 1)
        facts = services.products.facts_for_matching(pid)
        catalogue = load_catalogue(args.catalog) if args.catalog else services.products.catalogue()
        return facts, catalogue, services.ctx.today()
    finally:
        services.close()


def facts_from_args(args: argparse.Namespace) -> Facts:
    """The facts the command line names (a --facts file)."""
    from crm.i18n import msg

    if not args.facts:
        raise Refused(msg("give the prospect's facts with --facts FILE.json"))
    return read_facts(Path(args.facts))


def read_facts(path: Path) -> Facts:
    """Facts from a JSON file; any problem is Refused, naming the file or the key."""
    from crm.domain.errors import DomainError
    from crm.domain.facts import parse_facts
    from crm.i18n import describe

    try:
        return parse_facts(_read_json(path))
    except DomainError as exc:
        raise Refused(f"{path}: {describe(exc)}") from None


def load_catalogue(path: str | None) -> Catalogue:
    """The catalogue in ``path``, or the bundled default; a bad file is Refused."""
    from crm.domain.catalogue import parse_catalogue
    from crm.domain.errors import DomainError
    from crm.i18n import describe
    from crm.resources import catalogue_schema

    if path is None:
        return default_catalogue()
    try:
        return parse_catalogue(_read_json(Path(path)), catalogue_schema())
    except DomainError as exc:
        raise Refused(f"{path}: {describe(exc)}") from None


@cache
def default_catalogue() -> Catalogue:
    """The catalogue bundled with the app."""
    from crm.domain.catalogue import parse_catalogue
    from crm.resources import catalogue_document, catalogue_schema

    return parse_catalogue(catalogue_document(), catalogue_schema())


def _read_json(path: Path) -> object:
    from crm.i18n import msg

    if not path.is_file():
        raise Refused(msg("{path} does not exist", path=path))
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise Refused(msg("{path} is not valid JSON: {error}", path=path, error=exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Refused(msg("{path} cannot be read: {error}", path=path, error=exc)) from None


# --------------------------------------------------------------------------- output


def show_match(facts: Facts, catalogue: Catalogue, today: date, *, as_json: bool) -> int:
    """Match ``facts`` on ``today`` and print the result: JSON (issue #15's shape, amounts
    in yuan) or a table in the user's language."""
    from crm.domain.matching import as_json as result_json
    from crm.domain.matching import match
    from crm.i18n import describe

    result = match(facts, catalogue, today)
    if as_json:
        json.dump(result_json(result, describe), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_text(result))
    return EXIT_OK


def render_text(result: MatchResult) -> str:
    """The result as an RM reads it: a table of products, the reasons, overlays, warnings."""
    from crm.domain.facts import FACTS
    from crm.domain.matching import Status
    from crm.i18n import describe, language, msg
    from crm.resources import label

    lang = language()
    status_text = {
        Status.ELIGIBLE: msg("eligible"),
        Status.NOT_ELIGIBLE: msg("not eligible"),
        Status.UNKNOWN: msg("data missing"),
    }
    lines = [describe(result.notice), ""]
    rows = [
        [
            label(p.product, lang),
            status_text[p.status],
            _amount_text(p, lang),
            _rate_text(p.rate_bp),
            _term_text(p),
        ]
        for p in result.products
    ]
    headers = [msg("Product"), msg("Result"), msg("Indicative amount"), msg("Rate"), msg("Term")]
    lines.append(_table(headers, rows))
    marks = {"pass": "✓", "fail": "✗", "missing": "?"}
    for p in result.products:
        if not p.criteria:
            continue
        lines.append("")
        lines.append(f"{label(p.product, lang)}: {status_text[p.status]}")
        lines.extend(f"  {marks[c.status.value]} {describe(c.message)}" for c in p.criteria)
    if result.overlays:
        lines += ["", msg("Policy overlays")]
    for o in result.overlays:
        terms = _overlay_terms(o.overlay, lang)
        verdict = msg("applies") if o.applies else msg("does not apply")
        lines.append(f"  {label(o.overlay, lang)}: {verdict}{terms}")
        lines.extend(f"    {marks[c.status.value]} {describe(c.message)}" for c in o.criteria)
    if result.warnings:
        lines += ["", msg("Warnings")]
        lines.extend(f"  ! {describe(w.message)}" for w in result.warnings)
    missing = result.missing_facts()
    if missing:
        names = ", ".join(describe(FACTS[key].label) for key in missing)
        lines += ["", msg("Data still missing: {facts}", facts=names)]
    return "\n".join(lines)


def _money_text(fen: int, lang: str) -> str:
    from crm.domain.money import format_wan, format_yuan

    return format_wan(fen) if lang == "zh_CN" else format_yuan(fen)


def _amount_text(p: ProductResult, lang: str) -> str:
    from crm.i18n import msg

    low, high = p.amount_min_fen, p.amount_max_fen
    if low is None or high is None:
        return "—"
    if low == high:
        return _money_text(high, lang)
    if low == 0:
        return msg("up to {amount}", amount=_money_text(high, lang))
    return f"{_money_text(low, lang)} – {_money_text(high, lang)}"


def _rate_text(bp: int | None) -> str:
    from crm.domain.money import format_rate

    return "—" if bp is None else format_rate(bp)


def _term_text(p: ProductResult) -> str:
    from crm.i18n import msg

    if p.term_months_min is None or p.term_months_max is None:
        return "—"
    return msg("{low}–{high} months", low=p.term_months_min, high=p.term_months_max)


def _overlay_terms(overlay: Overlay, lang: str) -> str:
    from decimal import Decimal

    from crm.i18n import msg

    parts: list[str] = []
    if overlay.amount_max_fen is not None:
        parts.append(msg("up to {amount}", amount=_money_text(overlay.amount_max_fen, lang)))
    if overlay.rate_cap_bp is not None:
        parts.append(msg("rate at most {rate}", rate=_rate_text(overlay.rate_cap_bp)))
    if overlay.share_bp is not None:
        share = f"{(Decimal(overlay.share_bp) / 100).normalize():f}%"
        parts.append(msg("{share} of interest paid", share=share))
    if overlay.cap_per_year_fen is not None:
        cap = _money_text(overlay.cap_per_year_fen, lang)
        parts.append(msg("at most {amount} a year", amount=cap))
    return f" ({'; '.join(parts)})" if parts else ""


def _width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])
