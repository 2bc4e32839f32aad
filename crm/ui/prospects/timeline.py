"""A prospect's stage history as a timeline: newest first; who, when, why."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from crm.domain.stages import Stage
from crm.services.detail_records import StageChange
from crm.ui.common import fmt, labels


class _Rail(QWidget):
    """The dot in the stage's colour and the line down to the next entry."""

    def __init__(self, colour: QColor, first: bool, last: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.colour = colour
        self.first = first
        self.last = last
        self.setFixedWidth(22)

    def sizeHint(self) -> QSize:
        return QSize(22, 40)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = self.width() / 2
        dot_y = 11.0
        painter.setPen(QPen(QColor("#cfd6df"), 2))
        if not self.first:
            painter.drawLine(QPointF(x, 0), QPointF(x, dot_y))
        if not self.last:
            painter.drawLine(QPointF(x, dot_y), QPointF(x, self.height()))
        painter.setPen(QPen(QColor("white"), 2))
        painter.setBrush(self.colour)
        painter.drawEllipse(QRectF(x - 6, dot_y - 6, 12, 12))
        painter.end()


class StageTimeline(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.entries: list[QWidget] = []

    def set_history(self, history: Sequence[StageChange], zone: ZoneInfo) -> None:
        for entry in self.entries:
            entry.deleteLater()
        self.entries.clear()
        while self._layout.count():
            self._layout.takeAt(0)
        changes = list(reversed(history))
        if not changes:
            empty = QLabel(self.tr("No stage changes yet."), self)
            empty.setProperty("muted", True)
            self._layout.addWidget(empty)
            self.entries.append(empty)
        for n, change in enumerate(changes):
            entry = self._entry(change, zone, n == 0, n == len(changes) - 1)
            self._layout.addWidget(entry)
            self.entries.append(entry)
        self._layout.addStretch(1)

    def _entry(self, change: StageChange, zone: ZoneInfo, first: bool, last: bool) -> QWidget:
        entry = QWidget(self)
        entry.setObjectName("timelineEntry")
        row = QHBoxLayout(entry)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(_Rail(labels.stage_colour(change.to_stage), first, last, entry))
        texts = QVBoxLayout()
        texts.setContentsMargins(0, 2, 0, 12)
        texts.setSpacing(2)

        if change.from_stage is None:
            what = self.tr("Entered the pipeline as {stage}").format(
                stage=labels.stage(change.to_stage)
            )
        else:
            what = f"{labels.stage(change.from_stage)} → {labels.stage(change.to_stage)}"
        title = QLabel(what, entry)
        title.setStyleSheet("font-weight: 600;")
        title.setWordWrap(True)
        texts.addWidget(title)

        who = change.changed_by or self.tr("unknown user")
        meta = QLabel(
            self.tr("{when} · {who}").format(when=fmt.moment(change.changed_at, zone), who=who),
            entry,
        )
        meta.setProperty("muted", True)
        texts.addWidget(meta)

        why = self._reason(change)
        if why:
            reason = QLabel(why, entry)
            reason.setWordWrap(True)
            reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            texts.addWidget(reason)
        row.addLayout(texts, 1)
        return entry

    def _reason(self, change: StageChange) -> str:
        parts: list[str] = []
        if change.reason_code and change.to_stage == Stage.DROPPED.value:
            parts.append(labels.drop_reason(change.reason_code))
        if change.reason_text:
            parts.append(change.reason_text)
        if not parts:
            return ""
        return self.tr("Why: {reason}").format(reason=" — ".join(parts))
