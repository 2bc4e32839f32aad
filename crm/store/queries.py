"""Prospect list queries: filters, sorting and paging in SQL, never in Python."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import (
    Select,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlalchemy.sql.selectable import Join

from crm.domain.query import UNASSIGNED, ProspectFilter, Sort, SortColumn
from crm.store import search
from crm.store.models import District, Prospect, ProspectTag, SourceMembership, User

RM = aliased(User, name="rm")

_STAGE_ORDER = case(
    {"no_loan": 0, "first_loan": 1, "strategic": 2, "dropped": 3}, value=Prospect.stage
)


# Above this many text matches a page sorted by name is found faster by walking the name
# index than by sorting every match; below it, sorting the few matches wins. The same holds
# for a page sorted by RM, walked RM by RM.
SCAN_IN_ORDER_FROM = 2000


class _CrossJoin(Join):
    """An inner join SQLite must run in the written order: the planner never reorders the
    tables of a CROSS JOIN. Without it, SQLite drives a page sorted by RM from the
    prospects and sorts every match, because it cannot see that reading the RMs in name
    order and each RM's prospects by name (index ix_prospects_rm_sort_key) needs no sort."""

    inherit_cache = True


@compiles(_CrossJoin)
def _cross_join(join: _CrossJoin, compiler: SQLCompiler, **kw: Any) -> str:
    # The left side is a plain aliased table, so the first " JOIN " is this join's own.
    visit_join = cast(Callable[..., str], compiler.visit_join)  # untyped in SQLAlchemy
    rendered = visit_join(join, **kw)
    return rendered.replace(" JOIN ", " CROSS JOIN ", 1)


def _conditions(
    flt: ProspectFilter,
    today: date,
    industry_codes: Sequence[str],
    in_order: bool = False,
    rms_in_order: bool = False,
) -> list[Any]:
    conds: list[Any] = []
    if flt.stages:
        conds.append(Prospect.stage.in_(flt.stages))
    if flt.rm_ids and rms_in_order:
        # Several RMs' books (a team lead's scope) sorted by name: written so that no index
        # serves it, SQLite walks the sort-key index and stops after a page instead of
        # reading every book of the team by an RM index and sorting it (a page of eight
        # RMs' books and the pool on the 100,000-prospect book: 674 → 10 ms; of two RMs'
        # books: 146 → 11 ms). UNASSIGNED is "", as ifnull makes it.
        conds.append(func.ifnull(Prospect.assigned_rm_id, UNASSIGNED).in_(flt.rm_ids))
    elif flt.rm_ids:
        named = [r for r in flt.rm_ids if r != UNASSIGNED]
        parts: list[Any] = []
        if named:
            parts.append(Prospect.assigned_rm_id.in_(named))
        if UNASSIGNED in flt.rm_ids:
            parts.append(Prospect.assigned_rm_id.is_(None))
        conds.append(or_(*parts))
    if flt.districts:
        conds.append(Prospect.district_code.in_(flt.districts))
    if flt.industries:
        conds.append(Prospect.industry_code.in_(industry_codes) if industry_codes else false())
    if flt.sources:
        conds.append(
            exists().where(
                SourceMembership.prospect_id == Prospect.id,
                SourceMembership.source_code.in_(flt.sources),
            )
        )
    if flt.tags:
        conds.append(
            exists().where(
                ProspectTag.prospect_id == Prospect.id, ProspectTag.tag_code.in_(flt.tags)
            )
        )
    if flt.no_contact_days is not None:
        cutoff = today - timedelta(days=flt.no_contact_days)
        conds.append(or_(Prospect.last_contact_on.is_(None), Prospect.last_contact_on <= cutoff))
    if flt.text.strip():
        expression = search.match_expression(flt.text)
        if expression is None:
            conds.append(false())
        else:
            matches = search.matching_rowids_sql()
            if in_order:
                # The unary + keeps SQLite from driving the query by the matches, so it walks
                # the name index and stops after a page.
                conds.append(text(f"+prospects.search_rowid IN ({matches})"))
            else:
                conds.append(Prospect.search_rowid.in_(text(matches)))
    return conds


def _fts_params(flt: ProspectFilter) -> dict[str, Any]:
    expression = search.match_expression(flt.text) if flt.text.strip() else None
    return {"fts_query": expression} if expression else {}


# The sorts no index serves whose column may be NULL: they sort last whichever the
# direction (the RM sort does so in _order).
_NULLABLE = {
    SortColumn.USCC,
    SortColumn.DISTRICT,
    SortColumn.INDUSTRY,
    SortColumn.LAST_CONTACT,
}


