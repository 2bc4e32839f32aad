"""The names a prospect is shown and sorted by, made from its registered name: the short
name (简称) and the pinyin sort key. Every writer stores them through here."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from crm import resources
from crm.domain.pinyin import sort_key
from crm.domain.short_name import Regions, short_name


@lru_cache(maxsize=1)
def regions() -> Regions:
    """The city the book serves (its districts and their towns) and the provinces."""
    city = resources.load_json("demo", "city.json")
    names: list[str] = [city["name_zh"], city["province_zh"]]
    for district in city["districts"]:
        names.append(district["name_zh"])
        names.extend(district.get("streets", ()))
    return Regions.of(names)


def short_of(name: str) -> str:
    return short_name(name, regions())


def names_of(name: str) -> tuple[str, str]:
    """(short name, sort key) of a registered name."""
    return short_name(name, regions()), sort_key(name)


def fill_missing(conn: Any, chunk: int = 5000) -> int:
    """Give every prospect without a sort key its short name and sort key (a book from
    before revision 0014, or rows a bulk load copied in); returns how many. ``conn`` is a
    connection with ``exec_driver_sql`` (SQLAlchemy's or Alembic's)."""
    rows = conn.exec_driver_sql("SELECT id, name FROM prospects WHERE sort_key IS NULL").all()
    made = regions()
    for start in range(0, len(rows), chunk):
        conn.exec_driver_sql(
            "UPDATE prospects SET short_name = ?, sort_key = ? WHERE id = ?",
            [(short_name(n, made), sort_key(n), pid) for pid, n in rows[start : start + chunk]],
        )
    return len(rows)
