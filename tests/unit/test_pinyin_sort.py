"""Pinyin sort keys and typed pinyin (crm.domain.pinyin)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crm.domain.pinyin import sort_key, split_typed, syllable_set, syllables, syllables_of_pypinyin


def test_names_sort_by_pinyin_not_code_point() -> None:
    names = ["张", "三", "万", "阿", "陈", "白", "佛"]
    assert sorted(names) != ["阿", "白", "陈", "佛", "三", "万", "张"]  # code point order
    assert sorted(names, key=sort_key) == ["阿", "白", "陈", "佛", "三", "万", "张"]


def test_a_book_of_one_city_sorts_by_the_words_that_differ() -> None:
    names = [
        "三水区乐平五金店",
        "佛山市南海区天佑信息科技有限公司",
        "万达商贸",
        "佛山市禅城区鑫丰陶瓷",
    ]
    assert sorted(names, key=sort_key) == [
        "佛山市禅城区鑫丰陶瓷",
        "佛山市南海区天佑信息科技有限公司",
        "三水区乐平五金店",
        "万达商贸",
    ]


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        # Polyphones read as in their phrase.
        ("重庆", ["chong", "qing"]),
        ("长沙", ["chang", "sha"]),
        ("招商银行", ["zhao", "shang", "yin", "hang"]),
        ("佛山", ["fo", "shan"]),
        ("重工", ["zhong", "gong"]),
        # Other letters and digits as written, lower case; punctuation left out.
        ("3M中国（佛山）", ["3m", "zhong", "guo", "fo", "shan"]),
        ("ＡＢＣ绿色", ["abc", "lv", "se"]),
    ],
)
def test_readings_of_names(name: str, reading: list[str]) -> None:
    assert syllables(name) == reading


def test_a_shorter_reading_sorts_before_a_longer_one_that_starts_alike() -> None:
    assert sort_key("西") < sort_key("西安") < sort_key("先")
    # Names that read alike keep a fixed order (the name itself decides).
    assert sort_key("天佑") != sort_key("天右")


@pytest.mark.parametrize(
    ("typed", "cut"),
    [
        ("xinfeng", ["xin", "feng"]),
        ("xinf", ["xin", "f"]),
        ("tianyouxinxi", ["tian", "you", "xin", "xi"]),
        ("xian", ["xian"]),
        ("sztx", None),
        ("fs", None),
        ("abc1", None),
    ],
)
def test_typed_pinyin_is_cut_into_syllables(typed: str, cut: list[str] | None) -> None:
    assert split_typed(typed) == cut


def test_the_kept_syllables_are_pypinyins_and_typed_pinyin_does_not_load_it() -> None:
    assert syllable_set() == syllables_of_pypinyin()
    # In a fresh interpreter: reading typed pinyin leaves pypinyin's dictionaries unloaded
    # (a few tenths of a second and some 55 MB, on the list's first typed pinyin).
    code = (
        "import sys; from crm.store.search import match_expression; "
        "assert match_expression('xinf') and match_expression('tianyou'); "
        "print(sorted(m for m in sys.modules if m.startswith('pypinyin')))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.strip() == "[]", found.stdout