# One term of an order: the expression, descending or not, and where its NULLs fall
# ("first", "last", or "" for a column that is never NULL), as SQLite orders them.
_Term = tuple[Any, bool, str]


def _order_terms(sort: Sort) -> list[_Term]:
    """The order of a list sorted by a column no index serves (``_SORTED_NARROW``), term
    by term: what :func:`_order` sorts by and :func:`_seek_after` seeks in."""
    if sort.column is SortColumn.STALLED:
        by_time: list[_Term] = [
            (Prospect.stage_changed_at, False, ""),
            (Prospect.sort_key, False, "first"),
            (Prospect.id, False, ""),
        ]
        if sort.stalled_before is None or sort.quiet_on is None:
            return by_time
        return [(_stalled(sort.stalled_before, sort.quiet_on), False, ""), *by_time]
    column: Any = {
        SortColumn.USCC: Prospect.uscc,
        SortColumn.STAGE: _STAGE_ORDER,
        SortColumn.DISTRICT: District.name,
        SortColumn.INDUSTRY: Prospect.industry_code,
        SortColumn.LAST_CONTACT: Prospect.last_contact_on,
        SortColumn.STAGE_SINCE: Prospect.stage_changed_at,
        SortColumn.UPDATED: Prospect.updated_at,
    }[sort.column]
    down = sort.descending
    # A NULL sorts last either way (ascending says so; descending does it by itself); the
    # tie's sort key keeps SQLite's own place for NULL: first ascending, last descending.
    return [
        (column, down, "last" if sort.column in _NULLABLE else ""),
        (Prospect.sort_key, down, "last" if down else "first"),
        (Prospect.id, False, ""),
    ]


def _ordered(terms: list[_Term]) -> list[Any]:
    out = []
    for expr, down, nulls in terms:
        term = expr.desc() if down else expr.asc()
        out.append(term.nulls_last() if nulls == "last" and not down else term)
    return out


def _seek_after(terms: list[_Term], anchor: Sequence[Any]) -> Any:
    """The rows that come after the row whose order values are ``anchor`` (the last
    term, the id, is unique, so no row is both)."""
    clause: Any = false()
    for (column, down, nulls), value in reversed(list(zip(terms, anchor, strict=True))):
        # Compared as "+column": an index on it would have SQLite fetch half the book's
        # rows one by one (last contact, changed: 163 ms against 40 ms by a plain scan).
        expr = UnaryExpression(column, operator=custom_op("+"), type_=column.type)
        after: Any
        if value is None:
            after = expr.is_not(None) if nulls == "first" else false()
            same = expr.is_(None)
        else:
            after = expr < value if down else expr > value
            if nulls == "last":
                after = or_(after, expr.is_(None))
            same = expr == value
        clause = or_(after, and_(same, clause))
    return clause


def _order(sort: Sort) -> list[Any]:
    if sort.column in _SORTED_NARROW:
        return _ordered(_order_terms(sort))
    down = sort.descending
    if sort.column is SortColumn.NAME:
        # Chinese names by pinyin (crm.domain.pinyin.sort_key), read from its index.
        key = Prospect.sort_key.desc() if down else Prospect.sort_key.asc()
        return [key, Prospect.id.desc() if down else Prospect.id]
    # By RM, the unassigned (NULL) last either way, in the order of ix_users_display_name,
    # then of ix_prospects_rm_sort_key: two RMs who share a name keep their prospects apart.
    primary = RM.display_name.desc() if down else RM.display_name.asc().nulls_last()
    rest = (RM.id, Prospect.sort_key, Prospect.id)
    return [primary, *(c.desc() if down else c for c in rest)]


def _stalled(stalled_before: Any, quiet_on: Any) -> Any:
    """0 for a stalled prospect (in its stage since before ``stalled_before``, no contact
    since ``quiet_on``, not dropped), else 1: stalled ones first, then the longest in their
    stage (then by name)."""
    return case(
        (
            and_(
                Prospect.stage != "dropped",
                Prospect.stage_changed_at < stalled_before,
                or_(Prospect.last_contact_on.is_(None), Prospect.last_contact_on <= quiet_on),
            ),
            0,
        ),
        else_=1,
    )


