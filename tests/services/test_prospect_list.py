"""The prospect list: filters, text search, sorting and paging, all done in SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any

import pytest
from service_helpers import (
    CHANCHENG,
    GAOMING,
    NANHAI,
    RM1,
    RM2,
    SHUNDE,
    Clock,
    draft,
    open_copy,
    uscc,
)
from sqlalchemy import update

from crm.domain.query import UNASSIGNED, ProspectFilter, Sort, SortColumn
from crm.domain.uscc import make_uscc
from crm.services.context import Context
from crm.services.loans import LoanDraft, record_loan
from crm.services.prospects import ProspectService
from crm.services.records import ProspectRow
from crm.store.models import Prospect
from tests.strategic.helpers import give_plan

TENCENT_USCC = make_uscc("9", "1", "440300", "708461136").value  # 91440300708461136T


@dataclass
class Book:
    svc: ProspectService
    ids: dict[str, str]  # short key -> prospect id

    def keys(self, rows: list[ProspectRow]) -> list[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id[r.id] for r in rows]

    def found(self, flt: ProspectFilter) -> set[str]:
        return set(self.keys(self.svc.page(flt, Sort(), 0, 1000)))


# Each prospect of the book as typed, by short key; RMS, LAST_CONTACT and STAGES add the rest.
PEOPLE: dict[str, dict[str, Any]] = {
    "tencent": dict(
        name="深圳腾讯科技有限公司",
        uscc=TENCENT_USCC,
        phone="13812345678",
        owner_name="马化腾",
        district_code=CHANCHENG,
        industry_code="39",
        tags=["tech", "high_tech"],
        sources=["credit_platform"],
    ),
    "hardware": dict(
        name="佛山市南海五金制品厂",
        uscc=uscc(2, NANHAI),
        phone="13900000002",
        owner_name="张伟",
        district_code=NANHAI,
        industry_code="33",
        tags=["in_park"],
        sources=["park", "settlement_account"],
    ),
    "ceramics": dict(
        name="顺德陶瓷贸易有限公司",
        uscc=uscc(3, SHUNDE),
        phone="0757-83336666",
        owner_name="李娜",
        district_code=SHUNDE,
        industry_code="51",
        sources=["visit_campaign"],
    ),
    "furniture": dict(
        name="禅城家具制造有限公司",
        phone="13900000004",
        owner_name="王磊",
        district_code=CHANCHENG,
        industry_code="21",
        tags=["private"],
    ),
    "wholesale": dict(
        name="高明五金批发部",
        kind="individual",
        phone="13900000005",
        owner_name="刘洋",
        district_code=GAOMING,
        industry_code="51",
        sources=["settlement_account"],
    ),
    "farm": dict(
        name="三水绿色农业合作社",
        owner_name="陈静",
        industry_code="01",
        tags=["green", "agri"],
        sources=["rural"],
    ),
    "metal": dict(
        name="佛山市金属制品有限公司",
        uscc=uscc(8, CHANCHENG),
        phone="13900000008",
        owner_name="赵敏",
        district_code=CHANCHENG,
        industry_code="33",
    ),
    "catering": dict(
        name="南海餐饮管理有限公司",
        uscc=uscc(9, NANHAI),
        owner_name="孙丽",
        district_code=NANHAI,
        industry_code="62",
        sources=["online_application"],
    ),
    "logistics": dict(
        name="Foshan Express 物流",
        phone="13900000010",
        owner_name="周杰",
        district_code=SHUNDE,
        industry_code="54",
    ),
    "chemicals": dict(
        name="南海化工原料有限公司",
        uscc=uscc(11, NANHAI),
        owner_name="吴刚",
        district_code=NANHAI,
        industry_code="26",
    ),
}
RMS = {
    "tencent": RM1,
    "hardware": RM1,
    "ceramics": RM2,
    "furniture": None,
    "wholesale": RM2,
    "farm": None,
    "metal": RM1,
    "catering": RM2,
    "logistics": RM1,
    "chemicals": None,
}
LAST_CONTACT = {
    "tencent": date(2026, 6, 10),
    "hardware": date(2026, 5, 1),
    "ceramics": date(2026, 5, 16),
    "furniture": date(2026, 5, 17),
    "metal": date(2026, 1, 5),
    "catering": date(2026, 6, 14),
}
STAGES = {
    "hardware": "first_loan",
    "metal": "first_loan",
    "ceramics": "dropped",
    "chemicals": "dropped",
    "tencent": "strategic",
}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> Iterator[Book]:
    db = open_copy(seeded_template, tmp_path_factory.mktemp("book") / "crm.db")
    clock = Clock()
    ctx = Context(db, actor_id=RM1, clock=clock)
    svc = ProspectService(ctx)
    ids: dict[str, str] = {}
    for key, values in PEOPLE.items():
        values = dict(values)
        ids[key] = svc.create(draft(values.pop("name"), **values), rm_id=RMS[key]).id
        clock.advance(minutes=7)
    for key in ("furniture", "farm", "chemicals"):
        svc.assign([ids[key]], None)
    for key, target in STAGES.items():
        clock.advance(hours=1)
        if target == "dropped":
            svc.change_stage(ids[key], "dropped", "no_need")
            continue
        record_loan(ctx, ids[key], LoanDraft(60_000_000, 385, date(2025, 1, 2), date(2027, 1, 2)))
        record_loan(ctx, ids[key], LoanDraft(60_000_000, 385, date(2025, 6, 2), date(2027, 6, 2)))
        svc.change_stage(ids[key], "first_loan")
        if target == "strategic":
            give_plan(ctx, ids[key])
            svc.change_stage(ids[key], "strategic")
    with db.transaction() as s:
        for key, day in LAST_CONTACT.items():
            s.execute(update(Prospect).where(Prospect.id == ids[key]).values(last_contact_on=day))
    yield Book(svc, ids)
    db.close()


# Every stage: a filter that lists the whole book without being empty.
EVERYONE = ProspectFilter(stages=("no_loan", "first_loan", "strategic", "dropped"))


def test_the_book_is_as_built(book: Book) -> None:
    rows = book.svc.page(EVERYONE, Sort(), 0, 100)
    assert len(rows) == len(PEOPLE) == book.svc.count(EVERYONE)
    by_key = dict(zip(book.keys(rows), rows, strict=True))
    assert by_key["tencent"].stage == "strategic"
    assert by_key["tencent"].rm_name == "王芳"
    assert by_key["tencent"].district_name == "禅城区"
    assert by_key["farm"].rm_id is None and by_key["farm"].district_name is None


# -- filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (ProspectFilter(stages=("first_loan",)), {"hardware", "metal"}),
        (ProspectFilter(stages=("dropped", "strategic")), {"ceramics", "chemicals", "tencent"}),
        (ProspectFilter(sources=("settlement_account",)), {"hardware", "wholesale"}),
        (ProspectFilter(sources=("park", "rural")), {"hardware", "farm"}),
        (ProspectFilter(rm_ids=(RM2,)), {"ceramics", "wholesale", "catering"}),
        (ProspectFilter(rm_ids=(UNASSIGNED,)), {"furniture", "farm", "chemicals"}),
        (
            ProspectFilter(rm_ids=(RM2, UNASSIGNED)),
            {"ceramics", "wholesale", "catering", "furniture", "farm", "chemicals"},
        ),
        (ProspectFilter(districts=(CHANCHENG,)), {"tencent", "furniture", "metal"}),
        (
            ProspectFilter(districts=(NANHAI, GAOMING)),
            {"hardware", "catering", "chemicals", "wholesale"},
        ),
        (
            ProspectFilter(industries=("C",)),
            {"tencent", "hardware", "furniture", "metal", "chemicals"},
        ),
        (
            ProspectFilter(industries=("c",)),
            {"tencent", "hardware", "furniture", "metal", "chemicals"},
        ),
        (ProspectFilter(industries=("33",)), {"hardware", "metal"}),
        (ProspectFilter(industries=("F", "01")), {"ceramics", "wholesale", "farm"}),
        (ProspectFilter(tags=("green",)), {"farm"}),
        (ProspectFilter(tags=("tech", "private")), {"tencent", "furniture"}),
        (ProspectFilter(stages=("no_loan",), rm_ids=(RM1,)), {"logistics"}),
        (
            ProspectFilter(industries=("C",), districts=(CHANCHENG,), stages=("first_loan",)),
            {"metal"},
        ),
    ],
    ids=lambda v: "" if isinstance(v, set) else repr(v)[15:70],
)
def test_filters_narrow_the_list(book: Book, flt: ProspectFilter, expected: set[str]) -> None:
    assert book.found(flt) == expected


def test_no_contact_days_finds_those_not_contacted_since_or_never(book: Book) -> None:
    # Today is 2026-06-15 in Shanghai; 30 days ago is 2026-05-16 (inclusive).
    never = set(PEOPLE) - set(LAST_CONTACT)
    assert book.found(ProspectFilter(no_contact_days=30)) == never | {
        "hardware",
        "ceramics",
        "metal",
    }
    assert book.found(ProspectFilter(no_contact_days=0)) == set(PEOPLE)
    assert book.found(ProspectFilter(no_contact_days=200)) == never


# -- text search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("五金", {"hardware", "wholesale"}),  # 2 Chinese characters, the common case
        ("瓷", {"ceramics"}),  # 1 character
        ("五金制品", {"hardware"}),  # 3+ characters
        ("金属制品", {"metal"}),
        ("制品", {"hardware", "metal"}),
        ("sztx", {"tencent"}),  # pinyin initials of 深圳腾讯
        ("SZTX", {"tencent"}),
        ("ＳＺＴＸ", {"tencent"}),
        ("nhwj", {"hardware"}),  # 南海五金
        ("mht", {"tencent"}),  # the owner's initials
        (TENCENT_USCC[8:15], {"tencent"}),  # a fragment of a USCC
        (TENCENT_USCC[8:15].lower(), {"tencent"}),
        ("3812345", {"tencent"}),  # a fragment of a mobile number
        ("8333", {"ceramics"}),  # of a landline
        ("0757-8333", {"ceramics"}),
        ("佛山 五金", {"hardware"}),  # every word must match
        ("express", {"logistics"}),
        ("五金 陶瓷", set()),
        ("不存在的公司", set()),
        ("——", set()),  # nothing searchable left
    ],
)
def test_text_search(book: Book, text: str, expected: set[str]) -> None:
    flt = ProspectFilter(text=text)
    assert book.found(flt) == expected
    assert book.svc.count(flt) == len(expected)


def test_text_search_combines_with_filters(book: Book) -> None:
    assert book.found(ProspectFilter(text="五金", rm_ids=(RM2,))) == {"wholesale"}
    assert book.found(ProspectFilter(text="有限公司", stages=("dropped",))) == {
        "ceramics",
        "chemicals",
    }


def test_blank_text_does_not_filter(book: Book) -> None:
    assert book.found(ProspectFilter(text="   ", stages=EVERYONE.stages)) == set(PEOPLE)


@pytest.mark.parametrize(
    "flt", [ProspectFilter(), ProspectFilter(text="   ")], ids=["empty", "blank-text"]
)
def test_an_empty_filter_lists_the_whole_book(book: Book, flt: ProspectFilter) -> None:
    assert len(book.svc.page(flt, Sort(), 0, 100)) == len(PEOPLE)
    assert book.svc.count(flt) == len(PEOPLE)
    assert sum(book.svc.stage_counts(flt).values()) == len(PEOPLE)


# -- sorting and paging -------------------------------------------------------------------

STAGE_ORDER = {"no_loan": 0, "first_loan": 1, "strategic": 2, "dropped": 3}
SORT_KEYS: dict[SortColumn, Callable[[ProspectRow], Any]] = {
    # By pinyin: the stored sort key (crm.domain.pinyin.sort_key).
    SortColumn.NAME: lambda r: r.sort_key,
    SortColumn.USCC: lambda r: r.uscc,
    SortColumn.STAGE: lambda r: STAGE_ORDER[r.stage],
    SortColumn.RM: lambda r: r.rm_name,
    SortColumn.DISTRICT: lambda r: r.district_name,
    SortColumn.INDUSTRY: lambda r: r.industry_code,
    SortColumn.LAST_CONTACT: lambda r: r.last_contact_on,
    SortColumn.STAGE_SINCE: lambda r: r.stage_changed_at,
    SortColumn.UPDATED: lambda r: r.updated_at,
    # Without its two bounds, stalled-first is the longest in the stage first.
    SortColumn.STALLED: lambda r: r.stage_changed_at,
}


def expected_order(rows: list[ProspectRow], column: SortColumn, descending: bool) -> list[str]:
    """By the column (NULLs last either way), then by name the same way, then by id."""
    key = SORT_KEYS[column]
    ordered = sorted(rows, key=lambda r: r.id)
    ordered.sort(key=lambda r: r.sort_key, reverse=descending)
    present = [r for r in ordered if key(r) is not None]
    present.sort(key=key, reverse=descending)
    return [r.id for r in present + [r for r in ordered if key(r) is None]]


def test_every_sort_column_is_covered() -> None:
    assert set(SORT_KEYS) == set(SortColumn)


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("column", list(SortColumn), ids=lambda c: c.value)
def test_sorting_by_each_column_puts_nulls_last(
    book: Book, column: SortColumn, descending: bool
) -> None:
    if column is SortColumn.STALLED and descending:
        pytest.skip("stalled-first has one direction")
    rows = book.svc.page(EVERYONE, Sort(column, descending), 0, 100)
    assert [r.id for r in rows] == expected_order(rows, column, descending)
    values = [SORT_KEYS[column](r) for r in rows]
    if None in values:
        first_null = values.index(None)
        assert all(v is None for v in values[first_null:])
        assert first_null > 0


@pytest.mark.parametrize("sort", [Sort(), Sort(SortColumn.STAGE, True), Sort(SortColumn.RM)])
def test_pages_are_disjoint_and_consecutive(book: Book, sort: Sort) -> None:
    whole = [r.id for r in book.svc.page(EVERYONE, sort, 0, 100)]
    pages = [[r.id for r in book.svc.page(EVERYONE, sort, offset, 3)] for offset in range(0, 12, 3)]
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    assert list(chain.from_iterable(pages)) == whole
    assert len(set(whole)) == len(whole) == len(PEOPLE)
    assert book.svc.page(EVERYONE, sort, 100, 3) == []


@pytest.mark.parametrize(
    "flt",
    [
        EVERYONE,
        ProspectFilter(text="有限公司"),
        ProspectFilter(rm_ids=(RM1, UNASSIGNED)),
        ProspectFilter(industries=("C",), no_contact_days=30),
        ProspectFilter(text="zzzz"),
    ],
)
def test_count_and_stage_counts_agree_with_the_list(book: Book, flt: ProspectFilter) -> None:
    rows = book.svc.page(flt, Sort(), 0, 1000)
    by_stage: dict[str, int] = {}
    for r in rows:
        by_stage[r.stage] = by_stage.get(r.stage, 0) + 1
    assert book.svc.count(flt) == len(rows)
    assert book.svc.stage_counts(flt) == by_stage


# -- search after edits (own database: these write) ----------------------------------------


def test_search_follows_an_edit(prospects: ProspectService) -> None:
    p = prospects.create(draft("佛山市南海五金制品厂", owner_name="张伟"))
    form = p.draft()
    form.name = "佛山市南海陶瓷有限公司"
    prospects.update(p.id, form)

    def found(text: str) -> list[str]:
        return [r.id for r in prospects.page(ProspectFilter(text=text), Sort())]

    assert found("五金") == []
    assert found("nhwj") == []
    assert found("陶瓷") == [p.id]
    assert found("nhtc") == [p.id]
    assert found("张伟") == [p.id]  # the fields that did not change are still there


def test_search_follows_a_new_phone_and_uscc(prospects: ProspectService) -> None:
    p = prospects.create(draft("佛山市南海五金制品厂", phone="13812345678"))
    form = p.draft()
    form.phone = "13987654321"
    form.uscc = uscc(42)
    prospects.update(p.id, form)
    assert prospects.count(ProspectFilter(text="3812345")) == 0
    assert prospects.count(ProspectFilter(text="9876543")) == 1
    assert prospects.count(ProspectFilter(text=uscc(42)[6:14])) == 1
