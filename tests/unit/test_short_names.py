"""Short names (简称) of registered names: region prefix and legal form cut, the firm kept."""

from __future__ import annotations

import pytest

from crm.domain.short_name import Regions, short_name
from crm.store.prospect_names import regions, short_of

CASES = [
    # The issue's own example: city, district and legal form cut.
    ("佛山市南海区天佑信息科技有限公司", "天佑信息科技"),
    ("佛山市顺德区美的集团股份有限公司", "美的集团"),
    ("广东省佛山市高明区利达陶瓷有限责任公司", "利达陶瓷"),
    # A town (镇, 街道) after the district, written with or without its level word.
    ("佛山市南海区狮山镇鸿运五金厂", "鸿运五金厂"),
    ("佛山市禅城区石湾俊达美发工作室", "俊达美发工作室"),
    ("南海区桂城佳信建材商行", "佳信建材商行"),
    # A bare city or district name (佛山, 南海) before the firm's words.
    ("佛山南海天佑信息科技有限公司", "天佑信息科技"),
    # …but kept when it is most of what the firm is called.
    ("南海化工有限公司", "南海化工"),
    # The region in brackets after the firm's words.
    ("天佑科技（佛山）有限公司", "天佑科技"),
    # Sole traders and partnerships: their bracketed form goes.
    ("佛山市禅城区张记五金店（个体工商户）", "张记五金店"),
    ("佛山市三水区鑫丰投资合伙企业（有限合伙）", "鑫丰投资"),
    # A branch keeps which branch it is.
    ("佛山市天佑科技有限公司南海分公司", "天佑科技南海分公司"),
    # A number that tells same-named firms apart stays.
    ("佛山市鸿运五金（2号）有限公司", "鸿运五金(2号)"),
    # Other provinces' municipalities are regions too.
    ("重庆市长安汽车股份有限公司", "长安汽车"),
    # 超市 is no city: nothing is cut from a name without a region.
    ("华润万家超市有限公司", "华润万家超市"),
    ("一百超市", "一百超市"),
    # Nothing recognisable would be left: the name as it is.
    ("有限公司", "有限公司"),
    ("佛山市", "佛山市"),
    ("佛山市南海区有限公司", "佛山市南海区有限公司"),
]


@pytest.mark.parametrize(("name", "short"), CASES)
def test_short_names_of_registered_names(name: str, short: str) -> None:
    assert short_of(name) == short


def test_regions_come_from_the_book_city_data_and_the_provinces() -> None:
    made = regions()
    # Every district of resources/demo/city.json and its towns, full and bare.
    assert {"佛山市", "南海区", "顺德区", "狮山镇", "广东省"} <= set(made.full)
    assert {"佛山", "南海", "顺德", "狮山", "石湾"} <= set(made.bare)
    # Another city's districts are cut once the caller's data names them.
    other = Regions.of(["广州市", "天河区"])
    assert short_name("广州市天河区鑫丰贸易有限公司", other) == "鑫丰贸易"
    assert short_name("广州市天河区鑫丰贸易有限公司", regions()) == "广州市天河区鑫丰贸易"
