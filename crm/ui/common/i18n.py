"""Choosing the UI language and installing translations (after Picard's picard/i18n/qt.py).

Two catalogues are installed for Chinese: ours (resources/i18n/crm_zh_CN.qm, compiled from
crm_zh_CN.ts) and Qt's own qtbase_zh_CN.qm, so standard buttons (Save, Discard, Cancel)
and file dialogs speak Chinese too. English needs catalogues as well, but only for plurals:
crm_en.ts (and a feature's *_en.ts) give "%Ln day(s)" its forms "1 day" and "2 days"
(made with ``pyside6-lupdate -pluralonly``). Messages from the core are translated by
``crm.i18n`` (its JSON catalogue), whose language is set here at the same time.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from crm import i18n as core_i18n
from crm.resources import resource_root

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")


def system_language(locale: QLocale | None = None) -> str:
    """zh_CN on a Chinese system (any zh locale, by Qt or by the environment), else English."""
    name = (locale or QLocale.system()).name()
    if name.lower().startswith("zh"):
        return "zh_CN"
    if name in ("C", ""):
        # Qt reports "C" when LANG is unset or C; the environment may still say more.
        return core_i18n.detect_language()
    return "en"


def choose_language(argument: str | None, saved: str, system: str) -> str:
    """The argument wins, then the saved setting, then the system's language."""
    for candidate in (argument, saved, system):
        if candidate:
            return "zh_CN" if candidate.lower().startswith("zh") else "en"
    return "en"


def locale_for(language: str) -> QLocale:
    if language == "zh_CN":
        return QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def our_catalogue(language: str) -> Path:
    return resource_root() / "i18n" / f"crm_{language}.qm"


def feature_catalogues(language: str) -> list[Path]:
    """Other compiled catalogues for ``language`` in resources/i18n, besides ours."""
    folder = resource_root() / "i18n"
    ours = our_catalogue(language).name
    return sorted(p for p in folder.glob(f"*_{language}.qm") if p.name != ours)


def qt_catalogue_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Make ``language`` the language of every string shown from now on.

    Returns the installed translators, so a caller (a test) can remove them again.
    """
    core_i18n.set_language(language)
    QLocale.setDefault(locale_for(language))
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    if ours.load(str(our_catalogue(language))):
        app.installTranslator(ours)
        installed.append(ours)
    elif language == "en":
        log.warning("%s is missing: counts read '1 day(s)'", our_catalogue(language))
    else:
        log.warning("translation %s is missing; the UI stays in English", our_catalogue(language))
    # Features may ship their own catalogue beside ours (imports_zh_CN.qm, sync_zh_CN.qm).
    for extra in feature_catalogues(language):
        translator = QTranslator(app)
        if translator.load(str(extra)):
            app.installTranslator(translator)
            installed.append(translator)
    if language == "en":
        return installed
    qt = QTranslator(app)
    if qt.load(QLocale(language), "qtbase", "_", qt_catalogue_dir()):
        app.installTranslator(qt)
        installed.append(qt)
    else:
        log.info("Qt's own %s translation is not installed", language)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
    core_i18n.set_language("en")
    QLocale.setDefault(locale_for("en"))
