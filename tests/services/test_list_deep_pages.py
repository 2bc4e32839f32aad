"""Pages deep in the list, read without sorting or walking everything before them.

Sorted by RM: read RM by RM in index order when many prospects match, sorted whole when few
do. Sorted by name: the page after a given row, sought by the index. Each way must give the
same rows in the same order as the plain query, page by page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import cycle
from pathlib import Path
from typing import Any

import pytest
from service_helpers import CHANCHENG, NANHAI, RM1, RM2, T0, TEAM_ID, Clock, draft, open_copy
from sqlalchemy import event, update

from crm.domain.query import UNASSIGNED, ProspectFilter, Sort, SortColumn
from crm.services.context import Context
from crm.services.prospects import ProspectService
from crm.store import queries, search
from crm.store.engine import Database
from crm.store.models import Prospect, User

# A second 李强: two RMs who share a name must keep their prospects apart.
RM3 = "0190f000-0000-7000-8000-000000000004"
NAMES = ("佛山市南海五金制品厂", "顺德陶瓷贸易有限公司", "高明家具厂", "三水五金店", "禅城餐饮店")
OWNERS = (RM1, RM2, RM3, None, RM2, RM1, None)
TODAY = T0.date()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> Iterator[Database]:
    db = open_copy(seeded_template, tmp_path_factory.mktemp("by_rm") / "crm.db")
    with db.transaction() as s:
        s.add(
            User(
                id=RM3,
                username="liqiang2",
                display_name="李强",
                role="rm",
                team_id=TEAM_ID,
                phone="",
                active=True,
                created_at=T0,
            )
        )
    svc = ProspectService(Context(db, actor_id=RM1, clock=Clock()))
    owners = cycle(OWNERS)
    # Names repeat, so the order within an RM also rests on the id.
    made = [svc.create(draft(NAMES[n % len(NAMES)]), rm_id=next(owners)).id for n in range(35)]
    # Districts, industries, stages and last contacts repeat, some NULL (a test's fixture
    # setting what the orders other than by name or RM sort by).
    with db.transaction() as s:
        for n, pid in enumerate(made):
            s.execute(
                update(Prospect)
                .where(Prospect.id == pid)
                .values(
                    district_code=(CHANCHENG, NANHAI, None)[n % 3],
                    industry_code="33" if n % 4 == 0 else None,
                    stage=("no_loan", "first_loan", "strategic", "dropped")[n % 4],
                    last_contact_on=date(2026, 11, 1 + n % 5) if n % 2 == 0 else None,
                )
            )
    yield db
    db.close()


def _sorted_whole(db: Database, flt: ProspectFilter, sort: Sort) -> list[Any]:
    with db.reading() as s:
        stmt = queries.list_statement(flt, sort, TODAY, ())
        return list(s.execute(stmt, queries._fts_params(flt)).all())


def _walked(db: Database, flt: ProspectFilter, sort: Sort, offset: int, limit: int) -> list[Any]:
    with db.reading() as s:
        return queries.page_by_rm_walk(s, flt, sort, offset, limit, TODAY)


FILTERS = [
    ProspectFilter(),
    ProspectFilter(rm_ids=(RM2, UNASSIGNED)),
    ProspectFilter(rm_ids=(UNASSIGNED,)),
    ProspectFilter(rm_ids=(RM1, RM3)),
    ProspectFilter(text="五金"),
    ProspectFilter(text="zzzz"),
]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: repr(f.rm_ids or f.text or "all"))
def test_walking_rm_by_rm_pages_like_the_whole_sort(
    book: Database, flt: ProspectFilter, descending: bool
) -> None:
    sort = Sort(SortColumn.RM, descending)
    whole = _sorted_whole(book, flt, sort)
    for limit in (1, 4, 100):
        pages = [_walked(book, flt, sort, offset, limit) for offset in range(0, 40, limit)]
        assert [r.id for page in pages for r in page] == [r.id for r in whole], limit
    assert _walked(book, flt, sort, len(whole), 5) == []


NARROW = [
    c for c in SortColumn if c not in (SortColumn.NAME, SortColumn.RM)
]  # the sorts no index serves


def test_every_sort_no_index_serves_is_read_narrow() -> None:
    assert set(NARROW) == queries._SORTED_NARROW


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: repr(f.rm_ids or f.text or "all"))
@pytest.mark.parametrize("column", NARROW, ids=lambda c: c.name)
def test_sorting_the_ids_first_pages_like_the_whole_sort(
    book: Database, flt: ProspectFilter, column: SortColumn, descending: bool
) -> None:
    """Names, districts, stages and times repeat here, so each page rests on the ties'
    order (sort key, then id) being the same in the ids' sort and in the rows'."""
    sort = Sort(column, descending)
    whole = [r.id for r in _sorted_whole(book, flt, sort)]
    for limit in (1, 4, 100):
        with book.reading() as s:
            pages = [
                queries.page(s, flt, sort, offset, limit, TODAY) for offset in range(0, 40, limit)
            ]
        assert [r.id for page in pages for r in page] == whole, limit
        assert all(len(set(page[0])) > 1 for page in pages if page)  # whole rows, not ids


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
def test_the_order_is_rm_name_then_rm_then_name_with_the_unassigned_last(
    book: Database, descending: bool
) -> None:
    rows = _walked(book, ProspectFilter(), Sort(SortColumn.RM, descending), 0, 100)
    assigned = [r for r in rows if r.assigned_rm_id is not None]
    # Within an RM's book, names by pinyin (the sort key).
    key = [(r.rm_name, r.assigned_rm_id, r.sort_key, r.id) for r in assigned]
    assert key == sorted(key, reverse=descending)
    assert rows[len(assigned) :] == [r for r in rows if r.assigned_rm_id is None]
    assert {r.assigned_rm_id for r in assigned} == {RM1, RM2, RM3}
    unassigned = [(r.sort_key, r.id) for r in rows[len(assigned) :]]
    assert unassigned == sorted(unassigned, reverse=descending)


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
def test_the_walk_reads_indexes_in_order_and_sorts_nothing(
    book: Database, descending: bool
) -> None:
    """The migration's indexes are what make the walk cheap: SQLite must use them."""
    sent: list[tuple[str, Any]] = []

    def listen(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(book.engine, "before_cursor_execute", listen)
    try:
        _walked(book, ProspectFilter(), Sort(SortColumn.RM, descending), 0, 5)
    finally:
        event.remove(book.engine, "before_cursor_execute", listen)
    with book.reading() as s:
        conn = s.connection()
        steps = [
            str(step[3])
            for statement, parameters in sent
            if statement.lstrip().startswith("SELECT")
            for step in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        ]
    assert steps[:2] == [
        "SCAN rm USING COVERING INDEX ix_users_display_name",
        "SEARCH prospects USING INDEX ix_prospects_rm_sort_key (assigned_rm_id=?)",
    ], steps
    assert not any("TEMP B-TREE" in step for step in steps), steps


def test_the_service_walks_when_many_match_and_gives_the_same_page(book: Database) -> None:
    svc = ProspectService(Context(book, actor_id=RM1, clock=Clock()))
    sort = Sort(SortColumn.RM)
    with book.reading() as s:
        assert not queries._matches_at_least(s, ProspectFilter(), TODAY, (), 36)
        assert queries._matches_at_least(s, ProspectFilter(), TODAY, (), 35)
    walked = [r.id for r in _walked(book, ProspectFilter(), sort, 0, 100)]
    assert [r.id for r in svc.page(ProspectFilter(), sort, 0, 100)] == walked


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize(
    "flt",
    [ProspectFilter(), ProspectFilter(rm_ids=(RM2, UNASSIGNED)), ProspectFilter(text="五金")],
    ids=["all", "rm", "text"],
)
def test_the_page_after_a_row_follows_it_as_offsets_do(
    book: Database, flt: ProspectFilter, descending: bool
) -> None:
    """Names (and so sort keys) repeat here, so the seek must go on by id within a key."""
    svc = ProspectService(Context(book, actor_id=RM1, clock=Clock()))
    sort = Sort(SortColumn.NAME, descending)
    whole = [r.id for r in svc.page(flt, sort, 0, 100)]
    assert len(whole) > 8
    for limit in (1, 3, 7):
        seen = svc.page(flt, sort, 0, limit)
        while True:
            more = svc.page(flt, sort, 0, limit, after=(seen[-1].sort_key, seen[-1].id))
            if not more:
                break
            seen += more
        assert [r.id for r in seen] == whole, limit


def test_a_list_sorted_by_rm_pages_by_offset_only(book: Database) -> None:
    svc = ProspectService(Context(book, actor_id=RM1, clock=Clock()))
    with pytest.raises(ValueError):
        svc.page(ProspectFilter(), Sort(SortColumn.RM), 0, 5, after=("高明家具厂", "x"))


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: repr(f.rm_ids or f.text or "all"))
@pytest.mark.parametrize("column", NARROW, ids=lambda c: c.name)
def test_the_page_after_a_row_follows_it_in_every_other_order(
    book: Database, flt: ProspectFilter, column: SortColumn, descending: bool
) -> None:
    """Sorted by a column no index serves, the next page is sought after the last row
    shown (its place read by its id): the same rows as the whole sort, NULLs and ties
    (districts, stages, times and names repeat here) included."""
    sort = Sort(column, descending)
    whole = [r.id for r in _sorted_whole(book, flt, sort)]
    for limit in (1, 3, 7):
        with book.reading() as s:
            seen = list(queries.page(s, flt, sort, 0, limit, TODAY))
            while seen:
                more = queries.page(
                    s, flt, sort, 0, limit, TODAY, after=(seen[-1].sort_key, seen[-1].id)
                )
                if not more:
                    break
                seen += more
        assert [r.id for r in seen] == whole, limit


