"""The one builder of a prospect's search text (what the full-text index holds for it).

The index (crm/store/search.py) holds each text as overlapping character bigrams
(``五金制品`` → ``五金 金制 制品 品``) so that a query of any length finds Chinese substrings,
followed by the bigrams of the pinyin initials of the name and the owner's name, so that
``sztx`` finds 深圳腾讯. Every writer (a form, an import, a sync download, the demo) makes
the text here, so a prospect is found by the same words whichever path stored it.

The initials are passed in made: pypinyin's dictionaries are large, so the processes that
clean an import's rows make the fields' text and leave the initials to the process that
has the dictionaries loaded (`fields_text`, `names_text`, `joined`).

Last come the full pinyin syllables of the names' Han characters as words of their own
(``xin feng`` for 鑫丰, `pinyin_text`), so that typed pinyin (``xinfeng``) is the phrase of
its syllables; and the short name's words when the registered name does not hold them.
The writers add that part (`with_pinyin`): it needs only the names, which every writer has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from operator import add

from crm.domain.pinyin import han_syllables
from crm.domain.text import to_halfwidth

# The fields the index holds, in the order their text is joined.
INDEXED_FIELDS = ("name", "owner_name", "address", "street", "notes", "uscc", "phone")

# Runs of letters, digits and CJK characters: every position of a run gives its bigram, and
# the run's last character stands alone.
_RUN = re.compile(r"[^\W_]+")
# Full-width letters and digits: the only full-width characters that change the tokens
# (punctuation and spaces separate words in either width).
_FULLWIDTH_WORD = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def bigrams(text: str) -> str:
    """The tokens of lower-cased, half-width text."""
    # Pairs made by map(add) over the run and the run shifted by one: quicker than one
    # regular expression with a lookahead at every position.
    tokens: list[str] = []
    for run in _RUN.findall(text):
        tokens.extend(map(add, run, run[1:]))
        tokens.append(run[-1])
    return " ".join(tokens)


def fields_text(values: Sequence[str | None]) -> str:
    """The search text of a prospect's fields (INDEXED_FIELDS order), without initials."""
    text = " ".join(v for v in values if v)
    if _FULLWIDTH_WORD.search(text):
        text = to_halfwidth(text)
    return bigrams(text.lower())


def names_text(name_initials: str, owner_initials: str) -> str:
    """The search text of the pinyin initials of a prospect's name and owner."""
    return bigrams(f"{name_initials} {owner_initials}")


def joined(fields: str, names: str) -> str:
    """A prospect's whole search text (a bigram never spans the two parts)."""
    return f"{fields} {names}" if fields and names else fields or names


def search_text(values: Sequence[str | None], initials: Iterable[str] = ()) -> str:
    """The whole search text of a prospect from its field values and its names' initials."""
    return joined(fields_text(values), bigrams(" ".join(i for i in initials if i)))


def pinyin_text(name: str, owner: str, short: str = "") -> str:
    """The syllables of the names' Han characters, and the short name's own words (its
    bigrams and syllables) when the registered name does not contain it."""
    words = han_syllables(name)
    words += han_syllables(owner)
    extra = ""
    if short and to_halfwidth(short).lower() not in to_halfwidth(name).lower():
        extra = fields_text((short,))
        words += han_syllables(short)
    text = " ".join(words)
    return f"{extra} {text}" if extra and text else extra or text


def with_pinyin(body: str, name: str, owner: str, short: str = "") -> str:
    """A body (`joined`) completed with `pinyin_text`."""
    return joined(body, pinyin_text(name, owner, short))
