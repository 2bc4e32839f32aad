"""Chinese-native lists: names sorted by pinyin, short names, the board's stalled-first order."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from service_helpers import Clock, draft

from crm.domain.errors import DomainError
from crm.domain.query import ProspectFilter, Sort, SortColumn
from crm.services.prospects import ProspectService

ORDER = ["阿", "白", "陈", "佛", "三", "万", "张"]


def names(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [r.name for r in rows]


def test_the_list_sorted_by_name_is_in_pinyin_order(prospects: ProspectService) -> None:
    for first in reversed(ORDER):
        prospects.create(draft(f"{first}记五金店"))
    everyone = ProspectFilter()
    rows = prospects.page(everyone, Sort(SortColumn.NAME), 0, 50)
    ours = [n[0] for n in names(rows) if n.endswith("记五金店")]
    assert ours == ORDER
    backwards = prospects.page(everyone, Sort(SortColumn.NAME, descending=True), 0, 50)
    assert [n[0] for n in names(backwards) if n.endswith("记五金店")] == ORDER[::-1]
    # Paging after a row (an index seek on the sort key) continues in the same order.
    whole = prospects.page(everyone, Sort(), 0, 50)
    last = whole[2]
    rest = prospects.page(everyone, Sort(), 0, 50, after=(last.sort_key, last.id))
    assert [r.id for r in rest] == [r.id for r in whole[3:]]


def test_rows_carry_short_names_and_an_rm_may_write_their_own(
    prospects: ProspectService,
) -> None:
    p = prospects.create(draft("佛山市南海区天佑信息科技有限公司"))
    assert p.short_name == "天佑信息科技"
    row = prospects.page(ProspectFilter(text="天佑"), Sort(), 0, 5)[0]
    assert row.short_name == "天佑信息科技"

    mine = prospects.set_short_name(p.id, "  小天佑 ")
    assert mine.short_name == "小天佑"
    assert [r.id for r in prospects.page(ProspectFilter(text="xiaotianyou"), Sort())] == [p.id]
    # A new registered name keeps the RM's own short name, and moves the sort key.
    form = mine.draft()
    form.name = "佛山市南海区天佑数码科技有限公司"
    renamed = prospects.update(p.id, form)
    assert renamed.short_name == "小天佑"
    # Empty: the short name made from the name again.
    assert prospects.set_short_name(p.id, "").short_name == "天佑数码科技"
    with pytest.raises(DomainError):
        prospects.set_short_name(p.id, "长" * 41)


def test_stalled_prospects_come_first_then_the_longest_in_stage(
    prospects: ProspectService, clock: Clock
) -> None:
    old_quiet = prospects.create(draft("佛山市甲乙五金厂"))
    clock.advance(days=20)
    recent = prospects.create(draft("佛山市丙丁五金厂"))
    clock.advance(days=20)
    today = clock().date()
    cutoff = clock() - timedelta(days=30)
    stalled = Sort(SortColumn.STALLED, stalled_before=cutoff.astimezone(UTC), quiet_on=today)
    flt = ProspectFilter(text="五金厂")
    rows = prospects.page(flt, stalled, 0, 10)
    assert [r.id for r in rows][:2] == [old_quiet.id, recent.id]
    # Never stalled once it is no longer quiet: by days in stage it is still the longest.
    newest = prospects.page(flt, Sort(SortColumn.STAGE_SINCE, descending=True), 0, 10)
    assert newest[0].id == recent.id


def test_the_drop_reason_and_revisit_day_of_dropped_prospects(
    prospects: ProspectService,
) -> None:
    later = prospects.create(draft("佛山市南海区鸿运五金厂"))
    gone = prospects.create(draft("佛山市南海区利达五金厂"))
    kept = prospects.create(draft("佛山市南海区天佑五金厂"))
    # No need for now: called on again after the cadence's days; another bank: not.
    prospects.change_stage(later.id, "dropped", reason_code="no_need")
    prospects.change_stage(gone.id, "dropped", reason_code="other_bank")
    notes = prospects.drop_notes([later.id, gone.id, kept.id])
    assert set(notes) == {later.id, gone.id}
    reason, revisit = notes[later.id]
    assert reason == "no_need"
    assert revisit is not None and revisit > prospects.ctx.today()
    assert notes[gone.id] == ("other_bank", None)
