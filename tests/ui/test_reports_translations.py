"""The Chinese catalogue of the reports (preview, print, export, pipeline) is complete, current,
compiled, and keeps placeholders."""

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
TS = ROOT / "resources" / "i18n" / "reports_zh_CN.ts"
QM = TS.with_suffix(".qm")
SOURCES = sorted((ROOT / "crm" / "ui" / "reports").glob("*.py"))
PLACEHOLDER = re.compile(r"\{\w*\}")


def messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(path).getroot()
    return [
        (context.findtext("name") or "", message.findtext("source") or "", message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def test_every_string_is_translated() -> None:
    unfinished = [
        (context, source)
        for context, source, m in messages(TS)
        if m.find("translation") is None
        or m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")
        or not (m.findtext("translation") or "").strip()
    ]
    assert unfinished == []


def test_translations_keep_the_placeholders() -> None:
    wrong = [
        (source, m.findtext("translation"))
        for _context, source, m in messages(TS)
        if sorted(PLACEHOLDER.findall(source))
        != sorted(PLACEHOLDER.findall(m.findtext("translation") or ""))
    ]
    assert wrong == []


def _lupdate() -> str | None:
    found = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    return found or shutil.which("pyside6-lupdate")


@pytest.mark.skipif(_lupdate() is None, reason="pyside6-lupdate is not installed")
def test_catalogue_has_every_string_of_the_code(tmp_path: Path) -> None:
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


def test_compiled_catalogue_matches_the_source() -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    for context, source, m in messages(TS):
        assert translator.translate(context, source) == m.findtext("translation"), (
            f"{QM.name} is older than {TS.name}: run pyside6-lrelease"
        )


def test_every_catalogue_of_the_app_is_installed_with_chinese(qapp) -> None:
    from crm.ui.common.i18n import feature_catalogues

    assert QM in feature_catalogues("zh_CN")
