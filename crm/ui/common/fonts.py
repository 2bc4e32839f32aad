"""The bundled CJK font: registered with Qt so Chinese never draws as boxes.

A fresh Linux or a CI machine has no Chinese font at all; WenQuanYi Micro Hei ships in
resources/fonts and becomes the application font, so every machine looks the same.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from crm.resources import resource_path

log = logging.getLogger(__name__)

FONT_FILE = ("fonts", "wqy-microhei.ttc")
FALLBACK_FAMILY = "WenQuanYi Micro Hei"
POINT_SIZE = 10
_registered: str | None = None


def register_cjk_font() -> str | None:
    """Register the bundled font once; returns its family (None if it cannot be loaded)."""
    global _registered
    if _registered is not None:
        return _registered
    try:
        path = resource_path(*FONT_FILE)
    except FileNotFoundError:
        log.error("the bundled CJK font is missing; Chinese may show as boxes")
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.error("Qt could not load %s; Chinese may show as boxes", path)
        return None
    _registered = families[0] if FALLBACK_FAMILY not in families else FALLBACK_FAMILY
    return _registered


def apply_app_font(app: QApplication) -> None:
    """Make the bundled font the application's font, at a size Chinese reads well in."""
    family = register_cjk_font()
    if family is None:
        return
    font = QFont(family)
    font.setPointSize(max(POINT_SIZE, app.font().pointSize()))
    app.setFont(font)
