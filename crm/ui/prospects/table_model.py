"""The prospect list as a table model over paged SQL (never the whole book in memory).

Filtering and sorting happen in SQL through ``ProspectService.page``; the model holds the
pages fetched so far and asks for the next one when the view scrolls near the end
(``canFetchMore``/``fetchMore``, as in Qt for Python's fetchmore example). Every query runs
in the background; a generation counter discards results of queries that were replaced
while they ran (the user typed another letter, clicked another column).

Scrolling to the end of a 100,000-prospect book leaves 100,000 rows here, so each is kept
as one flat tuple of strings, dates and flags (the row's fields, then its display texts),
made on the worker that read the page. Such a tuple holds nothing the cyclic garbage
collector follows, so the collector stops tracking it the first time it looks at it: the
rows add no work to the collections that run while the user scrolls. As objects, every full
collection would walk all of them, long enough to freeze a frame.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon

from crm.domain.query import ProspectFilter, Sort, SortColumn
from crm.services.records import ProspectRow
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex

_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_DECORATION = Qt.ItemDataRole.DecorationRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ID = ID_ROLE.value
_ANSWERED = frozenset(
    {_DISPLAY, _DECORATION, _TOOLTIP, _FOREGROUND, _ID, Qt.ItemDataRole.UserRole.value + 1}
)


translate = QCoreApplication.translate


@dataclass(frozen=True)
class Column:
    sort: SortColumn
    title: str  # English source text; translated when shown


COLUMNS: tuple[Column, ...] = (
    Column(SortColumn.NAME, "Name"),
    Column(SortColumn.USCC, "USCC"),
    Column(SortColumn.STAGE, "Stage"),
    Column(SortColumn.RM, "RM"),
    Column(SortColumn.DISTRICT, "District"),
    Column(SortColumn.INDUSTRY, "Industry"),
    Column(SortColumn.LAST_CONTACT, "Last contact"),
    Column(SortColumn.STAGE_SINCE, "Stage since"),
)


_STAGE_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.STAGE)
_RM_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.RM)
_CONTACT_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.LAST_CONTACT)
_INDUSTRY_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.INDUSTRY)
_SINCE_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.STAGE_SINCE)


def column_title(column: Column) -> str:
    return {
        "Name": translate("ProspectTableModel", "Name"),
        "USCC": translate("ProspectTableModel", "USCC"),
        "Stage": translate("ProspectTableModel", "Stage"),
        "RM": translate("ProspectTableModel", "RM"),
        "District": translate("ProspectTableModel", "District"),
        "Industry": translate("ProspectTableModel", "Industry"),
        "Last contact": translate("ProspectTableModel", "Last contact"),
        "Stage since": translate("ProspectTableModel", "Stage since"),
    }[column.title]


# A stored row: ProspectRow's fields in order, then one display text per column, then the
# local day the prospect entered its stage, whether it is unassigned, never contacted.
Stored = tuple[Any, ...]

_FIELDS = tuple(f.name for f in dataclasses.fields(ProspectRow))
_values = operator.attrgetter(*_FIELDS)
_AT_ID = _FIELDS.index("id")
_AT_SORT_KEY = _FIELDS.index("sort_key")
_AT_SHORT_NAME = _FIELDS.index("short_name")
_AT_STAGE = _FIELDS.index("stage")
_AT_RM_NAME = _FIELDS.index("rm_name")
# Fields whose values repeat across rows (a few kinds, stages, RMs, districts, industries,
# days): a row holds the one shared object of its value, not the copy its database row
# made (about 7 strings of 50–90 bytes a row: some 40 MB on 100,000 rows).
_SHARED = tuple(
    _FIELDS.index(name)
    for name in (
        "kind",
        "stage",
        "rm_id",
        "rm_name",
        "district_code",
        "district_name",
        "industry_code",
        "last_contact_on",
    )
)
_TEXT = len(_FIELDS)  # the first column's display text
_STAGE_DAY = _TEXT + len(COLUMNS)
_UNASSIGNED = _STAGE_DAY + 1
_NEVER = _STAGE_DAY + 2


def _prospect(stored: Stored) -> ProspectRow:
    return ProspectRow(*stored[:_TEXT])


class _Shaper:
    """Turns service rows into stored rows; runs on the worker that read them.

    Display labels repeat across rows (a few stages, districts, industries, days): each is
    made once and shared. The cache is a plain dict written under the GIL; two workers
    making the same label at once both make the same text.
    """

    def __init__(self, ui: UiContext) -> None:
        self.ui = ui
        self._labels: dict[tuple[str, str], str] = {}
        self._days: dict[date, str] = {}
        self._shared: dict[object, object] = {}

    def rows(self, rows: list[ProspectRow]) -> list[Stored]:
        """The rows shaped; only the last keeps its sort key (the next page is sought after
        it): 100,000 keys of pinyin and name held for nothing would be tens of MB. The
        short names are left out too (the list shows registered names; 9 MB)."""
        zone = self.ui.zone
        shaped = [self._row(r, zone, keep_key=False) for r in rows[:-1]]
        shaped.extend(self._row(r, zone) for r in rows[-1:])
        return shaped

    def _label(self, kind: str, code: str | None, make: Callable[..., str], *args: Any) -> str:
        key = (kind, code or "")
        text = self._labels.get(key)
        if text is None:
            text = self._labels[key] = make(*args)
        return text

    def _day(self, value: date) -> str:
        # A page holds a few dozen distinct days: format each once.
        text = self._days.get(value)
        if text is None:
            text = self._days[value] = fmt.day(value)
        return text

    def _district(self, code: str | None, name: str | None) -> str:
        return labels.district(self.ui.district(code), name)

    def _row(self, r: ProspectRow, zone: ZoneInfo, keep_key: bool = True) -> Stored:
        stage_day = fmt.local(r.stage_changed_at, zone).date()
        contact = r.last_contact_on
        values = list(_values(r))
        shared = self._shared
        for at in _SHARED:
            value = values[at]
            values[at] = shared.setdefault(value, value)
        values[_AT_SHORT_NAME] = ""
        if not keep_key:
            values[_AT_SORT_KEY] = ""
        return (
            *values,
            r.name,
            r.uscc or "",
            self._label("stage", r.stage, labels.stage, r.stage),
            values[_AT_RM_NAME] or self._label("rm", None, _unassigned),
            self._label(
                "district", r.district_code, self._district, r.district_code, r.district_name
            ),
            self._label("industry", r.industry_code, labels.industry, r.industry_code),
            self._label("never", None, _never) if contact is None else self._day(contact),
            self._day(stage_day),
            stage_day,
            r.rm_name is None,
            contact is None,
        )


class ProspectTableModel(QAbstractTableModel):
    loadingChanged = Signal(bool)
    totalChanged = Signal(int)
    # A new query's first page is in (after a filter or sort change).
    reloaded = Signal()

    def __init__(
        self, ui: UiContext, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.page_size = page_size
        self._filter = ProspectFilter()
        self._sort = Sort()
        self._rows: list[Stored] = []
        self._shaper = _Shaper(ui)
        self._total: int | None = None
        self._exhausted = True
        self._generation = 0
        self._fetching = False
        self._loading = False
        self._asking = False  # a first-page query is running
        self._search_prepared = False
        self._started = False  # no query before the owner sets the first filter
        self.muted_colour = QColor("#8a93a0")
        # A colour, not a QBrush: Qt's delegates take either, and making the first QBrush
        # loads QGradient's 180 presets as a Python enum (2 ms before the first frame).
        self._muted = self.muted_colour

    # -- the query -------------------------------------------------------------------------

    @property
    def filter(self) -> ProspectFilter:
        return self._filter

    @property
    def sort_order(self) -> Sort:
        return self._sort

    @property
    def total(self) -> int | None:
        """How many prospects match (None while counting)."""
        return self._total

    @property
    def loading(self) -> bool:
        return self._loading

    def set_query(self, flt: ProspectFilter, sort: Sort | None = None) -> None:
        self._filter = flt
        if sort is not None:
            self._sort = sort
        self.reload()

    def reload(self) -> None:
        """Ask for the first page and the count again; older answers are dropped.

        At most one first-page query runs at a time: asked again while one runs (the user
        types faster than the book answers), the model waits for it and then asks once for
        the newest query, so typing never piles up stale queries in the pool.
        """
        self._started = True
        self._generation += 1
        self._fetching = False
        look = self.ui.take_first_look(self._filter, self._sort)
        if look is not None:
            # The window opened from the book's first look: these rows are this query's.
            self._apply_first_page(self._generation, self._shaper.rows(look.rows), count=False)
            self._apply_total(self._generation, look.total)
            return
        self._set_loading(True)
        if not self._asking:
            self._ask_first_page()

    def _ask_first_page(self) -> None:
        generation = self._generation
        flt, sort, limit = self._filter, self._sort, self.page_size
        ui, shape = self.ui, self._shaper.rows
        self._asking = True
        self.ui.tasks.read(
            self,
            lambda: shape(ui.services.prospects.page(flt, sort, 0, limit)),
            lambda rows: self._apply_first_page(generation, rows),
            lambda _err: self._first_page_failed(generation),
        )

    def _ask_total(self, generation: int) -> None:
        # Counted after the rows are in: run side by side, the count would slow the page
        # the user is waiting for.
        flt = self._filter
        ui = self.ui
        self.ui.tasks.read(
            self,
            lambda: ui.services.prospects.count(flt),
            lambda total: self._apply_total(generation, total),
            lambda _err: None,
        )

    def refresh(self) -> None:
        """Re-read the rows already shown (after an edit), keeping selection where possible."""
        self._generation += 1
        generation = self._generation
        flt, sort = self._filter, self._sort
        limit = max(len(self._rows), self.page_size)
        ui, shape = self.ui, self._shaper.rows
        self._fetching = False
        self.ui.tasks.read(
            self,
            lambda: (
                shape(ui.services.prospects.page(flt, sort, 0, limit)),
                ui.services.prospects.count(flt),
            ),
            lambda result: self._apply_refresh(generation, limit, *result),
            lambda _err: self._failed(generation),
        )

    # -- answers ---------------------------------------------------------------------------

    def _apply_first_page(self, generation: int, rows: list[Stored], count: bool = True) -> None:
        self._asking = False
        if generation != self._generation:
            self._ask_first_page()
            return
        if not self._search_prepared:
            self._search_prepared = True
            ui = self.ui
            self.ui.tasks.read(
                self,
                # After the services load (behind a window opened from the first look,
                # once it has painted): asking for them here would start the loading now.
                lambda: ui.services_when_loaded().prospects.prepare_search(),
                lambda _r: None,
                lambda _e: None,
            )
        self.beginResetModel()
        self._rows = rows
        self._exhausted = len(rows) < self.page_size
        self.endResetModel()
        self._set_loading(False)
        self.reloaded.emit()
        if count:
            self._ask_total(generation)

    def _apply_total(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self._total = total
        self.totalChanged.emit(total)

    def _apply_refresh(self, generation: int, limit: int, rows: list[Stored], total: int) -> None:
        if generation != self._generation:
            return
        same_ids = [r[_AT_ID] for r in rows] == [r[_AT_ID] for r in self._rows]
        if same_ids and rows:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
        else:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
        self._exhausted = len(rows) < limit
        self._total = total
        self.totalChanged.emit(total)
        self.reloaded.emit()

    def _first_page_failed(self, generation: int) -> None:
        self._asking = False
        if generation != self._generation:
            self._ask_first_page()
        else:
            self._failed(generation)

    def _failed(self, generation: int) -> None:
        if generation == self._generation:
            self._fetching = False
            self._set_loading(False)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loadingChanged.emit(loading)

    # -- paging ----------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching or not self.canFetchMore(parent):
            return
        self._fetching = True
        generation = self._generation
        offset = len(self._rows)
        flt, sort, limit = self._filter, self._sort, self.page_size
        ui, shape = self.ui, self._shaper.rows
        # The next page is sought right after the last row (by name, an index seek; by
        # another column, SQLite keeps a page of ids while it sorts): an offset walks or
        # sorts everything before it, slower the deeper the user scrolls. By RM, the walk
        # RM by RM pages by offset.
        after: tuple[str, str] | None = None
        skip = offset
        if sort.column is not SortColumn.RM and self._rows:
            last = self._rows[-1]
            after, skip = (last[_AT_SORT_KEY], last[_AT_ID]), 0

        def fetch() -> list[Stored]:
            page = ui.services.prospects.page
            try:
                return shape(page(flt, sort, skip, limit, after))
            except KeyError:  # the last row shown is gone (deleted meanwhile)
                return shape(page(flt, sort, offset, limit))

        self.ui.tasks.read(
            self,
            fetch,
            lambda rows: self._apply_more(generation, offset, rows),
            lambda _err: self._failed(generation),
        )

    def _apply_more(self, generation: int, offset: int, rows: list[Stored]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._fetching = False
        self._exhausted = len(rows) < self.page_size
        if not rows:
            return
        first = len(self._rows)
        # beginInsertRows takes the inclusive last row.
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    # -- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column_title(COLUMNS[section])
        return None

    # flags() is not overridden: the base class already answers enabled and selectable, and a
    # Python override costs a call per painted cell.

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every painted cell (thousands of times a frame while
        # scrolling): plain int comparisons, roles we never answer leave first.
        if role not in _ANSWERED:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        stored = self._rows[row]
        if role == _DISPLAY:
            return stored[_TEXT + index.column()]
        if role == _FOREGROUND:
            col = index.column()
            if (col == _RM_COL and stored[_UNASSIGNED]) or (col == _CONTACT_COL and stored[_NEVER]):
                return self._muted
            return None
        if role == _DECORATION:
            return self._stage_icon(stored[_AT_STAGE]) if index.column() == _STAGE_COL else None
        if role == _TOOLTIP:
            return self._tooltip(row, index.column()) or None
        if role == _ID:
            return stored[_AT_ID]
        return _prospect(stored)  # ROW_ROLE

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role a cell is painted with, in one call.

        The item delegate asks seven roles of each painted cell in one ``multiData`` call,
        which the base class would answer with seven calls to ``data()``, each a C++ to
        Python crossing; here it is one. Answers what ``data()`` answers.
        """
        # The span is a sequence (__len__, __getitem__); its stubs do not say so.
        spans = cast(
            "Iterable[QModelRoleData]",
            (roleDataSpan,) if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan,
        )
        row = index.row()
        if not 0 <= row < len(self._rows):
            for wanted in spans:
                wanted.clearData()
            return
        stored = self._rows[row]
        col = index.column()
        for wanted in spans:
            role = wanted.role()
            if role == _DISPLAY:
                wanted.setData(stored[_TEXT + col])
            elif role not in _ANSWERED:
                wanted.clearData()
            elif role == _FOREGROUND:
                muted = (col == _RM_COL and stored[_UNASSIGNED]) or (
                    col == _CONTACT_COL and stored[_NEVER]
                )
                wanted.setData(self._muted if muted else None)
            elif role == _DECORATION:
                wanted.setData(self._stage_icon(stored[_AT_STAGE]) if col == _STAGE_COL else None)
            else:  # tooltips and the row itself: seldom, never while painting
                wanted.setData(self.data(index, role))

    def cell(self, row: int, col: int) -> tuple[str, bool, str | None]:
        """What the list's delegate paints: text, muted or not, and the stage of its dot.

        One Python call a painted cell, with no ``QVariant`` made for any role."""
        stored = self._rows[row]
        if col == _STAGE_COL:
            return stored[_TEXT + col], False, stored[_AT_STAGE]
        muted = (col == _RM_COL and stored[_UNASSIGNED]) or (col == _CONTACT_COL and stored[_NEVER])
        return stored[_TEXT + col], muted, None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        wanted = Sort(COLUMNS[column].sort, order == Qt.SortOrder.DescendingOrder)
        if wanted == self._sort:
            return
        self._sort = wanted
        if self._started:
            self.reload()

    # -- helpers ---------------------------------------------------------------------------

    def row_at(self, row: int) -> ProspectRow:
        return _prospect(self._rows[row])

    def rows(self) -> list[ProspectRow]:
        return [_prospect(r) for r in self._rows]

    def row_of(self, prospect_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r[_AT_ID] == prospect_id), -1)

    @staticmethod
    def _stage_icon(code: str) -> QIcon:
        return labels.stage_icon(code)

    def _tooltip(self, row: int, col: int) -> str:
        """Made when the pointer rests on a cell, not for every row that arrives."""
        stored = self._rows[row]
        r = _prospect(stored)
        if col == 0:
            return f"{r.name}\n{labels.kind(r.kind)} · {r.owner_name}" if r.owner_name else r.name
        if col == _INDUSTRY_COL:
            return labels.industry_long(r.industry_code) if r.industry_code else ""
        if col == _CONTACT_COL:
            return _ago(self.ui.today(), r.last_contact_on)
        if col == _SINCE_COL:
            in_stage = (self.ui.today() - stored[_STAGE_DAY]).days
            return translate("ProspectTableModel", "{days} in this stage").format(
                days=fmt.days(in_stage)
            )
        return ""


def _unassigned() -> str:
    return translate("ProspectTableModel", "Unassigned")


def _never() -> str:
    return translate("ProspectTableModel", "Never")


def _ignore(_result: object) -> None:
    pass


def _ago(today: date, then: date | None) -> str:
    if then is None:
        return ""
    return translate("ProspectTableModel", "{days} ago").format(days=fmt.days((today - then).days))
