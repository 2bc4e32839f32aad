"""The reference data shipped in resources/ and its typed loader (crm.resources)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from crm import resources as res

CJK = re.compile(r"[\u4e00-\u9fff]")

# Division ranges of each GB/T 4754-2017 section.
SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}

# Well-known brands (many from Foshan) that generated demo enterprises must not imitate.
FAMOUS_BRANDS = {
    "美的",
    "格兰仕",
    "海天",
    "碧桂园",
    "万和",
    "万家乐",
    "东鹏",
    "联塑",
    "坚美",
    "兴发",
    "科龙",
    "容声",
    "小熊",
    "健力宝",
    "华帝",
    "格力",
    "海尔",
    "华为",
    "腾讯",
    "万科",
    "恒大",
    "顺丰",
    "精工",
    "尚品",
    "健达",
    "永利",
    "汇丰",
    "汇源",
    "正泰",
    "中联",
    "百盛",
    "万达",
    "兴业",
    "平安",
    "招商",
    "中信",
    "联想",
    "长城",
    "长虹",
    "海信",
    "志高",
    "康佳",
    "创维",
    "苏宁",
}

RESOURCE_FILES = [
    ("data", "industries.json"),
    ("data", "sources.json"),
    ("data", "tags.json"),
    ("data", "drop_reasons.json"),
    ("data", "stage_rules.json"),
    ("demo", "city.json"),
    ("demo", "names.json"),
]


def _bilingual(name_zh: str, name_en: str) -> None:
    assert CJK.search(name_zh), name_zh
    assert name_en.strip() and name_en.isascii() and not CJK.search(name_en), name_en


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("parts", RESOURCE_FILES, ids=lambda p: "/".join(p))
def test_resource_files_are_readable_utf8_json_without_escapes(parts: tuple[str, ...]) -> None:
    text = res.resource_path(*parts).read_text(encoding="utf-8")
    assert "\\u" not in text  # written with ensure_ascii=False, so Chinese stays readable
    assert text.count("\n") > 5  # pretty-printed, one item per line or so
    assert json.loads(text) == res.load_json(*parts)


def test_resource_path_names_the_missing_resource() -> None:
    with pytest.raises(FileNotFoundError, match=r"no-such-file\.json"):
        res.resource_path("data", "no-such-file.json")


def test_load_json_is_cached() -> None:
    assert res.load_json("data", "tags.json") is res.load_json("data", "tags.json")


def test_dict_accessors_return_copies_that_do_not_touch_the_cache() -> None:
    rules = res.stage_rules()
    rules["stalled_days"] = -1
    assert res.stage_rules()["stalled_days"] == 60
    city = res.demo_city()
    city["districts"].clear()
    assert res.demo_city()["districts"]


def test_loader_imports_neither_qt_nor_sqlalchemy() -> None:
    code = (
        "import sys, crm.resources as r; r.industries(); r.demo_names(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --------------------------------------------------------------------------- industries


def test_there_are_exactly_20_sections_a_to_t() -> None:
    codes = [s.code for s in res.sections()]
    assert codes == list("ABCDEFGHIJKLMNOPQRST")
    for s in res.sections():
        _bilingual(s.name_zh, s.name_en)


def test_there_are_exactly_97_divisions_with_unique_codes_in_the_right_sections() -> None:
    divisions = res.industries()
    assert len(divisions) == 97
    assert [d.code for d in divisions] == [f"{n:02d}" for n in range(1, 98)]
    for d in divisions:
        low, high = SECTION_RANGES[d.section]
        assert low <= int(d.code) <= high, d
        _bilingual(d.name_zh, d.name_en)
    per_section = Counter(d.section for d in divisions)
    assert per_section == {k: high - low + 1 for k, (low, high) in SECTION_RANGES.items()}


def test_well_known_divisions_have_their_standard_names() -> None:
    assert res.industry("21") == res.Industry("21", "C", "家具制造业", "Manufacture of furniture")
    assert res.industry("30").name_zh == "非金属矿物制品业"  # type: ignore[union-attr]
    assert res.industry("33").name_zh == "金属制品业"  # type: ignore[union-attr]
    assert res.industry("62").name_zh == "餐饮业"  # type: ignore[union-attr]
    assert res.industry("11").name_zh == "开采专业及辅助性活动"  # type: ignore[union-attr]
    assert res.industry("96").name_zh == "基层群众自治组织及其他组织"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "code", ["13", "C13", "C1311", "1311", "c13 ", " c 13", "131", "Ｃ１３", "c1311"]
)
def test_industry_accepts_division_group_and_class_codes(code: str) -> None:
    found = res.industry(code)
    assert found is not None
    assert (found.code, found.section, found.name_zh) == ("13", "C", "农副食品加工业")


@pytest.mark.parametrize(
    "code", ["", "  ", "C", "1", "A13", "X13", "98", "00", "13111", "13a", "C-13", "农业"]
)
def test_industry_rejects_what_is_not_a_gbt_4754_code(code: str) -> None:
    assert res.industry(code) is None


def test_section_lookup() -> None:
    assert res.section(" c ") == res.Section("C", "制造业", "Manufacturing")
    assert res.section("Z") is None


# --------------------------------------------------------------------------- sources, tags, labels


def test_sources_are_the_six_lists_then_the_later_ones() -> None:
    srcs = res.sources()
    codes = [s.code for s in srcs]
    assert len(codes) == len(set(codes))
    assert codes[:6] == [
        "credit_platform",
        "visit_campaign",
        "park",
        "supply_chain",
        "settlement_account",
        "authority_list",
    ]
    assert {s.code for s in srcs if s.group == "six_lists"} == set(codes[:6])
    assert {s.code for s in srcs if s.group == "later"} == {
        "gov_new_registration",
        "gov_taxpayer",
        "gov_insured_staff",
        "district",
        "green",
        "rural",
        "online_application",
        "shared_pool",
    }
    for s in srcs:
        _bilingual(s.name_zh, s.name_en)
        _bilingual(s.short_zh, s.short_en)
        assert len(s.short_zh) <= 6, s.short_zh
        assert CJK.search(s.description_zh)
        assert res.source(s.code) is s


def test_conversion_targets_are_the_work_plans() -> None:
    targets = {s.code: s.conversion_target_bp for s in res.sources()}
    for code in ("gov_new_registration", "gov_taxpayer", "gov_insured_staff"):
        assert targets.pop(code) == 2500
    assert targets.pop("online_application") == 3000
    assert set(targets.values()) == {None}
    assert res.source("nope") is None


def test_tags_are_bilingual_and_unique() -> None:
    tags = res.tags()
    assert 10 <= len(tags) <= 20
    assert len({t.code for t in tags}) == len(tags)
    assert len({t.name_zh for t in tags}) == len(tags)
    assert {"tech", "specialised", "high_tech", "green", "rural_revitalisation"} <= {
        t.code for t in tags
    }
    for t in tags:
        _bilingual(t.name_zh, t.name_en)


def test_drop_reasons_are_the_briefs() -> None:
    reasons = res.drop_reasons()
    assert [r.code for r in reasons] == [
        "no_need",
        "ineligible",
        "other_bank",
        "closed",
        "risk",
        "other",
    ]
    raw = res.load_json("data", "drop_reasons.json")["drop_reasons"]
    for reason, item in zip(reasons, raw, strict=True):
        _bilingual(reason.name_zh, reason.name_en)
        assert CJK.search(item["description_zh"])


def test_stage_rules_and_labels() -> None:
    rules = res.stage_rules()
    assert rules["strategic"] == {
        "min_months_as_customer": 12,
        "min_loans": 2,
        "min_total_credit_fen": 100_000_000,  # 1,000,000 CNY
    }
    assert rules["stalled_days"] == 60
    stages = res.stage_labels()
    assert [(s.code, s.name_zh) for s in stages] == [
        ("no_loan", "无贷户"),
        ("first_loan", "首贷户"),
        ("strategic", "战略客户"),
        ("dropped", "已退出"),
    ]
    for s in stages:
        _bilingual(s.name_zh, s.name_en)


@pytest.mark.parametrize("lang", ["zh_CN", "zh-Hans", "ZH", "zh"])
def test_label_is_chinese_for_chinese_locales(lang: str) -> None:
    items: list[res.Named] = [
        res.sections()[0],
        res.industries()[0],
        res.sources()[0],
        res.tags()[0],
        res.drop_reasons()[0],
        res.stage_labels()[0],
        res.demo_districts()[0],
    ]
    for item in items:
        assert res.label(item, lang) == item.name_zh
        assert res.label(item, "en_US") == item.name_en
        assert res.label(item, "en") == item.name_en


# --------------------------------------------------------------------------- demo city


def test_demo_city_districts_belong_to_the_city() -> None:
    city = res.demo_city()
    assert re.fullmatch(r"\d{4}00", city["code"])
    prefix = city["code"][:4]
    districts = res.demo_districts()
    assert len(districts) >= 3
    assert len({d.code for d in districts}) == len(districts)
    for d in districts:
        assert re.fullmatch(r"\d{6}", d.code), d.code
        assert d.code.startswith(prefix), d.code
        _bilingual(d.name_zh, d.name_en)
        assert d.streets and len(set(d.streets)) == len(d.streets)
        assert all(s.endswith(("街道", "镇")) for s in d.streets), d.streets


def test_foshan_districts_are_the_real_ones() -> None:
    assert res.demo_city()["name_zh"] == "佛山市"
    assert {d.code: d.name_zh for d in res.demo_districts()} == {
        "440604": "禅城区",
        "440605": "南海区",
        "440606": "顺德区",
        "440607": "三水区",
        "440608": "高明区",
    }
    streets = {s for d in res.demo_districts() for s in d.streets}
    assert {"桂城街道", "狮山镇", "大良街道", "容桂街道", "乐从镇", "石湾镇街道"} <= streets


def test_demo_city_address_vocabulary_is_usable() -> None:
    city = res.demo_city()
    codes = {d["code"] for d in city["districts"]}
    for d in city["districts"]:
        assert isinstance(d["weight"], int) and d["weight"] > 0
        assert len(d["roads"]) >= 8
        for cluster in d["clusters"]:
            assert cluster["street"] in d["streets"]
    for place in city["parks"] + city["commercial_districts"]:
        assert place["district"] in codes
    for p in city["address"]["patterns"]:
        assert "{number}" in p["pattern"] and p["weight"] > 0


def test_industry_clusters_use_words_the_name_generator_knows() -> None:
    words = res.demo_names()["enterprise"]["industry_words"]
    known = {(w["word"], w["division"]) for items in words.values() for w in items}
    for d in res.demo_city()["districts"]:
        for cluster in d["clusters"]:
            assert res.industry(cluster["division"]) is not None
            for word in cluster["words"]:
                assert (word, cluster["division"]) in known, (d["name_zh"], word)


# --------------------------------------------------------------------------- demo names


def _weights_ok(items: list[dict[str, object]]) -> bool:
    return all(isinstance(i["weight"], int) and i["weight"] > 0 for i in items)


def test_people_name_vocabularies() -> None:
    names = res.demo_names()
    surnames = [s["value"] for s in names["surnames"]]
    assert len(surnames) >= 90 and len(set(surnames)) == len(surnames)
    assert _weights_ok(names["surnames"])
    assert {"陈", "李", "黄", "梁", "张", "欧阳"} <= set(surnames)
    chars = names["given_name_chars"]
    assert len(chars) >= 180 and len(set(chars)) == len(chars)
    assert all(len(c) == 1 and CJK.match(c) for c in chars)


def test_trade_names_are_distinct_two_character_words_and_no_famous_brands() -> None:
    trades = res.demo_names()["trade_names"]
    assert len(trades) >= 180 and len(set(trades)) == len(trades)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2}", t) for t in trades)
    assert not FAMOUS_BRANDS & set(trades)


def test_industry_words_match_their_sections_and_weights() -> None:
    names = res.demo_names()
    for group, key in (("enterprise", "industry_words"), ("individual", "words")):
        vocab = names[group][key]
        for sec, items in vocab.items():
            assert items and _weights_ok(items)
            for item in items:
                found = res.industry(item["division"])
                assert found is not None and found.section == sec, (group, item)
        weights = names[group]["section_weights"]
        assert set(weights) <= set(vocab)
        assert all(isinstance(w, int) and w > 0 for w in weights.values())
    enterprise = names["enterprise"]["section_weights"]
    total = sum(enterprise.values())
    assert enterprise["C"] / total == pytest.approx(0.40, abs=0.05)
    assert enterprise["F"] / total == pytest.approx(0.25, abs=0.05)
    for item in names["individual"]["words"]["H"]:
        assert item["forms"]


@pytest.mark.parametrize("word", ["五金", "陶瓷", "家具"])
def test_two_character_search_words_are_common_in_generated_names(word: str) -> None:
    names = res.demo_names()
    for group, key, section in (
        ("enterprise", "industry_words", "C"),
        ("enterprise", "industry_words", "F"),
        ("individual", "words", "F"),
    ):
        items = names[group][key][section]
        hits = sum(i["weight"] for i in items if word in i["word"])
        assert hits / sum(i["weight"] for i in items) >= 0.03, (word, group, section)
    assert word not in names["trade_names"]


def test_legal_suffixes_and_patterns() -> None:
    names = res.demo_names()
    suffixes = [s["value"] for s in names["enterprise"]["legal_suffixes"]]
    assert suffixes == ["有限公司", "有限责任公司", "股份有限公司"]
    forms = {
        f for items in names["individual"]["words"].values() for i in items for f in i["forms"]
    }
    assert {"店", "经营部", "商行", "工作室"} <= forms
    placeholders = set(names["placeholders"])
    for group in ("enterprise", "individual", "rural"):
        for p in names[group]["patterns"]:
            used = set(re.findall(r"\{(\w+)\}", p["pattern"]))
            assert used <= placeholders, p
            assert "trade" in used
