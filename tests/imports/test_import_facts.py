"""Lists that carry business facts (年开票额, 纳税信用等级, 参保人数 …): the import stores
them as facts of the prospects it creates or matches, confirmed by the importing user on
the day of the import; importing again changes nothing and undo takes them back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lists import HEADERS, KNOWN_USCC, raw_connect, uscc, write_csv, write_xlsx

from crm.domain.importing import RowCleaner
from crm.services.container import Services, open_services
from crm.services.imports.prepare import vocabulary
from crm.services.imports.service import ImportRequest, ImportService
from crm.services.imports.undo import UndoRefused
from crm.store.fact_writer import FactWriter

SOURCE = "park"
FACT_HEADERS = [
    "年开票额（万元）",
    "月均银行流水",
    "纳税信用等级",
    "社保缴纳人数",
    "人均月工资(元)",
    "年研发投入",
    "绿色企业",
    "科技型企业",
]
HEADS = [*HEADERS, *FACT_HEADERS]


def row(n: int, name: str, code: str, *facts: object) -> list[object]:
    return [n, name, code, "", "", "", "", "", *facts]


def fact_rows() -> list[list[object]]:
    return [
        row(1, "佛山市南海区鸿运家具有限公司", uscc(1),
            820, "65000", "A", 25, 6200, "", "是", "否"),
        row(2, "佛山市顺德区智造科技有限公司", uscc(2),
            "1,250.5", "", "b级", "30人", "", "80万", "否", "是"),
        # The book's 华兴五金 (no facts yet): matched by its code, given the facts.
        row(3, "佛山市南海区华兴五金制品厂", KNOWN_USCC, 300, "", "M", "", "", "", "", ""),
    ]  # fmt: skip


def facts_of(services: Services, code: str) -> dict[str, tuple[Any, ...]]:
    pid = services.prospects.find_by_uscc(code)
    assert pid is not None, code
    return {
        f.key: (f.json_value, f.confirmed_on, f.confirmed_by) for f in services.products.facts(pid)
    }


def values_of(services: Services, code: str) -> dict[str, Any]:
    return {k: v[0] for k, v in facts_of(services, code).items()}


def state(db: Path) -> tuple[Any, ...]:
    """What the book holds of prospects, facts and queued ops (not the import log, nor the
    audit lines an import writes)."""
    conn = raw_connect(db)
    try:
        return tuple(
            tuple(conn.execute(sql).fetchall())
            for sql in (
                "SELECT id, version, updated_at FROM prospects ORDER BY id",
                "SELECT * FROM prospect_facts ORDER BY 1, 2",
                "SELECT op_id, entity, entity_id, kind FROM outbox WHERE entity != 'audit' "
                "ORDER BY op_id",
            )
        )
    finally:
        conn.close()


def fact_ops(db: Path) -> list[tuple[str, str, dict[str, Any]]]:
    conn = raw_connect(db)
    try:
        return [
            (entity_id, kind, json.loads(payload))
            for entity_id, kind, payload in conn.execute(
                "SELECT entity_id, kind, payload FROM outbox WHERE entity = 'prospect_fact' "
                "ORDER BY hlc"
            )
        ]
    finally:
        conn.close()


def crm(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRM_LANG="en", PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_fact_columns_are_recognised_and_cleaned_in_yuan_or_wan() -> None:
    vocab = vocabulary()
    heads = [
        "企业名称",
        "年度开票金额",
        "开票金额（万元）",
        "年增值税开票额",
        "月均流水",
        "纳税信用等级",
        "参保人数",
        "人均月工资",
        "年研发投入(万元)",
        "是否绿色企业",
        "科技型企业",
    ]
    fields = [vocab.match(h)[0] for h in heads]
    assert fields == [
        "name",
        "annual_invoicing",
        "annual_invoicing",
        "annual_invoicing",
        "avg_monthly_turnover",
        "tax_credit_grade",
        "insured_staff",
        "monthly_wage_per_head",
        "annual_rd_spend",
        "green",
        "tech_enterprise",
    ]
    cleaner = RowCleaner(
        ["企业名称", "开票金额（万元）", "月均流水", "年研发投入(万元)", "参保人数", "绿色企业"],
        ["name", "annual_invoicing", "avg_monthly_turnover", "annual_rd_spend", "insured_staff",
         "green"],
        today=date(2026, 11, 23),
    )  # fmt: skip
    clean = cleaner.clean(["甲公司", 82.5, "12345.67", "3万", 12.0, "Y"], 5)
    assert not isinstance(clean, list) and clean is not None
    assert clean.facts == {
        "annual_invoicing": 825000,
        "avg_monthly_turnover": 12345.67,
        "annual_rd_spend": 30000,
        "insured_staff": 12,
        "green": True,
    }
    assert cleaner.clean(["乙公司", "", "", "", "", ""], 6).facts is None  # type: ignore[union-attr]


def test_a_list_with_facts_creates_prospects_with_them_and_match_sees_them(
    services: Services, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "facts.xlsx", fact_rows(), headers=HEADS)
    result = ImportService(services.ctx).run(ImportRequest(path, source_code=SOURCE))
    assert (result.created, result.merged, result.rejected) == (2, 1, 0), result.errors
    today, me = services.ctx.today(), services.ctx.actor_id
    assert me is not None

    assert facts_of(services, uscc(1)) == {
        "annual_invoicing": (8_200_000, today, me),  # 820 万元
        "avg_monthly_turnover": (65_000, today, me),
        "tax_credit_grade": ("A", today, me),
        "insured_staff": (25, today, me),
        "monthly_wage_per_head": (6_200, today, me),
        "green": (True, today, me),
        "tech_enterprise": (False, today, me),
    }
    assert values_of(services, uscc(2)) == {
        "annual_invoicing": 12_505_000,
        "tax_credit_grade": "B",
        "insured_staff": 30,
        "annual_rd_spend": 800_000,
        "green": False,
        "tech_enterprise": True,
    }
    assert values_of(services, KNOWN_USCC) == {
        "annual_invoicing": 3_000_000,
        "tax_credit_grade": "M",
    }
    # Each fact set is an op for head office, confirmed by the importer.
    ops = fact_ops(services.db_path)
    assert len(ops) == 7 + 6 + 2
    assert all(kind == "set" and p["confirmed_by"] == me for _, kind, p in ops)
    assert all(p["confirmed_on"] == today.isoformat() for _, _, p in ops)

    services.close()
    out = crm("match", "--db", str(services.db_path), "--uscc", uscc(1), "--json")
    assert out.returncode == 0, out.stderr
    basic = next(p for p in json.loads(out.stdout)["products"] if p["code"] == "basic")
    statuses = {c["key"]: c["status"] for c in basic["criteria"]}
    assert statuses["tax_credit_grade"] == "pass"
    assert statuses["annual_invoicing"] == "pass"


def test_a_bad_fact_rejects_its_row_naming_the_column(services: Services, tmp_path: Path) -> None:
    rows = [
        row(1, "佛山市南海区评级错误有限公司", uscc(11), "", "", "E", "", "", "", "", ""),
        row(2, "佛山市南海区绿色存疑有限公司", uscc(12), "", "", "", "", "", "", "也许", ""),
        row(3, "佛山市南海区人数错误有限公司", uscc(13), "", "", "", "十二", "", "", "", ""),
        row(4, "佛山市南海区金额错误有限公司", uscc(14), "很多", "", "", "", "", "", "", ""),
        row(5, "佛山市南海区正常有限公司", uscc(15), "", "", "a", "", "", "", "", ""),
    ]
    path = write_csv(tmp_path / "bad.csv", rows, headers=HEADS)
    result = ImportService(services.ctx).run(ImportRequest(path, source_code=SOURCE))
    assert (result.created, result.rejected) == (1, 4)
    assert [(e.row, e.field, e.column) for e in result.errors] == [
        (5, "tax_credit_grade", "纳税信用等级"),
        (6, "green", "绿色企业"),
        (7, "insured_staff", "社保缴纳人数"),
        (8, "annual_invoicing", "年开票额（万元）"),
    ]
    assert "A, B, M, C, D" in result.errors[0].message
    assert services.prospects.find_by_uscc(uscc(11)) is None
    assert values_of(services, uscc(15)) == {"tax_credit_grade": "A"}


def test_importing_again_changes_nothing_and_a_changed_value_replaces_the_fact(
    services: Services, tmp_path: Path
) -> None:
    imports = ImportService(services.ctx)
    path = write_xlsx(tmp_path / "facts.xlsx", fact_rows(), headers=HEADS)
    imports.run(ImportRequest(path, source_code=SOURCE))
    before = state(services.db_path)

    again = imports.run(ImportRequest(path, source_code=SOURCE))
    assert (again.created, again.merged, again.unchanged) == (0, 0, 3)
    assert state(services.db_path) == before

    # A later list says the grade went down: only that fact changes.
    changed = fact_rows()[:1]
    changed[0][10] = "B"
    later = write_xlsx(tmp_path / "later.xlsx", changed, headers=HEADS)
    result = imports.run(ImportRequest(later, source_code=SOURCE))
    assert (result.merged, result.unchanged) == (1, 0)
    assert [s.detail for s in result.samples if s.outcome == "merged"] == ["tax_credit_grade"]
    assert values_of(services, uscc(1))["tax_credit_grade"] == "B"
    assert len(fact_ops(services.db_path)) == 15 + 1


def test_undo_clears_the_facts_it_set_and_keeps_later_work(
    services: Services, tmp_path: Path
) -> None:
    imports = ImportService(services.ctx)
    path = write_xlsx(tmp_path / "facts.xlsx", fact_rows(), headers=HEADS)
    known = services.prospects.find_by_uscc(KNOWN_USCC)
    assert known is not None
    services.products.set_facts(known, {"insured_staff": 8})
    result = imports.run(ImportRequest(path, source_code=SOURCE))
    # The RM confirms the known prospect's grade by hand after the import.
    services.products.set_facts(known, {"tax_credit_grade": "M"})

    undone = imports.undo(result.batch_id or "")
    assert undone.deleted == 2
    assert services.prospects.find_by_uscc(uscc(1)) is None
    # The invoicing the import set is cleared; the staff set before and the grade
    # confirmed after it stay.
    assert values_of(services, KNOWN_USCC) == {"insured_staff": 8, "tax_credit_grade": "M"}
    ops = fact_ops(services.db_path)
    # The created prospects' fact ops never reached head office: they went with them.
    assert {e.split("/")[0] for e, _, _ in ops} == {known}
    assert (f"{known}/annual_invoicing", "clear") in [(e, k) for e, k, _ in ops]


def test_undo_is_refused_when_a_created_prospect_got_facts_after_the_import(
    services: Services, tmp_path: Path
) -> None:
    imports = ImportService(services.ctx)
    path = write_xlsx(tmp_path / "facts.xlsx", fact_rows(), headers=HEADS)
    result = imports.run(ImportRequest(path, source_code=SOURCE))
    made = services.prospects.find_by_uscc(uscc(2))
    assert made is not None
    services.products.set_facts(made, {"customer_rating": 4.5})
    with pytest.raises(UndoRefused):
        imports.undo(result.batch_id or "")
    assert values_of(services, uscc(2))["customer_rating"] == 4.5


def test_a_large_file_cleaned_by_the_worker_imports_the_facts_too(
    services: Services, book_template: Path, tmp_path: Path
) -> None:
    rows = [
        row(10 + i, f"佛山市禅城区事实{i}五金厂", uscc(300 + i), 100 + i, "", "ABMCD"[i % 5],
            i, "", "", "是" if i % 2 else "否", "")
        for i in range(40)
    ]  # fmt: skip
    rows.append(row(99, "佛山市禅城区事实0五金厂", uscc(300), 100, "", "A", 0, "", "", "否", ""))
    path = write_csv(tmp_path / "large.csv", rows, headers=HEADS, encoding="gb18030")
    in_worker = ImportService(services.ctx, parallel_from_bytes=0, chunk_rows=7)
    result = in_worker.run(ImportRequest(path, source_code=SOURCE))
    assert (result.created, result.merged, result.rejected) == (40, 1, 0), result.errors

    other = tmp_path / "other.db"
    other.write_bytes(book_template.read_bytes())
    second = open_services(other)
    try:
        in_process = ImportService(second.ctx, parallel_from_bytes=None, chunk_rows=7)
        in_process.run(ImportRequest(path, source_code=SOURCE))
        for i in (0, 7, 39):
            assert values_of(services, uscc(300 + i)) == values_of(second, uscc(300 + i))
    finally:
        second.close()
    assert values_of(services, uscc(307)) == {
        "annual_invoicing": 1_070_000,
        "tax_credit_grade": "M",
        "insured_staff": 7,
        "green": True,
    }
    assert len(fact_ops(services.db_path)) == 40 * 4
    in_worker.undo(result.batch_id or "")
    assert fact_ops(services.db_path) == []


def test_a_bulk_set_queues_the_very_op_that_setting_one_fact_does(services: Services) -> None:
    """An import's facts go through FactWriter.set_many, which fills its ops' payloads
    from text made once per write; each must be byte for byte the payload `set` encodes
    from a dict (head office hashes pushes), whatever the value: text with quotes,
    backslashes and Chinese, numbers, flags, nothing, a list, an object."""
    pid = services.prospects.find_by_uscc(KNOWN_USCC)
    assert pid is not None
    values: dict[str, object] = {
        "annual_invoicing": 8_200_000,
        "customer_rating": -0.0,
        "green": True,
        "note_text": 'say "hi" \\ 你好',
        "nothing": None,
        "a_list": [1, "x"],
        "an_object": {"b": 1, "a": [2, 3.5]},
    }
    ctx = services.ctx
    with ctx.db.transaction() as s:
        writer = FactWriter(s, ctx.now(), ctx.actor_id)
        count = writer.set_many([(pid, k, v) for k, v in values.items()], ctx.today())
        writer.set(pid, values, ctx.today())
    assert count == len(values)
    conn = raw_connect(services.db_path)
    try:
        payloads = conn.execute(
            "SELECT entity_id, payload FROM outbox WHERE entity = 'prospect_fact' ORDER BY hlc"
        ).fetchall()
    finally:
        conn.close()
    bulk, single = payloads[: len(values)], payloads[len(values) :]
    assert [e for e, _ in bulk] == [f"{pid}/{k}" for k in values]
    assert bulk == single
    assert json.loads(bulk[3][1])["value"] == 'say "hi" \\ 你好'


def test_undo_after_head_office_heard_of_the_import_clears_every_fact_it_set(
    services: Services, tmp_path: Path
) -> None:
    """Once pushed (head office acknowledged the ops, which leaves the outbox empty), undo
    tells head office: a clear of each fact the import set, on the prospects it created
    (which record no effect of their facts) as on the one it matched, then the deletes."""
    imports = ImportService(services.ctx)
    path = write_xlsx(tmp_path / "facts.xlsx", fact_rows(), headers=HEADS)
    result = imports.run(ImportRequest(path, source_code=SOURCE))
    made = [services.prospects.find_by_uscc(uscc(n)) for n in (1, 2)]
    known = services.prospects.find_by_uscc(KNOWN_USCC)
    conn = raw_connect(services.db_path)
    try:
        with conn:
            conn.execute("DELETE FROM outbox")
        effects = conn.execute(
            "SELECT prospect_id, fields FROM import_effects WHERE kind = 'facts'"
        ).fetchall()
    finally:
        conn.close()
    assert effects == [(known, "annual_invoicing tax_credit_grade")]

    imports.undo(result.batch_id or "")
    ops = fact_ops(services.db_path)
    cleared = sorted(e for e, kind, p in ops if kind == "clear" and p["value"] is None)
    assert len(ops) == len(cleared) == 7 + 6 + 2
    assert cleared == sorted(
        [f"{made[0]}/{k}" for k in values_of_import(1)]
        + [f"{made[1]}/{k}" for k in values_of_import(2)]
        + [f"{known}/annual_invoicing", f"{known}/tax_credit_grade"]
    )
    conn = raw_connect(services.db_path)
    try:
        deletes = conn.execute(
            "SELECT entity_id FROM outbox WHERE entity = 'prospect' AND kind = 'delete'"
        ).fetchall()
        left = conn.execute("SELECT count(*) FROM prospect_facts").fetchone()
    finally:
        conn.close()
    assert sorted(d for (d,) in deletes) == sorted(made)
    assert left == (0,)


def values_of_import(n: int) -> list[str]:
    """The fact keys row `n` of `fact_rows` gives."""
    keys = [
        "annual_invoicing",
        "avg_monthly_turnover",
        "tax_credit_grade",
        "insured_staff",
        "monthly_wage_per_head",
        "annual_rd_spend",
        "green",
        "tech_enterprise",
    ]
    cells = fact_rows()[n - 1][8:]
    return [k for k, cell in zip(keys, cells, strict=True) if cell != ""]
