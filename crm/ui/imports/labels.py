"""Names of import fields, outcomes and file formats as the wizard shows them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from crm import resources
from crm.domain.facts import FACTS
from crm.i18n import describe, language


def field_label(name: str | None) -> str:
    labels = {
        None: QCoreApplication.translate("ImportLabels", "(not imported)"),
        "name": QCoreApplication.translate("ImportLabels", "Enterprise name"),
        "uscc": QCoreApplication.translate("ImportLabels", "USCC (unified social credit code)"),
        "owner_name": QCoreApplication.translate("ImportLabels", "Legal representative / owner"),
        "phone": QCoreApplication.translate("ImportLabels", "Phone"),
        "address": QCoreApplication.translate("ImportLabels", "Address"),
        "district": QCoreApplication.translate("ImportLabels", "District"),
        "street": QCoreApplication.translate("ImportLabels", "Street / town"),
        "industry": QCoreApplication.translate("ImportLabels", "Industry"),
        "established_on": QCoreApplication.translate("ImportLabels", "Date of establishment"),
        "registered_capital": QCoreApplication.translate("ImportLabels", "Registered capital"),
        "kind": QCoreApplication.translate(
            "ImportLabels", "Kind (enterprise or individual business)"
        ),
        "notes": QCoreApplication.translate("ImportLabels", "Notes"),
        "external_ref": QCoreApplication.translate("ImportLabels", "The list's own number"),
    }
    if name is not None and name in FACTS:
        # A business fact a list may carry: named as the prospect page names it.
        text = describe(FACTS[name].label)
        return text[:1].upper() + text[1:]
    return labels.get(name, name or "")


def outcome_label(outcome: str) -> str:
    labels = {
        "created": QCoreApplication.translate("ImportLabels", "New"),
        "merged": QCoreApplication.translate("ImportLabels", "Merged into a known prospect"),
        "flagged": QCoreApplication.translate("ImportLabels", "Possible duplicate"),
        "unchanged": QCoreApplication.translate("ImportLabels", "Already known, nothing new"),
        "rejected": QCoreApplication.translate("ImportLabels", "Rejected"),
    }
    return labels.get(outcome, outcome)


def format_label(kind: str) -> str:
    labels = {
        "xlsx": QCoreApplication.translate("ImportLabels", "Excel workbook (.xlsx)"),
        "xls": QCoreApplication.translate("ImportLabels", "Excel 97-2003 workbook (.xls)"),
        "ods": QCoreApplication.translate("ImportLabels", "OpenDocument spreadsheet (.ods)"),
        "csv": QCoreApplication.translate("ImportLabels", "Text file (CSV)"),
    }
    return labels.get(kind, kind)


def encoding_label(encoding: str) -> str:
    names = {
        "utf-8": "UTF-8",
        "utf-8-sig": QCoreApplication.translate("ImportLabels", "UTF-8 with BOM"),
        "gbk": "GBK",
        "gb18030": "GB18030",
        "utf-16": QCoreApplication.translate("ImportLabels", "Unicode (UTF-16)"),
    }
    return names.get(encoding, encoding.upper())


def source_choices() -> list[tuple[str, str]]:
    """(code, name) of every source list, the six lists first, in the UI language."""
    lang = language()
    return [(s.code, resources.label(s, lang)) for s in resources.sources()]
