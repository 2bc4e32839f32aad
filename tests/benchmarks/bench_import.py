"""Issue 4's figures: importing lists into the 100,000-prospect demo database.

- a 50,000-row, 15-column .xlsx imported (target ≤ 1.5× the floor: python-calamine reading
  the same file plus bare SQLite writes of the rows the import wrote, both measured in this
  run; also printed beside the reader alone);
- a 100,000-row CSV imported (target ≤ 10 s);
- peak memory of the .xlsx import (target ≤ 2× the reader's own peak on the same file);
- the same .xlsx imported again into the book it made (no target: an RM's weekly case).

Memory is measured as the growth of the resident set (RSS) in a fresh subprocess each:
the peak RSS during the work (Linux VmHWM, reset through /proc/self/clear_refs just before
it starts, after imports and opening the database) minus the RSS at that moment. RSS
counts python-calamine's Rust-side memory and SQLite's page cache, which tracemalloc would
not see. (getrusage's ru_maxrss is no good here: a child inherits its parent's.) The rows
of a large file are cleaned by a worker process the import starts: its whole RSS
(interpreter and imports included), sampled every 10 ms, is added to the importing
process's growth, and its CPU seconds to the import's. The sampling runs in this parent
process, not in the one measured: a sampling thread there took the interpreter lock 200
times a second from the import and made it 1–1.5 s slower.

Every import runs on a fresh copy of the demo database, so runs do not see each other.

A second baseline shows what no import code can go below: the reader's time plus bare
sqlite executemany of exactly the rows the import wrote (prospects with their secondary
and unique indexes, stage events, list memberships, the business facts the list carries,
effects, outbox ops and the bigram search index), in one transaction on a fresh copy,
through the same SQLite, in the same chunks, with the same page cache and search-index
settings as the import, committed as the import commits (the log left for a later
checkpoint).

An import is done at its commit: the copy of SQLite's log into the file that follows runs
in the background (crm.store.engine.Database.transaction, bulk) and is timed on its own.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CACHE, ROOT, report

XLSX_ROWS = 50_000
CSV_ROWS = 100_000
DEMO = 100_000
HEADERS = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "联系电话",
    "注册地址",
    "所属区县",
    "所属行业",
    "成立日期",
    "注册资本（万元）",
    "企业类型",
    "经营范围",
    "从业人数",
    "纳税信用等级",
    "备注",
]
FIXTURE_VERSION = "1"


def _status_kb(key: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/self/status")


def _rss_kb() -> int:
    """The RSS now, after resetting the peak to it."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    return _status_kb("VmRSS")


def _peak_kb() -> int:
    return _status_kb("VmHWM")


class _ChildrenPeak:
    """The largest summed RSS of the children of process `root`, sampled on a thread."""

    def __init__(self, root: int) -> None:
        import threading

        self.root = root
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _now_kb(self) -> int:
        try:
            ours = Path(f"/proc/{self.root}/cmdline").read_bytes()
            tasks = list(Path(f"/proc/{self.root}/task").iterdir())
        except OSError:
            return 0
        total = 0
        for task in tasks:
            try:
                pids = (task / "children").read_text().split()
            except OSError:
                continue
            for pid in pids:
                try:
                    # Between fork and exec a child shares all our pages: not its own yet.
                    if Path(f"/proc/{pid}/cmdline").read_bytes() == ours:
                        continue
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
                except OSError:
                    pass
        return total

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak_kb = max(self.peak_kb, self._now_kb())

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb


# -- fixtures ---------------------------------------------------------------------------------


