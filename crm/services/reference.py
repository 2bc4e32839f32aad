"""Reference data (industries, sources, tags, stage rules) as the use cases need it.

The data are files head office can replace (resources/data); the domain receives plain
values from here so it never reads files itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

from crm import resources
from crm.domain.errors import DomainError
from crm.domain.prospect import Catalogues
from crm.domain.stages import StrategicCriteria
from crm.domain.strategic_criteria import parse_criteria
from crm.services.context import Context
from crm.services.records import DistrictInfo
from crm.store import meta, reference_queries
from crm.store.replica import CRITERIA_KEY
from crm.store.unit_of_work import Session


@lru_cache(maxsize=1)
def _divisions_by_section() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for item in resources.industries():
        table.setdefault(item.section, []).append(item.code)
    return {section: tuple(codes) for section, codes in table.items()}


def industry_codes_for(selection: Iterable[str]) -> tuple[str, ...]:
    """Division codes for a mix of division codes and section letters."""
    sections = _divisions_by_section()
    codes: dict[str, None] = {}
    for item in selection:
        for code in sections.get(item.upper(), (item,)):
            codes[code] = None
    return tuple(codes)


@lru_cache(maxsize=1)
def industry_codes() -> frozenset[str]:
    return frozenset(i.code for i in resources.industries())


@lru_cache(maxsize=1)
def tag_codes() -> frozenset[str]:
    return frozenset(t.code for t in resources.tags())


@lru_cache(maxsize=1)
def source_codes() -> frozenset[str]:
    return frozenset(s.code for s in resources.sources())


def catalogues(districts: Iterable[str] = ()) -> Catalogues:
    return Catalogues(
        industries=industry_codes(),
        tags=tag_codes(),
        sources=source_codes(),
        districts=frozenset(districts),
    )


def strategic_criteria(session: Session | None = None) -> StrategicCriteria:
    """The criteria head office last published to this book (kept in ``app_meta`` by the
    download), else the ones bundled with the app; what cannot be read is not used."""
    if session is not None:
        stored = meta.get(session, CRITERIA_KEY)
        if stored is not None:
            try:
                return parse_criteria(json.loads(stored))
            except (DomainError, ValueError):
                pass
    return parse_criteria(resources.stage_rules())


def stalled_days() -> int:
    return int(resources.stage_rules().get("stalled_days", 60))


def district_codes(session: Session) -> list[str]:
    return reference_queries.district_codes(session)


def districts(ctx: Context) -> list[DistrictInfo]:
    with ctx.db.reading() as s:
        return [DistrictInfo(*d) for d in reference_queries.districts(s)]
