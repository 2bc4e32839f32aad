"""The Chinese catalogue of the UI is complete, current, compiled, and keeps placeholders."""

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
TS = ROOT / "resources" / "i18n" / "crm_zh_CN.ts"
QM = TS.with_suffix(".qm")
# The modules whose strings crm_zh_CN.ts holds (features with their own catalogue, such as
# imports and sync, are not among them).
SOURCES = [
    ROOT / "crm" / "ui" / "launch.py",
    *sorted((ROOT / "crm" / "ui").glob("common/*.py")),
    *sorted((ROOT / "crm" / "ui").glob("prospects/*.py")),
    *sorted((ROOT / "crm" / "ui").glob("pipeline/*.py")),
    *sorted((ROOT / "crm" / "ui").glob("stages/*.py")),
    *sorted((ROOT / "crm" / "ui").glob("settings/*.py")),
    *sorted((ROOT / "crm" / "ui").glob("shell/*.py")),
]
PLACEHOLDER = re.compile(r"\{\w*\}")


def messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(path).getroot()
    found = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found.append((name, message.findtext("source") or "", message))
    return found


def translated(m: ET.Element) -> str:
    """A message's translation; a plural one's forms (numerusform), one a line."""
    found = m.find("translation")
    if found is None:
        return ""
    forms = found.findall("numerusform")
    return "\n".join(f.text or "" for f in forms) if forms else (found.text or "")


def test_every_string_is_translated():
    unfinished = [
        (context, source)
        for context, source, m in messages(TS)
        if m.find("translation") is None
        or m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")
        or not translated(m).strip()
    ]
    assert unfinished == []


def test_translations_keep_the_placeholders():
    wrong = [
        (source, translated(m))
        for _context, source, m in messages(TS)
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated(m)))
    ]
    assert wrong == []


def _lupdate() -> str | None:
    found = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    return found or shutil.which("pyside6-lupdate")


@pytest.mark.skipif(_lupdate() is None, reason="pyside6-lupdate is not installed")
def test_catalogue_has_every_string_of_the_code(tmp_path):
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [_lupdate(), "-locations", "none", *map(str, SOURCES), "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    in_code = {(c, s) for c, s, _m in messages(fresh)}
    in_catalogue = {(c, s) for c, s, _m in messages(TS)}
    assert in_code - in_catalogue == set(), "run pyside6-lupdate and translate the new strings"
    assert in_catalogue - in_code == set(), "strings no longer in the code: run with -no-obsolete"


def test_compiled_catalogue_matches_the_source():
    translator = QTranslator()
    assert translator.load(str(QM))
    for context, source, m in messages(TS):
        # A plural message is looked up with a count (Chinese has one form for all).
        count = 1 if m.get("numerus") == "yes" else -1
        assert translator.translate(context, source, None, count) == translated(m), (
            f"{QM.name} is older than {TS.name}: run pyside6-lrelease"
        )