def _rows(count: int, seed: int):
    """Realistic list rows: valid codes, Foshan districts, mixed date and amount forms."""
    from crm.domain.uscc import ALPHABET, make_uscc

    rng = random.Random(seed)
    districts = [
        ("440604", "禅城区"),
        ("440605", "南海区"),
        ("440606", "顺德区"),
        ("440607", "三水区"),
        ("440608", "高明区"),
    ]
    trades = "鸿运华兴美嘉新达顺发金源宏达恒通联合创新佳利信诚永盛"
    words = ["五金制品", "家具", "陶瓷", "电器", "塑料制品", "纺织", "服装", "食品", "机械设备"]
    suffixes = ["有限公司", "有限责任公司", "五金厂", "商行", "经营部"]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
    given = "建国伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    for i in range(count):
        code, district = rng.choice(districts)
        trade = "".join(rng.choice(trades) for _ in range(2))
        name = f"佛山市{district}{trade}{rng.choice(words)}{i}{rng.choice(suffixes)}"
        org = "".join(rng.choice(ALPHABET) for _ in range(8)) + rng.choice("0123456789")
        kind = "2" if name.endswith(("商行", "经营部")) else "1"
        owner = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.randint(1, 2)))
        phone = (
            f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
            if rng.random() < 0.8
            else f"0757-8{rng.randrange(10**7):07d}"
        )
        year, month, day = rng.randint(2000, 2025), rng.randint(1, 12), rng.randint(1, 28)
        established = rng.choice(
            [f"{year}-{month:02d}-{day:02d}", f"{year}/{month}/{day}", f"{year}年{month}月{day}日"]
        )
        yield [
            i + 1,
            name,
            make_uscc("9", kind, code, org).value,
            owner,
            phone,
            f"广东省佛山市{district}桂城街道海八路{rng.randint(1, 300)}号",
            district,
            rng.choice(["C33", "C21", "F51", "C38", "I65"]),
            established,
            rng.randint(10, 5000),
            "个体工商户" if kind == "2" else "有限责任公司",
            "五金制品制造；金属制品销售",
            rng.randint(3, 50),
            rng.choice("ABM"),
            "",
        ]


def xlsx_fixture() -> Path:
    path = CACHE / f"import-{XLSX_ROWS}-v{FIXTURE_VERSION}.xlsx"
    if not path.exists():
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("企业名单")
        sheet.append(["佛山市小微企业名单（百行进万企）"])
        sheet.append(["导出时间：2026-11-20"])
        sheet.append(HEADERS)
        for row in _rows(XLSX_ROWS, 11):
            sheet.append(row)
        book.save(path)
    return path


