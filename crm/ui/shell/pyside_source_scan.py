"""A lighter check for PySide6's ``__feature__`` support on every module imported after Qt.

PySide6 (6.4 and later, PYSIDE-2029) asks of each module imported after it whether the
module's source mentions PySide6, through ``inspect.getsource``: that reads the file into
``linecache``, which keeps every line of every module for the life of the process (about
14 MB in the desktop app with its 600 modules) and splits each file into lines on the way.
The same question is answered here by reading the file's bytes once, keeping nothing. The
answer is the same (our modules and the libraries' are UTF-8 or ASCII); anything but a plain
``.py`` file goes to PySide6's own check. Should a PySide6 come without that check, nothing
is changed.
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - loads the feature support replaced below

_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def _reading_bytes(upstream: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return upstream(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return upstream(module)

    uses_pyside.crm_reads_bytes = True  # type: ignore[attr-defined]
    return uses_pyside


def install() -> bool:
    """Replace PySide6's check (once); whether it is in place."""
    feature = sys.modules.get(_FEATURE_MODULE)
    upstream = getattr(feature, _CHECK, None)
    if feature is None or not callable(upstream):
        return False
    if not getattr(upstream, "crm_reads_bytes", False):
        setattr(feature, _CHECK, _reading_bytes(upstream))
        # What PySide6 read before this (the modules imported before Qt): free it.
        linecache.clearcache()
    return True