_COLUMNS = (
    Prospect.id,
    Prospect.name,
    Prospect.uscc,
    Prospect.kind,
    Prospect.stage,
    Prospect.owner_name,
    Prospect.phone,
    Prospect.assigned_rm_id,
    RM.display_name.label("rm_name"),
    Prospect.district_code,
    District.name.label("district_name"),
    Prospect.industry_code,
    Prospect.last_contact_on,
    Prospect.stage_changed_at,
    Prospect.updated_at,
    Prospect.short_name,
    Prospect.sort_key,
)


def list_statement(
    flt: ProspectFilter,
    sort: Sort,
    today: date,
    industry_codes: Sequence[str],
    in_order: bool = False,
) -> Select[*tuple[Any, ...]]:
    rms_in_order = sort.column is SortColumn.NAME and len(flt.rm_ids) > 1
    stmt: Select[*tuple[Any, ...]] = (
        select(*_COLUMNS)
        .outerjoin(RM, RM.id == Prospect.assigned_rm_id)
        .outerjoin(District, District.code == Prospect.district_code)
        .where(*_conditions(flt, today, industry_codes, in_order, rms_in_order))
        .order_by(*_order(sort))
    )
    return stmt


def page(
    session: Session,
    flt: ProspectFilter,
    sort: Sort,
    offset: int,
    limit: int,
    today: date,
    industry_codes: Sequence[str] = (),
    after: tuple[str, str] | None = None,
) -> Sequence[Any]:
    """``limit`` rows from ``offset``; with ``after`` (the sort key and id of a row already
    shown; any order but by RM), the rows that follow that row, from ``offset`` on.

    Sorted by name, paging by ``after`` seeks the name index wherever the row is; an
    offset walks it from the top, so each page deeper into a large book takes longer.
    Sorted by another column, the row's place in the order is read by its id (KeyError
    when it no longer exists), and SQLite keeps only a page of ids while it sorts."""
    if after is not None and sort.column is SortColumn.RM:
        raise ValueError("paging after a row needs the list sorted by another column than RM")
    params = _fts_params(flt)
    in_order = (
        sort.column is SortColumn.NAME
        and "fts_query" in params
        and search.probe(session.connection(), params["fts_query"], SCAN_IN_ORDER_FROM)
        >= SCAN_IN_ORDER_FROM
    )
    if sort.column is SortColumn.RM and _matches_at_least(
        session, flt, today, industry_codes, SCAN_IN_ORDER_FROM
    ):
        return page_by_rm_walk(session, flt, sort, offset, limit, today, industry_codes)
    if sort.column in _SORTED_NARROW:
        anchor = None
        if after is not None:
            anchor = _anchor(session, sort, after[1])
            if anchor is None:
                raise KeyError(after[1])  # the row to page after is gone
        return session.execute(
            _narrow_page(flt, sort, today, industry_codes, offset, limit, anchor), params
        ).all()
    stmt = list_statement(flt, sort, today, industry_codes, in_order)
    if after is not None:
        stmt = stmt.where(_after(after, sort.descending))
    return session.execute(stmt.offset(offset).limit(limit), params).all()


# Sorts no index serves: SQLite sorts every match. Sorting the ids alone and then reading
# the page's rows keeps the sorter's rows narrow: the first page of 100,000 by stage 445 →
# 34 ms, the page at 50,000 1.19 → 0.32 s (2026-12-05).
_SORTED_NARROW = {
    SortColumn.USCC,
    SortColumn.STAGE,
    SortColumn.DISTRICT,
    SortColumn.INDUSTRY,
    SortColumn.LAST_CONTACT,
    SortColumn.STAGE_SINCE,
    SortColumn.UPDATED,
    SortColumn.STALLED,
}


def _anchor(session: Session, sort: Sort, prospect_id: str) -> Sequence[Any] | None:
    """The order values of one row (None when it no longer exists)."""
    stmt = select(*(expr for expr, _down, _nulls in _order_terms(sort)))
    if sort.column is SortColumn.DISTRICT:
        stmt = stmt.outerjoin(District, District.code == Prospect.district_code)
    row = session.execute(stmt.where(Prospect.id == prospect_id)).one_or_none()
    return tuple(row) if row is not None else None


