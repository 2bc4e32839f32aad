"""Head office's records applied to a local book through the driver-level path: values in
their stored form, defaults for what a record leaves out, unknown references made NULL,
finalized visits untouched, pending local changes kept, removals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from crm.domain.ids import new_id
from crm.services.context import Context
from crm.services.prospects import ProspectService
from crm.store.engine import Database
from crm.store.migrate import open_database
from crm.sync.local import Applier, date_text, utc_text

STAMP = "2025-08-06T05:59:05.788709+00:00"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "book.db", create=True)[0]
    yield database
    database.close()


def _apply(db: Database, records: list[dict[str, Any]], **kw: Any) -> Any:
    with db.transaction() as s:
        return Applier(s.connection()).apply(records, **kw)


def _row(db: Database, sql: str, **params: Any) -> dict[str, Any]:
    with db.reading() as s:
        return dict(s.execute(text(sql), params).mappings().one())


def _prospect(pid: str, **data: Any) -> dict[str, Any]:
    return {
        "entity": "prospect",
        "id": pid,
        "version": 3,
        "data": {"name": "佛山市顺德区鸿运五金制品厂", "created_at": STAMP, **data},
    }


def test_stored_forms_of_timestamps_and_dates() -> None:
    assert utc_text(STAMP, "x") == STAMP
    assert utc_text("2025-08-06T13:59:05.788709+08:00", "x") == STAMP
    assert utc_text("2025-08-06T05:59:05", "x") == "2025-08-06T05:59:05.000000+00:00"
    assert utc_text(None, "now") == "now"
    assert date_text("2025-08-06") == "2025-08-06"
    assert date_text("2025-08-06T00:00:00") == "2025-08-06"
    assert date_text("") is None
    with pytest.raises(ValueError):
        utc_text("yesterday", "x")


def test_records_become_rows_with_defaults_and_known_references_only(db: Database) -> None:
    pid, visit, amendment = new_id(), new_id(), new_id()
    stats = _apply(
        db,
        [
            _prospect(pid, tags=["key_client"], sources=["park"], registered_capital_fen=5),
            {
                "entity": "visit",
                "id": visit,
                "prospect_id": pid,
                "version": 2,
                "data": {
                    "status": "final",
                    "visit_on": "2025-08-06",
                    "rm_id": "someone-this-computer-does-not-know",
                    "purpose": None,  # NOT NULL: its default instead
                    "due_diligence": ["before.licence", "before.repayment"],
                    "created_at": STAMP,
                    "credit_auth": True,
                },
            },
            {
                "entity": "visit",
                "id": amendment,
                "prospect_id": pid,
                "data": {
                    "status": "draft",
                    "visit_on": "2025-08-07",
                    "amends_id": visit,  # in the same page: kept
                    "created_at": STAMP,
                },
            },
            {
                "entity": "checklist_tick",
                "id": f"{pid}/debt.all_debts",
                "prospect_id": pid,
                "data": {
                    "prospect_id": pid,
                    "item_code": "debt.all_debts",
                    "visit_id": new_id(),  # a visit this computer never got
                    "ticked_at": STAMP,
                },
            },
        ],
        mark_seen=True,
    )
    assert stats.upserted == 4
    p = _row(db, "SELECT * FROM prospects WHERE id = :id", id=pid)
    assert (p["version"], p["stage"], p["created_at"]) == (3, "no_loan", STAMP)
    assert p["registered_capital_fen"] == 5 and p["search_rowid"] is not None
    v = _row(db, "SELECT * FROM visits WHERE id = :id", id=visit)
    assert v["rm_id"] is None and v["purpose"] == "" and v["kind"] == "site"
    assert v["due_diligence"] == "before.licence before.repayment"
    assert (v["credit_auth"], v["visit_on"], v["version"]) == (1, "2025-08-06", 2)
    assert v["updated_at"] == STAMP  # from created_at when the record has none
    a = _row(db, "SELECT * FROM visits WHERE id = :id", id=amendment)
    assert a["amends_id"] == visit and a["version"] == 1
    t = _row(db, "SELECT * FROM checklist_ticks WHERE prospect_id = :id", id=pid)
    assert t["visit_id"] is None and t["ticked_at"] == STAMP
    seen = _row(db, "SELECT count(*) AS n FROM sync_seen")
    assert seen["n"] == 1  # prospects only: the sweep after a download looks at those
    # Searchable at once, by a two-character word and by pinyin initials.
    svc = ProspectService(Context(db))
    from crm.domain.query import ProspectFilter, Sort, SortColumn

    for query in ("五金", "fsssdq"):
        rows = svc.page(ProspectFilter(text=query), Sort(SortColumn("name")), limit=5)
        assert [r.id for r in rows] == [pid], query


def test_a_finalized_visit_is_not_changed_and_a_draft_is(db: Database) -> None:
    pid, final, draft = new_id(), new_id(), new_id()

    def visit(vid: str, status: str, place: str) -> dict[str, Any]:
        return {
            "entity": "visit",
            "id": vid,
            "prospect_id": pid,
            "data": {"status": status, "visit_on": "2025-08-06", "place": place},
        }

    _apply(db, [_prospect(pid), visit(final, "final", "A"), visit(draft, "draft", "A")])
    _apply(db, [visit(final, "final", "B"), visit(draft, "draft", "B")])
    assert _row(db, "SELECT place FROM visits WHERE id = :id", id=final)["place"] == "A"
    changed = _row(db, "SELECT place, version FROM visits WHERE id = :id", id=draft)
    assert changed == {"place": "B", "version": 2}


def test_known_prospects_are_updated_in_place_and_reindexed(db: Database) -> None:
    pid = new_id()
    _apply(db, [_prospect(pid, tags=["a"], sources=["park", "tax"])])
    before = _row(db, "SELECT search_rowid, version FROM prospects WHERE id = :id", id=pid)
    _apply(db, [_prospect(pid, name="佛山市南海区陶瓷贸易行", tags=["b"], sources=["tax"])])
    after = _row(db, "SELECT * FROM prospects WHERE id = :id", id=pid)
    assert after["search_rowid"] == before["search_rowid"]
    assert after["name"] == "佛山市南海区陶瓷贸易行" and after["version"] == before["version"] + 1
    with db.reading() as s:
        tags = s.execute(text("SELECT tag_code FROM prospect_tags")).scalars().all()
        sources = s.execute(text("SELECT source_code FROM source_memberships")).scalars().all()
        hits = s.execute(
            text("SELECT rowid FROM prospect_search WHERE prospect_search MATCH :q"),
            {"q": '"陶瓷"'},
        ).scalars()
        assert list(hits) == [after["search_rowid"]]
    assert (tags, sources) == (["b"], ["tax"])


def test_removals_and_deleted_records(db: Database) -> None:
    pid, contact = new_id(), new_id()
    child = {
        "entity": "contact",
        "id": contact,
        "prospect_id": pid,
        "data": {"name": "梁悦业", "created_at": STAMP},
    }
    _apply(db, [_prospect(pid), child])
    tick = {
        "entity": "checklist_tick",
        "id": f"{pid}/a.b",
        "prospect_id": pid,
        "data": {"prospect_id": pid, "item_code": "a.b", "ticked_at": STAMP},
    }
    _apply(db, [tick])
    stats = _apply(db, [{**child, "deleted": True}])
    assert stats.removed == 1
    with db.transaction() as s:
        removed = Applier(s.connection()).remove("checklist_tick", [f"{pid}/a.b"])
    assert removed.removed == 1
    with db.transaction() as s:
        gone = Applier(s.connection()).remove("prospect", [pid])
    assert gone.removed == 1
    assert _row(db, "SELECT count(*) AS n FROM prospect_search")["n"] == 0
