"""The app's look: Fusion (the same on every platform) with a light palette and a little QSS."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from crm.ui.common.labels import ERROR_COLOUR

ACCENT = "#1f5fae"
BORDER = "#d5dae1"
MUTED = "#5f6b7a"
SURFACE = "#f4f6f9"

STYLE_SHEET = f"""
QListWidget#navigation {{
    background: #1f2a3a; color: #dfe5ee; border: none; outline: none;
    padding-top: 8px;
}}
QListWidget#navigation::item {{ padding: 10px 14px; border-left: 3px solid transparent; }}
QListWidget#navigation::item:selected {{
    background: #2d3d55; color: white; border-left: 3px solid #6aa5ff;
}}
QListWidget#navigation::item:hover:!selected {{ background: #26344a; }}
QLabel#pageTitle {{ font-size: 15pt; font-weight: 600; color: #1d2633; }}
QLabel#muted, QLabel[muted="true"] {{ color: {MUTED}; }}
QLabel#fieldError {{ color: {ERROR_COLOUR}; }}
QLabel#fieldHint {{ color: {MUTED}; }}
QLabel#countLabel {{ color: {MUTED}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {{
    border: 1px solid {ERROR_COLOUR}; border-radius: 3px;
}}
QFrame#bulkBar {{
    background: #e8f0fb; border: 1px solid #bcd0ee; border-radius: 4px;
}}
QFrame#panel {{
    background: white; border: 1px solid {BORDER}; border-radius: 6px;
}}
QLabel#panelTitle {{ font-weight: 600; color: #1d2633; }}
QFrame#errorBox {{
    background: #fdecea; border: 1px solid #f5c2bd; border-radius: 4px;
}}
QFrame#stageColumn {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px;
}}
QFrame#stageColumn[dropTarget="true"] {{ border: 2px dashed {ACCENT}; background: #eaf1fb; }}
QListView#cardList {{ border: none; }}
QStatusBar QLabel {{ color: {MUTED}; padding: 0 6px; }}
QFrame#emptyState {{ background: transparent; }}
QLabel#emptyTitle {{ font-size: 12pt; font-weight: 600; color: #1d2633; }}
"""


def apply_style(app: QApplication) -> None:
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    palette = app.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#eef1f5"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f9fc"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#ffffee"))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor("#1d2633"))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)