def csv_fixture() -> Path:
    path = CACHE / f"import-{CSV_ROWS}-v{FIXTURE_VERSION}.csv"
    if not path.exists():
        import csv

        with path.open("w", encoding="gb18030", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            for row in _rows(CSV_ROWS, 12):
                writer.writerow(row)
    return path


def demo_database() -> Path:
    """The shared demo database, rebuilt if its schema is older than the code's."""
    from common import demo_db

    path = CACHE / f"demo-{DEMO}-1.db"
    if path.exists():
        from sqlcipher3 import dbapi2 as sqlite3

        conn = sqlite3.connect(path)
        columns = {r[1] for r in conn.execute("PRAGMA table_info(import_batches)")}
        prospect_columns = {r[1] for r in conn.execute("PRAGMA table_info(prospects)")}
        conn.close()
        from crm.store.models import Base

        wanted = {c.name for c in Base.metadata.tables["import_batches"].columns}
        wanted_p = {c.name for c in Base.metadata.tables["prospects"].columns}
        if not wanted <= columns or not wanted_p <= prospect_columns:
            print("demo database is older than the schema: rebuilding it", flush=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    return demo_db(DEMO)


def fresh_copy(source: Path, folder: Path) -> Path:
    target = folder / "book.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


# -- measurements (each in its own process) ------------------------------------------------------


def read_only(path: Path) -> dict[str, float]:
    import python_calamine

    before = _rss_kb()
    start, cpu = time.perf_counter(), time.process_time()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0)
    count = sum(1 for _ in sheet.iter_rows())
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": count, "peak_kb": _peak_kb() - before}


def import_file(path: Path, db: Path) -> dict[str, float]:
    from crm.services.container import open_services
    from crm.services.imports.service import ImportRequest, ImportService

    services = open_services(db)
    service = ImportService(services.ctx)
    # Warm what any import of a running app has loaded: pypinyin's dictionaries, the code.
    from crm.store.search import initials

    initials("预热")
    import resource

    before = _rss_kb()
    start, cpu = time.perf_counter(), time.process_time()
    result = service.run(ImportRequest(path, source_code="visit_campaign"))
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak = _peak_kb() - before  # the worker's is added by the parent (`_child`)
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = worker.ru_utime + worker.ru_stime
    # The import is done at its commit; SQLite's copy of the log into the file follows in
    # the background (crm.store.engine.Database.transaction, bulk), timed here on its own.
    settled = time.perf_counter()
    services.ctx.db.settle()
    checkpoint = time.perf_counter() - settled
    services.close()
    return {
        "seconds": seconds,
        "checkpoint": checkpoint,
        "cpu": cpu + worker_cpu,
        "worker_cpu": worker_cpu,
        "rows": result.rows,
        "created": result.created,
        "merged": result.merged,
        "rejected": result.rejected,
        "peak_kb": peak,
    }


def bare_writes(imported: Path, fresh: Path, cache_kib: int) -> dict[str, float]:
    """Seconds for bare executemany of the rows an import wrote into `imported`, committed
    without copying the log into the file, as the import commits."""
    from sqlcipher3 import dbapi2 as sqlite3

    from crm.services.imports.index import Initials, index_body
    from crm.services.imports.run import CHUNK
    from crm.store.search import BULK_HASHSIZE

    src = sqlite3.connect(imported)
    (batch,) = src.execute("SELECT id FROM import_batches ORDER BY started_at DESC").fetchone()
    made = "SELECT prospect_id FROM import_effects WHERE batch_id = ? AND kind = 'created'"
    tables = {
        "prospects": f"SELECT * FROM prospects WHERE id IN ({made}) ORDER BY rowid",
        "stage_events": f"SELECT * FROM stage_events WHERE prospect_id IN ({made}) ORDER BY rowid",
        "source_memberships": (
            f"SELECT * FROM source_memberships WHERE prospect_id IN ({made}) ORDER BY rowid"
        ),
        "prospect_facts": (
            f"SELECT * FROM prospect_facts WHERE prospect_id IN ({made}) ORDER BY rowid"
        ),
        "import_effects": "SELECT * FROM import_effects WHERE batch_id = ? ORDER BY rowid",
        # A fact's op is keyed "prospect id/fact key".
        "outbox": (
            f"SELECT * FROM outbox WHERE substr(entity_id, 1, 36) IN ({made}) ORDER BY rowid"
        ),
    }
    rows = {t: src.execute(sql, (batch,)).fetchall() for t, sql in tables.items()}
    batch_row = src.execute("SELECT * FROM import_batches WHERE id = ?", (batch,)).fetchall()
    columns = [r[1] for r in src.execute("PRAGMA table_info(prospects)")]
    at = {c: i for i, c in enumerate(columns)}
    initials = Initials()
    fields = ("name", "owner_name", "address", "street", "notes", "uscc", "phone")
    bodies = [
        (
            r[at["search_rowid"]],
            index_body(
                initials, tuple(r[at[f]] for f in fields), r[at["name"]], r[at["owner_name"]]
            ),
        )
        for r in rows["prospects"]
    ]
    src.close()
    dst = sqlite3.connect(fresh, isolation_level=None)
    for pragma in (
        "journal_mode = WAL",
        "synchronous = NORMAL",
        "foreign_keys = ON",
        f"cache_size = -{cache_kib}",
        "temp_store = MEMORY",
        "wal_autocheckpoint = 0",
    ):
        dst.execute(f"PRAGMA {pragma}")
    start, cpu = time.perf_counter(), time.process_time()
    dst.execute("BEGIN IMMEDIATE")
    # The search index's bulk settings, as the import uses them (crm.store.search.begin_bulk).
    for key, value in (("automerge", 0), ("hashsize", BULK_HASHSIZE)):
        dst.execute(
            "INSERT INTO prospect_search (prospect_search, rank) VALUES (?, ?)", (key, value)
        )
    dst.executemany(
        f"INSERT INTO import_batches VALUES ({','.join('?' * len(batch_row[0]))})", batch_row
    )
    # In the import's chunks: each table's rows split in as many parts as the prospects'.
    chunks = max(1, -(-len(rows["prospects"]) // CHUNK))
    for n in range(chunks):
        for table, found in rows.items():
            size = -(-len(found) // chunks)
            part = found[n * size : (n + 1) * size]
            if part:
                marks = ",".join("?" * len(part[0]))
                dst.executemany(f"INSERT INTO {table} VALUES ({marks})", part)
        dst.executemany(
            "INSERT INTO prospect_search (rowid, body) VALUES (?, ?)",
            bodies[n * CHUNK : (n + 1) * CHUNK],
        )
    dst.execute("COMMIT")
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    dst.close()
    return {"seconds": seconds, "cpu": cpu, "rows": len(rows["prospects"])}


def keep_imported(folder: Path) -> Path:
    """A copy of the book the last import wrote (folder/book.db), for the bare writes."""
    imported = folder / "imported.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{imported}{suffix}").unlink(missing_ok=True)
        if Path(f"{folder / 'book.db'}{suffix}").exists():
            shutil.copyfile(f"{folder / 'book.db'}{suffix}", f"{imported}{suffix}")
    return imported


def _child(kind: str, *paths: Path, kib: int = 0) -> dict[str, float]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, *map(str, paths), str(kib)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    workers = _ChildrenPeak(process.pid)
    stdout, stderr = process.communicate()
    worker_kb = workers.stop()
    if process.returncode != 0:
        raise RuntimeError(stderr)
    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    if kind == "import":
        result["worker_peak_kb"] = worker_kb
        result["peak_kb"] += worker_kb
    return result


def main() -> None:
    from crm.services.imports.service import IMPORT_CACHE_KIB, STREAM_IMPORT_CACHE_KIB

    CACHE.mkdir(parents=True, exist_ok=True)
    xlsx, csv_path, demo = xlsx_fixture(), csv_fixture(), demo_database()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reads = [_child("read", xlsx) for _ in range(3)]
        read_s = sorted(r["seconds"] for r in reads)[1]
        read_peak = sorted(r["peak_kb"] for r in reads)[1]
        runs = []
        for _ in range(3):
            runs.append(_child("import", xlsx, fresh_copy(demo, folder)))
        # The median run (the machine is shared: one run says little).
        best = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        imported = keep_imported(folder)
        floor = _child("floor", imported, fresh_copy(demo, folder), kib=IMPORT_CACHE_KIB)
        print(
            f"xlsx: {best['rows']:,} rows, {best['created']:,} created, "
            f"{best['rejected']:,} rejected; reader alone {read_s:.2f} s; CPU seconds: import "
            f"{best['cpu']:.1f} (its worker {best['worker_cpu']:.1f}), reader "
            f"{reads[1]['cpu']:.2f}, bare writes {floor['cpu']:.1f}; import runs "
            + ", ".join(f"{r['seconds']:.1f}" for r in runs)
            + " s (to the floor: "
            + ", ".join(f"{r['seconds'] / (read_s + floor['seconds']):.2f}" for r in runs)
            + "); log copied into the file afterwards in the background: "
            + ", ".join(f"{r['checkpoint']:.1f}" for r in runs)
            + " s",
            flush=True,
        )
        report(
            f"import {XLSX_ROWS:,}-row .xlsx into {DEMO:,}",
            best["seconds"],
            read_s + floor["seconds"],
            "s ",
            f"ratio ≤ 1.5 (floor: reader {read_s:.2f} s + bare writes {floor['seconds']:.2f} s)",
        )
        report("  same, beside the reader alone", best["seconds"], read_s, "s ", "")
        report(
            "  peak memory (RSS growth) vs reader alone",
            max(r["peak_kb"] for r in runs) / 1024,
            read_peak / 1024,
            "MB",
            "ratio ≤ 2",
        )
        # An RM's weekly case: the same list again, into the book the last run made
        # (after the floor, which reads that book's latest batch).
        again = _child("import", xlsx, imported)
        report(
            "  same file imported again (nothing to change)",
            again["seconds"],
            read_s,
            "s ",
            f"({again['created']:,.0f} created, {again['merged']:,.0f} merged)",
        )
        if "--xlsx-only" in sys.argv:
            return
        csv_runs = [_child("import", csv_path, fresh_copy(demo, folder)) for _ in range(3)]
        csv_run = sorted(csv_runs, key=lambda r: r["seconds"])[len(csv_runs) // 2]
        print(
            f"csv: {csv_run['rows']:,} rows, {csv_run['created']:,} created; CPU seconds "
            f"{csv_run['cpu']:.1f} (its worker {csv_run['worker_cpu']:.1f}); peak memory "
            f"{csv_run['peak_kb'] / 1024:.0f} MB; import runs "
            + ", ".join(f"{r['seconds']:.1f}" for r in csv_runs)
            + " s; log copied afterwards "
            + ", ".join(f"{r['checkpoint']:.1f}" for r in csv_runs)
            + " s",
            flush=True,
        )
        report(f"import {CSV_ROWS:,}-row CSV (GB18030)", csv_run["seconds"], 10.0, "s ", "≤ 10 s")
        csv_floor = _child(
            "floor", keep_imported(folder), fresh_copy(demo, folder), kib=STREAM_IMPORT_CACHE_KIB
        )
        report(
            "  same, beside bare SQLite writes",
            csv_run["seconds"],
            csv_floor["seconds"],
            "s ",
            f"(CPU seconds of bare writes {csv_floor['cpu']:.1f})",
        )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, *args = sys.argv[2:]
        if kind == "read":
            figures = read_only(Path(args[0]))
        elif kind == "floor":
            figures = bare_writes(Path(args[0]), Path(args[1]), int(args[2]))
        else:
            figures = import_file(Path(args[0]), Path(args[1]))
        print(json.dumps(figures))
    else:
        main()
