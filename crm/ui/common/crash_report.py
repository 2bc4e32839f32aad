"""The crash report an RM can save from the crash dialog and send to IT: what went wrong and
on what, with no customer data in it.

A zip with ``report.txt`` (the app's, Python's, Qt's and SQLite's versions, the system, the
error and its traceback) and the tails of the log and of the fault log (``faulthandler``'s
record of a hard crash). Text from the book could reach a log line or an error message (a
name, a phone number, a USCC): every line is passed through ``scrub`` first, which hides
phone and ID numbers, USCCs and any run of Chinese text.
"""

from __future__ import annotations

import platform
import re
import sys
import traceback
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Final

from crm import __version__
from crm.domain.masking import mask_identifiers

LOG_TAIL_LINES: Final = 400
_USCC: Final = re.compile(
    r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])"
)
_CJK: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def scrub(text: str) -> str:
    """``text`` with nothing of a customer left in it."""
    text = mask_identifiers(text)
    text = _USCC.sub("<USCC>", text)
    return _CJK.sub("<中文>", text)


def _tail(path: Path | None, lines: int = LOG_TAIL_LINES) -> str:
    if path is None or not path.is_file():
        return ""
    with path.open(encoding="utf-8", errors="replace") as handle:
        kept = handle.readlines()[-lines:]
    return "".join(scrub(line) for line in kept)


def versions() -> dict[str, str]:
    found = {
        "FirstLoan CRM": __version__,
        "Python": sys.version.split()[0],
        "System": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Frozen": "yes" if getattr(sys, "frozen", False) else "no",
    }
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        found["PySide6"] = PySide6.__version__
        found["Qt"] = qVersion()
    except ImportError:
        pass
    try:
        import sqlcipher3

        found["SQLite"] = sqlcipher3.sqlite_version
    except ImportError:
        pass
    return found


def write_crash_report(
    target: Path, error: BaseException, log_file: Path | None, fault_file: Path | None, at: datetime
) -> Path:
    """Write the report zip at ``target``; returns its path."""
    lines = [f"Crash report, {at.isoformat(timespec='seconds')}", ""]
    lines += [f"{name}: {value}" for name, value in versions().items()]
    lines += ["", "Error:", scrub(f"{type(error).__name__}: {error}"), "", "Traceback:"]
    lines += [scrub(line.rstrip("\n")) for line in traceback.format_exception(error)]
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("report.txt", "\n".join(lines) + "\n")
        bundle.writestr("log-tail.txt", _tail(log_file))
        bundle.writestr("faults-tail.txt", _tail(fault_file))
    return target
