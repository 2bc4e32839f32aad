"""Full pinyin of names: the list's sort key and the syllables the search index holds.

Chinese names sort as Chinese readers expect by their pinyin (阿 a, 白 bai, 陈 chen, 佛 fo,
三 san, 万 wan, 张 zhang), not by code point. Polyphones are read as in the phrase they
belong to: pypinyin's phrase dictionary gives 重庆 chong qing, 长沙 chang sha, 银行 yin
hang, where the characters alone would read zhong, zhang, xing.

pypinyin's ``lazy_pinyin`` builds segmentation objects for every name; a greedy
longest-phrase match over its dictionaries (as `crm.domain.importing.initials` does) is far
cheaper, which matters when an import, a sync or a migration reads tens of thousands of
names. Only the phrases that read otherwise than their characters are kept: any other
phrase gives the characters' own readings anyway.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from crm.domain.pinyin_syllables import SYLLABLES
from crm.domain.text import to_halfwidth

_PHRASE_MAX = 4
# Toned vowels as pypinyin writes them; ü is written v, as pinyin keyboards type it.
_TONELESS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿếề", "aaaaeeeeiiiioooouuuuvvvvvnnnmee")
# Letters and digits that are not Han characters stay as they are, a run at a time.
_LATIN = re.compile(r"[a-z0-9]+")
# Between the pinyin and the name in a sort key: below the space that separates syllables,
# so a shorter reading sorts before a longer one that starts the same way (xi < xi an).
KEY_SEPARATOR = "\t"


def plain(reading: str) -> str:
    """A pypinyin reading without its tone mark (chóng → chong, lǜ → lv)."""
    text = reading.translate(_TONELESS)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, ...]], dict[str, str], frozenset[str]]:
    """(phrases that read otherwise than their characters, each character's first reading,
    the phrases' first two characters)."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    chars = {chr(code): plain(value.split(",")[0]) for code, value in PINYIN_DICT.items()}
    phrases: dict[str, tuple[str, ...]] = {}
    for phrase, readings in PHRASES_DICT.items():
        if 2 <= len(phrase) <= _PHRASE_MAX and len(readings) == len(phrase):
            read = tuple(plain(r[0]) for r in readings)
            if read != tuple(chars.get(c, c) for c in phrase):
                phrases[phrase] = read
    return phrases, chars, frozenset(p[:2] for p in phrases)


def syllable_set() -> frozenset[str]:
    """Every toneless syllable some character reads as (for reading typed pinyin), kept in
    `crm.domain.pinyin_syllables` so that typed pinyin never loads pypinyin."""
    return SYLLABLES


def syllables_of_pypinyin() -> frozenset[str]:
    """The same syllables as pypinyin's character readings give them (what the kept list
    is made from and checked against)."""
    from pypinyin.constants import PINYIN_DICT

    return frozenset(plain(r) for value in PINYIN_DICT.values() for r in value.split(","))


def syllables(name: str) -> list[str]:
    """A name's reading: one syllable per Han character, each run of other letters and
    digits as one lower-case word; punctuation and spaces are left out."""
    return _read(name, latin=True)


def han_syllables(name: str) -> list[str]:
    """The syllables of a name's Han characters only (its other words the index already
    holds as they are written)."""
    return _read(name, latin=False)


def _read(name: str, *, latin: bool) -> list[str]:
    phrases, chars, starts = _tables()
    text = to_halfwidth(name).lower()
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        reading = chars.get(c)
        if reading is None:
            run = _LATIN.match(text, i)
            if run is None:
                i += 1
            else:
                if latin:
                    out.append(run.group())
                i = run.end()
            continue
        if text[i : i + 2] in starts:
            for length in range(min(_PHRASE_MAX, n - i), 1, -1):
                hit = phrases.get(text[i : i + length])
                if hit is not None:
                    out.extend(hit)
                    i += length
                    break
            else:
                out.append(reading)
                i += 1
        else:
            out.append(reading)
            i += 1
    return out


def sort_key(name: str) -> str:
    """The key the list sorts names by: their pinyin, then the name itself (names that read
    alike stay apart, in a fixed order)."""
    return f"{' '.join(syllables(name))}{KEY_SEPARATOR}{name}"


def split_typed(word: str) -> list[str] | None:
    """Typed pinyin cut into syllables (xinfeng → xin feng), the last one possibly begun
    only (xinf → xin f); None when the letters are not pinyin (sztx). Longer syllables are
    tried first (xian stays xian, not xi an)."""
    known = syllable_set()
    begun = _prefixes()
    longest = max(map(len, known))

    @cache
    def cut(start: int) -> tuple[str, ...] | None:
        if start == len(word):
            return ()
        rest = word[start:]
        if rest in begun and rest not in known:
            return (rest,)
        for end in range(min(len(word), start + longest), start, -1):
            part = word[start:end]
            if part in known:
                tail = cut(end)
                if tail is not None:
                    return (part, *tail)
        return None

    if not word.isascii() or not word.isalpha():
        return None
    found = cut(0)
    return None if found is None else list(found)


@lru_cache(maxsize=512)
def syllables_from(begun: str) -> tuple[str, ...]:
    """The syllables that start with ``begun`` (xin → xin, xing), in order."""
    return tuple(sorted(s for s in syllable_set() if s.startswith(begun)))


@lru_cache(maxsize=1)
def _prefixes() -> frozenset[str]:
    return frozenset(s[:k] for s in syllable_set() for k in range(1, len(s) + 1))
