"""Short names (简称): a registered name without its region prefix and legal-form suffix.

佛山市南海区天佑信息科技有限公司 → 天佑信息科技. Every firm of a book registered in one
city starts with the same 佛山市…区, so a calendar chip, a board card or Today's line
shows only that unless the name is shortened. The region names come from the region data
the book uses (`Regions`, made by the store from resources/demo/city.json and the
provinces), not from a pattern that would also cut 超市 or 城市 out of a firm's own name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from crm.domain.text import squeeze_spaces, to_halfwidth

# Provincial-level divisions (GB/T 2260), with the words that end their full names.
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省",
    "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省",
    "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
    "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区",
    "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)  # fmt: skip
_LEVEL_WORDS = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_DIVISION_ENDS = ("自治县", "街道", "区", "县", "市", "镇", "乡")

# Legal forms, longest first: each is cut from the end of a name (a branch keeps its own
# part: …有限公司南海分公司 → …南海分公司).
LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "股份合作公司", "有限公司", "合伙企业", "个人独资企业",
    "个体工商户",
)  # fmt: skip
# Bracketed notes that say the legal form or the region, not who the firm is.
_NOTES = re.compile(r"\((?:普通合伙|有限合伙|特殊普通合伙|个体工商户|个人独资)\)")
_BRANCH = re.compile(r"^(?P<firm>.+?)(?:股份有限公司|有限责任公司|有限公司)(?P<branch>.+分公司)$")
# A region in brackets after the firm's words: 天佑科技(佛山)有限公司.
_BRACKETED = re.compile(r"\(([^()]{2,12})\)")
# Fewer characters than this left and a bare region name (南海, without 区) is kept: it
# is then part of what the firm is called (南海化工).
_CORE_MIN = 4
_SHORT_MIN = 2
# The longest short name an RM may write (a card or a chip shows far fewer characters).
SHORT_NAME_MAX = 40


@dataclass(frozen=True)
class Regions:
    """Region names a registered name may start with: full names (佛山市, 南海区, 狮山镇)
    and their bare forms (佛山, 南海), longest first."""

    full: tuple[str, ...]
    bare: tuple[str, ...]

    def __post_init__(self) -> None:
        # One anchored alternation each (longest first) instead of a startswith per name.
        for attr, names in (("_full", self.full), ("_bare", self.bare)):
            pattern = "|".join(map(re.escape, names)) or r"(?!)"
            object.__setattr__(self, attr, re.compile(f"(?:{pattern})"))

    def leading(self, text: str, *, bare: bool) -> str:
        """The region name ``text`` starts with ("" for none)."""
        found: re.Match[str] | None = getattr(self, "_bare" if bare else "_full").match(text)
        return "" if found is None else found.group()

    @classmethod
    def of(cls, names: Iterable[str]) -> Regions:
        full: set[str] = set(PROVINCES)
        for name in (*names, *PROVINCES):
            full.add(name)
        bare: set[str] = set()
        for name in full:
            # 石湾镇街道 → 石湾镇 → 石湾: a town's name is written without either word.
            while (cut := _without_level(name)) is not None:
                bare.add(cut)
                name = cut
        by_length = sorted(full, key=lambda n: (-len(n), n))
        return cls(tuple(by_length), tuple(sorted(bare, key=lambda n: (-len(n), n))))


def _without_level(name: str) -> str | None:
    for word in (*_LEVEL_WORDS, *_DIVISION_ENDS):
        if name.endswith(word) and len(name) - len(word) >= 2:
            return name[: -len(word)]
    return None


def short_name(name: str, regions: Regions) -> str:
    """The short name of a registered name; the name itself (tidied) when nothing is left
    to cut or cutting would leave too little to recognise."""
    text = squeeze_spaces(to_halfwidth(name))
    core = _NOTES.sub("", text).strip()
    branch = _BRANCH.match(core)
    tail = ""
    if branch is not None:
        core, tail = branch.group("firm"), branch.group("branch")
    else:
        for form in LEGAL_FORMS:
            if core.endswith(form) and len(core) - len(form) >= _SHORT_MIN:
                core = core[: -len(form)]
                break
    core = _drop_bracketed_region(core, regions)
    core = _drop_region(core, regions)
    tail = _drop_region(tail, regions) if tail else ""
    if len(core) < _SHORT_MIN or core in regions.full or core in regions.bare:
        return text
    return core + tail


def _drop_region(text: str, regions: Regions) -> str:
    """Region names cut from the front, one level after another (佛山市 then 南海区 then
    狮山镇)."""
    while True:
        name = regions.leading(text, bare=False)
        if name and len(text) - len(name) >= _SHORT_MIN:
            text = text[len(name) :]
            continue
        name = regions.leading(text, bare=True)
        if name and len(text) - len(name) >= _CORE_MIN:
            text = text[len(name) :]
            continue
        return text


def _drop_bracketed_region(text: str, regions: Regions) -> str:
    def keep(match: re.Match[str]) -> str:
        inside = match.group(1)
        return "" if inside in regions.full or inside in regions.bare else match.group(0)

    return _BRACKETED.sub(keep, text).strip()
