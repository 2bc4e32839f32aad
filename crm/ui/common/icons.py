"""Icons shipped in resources/icons (simple SVG line drawings), loaded once."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from crm.resources import resource_root


@cache
def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; an empty icon when it does not exist."""
    path = resource_root() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()
