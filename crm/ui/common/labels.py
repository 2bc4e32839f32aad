"""What codes look like to people: stages, sources, tags, industries, drop reasons, gates.

Names of data head office owns (stages, lists, tags, industries) come from the resource
files in both languages; words of the UI itself (kinds, gate explanations) are translated
with Qt's tr() like every other UI string.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from crm import i18n as core_i18n
from crm import resources
from crm.domain.prospect import ProspectKind
from crm.domain.stages import (
    GATE_DROP_REASON,
    GATE_LOAN,
    GATE_PATH,
    GATE_REASON,
    GATE_SAME,
    GATE_STRATEGIC,
    Stage,
)

if TYPE_CHECKING:  # the services load in the background while the window starts
    from crm.services.records import DistrictInfo, UserInfo

STAGES: tuple[Stage, ...] = (Stage.NO_LOAN, Stage.FIRST_LOAN, Stage.STRATEGIC, Stage.DROPPED)

STAGE_COLOURS = {
    Stage.NO_LOAN.value: "#3b6fb6",
    Stage.FIRST_LOAN.value: "#1f9254",
    Stage.STRATEGIC.value: "#b7791f",
    Stage.DROPPED.value: "#7a808a",
}
STALLED_COLOUR = "#c2410c"
ERROR_COLOUR = "#c62828"


translate = QCoreApplication.translate


def lang() -> str:
    return core_i18n.language()


def stage(code: str | None) -> str:
    if not code:
        return ""
    found = next((s for s in resources.stage_labels() if s.code == code), None)
    return resources.label(found, lang()) if found else code


def stage_colour(code: str) -> QColor:
    return QColor(STAGE_COLOURS.get(code, "#7a808a"))


@lru_cache(maxsize=8)
def _dot(colour: str, size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(0, 0, 0, 0))
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def stage_icon(code: str) -> QIcon:
    """A small dot in the stage's colour, for lists and combo boxes."""
    return _dot(STAGE_COLOURS.get(code, "#7a808a"), 12)


def source(code: str, *, short: bool = False) -> str:
    found = resources.source(code)
    if found is None:
        return code
    if short:
        return found.short_zh if lang() == "zh_CN" else found.short_en
    return resources.label(found, lang())


def tag(code: str) -> str:
    found = next((t for t in resources.tags() if t.code == code), None)
    return resources.label(found, lang()) if found else code


def industry(code: str | None) -> str:
    """The division with its code: "13 农副食品加工业"."""
    return _industry(code, lang()) if code else ""


def industry_long(code: str) -> str:
    """Division and section: "13 农副食品加工业 · C 制造业"."""
    return _industry_long(code, lang())


def section(code: str) -> str:
    return _section(code, lang())


# Reference data does not change while the app runs: each label is made once per language.
@lru_cache(maxsize=512)
def _industry(code: str, language: str) -> str:
    found = resources.industry(code)
    return f"{found.code} {resources.label(found, language)}" if found else code


@lru_cache(maxsize=512)
def _industry_long(code: str, language: str) -> str:
    found = resources.industry(code)
    if found is None:
        return code
    tail = f" · {_section(found.section, language)}" if resources.section(found.section) else ""
    return f"{found.code} {resources.label(found, language)}{tail}"


@lru_cache(maxsize=64)
def _section(code: str, language: str) -> str:
    found = resources.section(code)
    return f"{found.code} {resources.label(found, language)}" if found else code


def drop_reason(code: str) -> str:
    found = next((r for r in resources.drop_reasons() if r.code == code), None)
    return resources.label(found, lang()) if found else code


def district(info: DistrictInfo | None, code: str | None = None) -> str:
    if info is None:
        return code or ""
    if lang() == "zh_CN" or not info.name_en:
        return info.name
    return info.name_en


def kind(code: str) -> str:
    if code == ProspectKind.INDIVIDUAL.value:
        return translate("Labels", "Individual business")
    if code == ProspectKind.ENTERPRISE.value:
        return translate("Labels", "Enterprise")
    return code


def role(code: str) -> str:
    return {
        "rm": translate("Labels", "Relationship manager"),
        "lead": translate("Labels", "Team lead"),
        "admin": translate("Labels", "Administrator"),
    }.get(code, code)


def user(info: UserInfo | None) -> str:
    if info is None:
        return translate("Labels", "Not signed in")
    return f"{info.display_name} ({role(info.role)})"


def gate(code: str) -> str:
    """What a stage-move gate asks for, in words an RM acts on."""
    return {
        GATE_SAME: translate("Labels", "The prospect is already at this stage."),
        GATE_PATH: translate(
            "Labels",
            "Stages cannot be skipped: a prospect becomes a first-loan customer "
            "before it can become a strategic client.",
        ),
        GATE_LOAN: translate(
            "Labels", "Record the first loan before moving the prospect to first-loan customer."
        ),
        GATE_STRATEGIC: translate(
            "Labels", "Head office's criteria for strategic clients are not met yet."
        ),
        GATE_REASON: translate("Labels", "This move must be explained: write the reason."),
        GATE_DROP_REASON: translate("Labels", "Choose why the prospect leaves the pipeline."),
    }.get(code, "")


def gate_title(code: str) -> str:
    return {
        GATE_SAME: translate("Labels", "Same stage"),
        GATE_PATH: translate("Labels", "Stage order"),
        GATE_LOAN: translate("Labels", "Loan required"),
        GATE_STRATEGIC: translate("Labels", "Strategic-client criteria"),
        GATE_REASON: translate("Labels", "Reason required"),
        GATE_DROP_REASON: translate("Labels", "Drop reason required"),
    }.get(code, code)
