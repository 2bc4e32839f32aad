"""The bigram FTS5 index: what it holds, how queries become MATCH expressions, and that an
ORM hook keeps it in step with every write."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text
from store_helpers import T0, make_prospect

from crm.domain.ids import new_id
from crm.store import search
from crm.store.engine import Database
from crm.store.migrate import open_database
from crm.store.models import Prospect


def matching(db: Database, query: str) -> set[str]:
    """Prospect ids the index matches for a user's query, by the SQL the list query uses."""
    expression = search.match_expression(query)
    if expression is None:
        return set()
    with db.reading() as s:
        rows = s.execute(text(search.matching_ids_sql()), {"fts_query": expression})
        return {r[0] for r in rows}


def index_size(db: Database) -> int:
    with db.reading() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {search.TABLE}")).scalar_one())


def replace_index(conn: Connection, rows: list[tuple[str, str]]) -> None:
    """Replace the book by bare prospects with these ids, and index these bodies for them."""
    conn.execute(text("DELETE FROM prospects"))
    search.rebuild(conn)
    now = "2026-01-01T00:00:00.000000+00:00"
    conn.execute(
        text(
            "INSERT INTO prospects (id, name, name_key, kind, owner_name, phone, address, "
            "street, stage, stage_changed_at, notes, created_at, updated_at, edited_fields, "
            "version) VALUES (:id, :id, :id, 'enterprise', '', '', '', '', 'no_loan', :now, "
            "'', :now, :now, '', 1)"
        ),
        [{"id": pid, "now": now} for pid, _ in rows],
    )
    search.write_rows(conn, rows)


# -- pure functions -----------------------------------------------------------------------


def test_body_holds_overlapping_bigrams_and_the_last_character() -> None:
    assert search.search_body(["五金制品"]) == "五金 金制 制品 品"
    assert search.search_body(["厂"]) == "厂"


def test_body_splits_on_punctuation_and_folds_width_and_case() -> None:
    assert search.search_body(["佛山（南海）ＡＢ"]) == "佛山 山 南海 海 ab b"
    assert search.search_body([None, "", "  "]) == ""


def test_body_adds_the_given_initials() -> None:
    assert search.search_body(["腾讯"], ["tx"]) == "腾讯 讯 tx x"


def test_pinyin_initials_of_chinese_names() -> None:
    assert search.initials("深圳腾讯") == "sztx"
    assert search.initials("深圳腾讯科技有限公司") == "sztxkjyxgs"
    assert search.initials("ＡＢＣ五金") == "abcwj"


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("五金", '"五金"'),
        ("五金制品", '"五金 金制 制品"'),
        ("金", '"金"*'),
        ("  佛山  五金 ", '"佛山" AND "五金"'),
        ("SZTX", '"sz zt tx"'),
        ("ＳＺ", '"sz"'),
        # "or" reads as pinyin too (o, then a syllable begun with r): either matches.
        (
            '五金" OR x',
            '"五金" AND ("or" OR "o ran" OR "o rang" OR "o rao" OR "o re" OR "o ren" OR '
            '"o reng" OR "o ri" OR "o rong" OR "o rou" OR "o ru" OR "o rua" OR "o ruan" OR '
            '"o rui" OR "o run" OR "o ruo") AND "x"*',
        ),
        # Typed pinyin is also the phrase of its syllables, a last one only begun as
        # every syllable it may become.
        ("xinfeng", '("xi in nf fe en ng" OR "xin feng")'),
        ("xin", '("xi in" OR "xin")'),
        ("tia", '("ti ia" OR "tian" OR "tiao")'),
        # Initials are no pinyin: their bigrams only.
        ("sztx", '"sz zt tx"'),
        # Han characters and pinyin in one word: whole, or each part.
        (
            "佛山xinfeng",
            '("佛山 山x xi in nf fe en ng" OR ("佛山" AND ("xi in nf fe en ng" OR "xin feng")))',
        ),
        ("——", None),
        ("", None),
    ],
)
def test_queries_become_phrases_of_bigrams(query: str, expression: str | None) -> None:
    assert search.match_expression(query) == expression


# -- the index kept in step by the ORM hook ------------------------------------------------


