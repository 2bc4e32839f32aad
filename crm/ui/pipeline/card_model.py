"""The cards of one pipeline column: a page of prospects at one stage, stalled ones first.

A column never holds the whole stage (67,000 no-loan prospects in a big book): it loads
the first page and "Show more" adds the next, so the order is SQL's: stalled prospects
first and then the longest in the stage by default (those the legend warns about must
not hide behind "Show more"), or another order the board's sort offers. Cards can be
dragged out as a list of (id, name, stage) in MIME_TYPE.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from crm.domain.query import ProspectFilter, Sort, SortColumn
from crm.domain.stages import Stage
from crm.services.records import ProspectRow
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext
from crm.ui.stages.dialog import MoveItem

PAGE_SIZE = 200
# A page of a column: its rows, each one's checklist progress and (dropped prospects) drop
# reason and revisit day, by prospect id.
Rows = tuple[list[ProspectRow], dict[str, tuple[int, int]], dict[str, tuple[str, date | None]]]
MIME_TYPE = "application/x-firstloan-prospects"
CARD_ROLE = Qt.ItemDataRole.UserRole + 10
ID_ROLE = Qt.ItemDataRole.UserRole

Index = QModelIndex | QPersistentModelIndex
translate = QCoreApplication.translate


class CardOrder(StrEnum):
    """The orders the board offers for its columns."""

    STALLED = "stalled"  # stalled first, then the longest in the stage
    LONGEST = "longest"  # the longest in the stage first
    RECENT = "recent"  # the most recently moved first
    NAME = "name"  # by name (pinyin)


@dataclass(frozen=True)
class Card:
    row: ProspectRow
    days_in_stage: int
    days_since_contact: int | None
    stalled: bool
    # Financial-literacy checklist: (items covered, items in all); None while unknown.
    checklist: tuple[int, int] | None = None
    # A dropped prospect: why it was dropped (a reason code), and when to look again.
    drop_reason: str | None = None
    revisit_on: date | None = None


def sort_for(order: CardOrder, today: date, zone: Any, stalled_after: int) -> Sort:
    """The SQL order of a column for the board's choice (stalled as `make_card` says)."""
    if order is CardOrder.STALLED:
        # Stalled: in the stage since a local day at least ``stalled_after`` days ago.
        first_fresh_day = today - timedelta(days=stalled_after - 1)
        before = datetime.combine(first_fresh_day, time(0), zone).astimezone(UTC)
        quiet = today - timedelta(days=stalled_after)
        return Sort(SortColumn.STALLED, stalled_before=before, quiet_on=quiet)
    if order is CardOrder.LONGEST:
        return Sort(SortColumn.STAGE_SINCE)
    if order is CardOrder.NAME:
        return Sort(SortColumn.NAME)
    return Sort(SortColumn.STAGE_SINCE, descending=True)


def make_card(
    row: ProspectRow,
    today: date,
    zone: Any,
    stalled_after: int,
    checklist: tuple[int, int] | None = None,
    dropped: tuple[str, date | None] | None = None,
) -> Card:
    stage_day = fmt.local(row.stage_changed_at, zone).date()
    in_stage = max((today - stage_day).days, 0)
    since = (today - row.last_contact_on).days if row.last_contact_on else None
    stalled = (
        row.stage != Stage.DROPPED.value
        and in_stage >= stalled_after
        and (since is None or since >= stalled_after)
    )
    if row.stage == Stage.DROPPED.value:
        reason, revisit = dropped or ("", None)
        return Card(row, in_stage, since, False, None, reason, revisit)
    return Card(row, in_stage, since, stalled, checklist)


def encode(items: Sequence[MoveItem]) -> bytes:
    return json.dumps(
        [{"id": i.id, "name": i.name, "stage": i.stage} for i in items], ensure_ascii=False
    ).encode("utf-8")


def decode(data: bytes) -> list[MoveItem]:
    try:
        raw = json.loads(bytes(data).decode("utf-8"))
        return [MoveItem(str(d["id"]), str(d["name"]), str(d["stage"])) for d in raw]
    except (ValueError, KeyError, TypeError):
        return []


