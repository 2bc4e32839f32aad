"""The core's messages are all translated to zh_CN, with the same placeholders."""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path

import pytest

from crm.domain.errors import DomainError, Message
from crm.i18n import catalogue, describe, set_language

ROOT = Path(__file__).resolve().parents[2]
CORE = [p for p in (ROOT / "crm").rglob("*.py") if "ui" not in p.relative_to(ROOT / "crm").parts]
TEXT_FUNCTIONS = {"msg", "Message", "tr"}
PLURAL_FUNCTIONS = {"plural"}
# The crm command's parsers: their help texts, descriptions and headings are shown to people.
PARSER_CALLS = {
    "add_argument",
    "add_parser",
    "add_subparsers",
    "add_argument_group",
    "ArgumentParser",
    "Parser",
}
PARSER_TEXTS = {"help", "description", "title", "epilog"}
# Programming errors, not messages for people.
BUILTIN_ERRORS = {
    "ValueError",
    "RuntimeError",
    "TypeError",
    "KeyError",
    "FileNotFoundError",
    "AssertionError",
    "NotImplementedError",
    "OSError",
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def extract_templates(paths: list[Path]) -> dict[str, str]:
    """English templates in the core: msg()/Message() first arguments, and the templates
    given to error classes (a literal positional argument with a space or a placeholder)."""
    found: dict[str, str] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            literals = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if name in PARSER_CALLS:
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg in PARSER_TEXTS
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        found[value.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name in PLURAL_FUNCTIONS:
                # plural(count, "{count} visit", "{count} visits"): both forms are templates.
                for value in literals:
                    found[value] = f"{path.relative_to(ROOT)}:{node.lineno}"
            elif name in TEXT_FUNCTIONS and literals and node.args[0] is not None:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found[first.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
            elif name in BUILTIN_ERRORS:
                continue
            elif name.endswith(("Error", "Refused")) or name.startswith("Invalid"):
                for value in literals:
                    if " " in value or "{" in value:
                        found[value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_core_message_has_a_chinese_translation() -> None:
    zh = catalogue("zh_CN")
    missing = {t: where for t, where in extract_templates(CORE).items() if not zh.get(t)}
    assert not missing, "untranslated core messages:\n" + "\n".join(
        f"  {where}: {t!r}" for t, where in sorted(missing.items(), key=lambda kv: kv[1])
    )


def test_translations_keep_the_placeholders_of_their_source() -> None:
    for source, target in catalogue("zh_CN").items():
        assert _fields(source) == _fields(target), (source, target)


def test_catalogue_has_no_stale_entries() -> None:
    used = set(extract_templates(CORE))
    stale = sorted(set(catalogue("zh_CN")) - used)
    assert not stale, f"translations no code uses any more: {stale}"


def test_catalogue_file_is_sorted_utf8_json() -> None:
    path = ROOT / "resources" / "i18n" / "core.zh_CN.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == sorted(data)


@pytest.mark.parametrize(("lang", "expected"), [("zh_CN", "校验码应为"), ("en", "check character")])
def test_errors_are_described_in_the_chosen_language(lang: str, expected: str) -> None:
    from crm.domain.uscc import USCC

    set_language(lang)
    try:
        with pytest.raises(DomainError) as info:
            USCC.parse("91350100M000100Y44")
        assert expected in describe(info.value)
    finally:
        set_language("en")


def test_nested_messages_are_translated_too() -> None:
    set_language("zh_CN")
    try:
        err = DomainError("x", "{problems}", problems=[Message("a name is required")])
        assert describe(err) == catalogue("zh_CN")["a name is required"]
    finally:
        set_language("en")
