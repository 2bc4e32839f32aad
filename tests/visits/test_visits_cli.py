"""`crm visits record / finalize / amend`: a record made, finalized and corrected from the
command line, through the same use cases as the form; unknown ids are told plainly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from visit_helpers import Book

from crm.cli import main
from crm.domain.clock import SHANGHAI, utcnow
from crm.services.context import Context
from crm.store.engine import raw_connect

# The command's own day (the process clock: CRM_CLOCK when set).
TODAY = utcnow().astimezone(SHANGHAI).date()
SITE = [
    "--time", "09:30",
    "--purpose", "首次走访，了解经营情况",
    "--people-met", "法定代表人 王建国",
    "--operating-state", "两条生产线正常开工",
    "--repayment-source", "销售回款",
    "--growth-prospects", "进入龙头供应商名录",
    "--need-amount", "100万",
    "--need-purpose", "购置数控折弯机",
    "--need-timing", "春节后",
    "--due-diligence", "before.site,before.turnover",
    "--checklist", "literacy.products",
    "--credit-auth", "yes",
    "--credit-auth-on", TODAY.isoformat(),
    "--next-steps", "收集近两年纳税证明",
]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_record_finalize_amend_round_trip(
    ctx: Context, book: Book, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(ctx.db.path), "--user", "wangfang"]
    code, out, _ = run(
        capsys, "visits", "record", book.huaxing, "--on", TODAY.isoformat(), "--kind", "site",
        "--purpose", "首次走访", "--json", *db,
    )  # fmt: skip
    assert code == 0
    draft = json.loads(out)
    assert draft["status"] == "draft" and draft["prospect_name"] == "佛山市南海区华兴五金制品厂"
    assert draft["record"]["place"].startswith("广东省佛山市")  # the prospect's address
    # What is still missing is named by the options that give it.
    assert any(m.startswith("--people-met") for m in draft["missing_to_finalize"])

    code, _, err = run(capsys, "--lang", "en", "visits", "finalize", draft["id"], *db)
    assert code == 1 and "--people-met" in err and "cannot be finalized yet" in err

    code, out, _ = run(
        capsys, "visits", "record", book.huaxing, "--on", TODAY.isoformat(), "--json",
        *SITE, *db,
    )  # fmt: skip
    complete = json.loads(out)
    assert code == 0 and complete["missing_to_finalize"] == []
    assert complete["record"]["need_amount_fen"] == 100_000_000
    code, out, _ = run(capsys, "visits", "finalize", complete["id"], "--json", *db)
    final = json.loads(out)
    assert code == 0 and final["status"] == "final" and len(final["content_hash"]) == 64

    code, out, _ = run(
        capsys, "visits", "amend", final["id"], "--reason", "金额更正",
        "--need-amount", "80万", "--json", *db,
    )  # fmt: skip
    amended = json.loads(out)
    assert code == 0 and amended["status"] == "final"
    assert amended["amends_id"] == final["id"]
    assert amended["record"]["amend_reason"] == "金额更正"
    assert amended["record"]["need_amount_fen"] == 80_000_000
    assert amended["prev_hash"] == final["content_hash"]

    conn = raw_connect(ctx.db.path)
    try:
        kinds = [r[0] for r in conn.execute("SELECT kind FROM outbox WHERE entity = 'visit'")]
        assert kinds == ["finalize", "amend"]  # drafts stay local
    finally:
        conn.close()
    assert main(["visits", "verify", *db]) == 0


def test_a_prospect_is_named_by_its_uscc(
    ctx: Context, book: Book, capsys: pytest.CaptureFixture[str]
) -> None:
    from crm.domain.prospect import ProspectDraft
    from crm.services.prospects import ProspectService

    ProspectService(ctx).update(
        book.meijia, ProspectDraft(name="佛山市顺德区美嘉家具有限公司", uscc="91440605MA4UJ2K81Q")
    )
    code, out, _ = run(
        capsys, "visits", "record", "91440605ma4uj2k81q", "--on", TODAY.isoformat(),
        "--kind", "phone", "--json", "--db", str(ctx.db.path),
    )  # fmt: skip
    assert code == 0 and json.loads(out)["prospect_id"] == book.meijia


@pytest.mark.parametrize(
    ("lang", "prospect_text", "visit_text"),
    [
        ("en", "there is no prospect with id or USCC", "there is no visit record with id"),
        ("zh_CN", "没有 id 或统一社会信用代码为", "没有 id 为"),
    ],
)
def test_unknown_ids_get_a_clear_message_and_a_failing_exit(
    ctx: Context,
    book: Book,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    prospect_text: str,
    visit_text: str,
) -> None:
    db = ["--db", str(ctx.db.path)]
    code, out, err = run(
        capsys, "--lang", lang, "visits", "record", "no-such-prospect", "--on",
        TODAY.isoformat(), *db,
    )  # fmt: skip
    assert code != 0 and prospect_text in err and "no-such-prospect" in err
    assert "Traceback" not in err + out
    for action in (["finalize", "no-such-visit"], ["amend", "no-such-visit", "--reason", "x"]):
        code, out, err = run(capsys, "--lang", lang, "visits", *action, *db)
        assert code != 0 and visit_text in err and "no-such-visit" in err
        assert "Traceback" not in err + out
    conn = raw_connect(ctx.db.path)
    try:
        assert conn.execute("SELECT count(*) FROM visits").fetchone() == (0,)
    finally:
        conn.close()


def test_a_wrong_field_records_nothing(
    ctx: Context, book: Book, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "--lang", "en", "visits", "record", book.huaxing, "--on", TODAY.isoformat(),
        "--time", "9点半", "--checklist", "no.such.item",
        "--next-visit", (TODAY - timedelta(days=1)).isoformat(),
        "--db", str(ctx.db.path),
    )  # fmt: skip
    assert code == 1
    assert "--time" in err and "--checklist" in err and "--next-visit" in err
    conn = raw_connect(ctx.db.path)
    try:
        assert conn.execute("SELECT count(*) FROM visits").fetchone() == (0,)
    finally:
        conn.close()