def test_the_page_after_a_row_that_is_gone_is_refused(book: Database) -> None:
    with book.reading() as s, pytest.raises(KeyError):
        queries.page(s, ProspectFilter(), Sort(SortColumn.STAGE), 0, 5, TODAY, after=("", "x"))


@pytest.mark.parametrize(
    "flt",
    [ProspectFilter(text="五金"), ProspectFilter(rm_ids=(RM1, RM2, UNASSIGNED))],
    ids=["search", "lead"],
)
def test_a_walk_by_name_tests_each_row_from_the_name_index(book: Database, flt) -> None:
    """A search or a lead's scope walked in name order keeps or skips each row by columns
    the walked index holds (revision 0019), so SQLite reads a prospect's row only for those
    it keeps: before, a common search read thousands of rows from the table for a page."""
    sort = Sort(SortColumn.NAME)
    in_order = "fts_query" in queries._fts_params(flt)
    sent: list[tuple[str, Any]] = []

    def listen(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(book.engine, "before_cursor_execute", listen)
    try:
        with book.reading() as s:
            stmt = queries.list_statement(flt, sort, TODAY, (), in_order=in_order).limit(5)
            rows = s.execute(stmt, queries._fts_params(flt)).all()
    finally:
        event.remove(book.engine, "before_cursor_execute", listen)
    with book.reading() as s:
        conn = s.connection()
        statement, parameters = sent[-1]
        plan = [
            str(step[3])
            for step in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        ]
        index = conn.exec_driver_sql("PRAGMA index_info(ix_prospects_sort_key)")
        held = {str(r[2]) for r in index}
    assert plan[0] == "SCAN prospects USING INDEX ix_prospects_sort_key", plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
    assert {"sort_key", "id", "search_rowid", "assigned_rm_id"} <= held
    assert [r.id for r in rows] == [r.id for r in _sorted_whole(book, flt, sort)][:5]


@pytest.mark.parametrize("typed", ["f", "s", "w"])
def test_one_letter_or_digit_is_walked_in_name_order_without_a_count(
    book: Database, typed: str
) -> None:
    """One Latin letter or digit matches most of a book: the page walks the name index
    without the capped count first (FTS5 merges the prefix's every term for it, as long as
    the page itself takes), and gives the rows the whole sorted list starts with."""
    flt = ProspectFilter(text=typed)
    expression = queries._fts_params(flt)["fts_query"]
    with book.reading() as s:
        counted = s.connection().exec_driver_sql(
            "SELECT count(*) FROM prospect_search WHERE prospect_search MATCH ?", (expression,)
        )
        matches = int(counted.scalar_one())
        assert search.probe(s.connection(), expression, 2000) == 2000 > matches > 0
        rows = queries.page(s, flt, Sort(SortColumn.NAME), 0, 10, TODAY)
    whole = _sorted_whole(book, flt, Sort(SortColumn.NAME))
    assert [r.id for r in rows] == [r.id for r in whole][:10]
    assert len(whole) == matches
