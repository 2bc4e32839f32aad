"""One writer per record: a prospect made by any path — the form, an import, the sync
download, the demo — comes out the same, and its first stage event has one id on every
device and at head office."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from crm.demo.builder import build_demo
from crm.domain.clock import utcnow
from crm.domain.prospect import ProspectDraft
from crm.domain.uscc import make_uscc
from crm.services.container import Services, open_services
from crm.services.context import Context
from crm.services.imports.service import ImportRequest
from crm.store import due_dates
from crm.store.models import OutboxOp, StageEvent
from crm.store.prospect_writer import body_of
from crm.store.search import TABLE
from tests.imports.lists import write_csv
from tests.sync.harness import Device, Server

NAME = "佛山市南海区桂城恒达五金制品有限公司"
USCC = make_uscc("9", "1", "440605", "MA4W7Q8R0").value
VALUES: dict[str, Any] = {
    "owner_name": "李明",
    "phone": "13800138000",
    "address": "佛山市南海区桂城街道南海大道北12号",
    "established_on": date(2019, 5, 8),
    "registered_capital_fen": 500_000_000,  # 500 万元, as the list writes it
}
# Columns that differ by nature between two books: ids, moments, local index numbers.
LOCAL = {"id", "search_rowid", "created_at", "updated_at", "stage_changed_at"}


def csv_of(path: Path, name: str, code: str) -> Path:
    v = VALUES
    row = [1, name, code, v["owner_name"], v["phone"], v["address"], "2019-05-08", "500"]
    return write_csv(path, [row])


def stored(services_or_db: Any, pid: str) -> dict[str, Any]:
    db = services_or_db.ctx.db if isinstance(services_or_db, Services) else services_or_db
    with db.reading() as s:
        row = s.execute(text("SELECT * FROM prospects WHERE id = :id"), {"id": pid}).mappings()
        found = dict(row.one())
        body = indexed_terms(s)[found["search_rowid"]]
        events = [
            (e.id, e.from_stage, e.to_stage)
            for e in s.scalars(select(StageEvent).where(StageEvent.prospect_id == pid))
        ]
        ops = [
            json.loads(o.payload)
            for o in s.scalars(
                select(OutboxOp).where(OutboxOp.entity_id == pid, OutboxOp.kind == "create")
            )
        ]
    return {"row": found, "body": body, "events": events, "create_ops": ops}


def indexed_terms(s: Any) -> dict[int, str]:
    """Each index row's terms in order: the index keeps no text (it is contentless), only
    its terms, which FTS5's vocabulary table reads back."""
    s.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms "
            f"USING fts5vocab(main, '{TABLE}', 'instance')"
        )
    )
    terms: dict[int, list[str]] = {}
    for doc, term in s.execute(text("SELECT doc, term FROM temp.terms ORDER BY doc, offset")):
        terms.setdefault(doc, []).append(term)
    return {doc: " ".join(words) for doc, words in terms.items()}


def comparable(found: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in found["row"].items() if k not in LOCAL}


def import_on(d: Device, tmp_path: Path, name: str, code: str) -> str:
    """Import one row of a list into a device's book as its signed-in RM (the import
    path); returns the prospect's id."""
    services = Services(Context(d.db, clock=d.clock))
    result = services.imports.run(
        ImportRequest(csv_of(tmp_path / f"{code}.csv", name, code), source_code="park")
    )
    assert result.created == 1, result
    pid = services.prospects.find_by_uscc(code)
    assert pid is not None
    return pid