class CardModel(QAbstractListModel):
    loaded = Signal()

    def __init__(
        self,
        ui: UiContext,
        stage: str,
        stalled_after: int,
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.stage = stage
        self.stalled_after = stalled_after
        self.page_size = page_size
        self._filter = ProspectFilter()
        self._cards: list[Card] = []
        self._generation = 0
        self._fetching = False
        self.exhausted = True
        self.loading = False
        self.order = CardOrder.STALLED
        self._visits = ui.services.visits

    @property
    def column_sort(self) -> Sort:
        return sort_for(self.order, self.ui.today(), self.ui.zone, self.stalled_after)

    def column_filter(self, flt: ProspectFilter) -> ProspectFilter:
        return replace(flt, stages=(self.stage,))

    def load(self, flt: ProspectFilter, keep: int = 0) -> None:
        """The first page (or as many as were shown, up to ``keep``) for this filter."""
        self._filter = flt
        self._generation += 1
        generation = self._generation
        limit = max(self.page_size, keep)
        column, sort = self.column_filter(flt), self.column_sort
        service = self.ui.services.prospects
        self.loading = True
        self._fetching = False
        self.ui.tasks.read(
            self,
            lambda: self._with_checklists(service.page(column, sort, 0, limit)),
            lambda rows: self._loaded(generation, limit, rows),
            lambda _err: self._failed(generation),
        )

    def more(self) -> None:
        if self._fetching or self.exhausted or self.loading:
            return
        self._fetching = True
        generation = self._generation
        offset = len(self._cards)
        column, sort, limit = self.column_filter(self._filter), self.column_sort, self.page_size
        service = self.ui.services.prospects
        self.ui.tasks.read(
            self,
            lambda: self._with_checklists(service.page(column, sort, offset, limit)),
            lambda rows: self._more(generation, offset, rows),
            lambda _err: self._failed(generation),
        )

    def _with_checklists(self, rows: list[ProspectRow]) -> Rows:
        """Runs on a worker: the page's rows with their checklist progress (one query), or
        for dropped prospects their drop reasons and revisit days."""
        ids = [r.id for r in rows]
        if self.stage == Stage.DROPPED.value:
            return rows, {}, self.ui.services.prospects.drop_notes(ids)
        return rows, self._visits.checklist_progress_many(ids), {}

    def _cards_of(self, page: Rows) -> list[Card]:
        rows, checklists, dropped = page
        today, zone = self.ui.today(), self.ui.zone
        return [
            make_card(r, today, zone, self.stalled_after, checklists.get(r.id), dropped.get(r.id))
            for r in rows
        ]

    def _loaded(self, generation: int, limit: int, page: Rows) -> None:
        rows = page[0]
        if generation != self._generation:
            return
        self.beginResetModel()
        self._cards = self._cards_of(page)
        self.endResetModel()
        self.exhausted = len(rows) < limit
        self.loading = False
        self.loaded.emit()

    def _more(self, generation: int, offset: int, page: Rows) -> None:
        if generation != self._generation or offset != len(self._cards):
            return
        rows = page[0]
        self._fetching = False
        self.exhausted = len(rows) < self.page_size
        if rows:
            first = len(self._cards)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._cards.extend(self._cards_of(page))
            self.endInsertRows()
        self.loaded.emit()

    def _failed(self, generation: int) -> None:
        if generation == self._generation:
            self.loading = False
            self._fetching = False
            self.loaded.emit()

    # -- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._cards):
            return None
        card = self._cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.row.short_name or card.row.name
        if role == CARD_ROLE:
            return card
        if role == ID_ROLE:
            return card.row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(card)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return card.row.name
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime.setData(MIME_TYPE, encode([self.item(r) for r in rows]))
        return mime

    # -- helpers ---------------------------------------------------------------------------

    def card(self, row: int) -> Card:
        return self._cards[row]

    def item(self, row: int) -> MoveItem:
        r = self._cards[row].row
        return MoveItem(r.id, r.name, r.stage)

    def count(self) -> int:
        return len(self._cards)

    def _tooltip(self, card: Card) -> str:
        r = card.row
        lines = [r.name]
        if card.drop_reason is not None:
            lines.append(
                translate("CardModel", "Dropped: {reason}").format(
                    reason=labels.drop_reason(card.drop_reason)
                    if card.drop_reason
                    else translate("CardModel", "no reason given")
                )
            )
            if card.revisit_on is not None:
                lines.append(
                    translate("CardModel", "Revisit on {day}").format(day=fmt.day(card.revisit_on))
                )
        if r.owner_name:
            lines.append(r.owner_name)
        if card.stalled:
            lines.append(
                translate(
                    "CardModel", "Stalled: no stage change and no contact for {days} days or more"
                ).format(days=self.stalled_after)
            )
        if card.checklist is not None:
            done, total = card.checklist
            lines.append(
                translate(
                    "CardModel", "Financial-literacy checklist: {done} of {total} items"
                ).format(done=done, total=total)
            )
        return "\n".join(lines)
