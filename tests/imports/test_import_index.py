"""The bulk index text an import writes is the text the ORM's index hook would write."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from crm.services.import_index import Initials, Uuid7, index_body
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


def test_ids_are_unique_uuid7_text() -> None:
    make = Uuid7(datetime(2026, 11, 23, tzinfo=UTC))
    ids = [make() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 36 and i[14] == "7" and i[19] in "89ab" for i in ids)
