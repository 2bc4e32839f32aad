"""Settings: the UI language (applied at the next start) and where things are kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from crm.ui.common.i18n import system_language
from crm.ui.common.settings import LANGUAGE_SYSTEM, AppSettings
from crm.ui.sync.connection import token_place

if TYPE_CHECKING:
    from crm.services.sync import SyncStatus

# Language names are written in their own language, as every program does.
LANGUAGE_NAMES = {"zh_CN": "中文（简体）", "en": "English"}


class SettingsDialog(QDialog):
    languageChanged = Signal(str)

    def __init__(
        self,
        settings: AppSettings,
        db_path: str,
        current_language: str,
        parent: QWidget | None = None,
        sync_status: SyncStatus | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.settings = settings
        self.current_language = current_language
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)

        language_box = QGroupBox(self.tr("Language"), self)
        language_form = QFormLayout(language_box)
        self.language = QComboBox(language_box)
        self.language.setObjectName("language")
        system = LANGUAGE_NAMES.get(system_language(), "English")
        self.language.addItem(
            self.tr("Same as the system ({language})").format(language=system), LANGUAGE_SYSTEM
        )
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(settings.language), 0))
        language_form.addRow(self.tr("Language of the app:"), self.language)
        note = QLabel(
            self.tr("A new language applies the next time you start FirstLoan CRM."), language_box
        )
        note.setWordWrap(True)
        note.setProperty("muted", True)
        language_form.addRow(note)
        layout.addWidget(language_box)

        where_box = QGroupBox(self.tr("Files"), self)
        where = QFormLayout(where_box)
        database = QLabel(db_path, where_box)
        database.setWordWrap(True)
        database.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.addRow(self.tr("Database:"), database)
        stored = QLabel(settings.location, where_box)
        stored.setWordWrap(True)
        stored.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.addRow(self.tr("Settings:"), stored)
        if sync_status is not None:
            # Where this computer's head-office token is: the keyring, or a private file.
            token = QLabel(token_place(sync_status), where_box)
            token.setObjectName("tokenPlace")
            token.setWordWrap(True)
            token.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            where.addRow(self.tr("Device token:"), token)
        layout.addWidget(where_box)
        layout.addStretch(1)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen_language(self) -> str:
        return str(self.language.currentData())

    def accept(self) -> None:
        chosen = self.chosen_language()
        if chosen != self.settings.language:
            self.settings.language = chosen
            self.settings.sync()
            self.languageChanged.emit(chosen)
        super().accept()
