"""The .ics export parses back with the same events, in Shanghai time, with stable UIDs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from visit_helpers import RM1, Book, Clock, complete

from crm.cli import main
from crm.domain.visits import VisitDraft
from crm.services.calendar_export import export_ics, uid
from crm.services.context import Context
from crm.services.visit_setup import VisitSetupService
from crm.services.visits import VisitService

SHANGHAI = ZoneInfo("Asia/Shanghai")


def events(path: Path) -> dict[str, dict[str, object]]:
    cal = Calendar.from_ical(path.read_bytes())
    found = {}
    for event in cal.walk("VEVENT"):
        found[str(event["uid"])] = {
            "summary": str(event["summary"]),
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "location": str(event.get("location", "")),
            "sequence": int(event.get("sequence", 0)),
            "status": str(event.get("status", "")),
        }
    return found


@pytest.fixture
def planned(visits: VisitService, book: Book, clock: Clock) -> dict[str, str]:
    ids = {
        "site": visits.plan(
            book.huaxing,
            VisitDraft(
                visit_on=date(2026, 2, 3),
                start_time="09:30",
                place="华兴五金厂区",
                purpose="首次走访",
            ),
        ).id,
        "call": visits.plan(
            book.meijia, VisitDraft(visit_on=date(2026, 2, 4), kind="phone", start_time="16:00")
        ).id,
        "all_day": visits.plan(book.huaxing, VisitDraft(visit_on=date(2026, 2, 10))).id,
        "other_rm": visits.plan(book.taoci, VisitDraft(visit_on=date(2026, 2, 3))).id,
    }
    done = visits.start_record(book.meijia)
    ids["final"] = visits.finalize(done.id, complete(next_visit_on=None, start_time="")).id
    return ids


def test_the_ics_parses_back_with_the_same_events(
    ctx: Context, planned: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "visits.ics"
    assert export_ics(ctx, target, [RM1]) == 4
    found = events(target)
    visit_uids = {u for u in found if not u.startswith("holiday-")}
    assert visit_uids == {uid(planned[k]) for k in ("site", "call", "all_day", "final")}
    site = found[uid(planned["site"])]
    assert site["summary"] == "Visit: 佛山市南海区华兴五金制品厂"
    assert site["start"] == datetime(2026, 2, 3, 9, 30, tzinfo=SHANGHAI)
    assert site["end"] - site["start"] == timedelta(hours=1)  # type: ignore[operator]
    assert site["location"] == "华兴五金厂区"
    call = found[uid(planned["call"])]
    assert call["summary"] == "Call: 佛山市顺德区美嘉家具有限公司"
    assert call["end"] - call["start"] == timedelta(minutes=30)  # type: ignore[operator]
    all_day = found[uid(planned["all_day"])]
    assert (all_day["start"], all_day["end"]) == (date(2026, 2, 10), date(2026, 2, 11))
    text = target.read_text(encoding="utf-8")
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Shanghai" in text
    assert "DTSTART;TZID=Asia/Shanghai:20260203T093000" in text


def test_uids_stay_and_sequences_grow_when_a_visit_moves(
    visits: VisitService, ctx: Context, planned: dict[str, str], tmp_path: Path
) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    export_ics(ctx, first, [RM1])
    visits.reschedule(planned["site"], date(2026, 2, 5), "14:00")
    export_ics(ctx, second, [RM1])
    before, after = events(first), events(second)
    assert set(before) == set(after)
    moved = uid(planned["site"])
    assert after[moved]["start"] == datetime(2026, 2, 5, 14, 0, tzinfo=SHANGHAI)
    assert after[moved]["sequence"] > before[moved]["sequence"]


def test_crm_visits_export_ics_in_chinese(
    ctx: Context, planned: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "wangfang.ics"
    code = main(
        [
            "--lang",
            "zh_CN",
            "visits",
            "export-ics",
            "--db",
            str(ctx.db.path),
            "--rm",
            "wangfang",
            "-o",
            str(target),
            "--from",
            "2026-01-01",
        ]
    )
    assert code == 0
    assert "4" in capsys.readouterr().out
    summaries = {e["summary"] for e in events(target).values()}
    assert "拜访：佛山市南海区华兴五金制品厂" in summaries
    assert "电话：佛山市顺德区美嘉家具有限公司" in summaries


def test_the_ics_has_the_days_off_provisional_until_published(
    ctx: Context, clock: Clock, tmp_path: Path
) -> None:
    clock.set_day(date(2026, 12, 1))
    target = tmp_path / "winter.ics"
    export_ics(ctx, target, [RM1], date(2026, 12, 1), date(2027, 2, 28))
    found = events(target)
    new_year = found["holiday-2027-01-01@firstloan-crm"]
    assert new_year["summary"] == "Public holiday: New Year's Day (provisional)"
    assert new_year["status"] == "TENTATIVE"
    assert (new_year["start"], new_year["end"]) == (date(2027, 1, 1), date(2027, 1, 2))
    assert "holiday-2027-02-05@firstloan-crm" in found  # 除夕
    VisitSetupService(ctx).load_holidays(
        {
            "year": 2027,
            "holidays": [{"from": "2027-02-06", "to": "2027-02-14", "name": "Spring Festival"}],
            "workdays": [{"date": "2027-02-20", "name": "Spring Festival"}],
        },
        "国务院办公厅",
    )
    export_ics(ctx, target, [RM1], date(2026, 12, 1), date(2027, 2, 28))
    found = events(target)
    assert "holiday-2027-02-05@firstloan-crm" not in found
    assert found["holiday-2027-02-06@firstloan-crm"]["status"] == "CONFIRMED"
    assert found["holiday-2027-02-20@firstloan-crm"]["summary"] == (
        "Make-up working day: Spring Festival"
    )
