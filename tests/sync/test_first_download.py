"""A first download (snapshot) through the fast path: head office's records land in the
local store exactly as the book they came from, whatever the page size; pages are walked
on indexes; the memory of a page is bounded by its size in characters."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from crm.demo.builder import build_demo
from crm.headoffice.db import Store
from crm.headoffice.models import SCHEMA_VERSION, Base
from crm.headoffice.service import Actor
from crm.services.prospects import ProspectService
from crm.services.sync import export_book
from crm.store.migrate import open_database
from crm.sync import protocol as P
from tests.sync.harness import PASSWORD, Device, Server

# Columns a download sets on its own terms: the local index rowid, the device's edit
# bookkeeping, source memberships' own ids and dates (head office keeps codes only).
LOCAL_ONLY = {
    "prospects": {"search_rowid", "edited_fields", "version"},
    "source_memberships": {"id", "added_at"},
}
TABLES = (
    "prospects",
    "contacts",
    "loans",
    "visits",
    "checklist_ticks",
    "stage_events",
    "prospect_tags",
    "source_memberships",
)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "book.db"
    build_demo(path, prospects=150, seed=4)
    return path


def _load(server: Server, book: Path) -> str:
    """Head office holding the whole book as one RM's (the bench does the same)."""
    db = open_database(book)[0]
    records = list(export_book(db))
    db.close()
    rm = next(r for r in records if r["entity"] == "user" and r["data"]["role"] == "rm")
    for r in records:
        if r["entity"] not in ("team", "user"):
            r["owner_id"], r["team_id"], r["pool"] = rm["id"], rm["data"]["team_id"], False
            if r["entity"] == "prospect":
                r["data"]["rm_id"] = rm["id"]
    server.admin.load_records(records)
    server.admin.set_password(rm["data"]["username"], PASSWORD)
    return str(rm["data"]["username"])


