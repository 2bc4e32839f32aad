"""The demo book is realistic where the rules look: valid codes, consistent stages, overlaps."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from crm.demo.builder import build_demo
from crm.domain.service_plans import counts_for_gate
from crm.domain.stages import Stage, StageFacts, check_move, months_between
from crm.domain.uscc import USCC
from crm.services import reference

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, prospects=1500, seed=11, today=TODAY)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def test_every_uscc_is_valid_and_registered_in_its_district(demo: sqlite3.Connection) -> None:
    rows = demo.execute("SELECT uscc, district_code, kind FROM prospects").fetchall()
    with_code = [r for r in rows if r["uscc"]]
    assert len(with_code) > 0.9 * len(rows)
    for r in with_code:
        code = USCC.parse(r["uscc"])
        assert code.division_code == r["district_code"]
        assert code.entity_type == ("2" if r["kind"] == "individual" else code.entity_type)


def test_stages_are_spread_and_consistent_with_their_gates(demo: sqlite3.Connection) -> None:
    counts = dict(demo.execute("SELECT stage, count(*) FROM prospects GROUP BY stage").fetchall())
    assert set(counts) == {s.value for s in Stage}
    assert counts["no_loan"] > counts["first_loan"] > counts["strategic"]
    criteria = reference.strategic_criteria()
    for pid, stage in demo.execute(
        "SELECT id, stage FROM prospects WHERE stage IN ('first_loan', 'strategic')"
    ):
        loans = demo.execute(
            "SELECT start_date, amount_fen FROM loans WHERE prospect_id = ?", (pid,)
        ).fetchall()
        assert loans, pid
        first = min(date.fromisoformat(lo[0]) for lo in loans)
        plan = demo.execute(
            "SELECT status FROM service_plans WHERE prospect_id = ?", (pid,)
        ).fetchone()
        facts = StageFacts(
            len(loans),
            first,
            sum(lo[1] for lo in loans),
            TODAY,
            active_plan=plan is not None and counts_for_gate(plan[0]),
        )
        if stage == "strategic":
            assert months_between(first, TODAY) >= criteria.min_months_as_customer
            check_move(Stage.FIRST_LOAN, Stage.STRATEGIC, facts, criteria)
        history = [
            r[0]
            for r in demo.execute(
                "SELECT to_stage FROM stage_events WHERE prospect_id = ? ORDER BY changed_at",
                (pid,),
            )
        ]
        assert history[0] == "no_loan" and history[-1] == stage


def test_dropped_prospects_carry_a_reason(demo: sqlite3.Connection) -> None:
    reasons = demo.execute(
        "SELECT e.reason_code FROM stage_events e JOIN prospects p ON p.id = e.prospect_id "
        "WHERE p.stage = 'dropped' AND e.to_stage = 'dropped'"
    ).fetchall()
    assert reasons and all(r[0] for r in reasons)


def test_one_enterprise_appears_on_several_lists(demo: sqlite3.Connection) -> None:
    multi = demo.execute(
        "SELECT count(*) FROM (SELECT prospect_id FROM source_memberships "
        "GROUP BY prospect_id HAVING count(*) > 1)"
    ).fetchone()[0]
    assert multi > 100
    assert (
        demo.execute("SELECT count(DISTINCT source_code) FROM source_memberships").fetchone()[0]
        >= 10
    )


def test_three_teams_of_rms_with_leads(demo: sqlite3.Connection) -> None:
    teams = demo.execute(
        "SELECT t.name, sum(u.role = 'rm'), sum(u.role = 'lead') FROM teams t "
        "JOIN users u ON u.team_id = t.id GROUP BY t.id"
    ).fetchall()
    assert len(teams) == 3
    assert all(rms >= 5 and leads == 1 for _, rms, leads in teams)


def test_names_are_unique_and_searchable_by_two_characters(demo: sqlite3.Connection) -> None:
    names = [r[0] for r in demo.execute("SELECT name FROM prospects")]
    assert len(names) == len(set(names))
    assert sum("五金" in n or "陶瓷" in n or "家具" in n for n in names) > 30


def test_same_seed_and_day_give_the_same_database(tmp_path: Path) -> None:
    def dump(path: Path) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(path)
        return conn.execute(
            "SELECT id, name, uscc, stage, assigned_rm_id FROM prospects ORDER BY id"
        ).fetchall()

    build_demo(tmp_path / "a.db", prospects=200, seed=4, today=TODAY)
    build_demo(tmp_path / "b.db", prospects=200, seed=4, today=TODAY)
    build_demo(tmp_path / "c.db", prospects=200, seed=5, today=TODAY)
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")
    assert dump(tmp_path / "a.db") != dump(tmp_path / "c.db")


def test_index_bodies_are_the_search_modules_own() -> None:
    from crm.demo.builder import PROSPECT_COLUMNS, _Bodies, _Builder, _generate
    from crm.store import search

    rms = [("018feb0f-4e80-7e32-8971-4f7e1fc5c500", "t")]
    tables, bodies, _ = _generate(_Builder(3, TODAY, 0), 300, rms, 1)
    assert [rowid for rowid, _ in bodies] == list(range(1, 301))
    at = {name: i for i, name in enumerate(PROSPECT_COLUMNS)}
    indexed = ("name", "owner_name", "address", "street", "notes", "uscc", "phone")
    made = _Bodies()
    for row in tables["prospects"]:
        fields = tuple(row[at[name]] for name in indexed)
        letters = (search.initials(row[at["name"]]), search.initials(row[at["owner_name"]]))
        assert made.body(fields, letters) == search.search_body(fields, letters)
    for value in ("ＡＢ 12", "a_b-c", "x", "", None, "五金（2号）店", "__"):
        assert made.part(value) == search.search_body((value,))


def test_every_prospect_is_indexed_and_found_by_its_name(demo: sqlite3.Connection) -> None:
    from sqlcipher3 import dbapi2  # the app's SQLite, which reads this index

    from crm.store import search

    path = demo.execute("PRAGMA database_list").fetchone()["file"]
    conn = dbapi2.connect(path)
    total = conn.execute("SELECT count(*) FROM prospects").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM prospect_search_docsize").fetchone()[0] == total
    rows = conn.execute(
        "SELECT name, search_rowid FROM prospects WHERE rowid % 50 = 0 OR name LIKE '%号）%'"
    ).fetchall()
    assert any("号）" in name for name, _ in rows)  # numbered: the name was taken
    sql = search.matching_rowids_sql().replace(":fts_query", "?")
    for name, rowid in rows:
        found = {hit[0] for hit in conn.execute(sql, (search.match_expression(name),))}
        assert rowid in found, name
    conn.close()