def test_form_import_and_download_make_the_same_prospect(
    device: Callable[..., Device], server: Server, tmp_path: Path
) -> None:
    a = device("wangfang")
    a.sign_in()
    a.run()  # the first sync brings the RM's own user record
    Services(a.ctx)  # acts as the signed-in RM, as the app does
    draft = ProspectDraft(name=NAME, uscc=USCC, sources=["park"], **VALUES)
    by_form = a.prospects.create(draft).id
    form = stored(a.db, by_form)

    c = device("wangfang", name="importing-laptop")
    c.sign_in()
    c.run()
    imported = stored(c.db, import_on(c, tmp_path, NAME, USCC))

    a.run()
    b = device("wangfang", name="second-laptop")
    b.sign_in()
    b.run()
    downloaded = stored(b.db, by_form)

    # The same columns, filled with the same values (the RM's own book: rm and all).
    assert comparable(imported) == comparable(form)
    assert comparable(downloaded) == comparable(form)
    # A new prospect in the no-loan stage comes due by the cadence, on a working day.
    due = form["row"]["next_visit_due"]
    assert due is not None
    assert imported["row"]["next_visit_due"] == due == downloaded["row"]["next_visit_due"]
    # Found by the same words, whichever way it came.
    assert form["body"] == imported["body"] == downloaded["body"]
    assert form["body"] == body_of({**form["row"]})
    assert {"恒达", "五金", "李明", "hd"} <= set(form["body"].split())
    # One first stage event, named in the create op, kept under that id by head office
    # and by the second laptop.
    for made in (form, imported):
        ((event_id, before, after),) = made["events"]
        assert (before, after) == (None, "no_loan")
        ((op,),) = [made["create_ops"]]
        assert op["event_id"] == event_id
    assert downloaded["events"] == form["events"]
    history = head_office_history(server, by_form)
    assert [h["id"] for h in history] == [form["events"][0][0]]


def head_office_history(server: Server, pid: str) -> list[dict[str, Any]]:
    from crm.headoffice.models import Record

    with server.ho.store.read() as s:
        rec = s.scalar(select(Record).where(Record.entity == "prospect", Record.id == pid))
        assert rec is not None
        data = json.loads(rec.data) if isinstance(rec.data, str) else rec.data
        return list(data.get("history") or [])


def test_an_imported_prospects_first_event_keeps_its_id_at_head_office(
    device: Callable[..., Device], server: Server, tmp_path: Path
) -> None:
    a = device("wangfang")
    a.sign_in()
    a.run()
    code = make_uscc("9", "1", "440605", "MA4W7Q8R1").value
    pid = import_on(a, tmp_path, "佛山市顺德区乐从鑫达家具厂", code)
    mine = stored(a.db, pid)
    a.run()
    ((event_id, _, _),) = mine["events"]
    assert [h["id"] for h in head_office_history(server, pid)] == [event_id]
    b = device("wangfang", name="other")
    b.sign_in()
    b.run()
    assert stored(b.db, pid)["events"] == mine["events"]


def test_every_demo_prospect_is_stored_as_the_writer_stores_one(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    build_demo(path, prospects=600, seed=4)
    services = open_services(path)
    try:
        with services.ctx.db.transaction() as s:
            # The due dates the demo drew are the ones the writer's rules give.
            assert due_dates.refresh_due(s, services.ctx.zone) == 0
            rows = s.execute(text("SELECT * FROM prospects")).mappings().all()
            bodies = indexed_terms(s)
            s.rollback()
        assert len(rows) == 600
        for row in rows:
            assert bodies[row["search_rowid"]] == body_of(dict(row)), row["name"]
        assert any(r["stage"] == "no_loan" and r["next_visit_due"] for r in rows)
    finally:
        services.close()


def test_an_imported_prospect_comes_due_like_one_typed_in(tmp_path: Path) -> None:
    start = utcnow()
    clock = FixedClock(start)
    services = open_services(tmp_path / "book.db", create=True)
    services.ctx.clock = clock
    try:
        result = services.imports.run(ImportRequest(csv_of(tmp_path / "l.csv", NAME, USCC)))
        assert result.created == 1
        pid = services.prospects.find_by_uscc(USCC)
        assert pid is not None
        detail = services.prospects.get(pid)
        assert detail.stage == "no_loan"
        clock.now = start + timedelta(days=45)
        report = services.today.due_report(services.today.scope_for(None))
        assert pid in {p.id for p in report.overdue}
    finally:
        services.close()


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_prospect_dropped_for_no_need_comes_due_on_every_laptop(
    device: Callable[..., Device], server: Server
) -> None:
    a = device("wangfang")
    a.sign_in()
    a.run()
    Services(a.ctx)
    pid = a.create("佛山市禅城区南庄镇恒丰陶瓷经营部")
    a.prospects.change_stage(pid, "dropped", "no_need", "暂无融资需求")
    mine = stored(a.db, pid)["row"]["next_visit_due"]
    assert mine is not None  # revisited on the long cycle, not forgotten
    a.run()
    b = device("wangfang", name="other")
    b.sign_in()
    b.run()
    assert stored(b.db, pid)["row"]["next_visit_due"] == mine