def test_new_prospect_is_indexed_in_its_own_transaction(db: Database) -> None:
    p = make_prospect(
        "深圳腾讯科技有限公司",
        owner_name="马化腾",
        phone="13812345678",
        uscc="91440300708461136T",
        address="南山区科技园",
        notes="有扩产计划",
    )
    with db.transaction() as s:
        s.add(p)
    for query in ("腾讯", "讯", "腾讯科技", "sztx", "mht", "3812345", "708461", "科技园", "扩产"):
        assert matching(db, query) == {p.id}, query
    assert matching(db, "五金") == set()


def test_changed_text_is_reindexed_and_the_old_text_forgotten(db: Database) -> None:
    p = make_prospect("佛山市南海五金制品厂")
    with db.transaction() as s:
        s.add(p)
    with db.transaction() as s:
        loaded = s.get(Prospect, p.id)
        assert loaded is not None
        loaded.name = "佛山市南海陶瓷制品厂"
    assert matching(db, "五金") == set()
    assert matching(db, "陶瓷") == {p.id}
    assert index_size(db) == 1


def test_untouched_text_is_not_rewritten(db: Database) -> None:
    p = make_prospect("佛山市南海五金制品厂")
    with db.transaction() as s:
        s.add(p)
    with db.transaction() as s:
        search.write_rows(s.connection(), [(p.id, search.search_body(["marker"]))])
    with db.transaction() as s:
        loaded = s.get(Prospect, p.id)
        assert loaded is not None
        loaded.version = 2  # not an indexed column
    assert matching(db, "marker") == {p.id}
    assert matching(db, "五金") == set()


def test_deleted_prospect_leaves_the_index(db: Database) -> None:
    keep, gone = make_prospect("高明五金批发部"), make_prospect("佛山市南海五金制品厂")
    with db.transaction() as s:
        s.add_all([keep, gone])
    with db.transaction() as s:
        s.delete(s.get(Prospect, gone.id))
    assert matching(db, "五金") == {keep.id}
    assert index_size(db) == 1


def test_rolled_back_write_leaves_the_index_unchanged(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as s:
        s.add(make_prospect("佛山市南海五金制品厂"))
        s.flush()
        raise RuntimeError
    assert index_size(db) == 0
    assert matching(db, "五金") == set()


def test_rebuild_makes_the_same_index_as_the_hook(db: Database) -> None:
    tencent = make_prospect("深圳腾讯科技有限公司", owner_name="马化腾", phone="13812345678")
    ceramics = make_prospect("顺德陶瓷贸易有限公司", street="乐从镇", uscc="91440606MA4UJ8L81X")
    with db.transaction() as s:
        s.add_all([tencent, ceramics])
    queries = ["腾讯", "sztx", "mht", "3812345", "陶瓷", "乐从", "ma4uj8", "有限公司", "公"]
    by_hook = {q: matching(db, q) for q in queries}
    with db.transaction() as s:
        search.delete_rows(s.connection(), [tencent.id, ceramics.id])
    assert index_size(db) == 0
    with db.transaction() as s:
        assert search.rebuild(s.connection()) == 2
    assert {q: matching(db, q) for q in queries} == by_hook
    assert by_hook["有限公司"] == {tencent.id, ceramics.id}
    assert index_size(db) == 2


def test_prospect_made_without_the_optional_text_columns_is_indexed(db: Database) -> None:
    p = Prospect(
        id=new_id(),
        name="高明五金批发部",
        name_key="高明五金批发部",
        stage_changed_at=T0,
        created_at=T0,
        updated_at=T0,
    )
    with db.transaction() as s:
        s.add(p)
    assert matching(db, "五金") == {p.id}


# -- property: the index finds exactly the rows that contain the substring -------------------

# Letters that read as no pinyin: typed pinyin also matches the syllables of names
# (test_full_pinyin_*), a deliberate widening this substring property does not cover.
ALPHABET = "五金制品陶瓷佛山厂qvx12"
names = st.text(alphabet=ALPHABET + " ", min_size=0, max_size=12)
queries = st.text(alphabet=ALPHABET, min_size=1, max_size=5)


@pytest.fixture(scope="module")
def search_db(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("search") / "crm.db"
    shutil.copyfile(template_db, path)
    db, _ = open_database(path)
    yield db
    db.close()


def contains(name: str, query: str) -> bool:
    """Substring semantics across a name's words: a query never spans a space."""
    return any(query in word for word in name.split())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(names, min_size=1, max_size=8), data=st.data())
def test_match_finds_exactly_the_rows_containing_the_substring(
    search_db: Database, rows: list[str], data: st.DataObject
) -> None:
    ids = [f"0190f3a2-7c1e-7d2b-9a4f-{i:012x}" for i in range(len(rows))]
    # Half the time ask for a piece of a stored name, so that matches are common.
    source = data.draw(st.sampled_from(rows))
    if source.replace(" ", "") and data.draw(st.booleans()):
        word = data.draw(st.sampled_from([w for w in source.split() if w]))
        start = data.draw(st.integers(0, len(word) - 1))
        end = data.draw(st.integers(start + 1, len(word)))
        query = word[start:end]
    else:
        query = data.draw(queries)

    with search_db.transaction() as s:
        replace_index(
            s.connection(),
            [(pid, search.search_body([n])) for pid, n in zip(ids, rows, strict=True)],
        )

    expected = {pid for pid, n in zip(ids, rows, strict=True) if contains(n, query)}
    assert matching(search_db, query) == expected


@settings(max_examples=60, deadline=None)
@given(name=st.text(alphabet=ALPHABET, min_size=1, max_size=10), data=st.data())
def test_uppercase_and_fullwidth_queries_find_the_same_rows(
    search_db: Database, name: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(name) - 1))
    query = name[start : data.draw(st.integers(start + 1, len(name)))]
    with search_db.transaction() as s:
        replace_index(s.connection(), [("p", search.search_body([name]))])
    shouted = query.upper()
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isascii() else c for c in shouted)
    assert matching(search_db, query) == {"p"}
    assert matching(search_db, shouted) == {"p"}
    assert matching(search_db, fullwidth) == {"p"}


