"""A large text file's rows are cleaned in a worker process: the import must come out exactly
as it does in process (outcomes, rejected rows, what is written, undo), and a cancelled or
failed worker must neither change the book nor outlive the import."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psutil
import pytest
from lists import sample_rows, table_digest, uscc, write_csv

from crm.domain.prospect import ProspectDraft
from crm.domain.query import ProspectFilter, Sort
from crm.services.container import Services, open_services
from crm.services.imports.prepare import (
    Job,
    PrepareWorker,
    blocks,
    cleaner_for,
    open_layout,
    prepare_block,
)
from crm.services.imports.run import ImportCancelled, ImportRun, NewShare, new_record
from crm.services.imports.service import (
    ImportFileError,
    ImportRequest,
    ImportResult,
    ImportService,
)

SOURCE = "visit_campaign"


def busy_rows() -> list[list[object]]:
    """Sample rows, then enough more for many blocks: repeats of a code in later blocks,
    rows without a code that look like a known prospect, rejected and blank rows."""
    rows: list[list[object]] = list(sample_rows())
    for i in range(60):
        rows.append(
            [100 + i, f"佛山市禅城区工作进程{i}五金厂", uscc(200 + i), "陈志强", "", "", "", ""]
        )
        if i % 7 == 0:
            rows.append(
                [300 + i, f"佛山市禅城区工作进程{i}五金厂", uscc(200 + i), "", "13800138000"]
            )
        if i % 11 == 0:
            rows.append([400 + i, "佛山市南海区华兴五金制品厂", "", "", "", "南海区"])
        if i % 13 == 0:
            rows.append([500 + i, "佛山市坏电话贸易有限公司", uscc(600 + i), "", "12345"])
        if i % 17 == 0:
            rows.append([])
    # Heteronym phrases: the importing process makes these initials, not the worker.
    rows.append([800, "佛山市禅城区工作进程银行商行", uscc(900), "行长", "", "", "", ""])
    return rows


@pytest.fixture
def second_book(book_template: Path, tmp_path: Path) -> Iterator[Services]:
    target = tmp_path / "second.db"
    shutil.copyfile(book_template, target)
    opened = open_services(target)
    yield opened
    opened.close()


def outcome(result: ImportResult) -> tuple[Any, ...]:
    return (
        result.rows,
        result.created,
        result.merged,
        result.flagged,
        result.rejected,
        result.unchanged,
        result.skipped,
        [(e.row, e.field, e.column, e.message) for e in result.errors],
        [(s.row, s.outcome, s.name, s.uscc, s.detail) for s in result.samples],
    )


def written(services: Services) -> tuple[Any, ...]:
    """What an import wrote, without the ids and times that differ between runs."""
    with services.ctx.db.reading() as s:
        from sqlalchemy import text

        prospects = s.execute(
            text(
                "SELECT name, name_key, uscc, kind, owner_name, phone, address, district_code, "
                "industry_code, registered_capital_fen, established_on, notes, version "
                "FROM prospects ORDER BY name, uscc"
            )
        ).all()
        # Each create op names its first stage event, whose id is the event's own.
        events = {
            pid: eid
            for pid, eid in s.execute(text("SELECT prospect_id, id FROM stage_events")).all()
        }
        ops = s.execute(
            text("SELECT entity_id, kind, payload FROM outbox WHERE entity != 'audit'")
        ).all()
        for pid, kind, p in ops:
            if kind == "create":
                assert json.loads(p)["event_id"] == events[pid]
        payloads = sorted(
            json.dumps({k: v for k, v in json.loads(p).items() if k not in ("rm_id", "event_id")})
            for _, _, p in ops
        )
        members = s.execute(
            text(
                "SELECT p.name, m.source_code FROM source_memberships m "
                "JOIN prospects p ON p.id = m.prospect_id ORDER BY 1, 2"
            )
        ).all()
        flags = s.execute(text("SELECT count(*) FROM duplicate_flags")).scalar_one()
    return tuple(prospects), tuple(payloads), tuple(members), flags


def found_names(services: Services, query: str) -> list[str]:
    rows = services.prospects.page(ProspectFilter(text=query), Sort(), limit=500)
    return sorted(r.name for r in rows)


def test_a_worker_cleans_a_large_text_file_exactly_as_the_import_does_in_process(
    services: Services, second_book: Services, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "busy.csv", busy_rows(), encoding="gb18030")
    before = written(services)
    workers: list[int] = []

    def progress(_done: int, _fraction: float) -> None:
        workers.append(len(psutil.Process().children()))

    in_worker = ImportService(services.ctx, parallel_from_bytes=0, chunk_rows=7)
    preview = in_worker.preview(ImportRequest(path, source_code=SOURCE))
    result = in_worker.run(ImportRequest(path, source_code=SOURCE), progress=progress)
    in_process = ImportService(second_book.ctx, parallel_from_bytes=None, chunk_rows=7)
    expected = in_process.run(ImportRequest(path, source_code=SOURCE))

    assert workers and all(n >= 1 for n in workers)  # a worker was cleaning all along
    assert psutil.Process().children() == []  # and it is gone
    assert outcome(result) == outcome(expected)
    assert outcome(preview)[:7] == outcome(expected)[:7]
    assert result.created > 50 and result.merged and result.flagged and result.rejected
    assert written(services) == written(second_book)
    for query in ("gzjc", "czq", "hxwj", "gzjcyhsh", "hz"):
        assert found_names(services, query) == found_names(second_book, query), query
    assert found_names(services, "gzjcyhsh") == ["佛山市禅城区工作进程银行商行"]
    assert found_names(services, "gzjcyxsx") == []
    assert len(found_names(services, "gzjc")) == 61
    found = services.prospects.find_by_uscc(uscc(230))
    assert found is not None
    assert services.prospects.get(found).name == "佛山市禅城区工作进程30五金厂"

    again = in_worker.run(ImportRequest(path, source_code=SOURCE))
    assert (again.created, again.merged, again.flagged) == (0, 0, 0)
    undone = in_worker.undo(result.batch_id or "")
    assert undone.deleted == result.created + result.flagged
    assert written(services) == before


def test_cancelling_while_a_worker_cleans_changes_nothing_and_stops_it(
    services: Services, tmp_path: Path
) -> None:
    rows = [[i, f"佛山市取消工作{i}厂", uscc(700 + i), "", "", "", "", ""] for i in range(95)]
    path = write_csv(tmp_path / "cancel.csv", rows)
    before = table_digest(services.db_path)
    seen: list[int] = []
    imports = ImportService(services.ctx, parallel_from_bytes=0, chunk_rows=10)

    with pytest.raises(ImportCancelled):
        imports.run(
            ImportRequest(path, source_code=SOURCE),
            progress=lambda done, _f: seen.append(done),
            cancelled=lambda: len(seen) >= 3,
        )
    assert seen == [10, 20, 30]
    assert psutil.Process().children() == []
    assert table_digest(services.db_path) == before
    assert imports.batches() == []


def test_blocks_a_dead_worker_had_are_cleaned_in_process(
    services: Services, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "dies.csv", busy_rows())
    layout = open_layout(ImportRequest(path), None)
    districts = (("440604", "禅城区"), ("440605", "南海区"), ("440606", "顺德区"))
    today = date(2026, 11, 23)
    record = new_record(services.ctx, SOURCE)
    cleaner = cleaner_for(layout.info, today, districts)
    try:
        expected = [prepare_block(b, cleaner, record) for b in blocks(layout, 9)]
    finally:
        layout.table.close()

    layout = open_layout(ImportRequest(path), None)
    try:
        with PrepareWorker(Job(layout.info, today, districts, record)) as worker:
            parts = worker.prepared(blocks(layout, 9), lambda b: prepare_block(b, cleaner, record))
            got = [next(parts)]
            process = psutil.Process(worker.pid)
            process.kill()
            process.wait(10)
            got.extend(parts)
    finally:
        layout.table.close()
    assert psutil.Process().children() == []

    def plain(part: Any) -> tuple[Any, ...]:
        return (
            part.rows,
            # What classifying needs: the same from any process (no per-process hash seed).
            part.masks,
            part.sigs,
            part.texts,
            part.payloads,
            [(r.row, [str(p) for p in r.problems], r.name, r.uscc) for r in part.rejected],
            part.skipped,
            part.read,
        )

    assert len(got) == len(expected) > 3
    assert [plain(p) for p in got] == [plain(p) for p in expected]


def test_a_known_prospect_is_merged_from_a_worker_cleaned_file(
    services: Services, tmp_path: Path
) -> None:
    services.prospects.create(
        ProspectDraft(name="佛山市禅城区已知工作厂", uscc=uscc(900), owner_name="", sources=[])
    )
    rows = [[1, "佛山市禅城区已知工作厂", uscc(900), "黄伟", "13900139000", "", "", ""]]
    path = write_csv(tmp_path / "known.csv", rows)
    result = ImportService(services.ctx, parallel_from_bytes=0).run(
        ImportRequest(path, source_code=SOURCE)
    )
    assert (result.created, result.merged) == (0, 1)
    found = services.prospects.find_by_uscc(uscc(900))
    assert found is not None
    known = services.prospects.get(found)
    assert (known.owner_name, known.phone) == ("黄伟", "13900139000")
    assert [s.code for s in known.sources] == [SOURCE]


def test_a_list_imported_again_with_new_rows_after_known_ones_is_written_whole(
    services: Services, second_book: Services, tmp_path: Path
) -> None:
    """While the rows are known, the worker stops making texts nobody will use; the new
    rows after them still get theirs (made by the importing process, then by the worker
    again), exactly as an import in process makes them."""
    first = [
        [i, f"佛山市南海区再导入{i}号五金厂", uscc(300 + i), "李强", "", "", "", ""]
        for i in range(40)
    ]
    later = [
        [100 + i, f"佛山市顺德区新名单{i}号商行", uscc(400 + i), "何伟", "", "", "", ""]
        for i in range(40)
    ]
    again = write_csv(tmp_path / "again.csv", first + later)
    for book, limit in ((services, 0), (second_book, None)):
        imports = ImportService(book.ctx, parallel_from_bytes=limit, chunk_rows=7)
        imports.run(ImportRequest(write_csv(tmp_path / "first.csv", first), source_code=SOURCE))
        result = imports.run(ImportRequest(again, source_code=SOURCE))
        assert (result.created, result.unchanged) == (40, 40)
    assert written(services) == written(second_book)
    for query in ("新名单", "xmd", "sdqxmd3hsh", "再导入", "hw", "zdr"):
        assert found_names(services, query) == found_names(second_book, query), query
    assert len(found_names(services, "新名单")) == 40


def test_the_share_of_new_rows_follows_the_last_chunk(services: Services, tmp_path: Path) -> None:
    known = [[i, f"佛山市已知份额{i}厂", uscc(500 + i), "", "", "", "", ""] for i in range(10)]
    ImportService(services.ctx).run(
        ImportRequest(write_csv(tmp_path / "k.csv", known), source_code=SOURCE)
    )
    fresh = [[i, f"佛山市新份额{i}厂", uscc(600 + i), "", "", "", "", ""] for i in range(10)]
    more = [[i, f"佛山市又一份额{i}厂", uscc(700 + i), "", "", "", "", ""] for i in range(6)]
    again = fresh[:4]  # made by this run's second chunk: the same prospects, not new
    path = write_csv(tmp_path / "mixed.csv", known + fresh + known[:4] + more + again + more)
    layout = open_layout(ImportRequest(path, source_code=SOURCE), None)
    cleaner = cleaner_for(layout.info, date(2026, 11, 23), ())
    share = NewShare()
    seen: list[bool] = []
    with services.ctx.db.transaction() as session:
        run = ImportRun(
            services.ctx, session, cleaner, SOURCE, None, True, layout.info.headers, share
        )
        parts = (prepare_block(b, cleaner, None) for b in blocks(layout, 10))
        run.run(parts, progress=lambda _d, _f: seen.append(share.mostly_new))
    layout.table.close()
    # Known rows: texts are not worth making; new rows: they are; 6 of 10 new: still are;
    # rows this file made before: they are not.
    assert seen == [False, True, True, False]


def test_a_worker_started_for_a_file_that_cannot_be_read_does_not_outlive_it(
    services: Services, tmp_path: Path
) -> None:
    """The worker is started before the file is read (its interpreter starts meanwhile):
    a file refused on reading stops it, and the refusal is the file's own."""
    fake = tmp_path / "list.xlsx"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 4096)  # a zip's magic, not a workbook
    imports = ImportService(services.ctx, parallel_from_bytes=0)
    for dry_run in (False, True):
        with pytest.raises(ImportFileError) as refused:
            imports.run(ImportRequest(fake, source_code=SOURCE), dry_run=dry_run)
        assert refused.value.code.startswith("import."), refused.value.code
        assert psutil.Process().children() == []
    assert imports.batches() == []
