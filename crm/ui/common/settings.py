"""Typed settings over QSettings (after Picard's picard/config.py).

Every setting has a name, a type and a default in one place, so a wrong type saved by an
older version (or a hand-edited file) reads as the default instead of crashing. Settings
live where the platform keeps them (organisation "FirstLoan", application "FirstLoanCRM");
tests and portable installs point ``CRM_SETTINGS`` (or the ``path`` argument) at an INI file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "FirstLoan"
APPLICATION = "FirstLoanCRM"
SETTINGS_ENV = "CRM_SETTINGS"
# Bump when a setting changes meaning; ``_upgrade`` moves old values over.
VERSION = 1

LANGUAGE_SYSTEM = ""  # follow the operating system's language


class AppSettings:
    def __init__(self, path: Path | None = None) -> None:
        env = os.environ.get(SETTINGS_ENV)
        if path is None and env:
            path = Path(env)
        if path is not None:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(
                QSettings.Format.NativeFormat,
                QSettings.Scope.UserScope,
                ORGANISATION,
                APPLICATION,
            )
        self._upgrade()

    @property
    def location(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        self._qs.sync()

    # -- typed access ----------------------------------------------------------------------

    def _str(self, key: str, default: str = "") -> str:
        value = self._qs.value(key, default)
        return value if isinstance(value, str) else default

    def _int(self, key: str, default: int) -> int:
        value: Any = self._qs.value(key, default)
        try:
            return int(value)
        except (TypeError, ValueError):
            return default

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # -- the settings ------------------------------------------------------------------------

    @property
    def language(self) -> str:
        """ "zh_CN", "en", or "" to follow the system."""
        value = self._str("ui/language")
        return value if value in ("zh_CN", "en") else LANGUAGE_SYSTEM

    @language.setter
    def language(self, value: str) -> None:
        self._qs.setValue("ui/language", value)

    @property
    def last_page(self) -> str:
        return self._str("window/last_page", "prospects")

    @last_page.setter
    def last_page(self, value: str) -> None:
        self._qs.setValue("window/last_page", value)

    @property
    def book(self) -> str:
        """The book chosen at the first run when it is not the app's own (the demo, a file):
        opened instead of a missing own book."""
        return self._str("book/path")

    @book.setter
    def book(self, value: str) -> None:
        self._qs.setValue("book/path", value)

    def state(self, name: str) -> QByteArray | None:
        """Saved geometry or layout of a window, header or splitter."""
        return self._bytes(f"state/{name}")

    def set_state(self, name: str, value: QByteArray) -> None:
        self._qs.setValue(f"state/{name}", value)

    # -- upgrades ----------------------------------------------------------------------------

    def _upgrade(self) -> None:
        saved = self._int("settings_version", 0)
        if saved >= VERSION:
            return
        # Version 0 is a fresh install: nothing to move. Later: if saved < 2: rename keys ...
        self._qs.setValue("settings_version", VERSION)