def _rows(path: Path, table: str, rm: str | None = None) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        pk = [r["name"] for r in conn.execute(f"PRAGMA table_info({table})") if r["pk"]]
        rows = [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY {', '.join(pk)}")]
    finally:
        conn.close()
    skip = LOCAL_ONLY.get(table, set())
    out = [{k: v for k, v in r.items() if k not in skip} for r in rows]
    if rm is not None and table == "prospects":
        for r in out:
            r["assigned_rm_id"] = rm
    # In the order of what is compared (rows whose own ids are local come out alike).
    return sorted(out, key=lambda r: [str(v) for v in r.values()])


def _download(device, server: Server, book: Path, page: int | None) -> Device:
    username = _load(server, book)
    d: Device = device(username, name=f"page-{page}", page=page)
    d.sign_in()
    summary = d.run()
    assert summary.snapshot and summary.counts_ok is True
    return d


@pytest.mark.parametrize("page", [None, 7])
def test_a_first_download_reproduces_the_book(device, server: Server, book: Path, page):
    d = _download(device, server, book, page)
    rm_id = d.sync.status().user_id
    teams = {(t["id"], t["name"], t["branch"]) for t in _rows(d.path, "teams")}
    assert {(t["id"], t["name"], t["branch"]) for t in _rows(book, "teams")} <= teams
    for table in TABLES:
        got = _rows(d.path, table)
        want = _rows(book, table, rm=rm_id)
        assert len(got) == len(want), table
        for mine, theirs in zip(got, want, strict=True):
            assert mine == theirs, table
    # The search index came with it: names, two-character words and pinyin initials.
    search = ProspectService(d.ctx)
    name = _rows(book, "prospects")[0]["name"]
    from crm.domain.query import ProspectFilter, Sort, SortColumn

    for query in (name, name[3:5]):
        found = search.page(ProspectFilter(text=query), Sort(SortColumn("name")), limit=500)
        assert any(r.name == name for r in found), query
    # Downloaded again (a new head-office epoch): nothing doubles, nothing is lost.
    server.ho.store.clear()
    server.ho._epoch = None
    _load(server, book)
    d.sign_in()
    again = d.run()
    assert again.snapshot and again.counts_ok is True
    for table in TABLES:
        assert len(_rows(d.path, table)) == len(_rows(book, table)), table


def test_snapshot_pages_stop_at_the_character_bound(
    device, server: Server, book: Path, monkeypatch: pytest.MonkeyPatch
):
    username = _load(server, book)
    user = next(u for u in server.admin.users() if u["username"] == username)
    actor = Actor(user["id"], "rm", user["team_id"], "probe")
    monkeypatch.setattr(P, "MAX_PAGE_CHARS", 20_000)
    page = json.loads(server.ho.snapshot(actor, None, None, P.MAX_PAGE))
    assert page["more"] is True
    assert 0 < len(page["records"]) < P.MAX_PAGE
    size = sum(len(json.dumps(r, ensure_ascii=False)) for r in page["records"])
    assert size < 20_000 + 5_000  # the bound, plus at most the record that reached it
    # The whole walk still delivers everything, once.
    d: Device = device(username, name="small-pages")
    d.sign_in()
    assert d.run().counts_ok is True
    assert len(_rows(d.path, "visits")) == len(_rows(book, "visits"))


def test_every_part_of_a_snapshot_page_is_walked_on_an_index(tmp_path: Path):
    """The scope is an OR; each part (own book, team, pool) must be an index range scan in
    (ord, id) order from the position, never a scan of the table or a sort of it all; so
    must the probes that tell whether the other parts reach into a page."""
    from sqlalchemy.dialects import sqlite

    from crm.headoffice.service import snapshot_parts, snapshot_probes

    store = Store(f"sqlite:///{tmp_path / 'ho.db'}")
    store.init()
    with store.engine.connect() as conn:
        for role, team in (("rm", "t1"), ("lead", "t1"), ("admin", None)):
            actor = Actor("u1", role, team, "d")
            probes = snapshot_probes(actor, (3, "x"), (5, "y"))
            for stmt in [*snapshot_parts(actor, (3, "x"), 100), *probes]:
                compiled = stmt.compile(
                    dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
                )
                sql = str(compiled)
                plan = " / ".join(r[-1] for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
                assert "USING INDEX ix_ho_records_" in plan, plan
                assert "(ord,id)>" in plan.replace(" ", ""), plan
                assert "TEMP B-TREE" not in plan, plan
    store.dispose()


def test_head_office_schema_1_gains_the_pool_walk_index(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_ho_records_pool_walk"))
        conn.execute(text("CREATE INDEX ix_ho_records_pool ON ho_records (pool)"))
        conn.execute(text("INSERT INTO ho_meta (key, value) VALUES ('schema_version', '1')"))
    engine.dispose()
    store = Store(url)
    assert store.init() is False
    assert store.meta("schema_version") == str(SCHEMA_VERSION)
    with store.engine.connect() as conn:
        names = {r[1] for r in conn.execute(text("PRAGMA index_list(ho_records)"))}
    assert "ix_ho_records_pool_walk" in names and "ix_ho_records_pool" not in names
    store.dispose()


def test_snapshot_pages_of_interleaved_parts_deliver_the_scope_once(server: Server, people):
    """Own prospects, the shared pool, a teammate's and another team's, interleaved in id
    order; walked in tiny pages, an RM gets own + pool, a lead own + team + pool, each
    record once, and nothing of another team."""
    from sqlalchemy import select

    from crm.headoffice.models import Record

    server.admin.pool_import([{"name": f"佛山市共享第{n}家厂"} for n in range(30)])
    with server.ho.store.read() as s:
        pool = list(
            s.scalars(select(Record.id).where(Record.entity == "prospect").order_by(Record.id))
        )
    # Every third to wangfang, every fifth to liqiang (same team), every seventh to zhaolei
    # (another team); the rest stay in the pool.
    for step, owner in ((7, "zhaolei"), (5, "liqiang"), (3, "wangfang")):
        server.admin.assign(pool[::step], owner)
    with server.ho.store.read() as s:
        everything = s.execute(
            select(Record.entity, Record.id, Record.owner_id, Record.team_id, Record.pool)
        ).all()
    assert any(pooled for *_, pooled in everything)
    for role_user, role, team_member in (
        (people.rm1, "rm", False),
        (people.lead, "lead", True),
    ):
        user = next(u for u in server.admin.users() if u["id"] == role_user)
        actor = Actor(user["id"], role, user["team_id"], "probe")
        got: list[tuple[str, str]] = []
        as_of, after = None, None
        while True:
            page = json.loads(server.ho.snapshot(actor, as_of, after, 3))
            got += [(r["entity"], r["id"]) for r in page["records"]]
            as_of, after = page["as_of"], page["after"]
            if not page["more"]:
                break
        want = {
            (e, i)
            for e, i, owner, team, pooled in everything
            if pooled
            or owner == user["id"]
            or (team_member and team is not None and team == user["team_id"])
        }
        assert len(got) == len(set(got)), role
        assert set(got) == want, role
