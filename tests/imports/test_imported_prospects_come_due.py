"""A prospect imported into the no-loan stage comes due for contact like one typed in: it
is listed by `crm visits due` and counted on Today, and its page shows when it is due."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from crm.cli import main
from crm.domain.uscc import make_uscc
from crm.services.container import open_services
from tests.imports.lists import write_csv

NAME = "佛山市三水区西南街道利丰塑料制品厂"
CODE = make_uscc("9", "1", "440607", "MA4W8K2L3").value


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, str]:
    """A book with one prospect, brought in by `crm import` from a list."""
    db = tmp_path / "book.db"
    open_services(db, create=True).close()  # an RM's book, empty so far
    row = [
        1,
        NAME,
        CODE,
        "黄志强",
        "13711112222",
        "佛山市三水区西南街道广海大道8号",
        "2020-03-01",
        "50",
    ]
    listing = write_csv(tmp_path / "list.csv", [row])
    assert main(["import", str(listing), "--db", str(db), "--source", "park"]) == 0
    services = open_services(db)
    try:
        pid = services.prospects.find_by_uscc(CODE)
        assert pid is not None
        return db, pid
    finally:
        services.close()


def test_an_imported_prospect_is_listed_by_crm_visits_due(
    imported: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, pid = imported
    services = open_services(db)
    try:
        today = services.ctx.today()
        # What the prospect page's contact panel shows: a due day, not "no rhythm".
        contact = services.visits.for_prospect(pid)
    finally:
        services.close()
    assert contact.stage == "no_loan"
    assert contact.next_visit_due is not None
    assert today < contact.next_visit_due <= today + timedelta(days=33)
    capsys.readouterr()
    later = (today + timedelta(days=45)).isoformat()
    assert main(["visits", "due", "--db", str(db), "--date", later, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in data["overdue"]] == [NAME]
    # Before its first contact falls due it is not listed at all.
    assert main(["visits", "due", "--db", str(db), "--date", today.isoformat(), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overdue"] == [] and data["due"] == []
