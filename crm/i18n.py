"""Language of the core's messages (errors, CLI output) and their zh_CN catalogue.

The Qt UI translates its own strings with Qt Linguist files; messages that come from the
core (a refused stage move, a wrong USCC) are English templates translated here, so the
CLI and the UI say the same thing in the same words. The catalogue is a JSON file in
resources/i18n mapping each English template to its translation; a test keeps it complete.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache

from crm.domain.errors import DomainError, Message, render
from crm.domain.stages import Stage
from crm.resources import resource_path

SUPPORTED = ("zh_CN", "en")
_language: str | None = None


def detect_language(environ: dict[str, str] | None = None) -> str:
    """zh_CN on a Chinese system (or when CRM_LANG says so), English otherwise."""
    env = os.environ if environ is None else environ
    for key in ("CRM_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(key, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(language: str) -> None:
    global _language
    _language = "zh_CN" if language.lower().startswith("zh") else "en"


def language() -> str:
    if _language is None:
        set_language(detect_language())
    assert _language is not None
    return _language


@lru_cache(maxsize=4)
def catalogue(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    path = resource_path("i18n", f"core.{lang}.json")
    with path.open(encoding="utf-8") as handle:
        data: dict[str, str] = json.load(handle)
    return data


def tr(template: str) -> str:
    """The current language's form of an English template (itself when untranslated)."""
    return catalogue(language()).get(template, template)


def describe(error: DomainError | Message) -> str:
    """A core error or message as the user reads it, in the current language.

    Stage values in the parameters are shown by their names (首贷户), not their codes.
    """
    params = {key: _localise(value) for key, value in error.params.items()}
    return render(error.template, params, tr)


def _localise(value: object) -> object:
    if isinstance(value, Stage):
        from crm.resources import label, stage_labels

        for item in stage_labels():
            if item.code == value.value:
                return label(item, language())
    return value


def msg(template: str, /, **params: object) -> str:
    """Translate and fill a message of the CLI (or any core text shown to people)."""
    return describe(Message(template, **params))


def plural(count: int, one: str, other: str, /, **params: object) -> str:
    """``one`` for a count of 1 and ``other`` otherwise ("1 visit", "2 visits"), each an
    English template of the catalogue (Chinese says both the same way); ``{count}`` is the
    count, with thousands separated."""
    return msg(one if count == 1 else other, count=f"{count:,}", **params)
