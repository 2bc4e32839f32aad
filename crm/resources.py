"""Reference data that ships with the app, and the one module that finds resource files.

Files live in ``resources/`` at the repository root during development, and in
``crm/_resources`` inside an installed wheel or a frozen app (pyproject maps one onto the
other). Nothing else in the app builds paths to them: call :func:`resource_path` or
:func:`load_json`.

The typed accessors below read the JSON once (cached) and return immutable dataclasses;
the ones that return plain dicts (:func:`stage_rules`, :func:`demo_city`,
:func:`demo_names`) return a fresh copy, so callers may change it without affecting others.
Head office can change any of this data without a code change.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "District",
    "Industry",
    "Label",
    "Named",
    "Section",
    "SourceList",
    "Tag",
    "catalogue_document",
    "catalogue_schema",
    "demo_city",
    "demo_districts",
    "demo_names",
    "drop_reasons",
    "industries",
    "industry",
    "label",
    "load_json",
    "resource_path",
    "resource_root",
    "section",
    "sections",
    "source",
    "sources",
    "stage_labels",
    "stage_rules",
    "tags",
]

_PACKAGE_DIR = Path(__file__).resolve().parent
# Installed wheel / frozen app first (it is exactly ours), then the source tree.
_ROOT_CANDIDATES = (_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent / "resources")


# --------------------------------------------------------------------------- locating files


def resource_root() -> Path:
    """The directory that holds the app's resources."""
    for candidate in _ROOT_CANDIDATES:
        if candidate.is_dir():
            return candidate
    searched = ", ".join(str(c) for c in _ROOT_CANDIDATES)
    raise FileNotFoundError(
        f"FirstLoan CRM resources not found (looked in: {searched}); the installation is incomplete"
    )


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("data", "tags.json")``.

    Raises FileNotFoundError, naming the resource and where it was looked for, if it
    does not exist.
    """
    if not parts:
        return resource_root()
    root = resource_root()
    path = root.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"resource {'/'.join(parts)!r} not found in {root}")
    return path


@cache  # functools.lru_cache without a size limit
def load_json(*parts: str) -> Any:
    """Parsed UTF-8 JSON resource (cached: treat the result as read-only)."""
    path = resource_path(*parts)
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"resource {'/'.join(parts)!r} is not valid JSON: {exc}") from exc


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class Section:
    """A GB/T 4754-2017 section (门类), A–T."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Industry:
    """A GB/T 4754-2017 division (大类), 01–97, with the letter of its section."""

    code: str
    section: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class SourceList:
    """A list prospects come from (the "six lists" and later sources)."""

    code: str
    name_zh: str
    name_en: str
    short_zh: str
    short_en: str
    group: str
    description_zh: str
    conversion_target_bp: int | None


@dataclass(frozen=True)
class Tag:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class District:
    """A district of the demo city, with its town-level units (街道/镇)."""

    code: str
    name_zh: str
    name_en: str
    streets: tuple[str, ...]


@dataclass(frozen=True)
class Label:
    """A coded bilingual label: drop reasons, pipeline stages."""

    code: str
    name_zh: str
    name_en: str


class Named(Protocol):
    """Anything with a Chinese and an English name (every record type here)."""

    @property
    def name_zh(self) -> str: ...

    @property
    def name_en(self) -> str: ...


def label(item: Named, lang: str) -> str:
    """The item's name in ``lang``: Chinese for any ``zh*`` locale, English otherwise."""
    return item.name_zh if lang.strip().lower().startswith("zh") else item.name_en


# --------------------------------------------------------------------------- parsing helpers


