"""A device shows 2027's statutory holidays as provisional until head office publishes the
State Council's schedule; the published one (with its make-up working day) then replaces
it through sync, and the due dates that fell in it move."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from crm.domain.holidays import DayKind, InvalidHolidayTable
from crm.headoffice.admin import AdminError
from crm.services.visit_rules import holiday_calendar, refresh_due
from tests.sync.harness import Device, Server

OFFICIAL_2027 = {
    "year": 2027,
    "source": "国办发明电〔2026〕",
    "holidays": [
        {"from": "2027-01-01", "to": "2027-01-03", "name": "New Year's Day"},
        {"from": "2027-02-06", "to": "2027-02-14", "name": "Spring Festival"},
    ],
    "workdays": [{"date": "2027-02-20", "name": "Spring Festival"}],
}


def days(device: Device, *wanted: date) -> list[tuple[DayKind, str, bool]]:
    with device.db.reading() as s:
        cal = holiday_calendar(s)
        return [(i.kind, i.name, i.provisional) for i in map(cal.info, wanted)]


def test_the_published_schedule_replaces_the_provisional_one(
    server: Server, device: Callable[..., Device]
) -> None:
    rm = device()
    rm.sign_in()
    pid = rm.create("佛山市南海区天佑信息科技有限公司")
    rm.run()
    # Last contact 11 Jan 2027 (a no-loan prospect: every 30 days) puts the raw due day on
    # Wed 10 Feb, the last day of the provisional festival (5-8 Feb, and 9-10 Feb for its
    # weekend days).
    with rm.db.transaction() as s:
        s.execute(
            text("UPDATE prospects SET last_contact_on = '2027-01-11' WHERE id = :id"), {"id": pid}
        )
        refresh_due(s, rm.ctx, [pid])
    spring = [date(2027, 2, 5) + timedelta(days=n) for n in range(4)]
    assert days(rm, date(2027, 1, 1), *spring) == [
        (DayKind.HOLIDAY, "New Year's Day", True),
        *[(DayKind.HOLIDAY, "Spring Festival", True)] * 4,
    ]
    assert days(rm, date(2027, 2, 20)) == [(DayKind.WEEKEND, "", True)]
    assert rm.prospect(pid).next_visit_due == date(2027, 2, 11)  # type: ignore[union-attr]

    server.admin.publish("holidays", OFFICIAL_2027)
    rm.run()

    assert days(rm, date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 14), date(2027, 2, 20)) == [
        (DayKind.HOLIDAY, "New Year's Day", False),
        (DayKind.WORKDAY, "", False),  # 除夕 worked, as the schedule says
        (DayKind.HOLIDAY, "Spring Festival", False),
        (DayKind.MAKEUP, "Spring Festival", False),  # 调休: a Saturday worked
    ]
    # The festival now runs to Sun 14 Feb: the visit falls due on Mon 15 Feb.
    assert rm.prospect(pid).next_visit_due == date(2027, 2, 15)  # type: ignore[union-attr]
    # 2028 stays provisional: its days off come from the statute.
    assert days(rm, date(2028, 1, 1)) == [(DayKind.HOLIDAY, "New Year's Day", True)]

    # Publishing 2028 later keeps 2027 for devices that come afterwards.
    server.admin.publish(
        "holidays",
        {"year": 2028, "holidays": [{"from": "2028-01-01", "to": "2028-01-03", "name": "元旦"}]},
    )
    newcomer = device("liqiang")
    newcomer.sign_in()
    newcomer.run()
    assert days(newcomer, date(2027, 2, 20), date(2028, 1, 3)) == [
        (DayKind.MAKEUP, "Spring Festival", False),
        (DayKind.HOLIDAY, "元旦", False),
    ]


def test_head_office_refuses_a_schedule_a_device_could_not_read(server: Server) -> None:
    with pytest.raises(InvalidHolidayTable, match="not in 2027"):
        server.admin.publish("holidays", {"year": 2027, "holidays": ["2028-01-01"]})
    with pytest.raises(AdminError):
        server.admin.publish("holidays", ["2027-01-01"])
    assert server.admin.record_counts().get("reference", 0) == 0
