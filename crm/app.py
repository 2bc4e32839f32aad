"""Composition root: where the app's paths, logging and services are put together, and
where the command line launches the desktop app (``launch_gui``)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import TextIO

APP_NAME = "FirstLoanCRM"
APP_AUTHOR = "FirstLoan"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def backups_dir() -> Path:
    """Where the books' backups are kept (File ▸ Back up now, ``crm backup``)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True) / "backups"


def make_demo_book(path: Path) -> None:
    """The demo book the first run offers (crm.ui.firstrun), 2,000 prospects."""
    from crm.demo.builder import build_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    build_demo(path, prospects=2000, seed=1)


def default_db_path() -> Path:
    return data_dir() / "crm.db"


# The open file faulthandler writes to (kept open for as long as the process runs).
_faults: TextIO | None = None


def fault_log() -> Path:
    """Where a hard crash (a segfault in Qt or SQLite) leaves Python's tracebacks."""
    return log_dir() / "faults.log"


def enable_fault_log() -> None:
    """Record every thread's traceback in the fault log if the process dies hard."""
    global _faults
    import faulthandler

    if _faults is not None:
        return
    try:
        _faults = fault_log().open("a", encoding="utf-8")
    except OSError:
        return
    faulthandler.enable(file=_faults, all_threads=True)


def setup_logging(verbose: bool = False) -> Path | None:
    """Log to a rotating file under the user's log folder (and stderr when verbose)."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    log_file: Path | None = None
    try:
        log_file = log_dir() / "crm.log"
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    except OSError:
        log_file = None
    if verbose:
        root.addHandler(logging.StreamHandler(sys.stderr))
    return log_file


def launch_gui(db: Path, language: str | None = None, *, smoke: bool = False) -> int:
    """Open the desktop app on ``db``: the one way in to crm.ui from the command line
    (``crm gui``), imported only when called so the other commands never load Qt."""
    from crm.ui.common.places import Places
    from crm.ui.launch import run_gui

    enable_fault_log()
    places = Places(data_dir(), backups_dir(), default_db_path(), make_demo_book)
    status: int = run_gui(
        db, language=language, log_file=setup_logging(), smoke=smoke, app_places=places
    )
    return status