def test_fast_initials_agree_with_pypinyin_on_real_names(tmp_path: Path) -> None:
    from pypinyin import Style, lazy_pinyin

    from crm.demo.builder import build_demo
    from crm.domain.text import to_halfwidth

    path = tmp_path / "names.db"
    build_demo(path, prospects=600, seed=9)
    import sqlite3

    conn = sqlite3.connect(path)
    names = [n for row in conn.execute("SELECT name, owner_name FROM prospects") for n in row]
    names += ["重庆银行股份有限公司", "长沙市长青五金店", "深圳腾讯科技有限公司", "乐从家具城"]
    for name in names:
        # Full-width punctuation (the （2号） of a numbered name) is folded to half-width
        # before the initials are taken; pypinyin keeps it as it is.
        expected = to_halfwidth("".join(lazy_pinyin(name, style=Style.FIRST_LETTER))).lower()
        assert search.initials(name) == expected, name


def test_full_pinyin_finds_names_as_typed(db: Database) -> None:
    xinfeng = make_prospect("佛山市三水区鑫丰陶瓷有限公司", owner_name="陈大文")
    bank = make_prospect("重庆银行佛山分行", owner_name="李四")
    other = make_prospect("佛山市南海区天佑信息科技有限公司", owner_name="张三")
    with db.transaction() as s:
        s.add_all([xinfeng, bank, other])
    # Whole syllables, a syllable begun, mixed with Hanzi, the owner's name.
    assert matching(db, "xinfeng") == {xinfeng.id}
    assert matching(db, "xinf") == {xinfeng.id}
    assert matching(db, "三水 xinfeng") == {xinfeng.id}
    assert matching(db, "三水xinfeng") == {xinfeng.id}
    assert matching(db, "chendawen") == {xinfeng.id}
    # Polyphones read as in their phrase: 重庆 chong qing, 银行 yin hang.
    assert matching(db, "chongqing") == {bank.id}
    assert matching(db, "yinhang") == {bank.id}
    assert matching(db, "zhongqing") == set()
    # Initials keep working beside it.
    assert matching(db, "xftc") == {xinfeng.id}
    assert matching(db, "tianyou") == {other.id}


def test_a_short_name_of_ones_own_is_searchable(db: Database) -> None:
    p = make_prospect("佛山市南海区天佑信息科技有限公司")
    with db.transaction() as s:
        s.add(p)
    with db.transaction() as s:
        loaded = s.get(Prospect, p.id)
        assert loaded is not None
        assert loaded.short_name == "天佑信息科技"
        loaded.short_name = "小天佑"
        loaded.edited_fields = "short_name"
    assert matching(db, "小天佑") == {p.id}
    assert matching(db, "xiaotianyou") == {p.id}