def _where(file: str, index: int | None = None) -> str:
    return file if index is None else f"{file} entry {index}"


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _str(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value


def _opt_int(data: dict[str, Any], key: str, where: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: {key!r} must be an integer or null")
    return value


def _entries(file: tuple[str, ...], key: str) -> list[tuple[str, dict[str, Any]]]:
    name = "/".join(file)
    items = _list(_obj(load_json(*file), name).get(key), f"{name}: {key!r}")
    return [(_where(name, i), _obj(item, _where(name, i))) for i, item in enumerate(items)]


def _labels(file: tuple[str, ...], key: str) -> tuple[Label, ...]:
    return tuple(
        Label(
            code=_str(item, "code", where),
            name_zh=_str(item, "name_zh", where),
            name_en=_str(item, "name_en", where),
        )
        for where, item in _entries(file, key)
    )


# --------------------------------------------------------------------------- industries

_INDUSTRIES_FILE = ("data", "industries.json")


@dataclass(frozen=True)
class _IndustryTable:
    sections: tuple[Section, ...]
    industries: tuple[Industry, ...]
    by_code: dict[str, Industry]


@lru_cache(maxsize=1)
def _industry_table() -> _IndustryTable:
    section_list: list[Section] = []
    industry_list: list[Industry] = []
    for where, item in _entries(_INDUSTRIES_FILE, "sections"):
        sec = Section(
            code=_str(item, "code", where),
            name_zh=_str(item, "name_zh", where),
            name_en=_str(item, "name_en", where),
        )
        section_list.append(sec)
        for i, div in enumerate(_list(item.get("divisions"), f"{where}: 'divisions'")):
            div_where = f"{where} division {i}"
            div = _obj(div, div_where)
            industry_list.append(
                Industry(
                    code=_str(div, "code", div_where),
                    section=sec.code,
                    name_zh=_str(div, "name_zh", div_where),
                    name_en=_str(div, "name_en", div_where),
                )
            )
    by_code = {ind.code: ind for ind in industry_list}
    if len(by_code) != len(industry_list):
        raise ValueError(f"{'/'.join(_INDUSTRIES_FILE)}: duplicate division codes")
    return _IndustryTable(tuple(section_list), tuple(industry_list), by_code)


def sections() -> tuple[Section, ...]:
    """The 20 GB/T 4754-2017 sections, A–T."""
    return _industry_table().sections


def section(code: str) -> Section | None:
    """The section with letter ``code`` (case and width insensitive), or None."""
    wanted = unicodedata.normalize("NFKC", code).strip().upper()
    return next((s for s in sections() if s.code == wanted), None)


def industries() -> tuple[Industry, ...]:
    """The 97 GB/T 4754-2017 divisions, 01–97, in code order."""
    return _industry_table().industries


def industry(code: str) -> Industry | None:
    """The division a GB/T 4754 code belongs to, or None.

    Accepts a division, group or class code with or without its section letter, in
    any case and width, with surrounding spaces: ``"13"``, ``"C13"``, ``"C1311"``,
    ``"1311"``, ``"c13 "``, ``"Ｃ１３"``. A section letter that does not match the
    division (``"A13"``) gives None, as does anything that is not such a code.
    """
    text = unicodedata.normalize("NFKC", code).strip().upper()
    letter = ""
    if text[:1].isascii() and text[:1].isalpha():
        letter, text = text[0], text[1:].strip()
    if not (2 <= len(text) <= 4 and text.isascii() and text.isdigit()):
        return None
    found = _industry_table().by_code.get(text[:2])
    if found is None or (letter and letter != found.section):
        return None
    return found


# --------------------------------------------------------------------------- sources, tags, labels


@lru_cache(maxsize=1)
def sources() -> tuple[SourceList, ...]:
    """Prospect source lists, the "six lists" first."""
    return tuple(
        SourceList(
            code=_str(item, "code", where),
            name_zh=_str(item, "name_zh", where),
            name_en=_str(item, "name_en", where),
            short_zh=_str(item, "short_zh", where),
            short_en=_str(item, "short_en", where),
            group=_str(item, "group", where),
            description_zh=_str(item, "description_zh", where),
            conversion_target_bp=_opt_int(item, "conversion_target_bp", where),
        )
        for where, item in _entries(("data", "sources.json"), "sources")
    )


def source(code: str) -> SourceList | None:
    """The source list with this code, or None."""
    wanted = code.strip()
    return next((s for s in sources() if s.code == wanted), None)


@lru_cache(maxsize=1)
def tags() -> tuple[Tag, ...]:
    """Tags an RM can put on a prospect."""
    return tuple(
        Tag(
            code=_str(item, "code", where),
            name_zh=_str(item, "name_zh", where),
            name_en=_str(item, "name_en", where),
        )
        for where, item in _entries(("data", "tags.json"), "tags")
    )


@lru_cache(maxsize=1)
def drop_reasons() -> tuple[Label, ...]:
    """Why a prospect left the pipeline."""
    return _labels(("data", "drop_reasons.json"), "drop_reasons")


@lru_cache(maxsize=1)
def stage_labels() -> tuple[Label, ...]:
    """The pipeline stages in order: no_loan, first_loan, strategic, dropped."""
    return _labels(("data", "stage_rules.json"), "stages")


def stage_rules() -> dict[str, Any]:
    """Head office's default stage rules (strategic-client criteria, stalled days)."""
    data = _obj(load_json("data", "stage_rules.json"), "data/stage_rules.json")
    return copy.deepcopy(data)


# --------------------------------------------------------------------------- products


def catalogue_document() -> dict[str, Any]:
    """The bundled default product catalogue as published JSON (amounts in yuan): parse it
    with crm.domain.catalogue.parse_catalogue(document, catalogue_schema())."""
    return copy.deepcopy(_obj(load_json("data", "catalogue.json"), "data/catalogue.json"))


def catalogue_schema() -> dict[str, Any]:
    """The JSON schema every product catalogue (bundled or published) must fit."""
    return copy.deepcopy(
        _obj(load_json("data", "catalogue.schema.json"), "data/catalogue.schema.json")
    )


# --------------------------------------------------------------------------- demo data


def demo_city() -> dict[str, Any]:
    """The demo city (Foshan): districts, streets, roads, parks, address patterns."""
    return copy.deepcopy(_obj(load_json("demo", "city.json"), "demo/city.json"))


@lru_cache(maxsize=1)
def demo_districts() -> tuple[District, ...]:
    """The demo city's districts as typed records."""
    result: list[District] = []
    for where, item in _entries(("demo", "city.json"), "districts"):
        streets = _list(item.get("streets"), f"{where}: 'streets'")
        if not all(isinstance(s, str) and s for s in streets):
            raise ValueError(f"{where}: 'streets' must be non-empty strings")
        result.append(
            District(
                code=_str(item, "code", where),
                name_zh=_str(item, "name_zh", where),
                name_en=_str(item, "name_en", where),
                streets=tuple(streets),
            )
        )
    return tuple(result)


def demo_names() -> dict[str, Any]:
    """Vocabularies for generated demo data: people, trade names, industry words."""
    return copy.deepcopy(_obj(load_json("demo", "names.json"), "demo/names.json"))
