"""Where reports go: a target checked before any work, and a batch written whole or not at all.

One report is written by ``save_report`` (a temporary file beside the target, renamed over
it when complete). A batch of one file per visit is staged the same way, every file first,
and the files are renamed into place only once all of them are written: a full disk, a
missing permission or a cancel half-way leaves the folder as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from crm.services.reports import ReportCancelled

translate = QCoreApplication.translate


def os_error_text(exc: OSError, path: Path | None = None) -> str:
    """What the system refused, in the user's words and language."""
    where = str(exc.filename or path or "")
    code = exc.errno
    if isinstance(exc, IsADirectoryError) or code == errno.EISDIR:
        return translate("ReportFiles", "{path} is a folder, not a file.").format(path=where)
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return translate(
            "ReportFiles", "You may not write to {path}: permission denied. Choose another place."
        ).format(path=where)
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return translate("ReportFiles", "The folder of {path} does not exist.").format(path=where)
    if code == errno.ENOSPC:
        return translate(
            "ReportFiles", "The disk is full: {path} could not be written. Nothing was saved."
        ).format(path=where)
    if code == errno.EROFS:
        return translate(
            "ReportFiles", "{path} is on a disk that cannot be written to (read-only)."
        ).format(path=where)
    return translate("ReportFiles", "{path} could not be written: {problem}").format(
        path=where, problem=exc.strerror or type(exc).__name__
    )


def file_target_problem(target: Path) -> str | None:
    """Why a report cannot be saved as ``target``, or None when it can (so far as can be
    told before writing)."""
    if not target.name:
        return translate("ReportFiles", "Choose a file name for the report.")
    if target.is_dir():
        return os_error_text(IsADirectoryError(errno.EISDIR, "", str(target)))
    return folder_problem(target.parent, shown=target)


def folder_problem(folder: Path, shown: Path | None = None) -> str | None:
    """Why reports cannot be written into ``folder``, or None when they can."""
    name = shown or folder
    if not str(folder) or not folder.is_dir():
        if folder.exists():
            return translate("ReportFiles", "{path} is a file, not a folder.").format(path=folder)
        return translate("ReportFiles", "The folder {path} does not exist.").format(path=folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        return os_error_text(PermissionError(errno.EACCES, "", str(name)))
    return None


def write_all(
    files: Sequence[tuple[Path, bytes]], cancelled: Callable[[], bool] | None = None
) -> None:
    """Write each ``(target, data)``, all or none: ReportCancelled when ``cancelled()`` says
    so between files, an OSError naming the target when the system refuses one."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files:
            if cancelled is not None and cancelled():
                raise ReportCancelled()
            staged.append((_stage(target, data), target))
        for temp, target in staged:
            os.replace(temp, target)
    except BaseException:
        for temp, _target in staged:
            temp.unlink(missing_ok=True)
        raise


def _stage(target: Path, data: bytes) -> Path:
    """``data`` in a hidden temporary file beside ``target``, on disk."""
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp
