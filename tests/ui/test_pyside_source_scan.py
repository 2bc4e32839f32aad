"""PySide6's check of each imported module for Qt (its __feature__ support), made without
keeping every module's source in linecache: the same answers, nothing kept."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path

import pytest

from crm.ui.shell import pyside_source_scan


def _check():
    return getattr(sys.modules[pyside_source_scan._FEATURE_MODULE], pyside_source_scan._CHECK)


def test_the_check_is_ours_and_answers_as_pysides_own_for_every_loaded_module():
    ours = _check()
    assert getattr(ours, "crm_reads_bytes", False)  # importing crm.ui installed it
    upstream = ours.__closure__[0].cell_contents
    modules = [m for m in list(sys.modules.values()) if m is not None]
    assert len(modules) > 200
    assert [ours(m) for m in modules] == [upstream(m) for m in modules]
    assert pyside_source_scan.install()  # a second install leaves it as it is
    assert _check() is ours


def test_a_module_imported_later_is_told_apart_and_its_source_not_kept(tmp_path: Path, monkeypatch):
    (tmp_path / "crm_scan_qt.py").write_text("from PySide6.QtCore import QObject\n", "utf-8")
    (tmp_path / "crm_scan_plain.py").write_text("VALUE = '佛山'\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    linecache.clearcache()
    for name in ("crm_scan_qt", "crm_scan_plain"):
        __import__(name)  # PySide6 hooks the import statement (importlib's way bypasses it)
    feature = sys.modules[pyside_source_scan._FEATURE_MODULE]
    assert feature.pyside_feature_dict["crm_scan_qt"] == 0  # uses Qt: features may switch
    assert feature.pyside_feature_dict["crm_scan_plain"] == -1  # ignored
    assert not any("crm_scan_" in name for name in linecache.cache)
    for name in ("crm_scan_qt", "crm_scan_plain"):
        sys.modules.pop(name, None)


@pytest.mark.parametrize("name", ["sys", "PySide6.QtCore"])
def test_modules_without_a_py_file_go_to_pysides_own_check(name: str):
    ours = _check()
    upstream = ours.__closure__[0].cell_contents
    assert ours(sys.modules[name]) == upstream(sys.modules[name])
