"""Lost answers and dropped connections: nothing lost, nothing applied twice, resume."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from crm.store.indexes_down import INDEXES_DOWN_KEY
from crm.store.models import StageEvent
from crm.sync.engine import meta_get
from crm.sync.errors import SyncOfflineError
from crm.sync.local import Applier, ApplyStats
from tests.sync.harness import Device, Server
from tests.sync.proxy import Proxy


@pytest.fixture
def proxy(server: Server) -> Iterator[Proxy]:
    p = Proxy(server.port)
    yield p
    p.close()


def _records(server: Server, entity: str = "prospect") -> int:
    return server.admin.record_counts().get(entity, 0)


def test_push_committed_but_answer_lost_retry_creates_nothing_twice(device, server, proxy):
    a: Device = device("wangfang")
    a.url = proxy.url
    a.sign_in()
    a.run()
    ids = [a.create(f"佛山市顺德区第{n}家具厂") for n in range(3)]
    fault = proxy.cut("POST /sync/v1/push", after=0)

    with pytest.raises(SyncOfflineError):
        a.run()
    assert fault.cut == 1
    # Head office committed the ops, the device still holds them.
    assert _records(server) == 3
    assert len(a.outbox()) == 3

    summary = a.run()
    assert summary.duplicates == 3 and summary.rejected == 0
    assert a.outbox() == []
    assert _records(server) == 3
    assert a.prospect_ids() == set(ids)


def test_connection_dropped_mid_pull_resumes_without_gap_or_double_apply(device, server, proxy):
    writer: Device = device("wangfang")
    writer.sign_in()
    writer.run()
    reader: Device = device("wangfang", name="reader", page=5)
    reader.url = proxy.url
    reader.sign_in()
    reader.run()
    ids = {writer.create(f"佛山市南海区第{n}五金厂") for n in range(23)}
    writer.run()

    # Two pages go through, the third answer is cut in the middle.
    proxy.cut("GET /sync/v1/pull", after=200, skip=2)
    with pytest.raises(SyncOfflineError):
        reader.run()
    got = reader.prospect_ids()
    assert len(got) == 10  # two pages of five, applied with their cursor
    cursor_after_cut = reader.sync.status()

    summary = reader.run()
    assert summary.pulled == 13  # the rest only: resumed where it stopped
    assert reader.prospect_ids() == ids
    with reader.db.reading() as s:
        events = s.execute(
            select(StageEvent.prospect_id, func.count()).group_by(StageEvent.prospect_id)
        ).all()
    assert all(n == 1 for _, n in events) and len(events) == 23
    assert summary.cursor == server.ho.head()
    assert cursor_after_cut.pending == 0


def test_connection_dropped_mid_snapshot_resumes_where_it_stopped(device, server, proxy):
    writer: Device = device("wangfang")
    writer.sign_in()
    writer.run()
    ids = {writer.create(f"佛山市禅城区第{n}陶瓷厂") for n in range(17)}
    writer.run()

    fresh: Device = device("wangfang", name="fresh", page=5)
    fresh.url = proxy.url
    fresh.sign_in()
    proxy.cut("GET /sync/v1/snapshot", after=300, skip=2)  # two pages through, third cut
    with pytest.raises(SyncOfflineError):
        fresh.run()
    partial = fresh.prospect_ids()
    assert 0 < len(partial) < 17

    summary = fresh.run()
    assert summary.snapshot
    assert fresh.prospect_ids() == ids
    # Resumed: the pages already applied were not downloaded again.
    assert summary.pulled < 17 + 7 + 2
    assert summary.counts_ok is True


def test_a_download_cancelled_between_pages_resumes_where_it_stopped(device, server):
    import threading

    from crm.sync.engine import Cancelled

    writer: Device = device("wangfang")
    writer.sign_in()
    writer.run()
    ids = {writer.create(f"佛山市三水区第{n}饮料厂") for n in range(17)}
    writer.run()

    fresh: Device = device("wangfang", name="fresh", page=5)
    fresh.sign_in()
    stop = threading.Event()
    seen: list[int] = []

    def progress(p) -> None:
        if p.phase == "download":
            seen.append(p.done)
            if p.done >= 10:  # past the directory (teams, users), into the prospects
                stop.set()

    with pytest.raises(Cancelled):
        fresh.sync.sync(progress, stop)
    assert seen == [5, 10]
    partial = fresh.prospect_ids()
    assert 0 < len(partial) < 17
    summary = fresh.run()
    assert summary.snapshot and summary.counts_ok is True
    assert fresh.prospect_ids() == ids


def _indexes(d: Device) -> dict[str, str]:
    with d.db.reading() as s:
        rows = s.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        ).all()
    return {str(name): str(sql) for name, sql in rows}


def _down(d: Device) -> dict[str, str] | None:
    with d.db.reading() as s:
        value = meta_get(s, INDEXES_DOWN_KEY)
    return json.loads(value) if value else None


def _seventeen_prospects(device) -> set[str]:
    writer: Device = device("wangfang")
    writer.sign_in()
    writer.run()
    ids = {writer.create(f"佛山市高明区第{n}纺织厂") for n in range(17)}
    writer.run()
    return ids


def test_a_download_stopped_part_way_keeps_what_to_rebuild_and_the_next_rebuilds_it(
    device, server, proxy
):
    ids = _seventeen_prospects(device)
    fresh: Device = device("wangfang", name="fresh", page=5)
    schema = _indexes(fresh)
    fresh.url = proxy.url
    fresh.sign_in()
    proxy.cut("GET /sync/v1/snapshot", after=300, skip=2)
    with pytest.raises(SyncOfflineError):
        fresh.run()

    # The empty book's secondary indexes are down, each recorded with its statement;
    # unique ones (constraints) stayed.
    down = _down(fresh)
    assert down and "ix_prospects_name" in down and "ix_visits_prospect_id" in down
    assert {n: schema[n] for n in down} == down
    assert _indexes(fresh) == {n: sql for n, sql in schema.items() if n not in down}
    assert not any("UNIQUE" in sql.upper() for sql in down.values())
    # The book works meanwhile, only without those indexes.
    assert 0 < len(fresh.prospect_ids()) < 17

    summary = fresh.run()
    assert summary.snapshot and summary.counts_ok is True
    assert fresh.prospect_ids() == ids
    assert _indexes(fresh) == schema and _down(fresh) is None


def test_a_first_page_that_fails_leaves_every_index_in_place(
    device, server, monkeypatch: pytest.MonkeyPatch
):
    _seventeen_prospects(device)
    fresh: Device = device("wangfang", name="fresh", page=5)
    schema = _indexes(fresh)
    fresh.sign_in()

    def broken(self: Applier, records: object, *, mark_seen: bool = False) -> ApplyStats:
        raise RuntimeError("the computer stops here")

    monkeypatch.setattr(Applier, "apply", broken)
    with pytest.raises(RuntimeError):
        fresh.run()
    # Dropped in the page's transaction: undone with it.
    assert _indexes(fresh) == schema and _down(fresh) is None
    monkeypatch.undo()
    assert fresh.run().counts_ok is True
    assert _indexes(fresh) == schema and _down(fresh) is None


def test_signing_out_part_way_through_a_download_puts_the_indexes_back(device, server, proxy):
    ids = _seventeen_prospects(device)
    fresh: Device = device("wangfang", name="fresh", page=5)
    schema = _indexes(fresh)
    fresh.url = proxy.url
    fresh.sign_in()
    proxy.cut("GET /sync/v1/snapshot", after=300, skip=2)
    with pytest.raises(SyncOfflineError):
        fresh.run()
    assert _down(fresh)

    fresh.sync.sign_out()
    assert _indexes(fresh) == schema and _down(fresh) is None
    # Signed in again, the download resumes (into a book no longer empty) and completes.
    fresh.sign_in()
    assert fresh.run().counts_ok is True
    assert fresh.prospect_ids() == ids
    assert _indexes(fresh) == schema and _down(fresh) is None
