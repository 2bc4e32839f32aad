"""The crash dialog's Save crash report…: a zip with the versions, the error and the tails
of the log and the fault log, and nothing of a customer (names, phones, USCCs)."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from crm.ui.common.crash_report import scrub, write_crash_report
from crm.ui.common.errors import CrashHandler

NAME = "佛山市南海区鸿运五金制品厂"
PHONE = "13800138000"
USCC = "91440605MA4UXXXX8X"


def _error() -> RuntimeError:
    try:
        raise RuntimeError(f"could not save {NAME} ({PHONE}, {USCC})")
    except RuntimeError as exc:
        return exc


def test_scrub_leaves_nothing_of_a_customer() -> None:
    text = scrub(f"王建国 {PHONE} {USCC} {NAME} page 3 of 12")
    for secret in ("王建国", PHONE, USCC, NAME):
        assert secret not in text
    assert "page 3 of 12" in text


def test_the_report_has_versions_error_and_log_tails(tmp_path: Path) -> None:
    log = tmp_path / "crm.log"
    log.write_text(f"2026-12-05 INFO crm.ui: opened {NAME}\n" * 500, encoding="utf-8")
    faults = tmp_path / "faults.log"
    faults.write_text('Fatal Python error: Segmentation fault\n  File "x.py", line 3\n')
    target = tmp_path / "out" / "crash.zip"
    write_crash_report(target, _error(), log, faults, datetime(2026, 12, 5, 1, 2, tzinfo=UTC))
    with zipfile.ZipFile(target) as bundle:
        report = bundle.read("report.txt").decode()
        tail = bundle.read("log-tail.txt").decode()
        fault = bundle.read("faults-tail.txt").decode()
    assert "FirstLoan CRM:" in report and "Python:" in report and "Qt:" in report
    assert "RuntimeError: could not save" in report and "Traceback" in report
    assert tail.count("\n") == 400 and "opened" in tail
    assert "Segmentation fault" in fault
    for secret in (NAME, PHONE, USCC):
        assert secret not in report + tail


def test_the_crash_dialog_saves_the_report(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "firstloan-crash.zip"
    (tmp_path / "crm.log").write_text("2026-12-05 INFO started\n", encoding="utf-8")
    told: list[str] = []

    def click_save(box: QMessageBox) -> int:
        box.findChild(QPushButton, "saveCrashReport").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_save)
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a: told.append(a[2])))
    CrashHandler(tmp_path / "crm.log").show(_error())
    assert target.is_file()
    assert told and str(target) in told[0]
    with zipfile.ZipFile(target) as bundle:
        assert "started" in bundle.read("log-tail.txt").decode()
