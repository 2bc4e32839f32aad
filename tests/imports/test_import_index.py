"""The bulk index text an import writes is the text the ORM's index hook would write."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from crm.domain.importing import initials, plain_initials
from crm.services.imports.index import Initials, Uuid7, index_body, names_text, plain_names_text
from crm.store import search

TEXT = st.text(
    alphabet=st.sampled_from(
        list("佛山市南海区华兴五金制品厂有限公司重庆银行 ABCxyz0123（）()-_，；ＡＢ１２　·")
    )
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXT), min_size=7, max_size=7), TEXT, TEXT)
def test_import_index_text_has_the_tokens_of_search_body(
    values: list[str | None], name: str, owner: str
) -> None:
    ours = index_body(Initials(), values, name, owner)
    theirs = search.search_body(values, (search.initials(name), search.initials(owner)))
    assert ours.split() == theirs.split()


# Heteronym phrases (银行 yh, 商行 sh, 重庆 cq, 长沙 cs, 行长 hz) beside plain characters,
# full-width letters, the ideographic space and characters beyond the BMP.
NAME = st.text(
    alphabet=st.sampled_from(list("佛山市南海银行商重庆长沙行大乐从五金厂ＡＢＣ　ab1 （）𠀀𪚥")),
    max_size=16,
)


@settings(max_examples=500, deadline=None)
@given(NAME, NAME)
def test_a_workers_plain_initials_are_the_initials_wherever_it_gives_them(
    name: str, owner: str
) -> None:
    plain = plain_initials()
    found = plain(name)
    assert found is None or found == initials(name)
    made = plain_names_text(plain, name, owner)
    assert made is None or made == names_text(Initials(), name, owner)


def test_plain_initials_leave_names_with_a_heteronym_phrase_to_the_whole_match() -> None:
    plain = plain_initials()
    assert plain("佛山市南海区鸿运五金制品有限公司") == initials("佛山市南海区鸿运五金制品有限公司")
    assert plain("ＡＢＣ五金") == "abcwj"
    for name in ("中国银行佛山分行", "佛山市禅城区鸿运商行", "重庆小面", "长沙五金"):
        assert plain(name) is None, name
    # Small enough to hand to a worker process with its job.
    assert len(pickle.dumps(plain)) < 1_000_000


def test_ids_are_unique_uuid7_text() -> None:
    make = Uuid7(datetime(2026, 11, 23, tzinfo=UTC))
    ids = [make() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 36 and i[14] == "7" and i[19] in "89ab" for i in ids)
