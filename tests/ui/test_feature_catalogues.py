"""Each feature's Chinese catalogue (visit pages, reports) is complete, current, compiled,
keeps placeholders, and is installed with Chinese."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{\w*\}")

# catalogue -> the UI folders whose strings it holds
CATALOGUES = {
    "customer_zh_CN.ts": ("prospects/customer",),
    "visits_zh_CN.ts": ("visits", "today", "calendar"),
    "reports_zh_CN.ts": ("reports",),
    "strategic_zh_CN.ts": ("strategic",),
    "backups_zh_CN.ts": ("backups",),
    "firstrun_zh_CN.ts": ("firstrun",),
    "lock_zh_CN.ts": ("lock",),
}


def ts_of(name: str) -> Path:
    return ROOT / "resources" / "i18n" / name


def messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(path).getroot()
    return [
        (context.findtext("name") or "", message.findtext("source") or "", message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]


each = pytest.mark.parametrize("name", sorted(CATALOGUES))


def translated(m: ET.Element) -> str:
    """A message's translation; a plural one's forms (numerusform), one a line."""
    found = m.find("translation")
    if found is None:
        return ""
    forms = found.findall("numerusform")
    return "\n".join(f.text or "" for f in forms) if forms else (found.text or "")


@each
def test_every_string_is_translated(name: str) -> None:
    unfinished = [
        (context, source)
        for context, source, m in messages(ts_of(name))
        if m.find("translation") is None
        or m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")
        or not translated(m).strip()
    ]
    assert unfinished == []


@each
def test_translations_keep_the_placeholders(name: str) -> None:
    wrong = [
        (source, translated(m))
        for _context, source, m in messages(ts_of(name))
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated(m)))
    ]
    assert wrong == []


def _lupdate() -> str | None:
    found = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    return found or shutil.which("pyside6-lupdate")


@each
@pytest.mark.skipif(_lupdate() is None, reason="pyside6-lupdate is not installed")
def test_catalogue_has_every_string_of_the_code(name: str, tmp_path: Path) -> None:
    sources = sorted(
        p for folder in CATALOGUES[name] for p in (ROOT / "crm" / "ui" / folder).glob("*.py")
    )
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [_lupdate(), "-locations", "none", *map(str, sources), "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    in_code = {(c, s) for c, s, _m in messages(fresh)}
    in_catalogue = {(c, s) for c, s, _m in messages(ts_of(name))}
    assert in_code - in_catalogue == set(), "run pyside6-lupdate and translate the new strings"
    assert in_catalogue - in_code == set(), "strings no longer in the code: run with -no-obsolete"


@each
def test_compiled_catalogue_matches_the_source(name: str) -> None:
    ts = ts_of(name)
    qm = ts.with_suffix(".qm")
    translator = QTranslator()
    assert translator.load(str(qm))
    for context, source, m in messages(ts):
        # A plural message is looked up with a count (Chinese has one form for all).
        count = 1 if m.get("numerus") == "yes" else -1
        assert translator.translate(context, source, None, count) == translated(m), (
            f"{qm.name} is older than {ts.name}: run pyside6-lrelease"
        )


@each
def test_every_catalogue_of_the_app_is_installed_with_chinese(name: str, qapp) -> None:
    from crm.ui.common.i18n import feature_catalogues

    assert ts_of(name).with_suffix(".qm") in feature_catalogues("zh_CN")
