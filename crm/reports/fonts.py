"""The fonts every report draws with: the bundled WenQuanYi Micro Hei, embedded as subsets.

ReportLab would otherwise reach for Helvetica (one of the PDF base-14 fonts, never
embedded) wherever a font is not named: the document's initial font, a page template's
canvas, a chart's labels. Every document here names these fonts everywhere instead, so a
report looks the same on every machine and in every archive, and Chinese never falls back
to boxes. ReportLab embeds only the glyphs used (a page of Chinese is ~26 KB).
"""

from __future__ import annotations

import threading
from typing import Final

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from crm.resources import resource_path

SANS: Final = "WQYMicroHei"
MONO: Final = "WQYMicroHeiMono"
_FILE: Final = ("fonts", "wqy-microhei.ttc")
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the CJK font (and its monospaced face, for hashes) once per process.

    The collection has no bold or italic face: <b> and <i> map onto the regular one, and
    headings stand out by size and colour instead.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        path = str(resource_path(*_FILE))
        pdfmetrics.registerFont(TTFont(SANS, path, subfontIndex=0))
        pdfmetrics.registerFont(TTFont(MONO, path, subfontIndex=1))
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(SANS, bold, italic, SANS)
                addMapping(MONO, bold, italic, MONO)
        _registered = True
