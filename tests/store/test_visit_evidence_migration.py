"""Revision 0009: a book of revision 0008 upgrades with its visits and their ticks as they
were, and from then on a finalized visit cannot be deleted nor lost with its prospect."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from store_helpers import make_prospect

from crm.store.migrate import downgrade, open_database
from crm.store.models import Prospect

VISIT_COLUMNS = (
    "id, prospect_id, rm_id, status, kind, visit_on, start_time, place, purpose, companions, "
    "people_met, operating_state, repayment_source, growth_prospects, need_amount_fen, "
    "need_purpose, need_timing, due_diligence, checklist_items, credit_auth, credit_auth_on, "
    "next_steps, next_visit_on, amends_id, amend_reason, content_hash, prev_hash, "
    "finalized_at, finalized_by, created_at, updated_at, version"
)
STAMP = "2026-06-15T02:00:00.000000+00:00"


def _visit(vid: str, pid: str, status: str, content_hash: str, amends: str | None) -> tuple:
    final = status == "final"
    return (
        vid, pid, None, status, "site", "2026-06-15", "09:30", "狮山镇厂区", "首次走访",
        "", "王建国", "正常开工", "销售回款", "良好", 100_000_000, "购置设备", "春节后",
        "before.site", "debt.capacity", 1, "2026-06-15", "收集流水", None, amends,
        "更正" if amends else "", content_hash, "", STAMP if final else None, None, STAMP,
        STAMP, 2,
    )  # fmt: skip


def test_upgrade_from_0008_keeps_visits_and_ticks_and_then_guards_them(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    db, _ = open_database(path, create=True)
    prospect = make_prospect("佛山市南海五金制品厂")
    pid = prospect.id
    with db.transaction() as s:
        s.add(prospect)
    downgrade(db, "0008")
    rows = [
        _visit("v-final", pid, "final", "a" * 64, None),
        _visit("v-amend", pid, "final", "b" * 64, "v-final"),
        _visit("v-draft", pid, "draft", "", None),
    ]
    with db.engine.begin() as conn:
        marks = ", ".join("?" * len(rows[0]))
        conn.exec_driver_sql(f"INSERT INTO visits ({VISIT_COLUMNS}) VALUES ({marks})", rows)
        conn.exec_driver_sql(
            "INSERT INTO checklist_ticks (prospect_id, item_code, visit_id, ticked_at) "
            "VALUES (?, 'debt.capacity', 'v-final', ?)",
            (pid, STAMP),
        )
    db.close()

    db, report = open_database(path)
    try:
        assert report.upgraded_from == "0008"
        with db.engine.begin() as conn:
            kept = conn.exec_driver_sql(f"SELECT {VISIT_COLUMNS} FROM visits ORDER BY id").all()
            assert [tuple(r) for r in kept] == sorted(rows)
            tick = conn.exec_driver_sql("SELECT visit_id FROM checklist_ticks").scalar_one()
            assert tick == "v-final"
        refused = (
            ("DELETE FROM visits WHERE id = 'v-amend'", "cannot be deleted"),
            ("UPDATE visits SET purpose = 'x' WHERE id = 'v-final'", "cannot be changed"),
            (f"DELETE FROM prospects WHERE id = '{pid}'", "must be archived"),
        )
        for sql, message in refused:
            with pytest.raises(sa_exc.IntegrityError, match=message), db.engine.begin() as conn:
                conn.exec_driver_sql(sql)
        with db.engine.begin() as conn:
            # Archived first, the prospect goes: its draft with it, its records stay.
            conn.exec_driver_sql(
                "INSERT INTO archived_prospects (id, name, owner_name, address, stage, "
                "reason, note, archived_at) VALUES (?, '佛山市南海五金制品厂', '', '', "
                "'no_loan', 'deleted', '', ?)",
                (pid, STAMP),
            )
            conn.exec_driver_sql("DELETE FROM prospects WHERE id = ?", (pid,))
            left = conn.exec_driver_sql("SELECT id FROM visits ORDER BY id").scalars().all()
            assert left == ["v-amend", "v-final"]
        with db.reading() as s:
            assert s.scalars(select(Prospect.id)).all() == []
    finally:
        db.close()


def test_a_prospect_that_comes_back_leaves_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    db, _ = open_database(path, create=True)
    try:
        prospect = make_prospect("佛山市顺德区美嘉家具有限公司")
        pid = prospect.id
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO archived_prospects (id, name, owner_name, address, stage, "
                "reason, note, archived_at) VALUES (?, 'x', '', '', 'no_loan', "
                "'head_office', '', ?)",
                (pid, STAMP),
            )
        with db.transaction() as s:
            s.add(prospect)
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM archived_prospects").scalar() == 0
    finally:
        db.close()
