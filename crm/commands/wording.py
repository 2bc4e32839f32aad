"""Codes the book stores, told to people in words: stage, source list, tag, industry, drop
reason and district names in the user's language, and district names understood on the
command line (``--district 南海区`` or ``Nanhai`` as well as ``440605``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from crm import resources
from crm.domain.errors import DomainError
from crm.i18n import language


def _named(items: Iterable[Any], code: str) -> str:
    for item in items:
        if item.code == code:
            return resources.label(item, language())
    return code


def stage_name(code: str | None) -> str:
    return _named(resources.stage_labels(), code) if code else "-"


def source_name(code: str) -> str:
    return _named(resources.sources(), code)


def tag_name(code: str) -> str:
    return _named(resources.tags(), code)


def drop_reason_name(code: str) -> str:
    return _named(resources.drop_reasons(), code)


def industry_name(code: str | None) -> str:
    found = resources.industry(code) if code else None
    return resources.label(found, language()) if found else (code or "")


def district_names(services: Any) -> dict[str, str]:
    """Each district's code with its name in the user's language."""
    from crm.services.reference import districts

    english = language() == "en"
    return {d.code: (d.name_en if english else d.name) for d in districts(services.ctx)}


def _spellings(name: str, name_en: str) -> set[str]:
    """What a person may type for a district: 南海区, 南海, Nanhai District, Nanhai."""
    zh = name.strip()
    en = name_en.strip().casefold()
    found = {zh.casefold(), en}
    for suffix in ("区", "县", "市"):
        if zh.endswith(suffix) and len(zh) > len(suffix) + 1:
            found.add(zh[: -len(suffix)].casefold())
    for suffix in (" district", " county", " city"):
        if en.endswith(suffix):
            found.add(en[: -len(suffix)])
    return {s for s in found if s}


def district_codes(services: Any, typed: Sequence[str]) -> tuple[str, ...]:
    """The codes of the districts typed by code or name; one not in the book is refused with
    the list of those that are (never an empty result that looks like "no prospects")."""
    from crm.services.reference import districts

    known = districts(services.ctx)
    codes: list[str] = []
    for value in typed:
        wanted = value.strip().casefold()
        match = next(
            (d for d in known if wanted == d.code or wanted in _spellings(d.name, d.name_en)),
            None,
        )
        if match is None:
            english = language() == "en"
            choices = ", ".join(
                f"{d.code} {d.name_en.removesuffix(' District') if english else d.name}"
                for d in known
            )
            raise DomainError(
                "cli.unknown_district",
                "{value} is not a district of this book; the districts are: {choices}",
                value=value,
                choices=choices,
            )
        codes.append(match.code)
    return tuple(codes)


def product_name(code: str) -> str:
    """A loan product's or service's name (the bundled catalogue's; its codes are head
    office's and do not change between catalogues)."""
    from crm.services.products import bundled_catalogue

    found = bundled_catalogue().product(code)
    return resources.label(found, language()) if found else code


def stage_code(typed: str) -> str:
    """A stage typed by code or by name (首贷户, "First-loan customer"): its code; what is
    no stage is given back for argparse to refuse with the list of codes."""
    wanted = typed.strip().casefold()
    for item in resources.stage_labels():
        if wanted in {item.code, item.name_zh.casefold(), item.name_en.casefold()}:
            return item.code
    return typed


def source_codes(typed: Sequence[str]) -> tuple[str, ...]:
    """Source lists typed by code or name (full or short, either language); one that is no
    list is refused with the lists there are (never an empty result that looks like none)."""
    known = resources.sources()
    codes: list[str] = []
    for value in typed:
        wanted = value.strip().casefold()
        match = next(
            (
                s
                for s in known
                if wanted
                in {
                    s.code,
                    s.name_zh.casefold(),
                    s.name_en.casefold(),
                    s.short_zh.casefold(),
                    s.short_en.casefold(),
                }
            ),
            None,
        )
        if match is None:
            english = language() == "en"
            raise DomainError(
                "cli.unknown_source",
                "{value} is not a source list; the lists are: {choices}",
                value=value,
                choices=", ".join(
                    f"{s.code} ({s.short_en if english else s.short_zh})" for s in known
                ),
            )
        codes.append(match.code)
    return tuple(codes)
