"""Drawing a pipeline card: short name, RM, days in stage, last contact, a stalled mark and
the financial-literacy checklist's progress, or for a dropped prospect why it was dropped
and when to look again (a checklist bar means nothing there)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from crm.ui.common import fmt, labels
from crm.ui.pipeline.card_model import CARD_ROLE, Card
from crm.ui.visits.checklist import paint_checklist_bar

translate = QCoreApplication.translate
CARD_MARGIN_X = 6
CARD_MARGIN_Y = 4
PADDING = 10
BAR_HEIGHT = 12  # the checklist bar under the text lines


class CardDelegate(QStyledItemDelegate):
    def __init__(self, today: Callable[[], date], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._today = today

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(200, 3 * line + BAR_HEIGHT + 2 * PADDING + 10 + 2 * CARD_MARGIN_Y)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        card = index.data(CARD_ROLE)
        if not isinstance(card, Card):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(CARD_MARGIN_X, CARD_MARGIN_Y, -CARD_MARGIN_X, -CARD_MARGIN_Y)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        background = QColor("#eaf1fb") if selected else QColor("white")
        border = QColor("#1f5fae") if selected else QColor("#c9d1db" if hover else "#dde2e8")
        painter.setPen(QPen(border, 1.5 if selected else 1))
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 5, 5)

        stripe = (
            QColor(labels.STALLED_COLOUR) if card.stalled else labels.stage_colour(card.row.stage)
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(stripe)
        painter.drawRoundedRect(QRect(rect.left(), rect.top(), 4, rect.height()), 2, 2)

        inner = rect.adjusted(PADDING + 2, PADDING - 2, -PADDING, -PADDING + 2)
        base = QFont(option.font)
        metrics = QFontMetrics(base)
        line = metrics.height() + 4

        badge_width = 0
        if card.stalled:
            badge = translate("CardDelegate", "Stalled")
            small = QFont(base)
            small.setPointSizeF(max(base.pointSizeF() - 1.5, 7))
            small.setBold(True)
            sm = QFontMetrics(small)
            badge_width = sm.horizontalAdvance(badge) + 12
            badge_rect = QRect(
                inner.right() - badge_width + 1, inner.top(), badge_width, sm.height() + 2
            )
            painter.setBrush(QColor("#fff1e6"))
            painter.setPen(QPen(QColor(labels.STALLED_COLOUR), 1))
            painter.drawRoundedRect(badge_rect, 4, 4)
            painter.setFont(small)
            painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, badge)

        bold = QFont(base)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#1d2633"))
        name_rect = QRect(inner.left(), inner.top(), inner.width() - badge_width - 6, line)
        name = QFontMetrics(bold).elidedText(
            card.row.short_name or card.row.name, Qt.TextElideMode.ElideRight, name_rect.width()
        )
        painter.drawText(
            name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name
        )

        painter.setFont(base)
        rm = card.row.rm_name or translate("CardDelegate", "Unassigned")
        painter.setPen(QColor("#3c4657") if card.row.rm_name else QColor("#8a93a0"))
        rm_rect = QRect(inner.left(), inner.top() + line, inner.width(), line)
        painter.drawText(
            rm_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(rm, Qt.TextElideMode.ElideRight, rm_rect.width()),
        )

        if card.days_since_contact is None:
            contact = translate("CardDelegate", "never contacted")
        else:
            contact = translate("CardDelegate", "last contact {day}").format(
                day=fmt.short_day(card.row.last_contact_on, self._today())
            )
        days = translate("CardDelegate", "{days} in stage").format(
            days=fmt.days(card.days_in_stage)
        )
        detail = f"{days} · {contact}"
        painter.setPen(QColor(labels.STALLED_COLOUR) if card.stalled else QColor("#5f6b7a"))
        detail_rect = QRect(inner.left(), inner.top() + 2 * line, inner.width(), line)
        painter.drawText(
            detail_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(detail, Qt.TextElideMode.ElideRight, detail_rect.width()),
        )
        if card.drop_reason is not None:
            self._paint_drop(
                painter,
                card,
                metrics,
                QRect(inner.left(), inner.top() + 3 * line - 3, inner.width(), line),
            )
        elif card.checklist is not None:
            bar = QRect(inner.left(), inner.top() + 3 * line, inner.width(), BAR_HEIGHT)
            painter.setFont(base)
            paint_checklist_bar(painter, bar, *card.checklist)
        painter.restore()

    def _paint_drop(
        self, painter: QPainter, card: Card, metrics: QFontMetrics, rect: QRect
    ) -> None:
        reason = (
            labels.drop_reason(card.drop_reason)
            if card.drop_reason
            else translate("CardDelegate", "no reason given")
        )
        if card.revisit_on is not None:
            text = translate("CardDelegate", "{reason} · revisit {day}").format(
                reason=reason, day=fmt.short_day(card.revisit_on, self._today())
            )
        else:
            text = reason
        painter.setPen(QColor("#5f6b7a"))
        painter.drawText(
            rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width()),
        )