def _narrow_page(
    flt: ProspectFilter,
    sort: Sort,
    today: date,
    industry_codes: Sequence[str],
    offset: int,
    limit: int,
    anchor: Sequence[Any] | None = None,
) -> Select[*tuple[Any, ...]]:
    """The page of :func:`list_statement` at ``offset``, or at ``offset`` after the row
    whose order values are ``anchor``: its ids sorted and cut first (with the district's
    name when that is the order), then their rows, in the same order. After a row, SQLite
    keeps only a page's worth of ids while it sorts, however deep the row lies."""
    ids = select(Prospect.id)
    if sort.column is SortColumn.DISTRICT:
        ids = ids.outerjoin(District, District.code == Prospect.district_code)
    ids = ids.where(*_conditions(flt, today, industry_codes))
    if anchor is not None:
        ids = ids.where(_seek_after(_order_terms(sort), anchor))
    ids = ids.order_by(*_order(sort)).offset(offset).limit(limit)
    return (
        select(*_COLUMNS)
        .outerjoin(RM, RM.id == Prospect.assigned_rm_id)
        .outerjoin(District, District.code == Prospect.district_code)
        .where(Prospect.id.in_(ids.scalar_subquery()))
        .order_by(*_order(sort))
    )


def _after(row: tuple[str, str], descending: bool) -> Any:
    """The rows after ``row`` (sort key, id) in the order by name, then id."""
    key, pid = row
    # Spelt out rather than as a row value, so that SQLite seeks ix_prospects_sort_key (or
    # ix_prospects_stage_sort_key) by the key alone.
    column = Prospect.sort_key
    if descending:
        return and_(column <= key, or_(column < key, Prospect.id < pid))
    return and_(column >= key, or_(column > key, Prospect.id > pid))


def _matches_at_least(
    session: Session, flt: ProspectFilter, today: date, industry_codes: Sequence[str], cap: int
) -> bool:
    """Whether ``cap`` prospects match, looking no further (cheap, whatever the book)."""
    found = (
        select(literal(1))
        .select_from(Prospect)
        .where(*_conditions(flt, today, industry_codes))
        .limit(cap)
        .subquery()
    )
    stmt = select(func.count()).select_from(found)
    return int(session.execute(stmt, _fts_params(flt)).scalar_one()) >= cap


def page_by_rm_walk(
    session: Session,
    flt: ProspectFilter,
    sort: Sort,
    offset: int,
    limit: int,
    today: date,
    industry_codes: Sequence[str] = (),
) -> list[Any]:
    """A page sorted by RM, read in index order: the assigned prospects RM by RM, then the
    unassigned ones (NULLs last whichever the direction), so no match is sorted. Pays off
    when many prospects match; :func:`page` decides."""
    params = _fts_params(flt)
    conds = _conditions(flt, today, industry_codes)
    wants_assigned = not flt.rm_ids or any(r != UNASSIGNED for r in flt.rm_ids)
    wants_unassigned = not flt.rm_ids or UNASSIGNED in flt.rm_ids
    rows: list[Any] = []
    if wants_assigned:
        assigned = (
            select(*_COLUMNS)
            .select_from(_CrossJoin(RM, Prospect, RM.id == Prospect.assigned_rm_id))
            .outerjoin(District, District.code == Prospect.district_code)
            .where(*conds)
            .order_by(*_order(sort))
        )
        rows = list(session.execute(assigned.offset(offset).limit(limit), params).all())
    if len(rows) == limit or not wants_unassigned:
        return rows
    if rows or offset == 0:
        before = offset + len(rows)
    else:
        before = int(
            session.execute(
                select(func.count())
                .select_from(Prospect)
                .where(*conds, Prospect.assigned_rm_id.is_not(None)),
                params,
            ).scalar_one()
        )
    by_name = Sort(SortColumn.NAME, sort.descending)
    unassigned = list_statement(flt, by_name, today, industry_codes).where(
        Prospect.assigned_rm_id.is_(None)
    )
    rest = session.execute(
        unassigned.offset(max(0, offset - before)).limit(limit - len(rows)), params
    ).all()
    return rows + list(rest)


def count(
    session: Session, flt: ProspectFilter, today: date, industry_codes: Sequence[str] = ()
) -> int:
    stmt = (
        select(func.count()).select_from(Prospect).where(*_conditions(flt, today, industry_codes))
    )
    return int(session.execute(stmt, _fts_params(flt)).scalar_one())


def stage_counts(
    session: Session, flt: ProspectFilter, today: date, industry_codes: Sequence[str] = ()
) -> dict[str, int]:
    stmt = (
        select(Prospect.stage, func.count())
        .where(*_conditions(flt, today, industry_codes))
        .group_by(Prospect.stage)
    )
    return {stage: int(n) for stage, n in session.execute(stmt, _fts_params(flt)).all()}
