"""What an import makes for thousands of rows at once: search text and pinyin initials.

The search text itself is made by the one builder, `crm.domain.search_text`; this module
adds what only an import needs: the initials of names made where pypinyin's dictionaries
are (`Initials`), or from the small tables a worker process is sent (`plain_names_text`).

Nothing here loads SQLAlchemy or pypinyin, so the processes that prepare an import's rows
import this module cheaply.
"""

from __future__ import annotations

from collections.abc import Sequence

from crm.domain import search_text
from crm.domain.ids import Uuid7 as Uuid7
from crm.domain.importing import PlainInitials, initials
from crm.domain.wire import encode


class Initials:
    """`search.initials`, the letters every writer indexes, so a prospect written by an
    import and the same prospect saved later from a form are found by the same letters."""

    def __call__(self, name: str) -> str:
        return initials(name) if name else ""


def index_text(values: Sequence[str | None]) -> str:
    """The search text of a prospect's fields, without the initials of its names."""
    return search_text.fields_text(values)


def names_text(initials: Initials, name: str, owner: str) -> str:
    """The search text of the pinyin initials of a prospect's name and owner."""
    return search_text.names_text(initials(name), initials(owner))


def plain_names_text(initials: PlainInitials, name: str, owner: str) -> str | None:
    """`names_text` made from the small tables a worker has, or None when a name needs the
    whole phrase match (the importing process makes those)."""
    of_name = initials(name) if name else ""
    of_owner = initials(owner) if owner else ""
    if of_name is None or of_owner is None:
        return None
    return search_text.names_text(of_name, of_owner)


def index_body(initials: Initials, values: Sequence[str | None], name: str, owner: str) -> str:
    """The whole search text of one prospect."""
    return search_text.joined(index_text(values), names_text(initials, name, owner))


joined_text = search_text.joined
outbox_json = encode
