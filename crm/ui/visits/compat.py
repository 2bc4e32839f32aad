"""A guard against a PySide6 6.12.0 bug on Python 3.11.

With PySide6 6.12.0 under Python 3.11, every call of a Qt method that returns nothing
(``label.setText``, ``painter.drawRect``…) drops one reference to ``None`` without having
taken it, and emitting a signal does the same to ``True``; from Python 3.12 these objects
are immortal and nothing happens, but on 3.11 their counts reach zero after a few thousand
such calls and the interpreter aborts ("none_dealloc: deallocating None"). A calendar
repainting a month makes thousands. PySide6 6.11 does not have the bug. Until the
dependency is pinned, ``protect_none()`` gives these singletons a count no session can use
up (what 3.12 does by making them immortal); it does nothing on other versions.
"""

from __future__ import annotations

import ctypes
import sys

import PySide6

_RESERVE = 1 << 48
_done = False


def affected(
    version: str = PySide6.__version__, python: tuple[int, int] = sys.version_info[:2]
) -> bool:
    return python < (3, 12) and version.startswith("6.12.")


def protect_none() -> None:
    global _done
    if _done or not affected():
        return
    _done = True
    for singleton in (None, True, False, Ellipsis, NotImplemented):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
