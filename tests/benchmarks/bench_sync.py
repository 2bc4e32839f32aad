"""Issue 6's figures: sync with a real head office on loopback (a separate process).

- first sync of a 20,000-prospect book with its contacts, loans, visits and checklist ticks
  into an empty computer (target ≤ 30 s): each run in a fresh process (as the app runs it),
  with that process's peak memory beside the bytes downloaded, and the same for a book ten
  times smaller (bounded by a page, not by the book);
- an incremental sync of 100 changes made on another computer (target ≤ 1 s);
- 20 computers syncing at once (target: no error);
each beside the time to send the same bytes in one plain HTTP request, in the same run, and
as the median of several runs (``CRM_BENCH_SYNC_RUNS``, default 3; the machine is shared).

The head office is seeded from the demo book once and kept beside it (``CRM_BENCH_DIR``);
every run works on a copy.
"""

from __future__ import annotations

import http.server
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import keyring
import psutil
from common import CACHE, ROOT, demo_db, report
from keyring.backend import KeyringBackend
from sqlalchemy import text

from crm.domain.prospect import ProspectDraft
from crm.domain.query import ProspectFilter, Sort, SortColumn
from crm.headoffice.admin import Admin
from crm.headoffice.db import Store
from crm.headoffice.models import SCHEMA_VERSION
from crm.headoffice.service import HeadOffice
from crm.services.context import Context
from crm.services.prospects import ProspectService
from crm.services.sync import SyncService, export_book
from crm.store.migrate import open_database
from crm.sync import protocol as P

BOOK = int(os.environ.get("CRM_BENCH_SYNC_BOOK", "20000"))
SMALL_BOOK = int(os.environ.get("CRM_BENCH_SYNC_SMALL", "2000"))
RUNS = max(1, int(os.environ.get("CRM_BENCH_SYNC_RUNS", "3")))
PASSWORD = "bench-password-1"
DEVICES = 20


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the head office ---------------------------------------------------------------------------


def seed(ho_url: str, book: Path) -> tuple[str, dict[str, int]]:
    """Head office holding the whole demo book as one RM's book; returns that RM."""
    store = Store(ho_url)
    store.reset()
    admin = Admin(HeadOffice(store), actor="bench")
    services_db = open_database(book)[0]
    records = list(export_book(services_db))
    services_db.close()
    rm = next(r for r in records if r["entity"] == "user" and r["data"]["role"] == "rm")
    for r in records:
        if r["entity"] not in ("team", "user"):
            r["owner_id"], r["team_id"], r["pool"] = rm["id"], rm["data"]["team_id"], False
            if r["entity"] == "prospect":
                r["data"]["rm_id"] = rm["id"]
    admin.load_records(records)
    admin.set_password(rm["data"]["username"], PASSWORD)
    counts = admin.record_counts()
    store.dispose()
    return str(rm["data"]["username"]), counts


def seeded(size: int) -> tuple[Path, dict[str, Any]]:
    """The seeded head-office database of a demo book (built once, in its own process, and
    kept while the book and head office's schema stay the same) and its facts."""
    book = demo_db(size)
    path = CACHE / f"headoffice-{size}-1-s{SCHEMA_VERSION}.db"
    facts_path = path.with_suffix(".json")
    if not path.exists() or not facts_path.exists() or path.stat().st_mtime < book.stat().st_mtime:
        started = time.perf_counter()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, __file__, "--seed", str(book), str(partial)], check=True, cwd=ROOT
        )
        partial.replace(path)
        print(
            f"head office seeded from the {size:,}-prospect demo book in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return path, json.loads(facts_path.read_text())


def start_server(ho_url: str, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crm.cli",
            "headoffice",
            "serve",
            "--db",
            ho_url,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("head office did not start")


class HeadOfficeCopy:
    """A running head office over a copy of a seeded database."""

    def __init__(self, size: int, folder: Path) -> None:
        source, self.facts = seeded(size)
        self.path = folder / f"ho-{size}.db"
        shutil.copyfile(source, self.path)
        self.db_url = f"sqlite:///{self.path}"
        self.username = str(self.facts["username"])
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = start_server(self.db_url, self.port)

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


# -- devices -------------------------------------------------------------------------------------


class Device:
    def __init__(self, path: Path, url: str, username: str) -> None:
        self.db = open_database(path, create=True)[0]
        self.ctx = Context(self.db)
        self.sync = SyncService(self.ctx)
        self.url, self.username = url, username

    def sign_in(self) -> None:
        self.sync.sign_in(self.url, self.username, PASSWORD, "bench")

    def token(self) -> str:
        from crm.sync.credentials import load_token
        from crm.sync.engine import device_id

        return load_token(self.url, device_id(self.db)) or ""

    def close(self) -> None:
        self.db.close()


def first_sync_child(url: str, username: str, path: str) -> None:
    """``--first-sync``: register a new computer and run its first sync, in this fresh
    process; print the figures as JSON (time, this process's memory and CPU)."""
    keyring.set_keyring(MemoryKeyring())
    device = Device(Path(path), url, username)
    device.sign_in()
    before = psutil.Process().memory_info().rss
    cpu = time.process_time()
    started = time.perf_counter()
    summary = device.sync.sync()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    device.close()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": time.process_time() - cpu,
                "rss_before": before,
                "rss_peak": peak,
                "pulled": summary.pulled,
                "counts_ok": summary.counts_ok,
            }
        )
    )


def first_sync(ho: HeadOfficeCopy, path: Path) -> dict[str, Any]:
    server_cpu = ho.cpu_seconds()
    done = subprocess.run(
        [sys.executable, __file__, "--first-sync", ho.url, ho.username, str(path)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["server_cpu"] = ho.cpu_seconds() - server_cpu
    return figures


# -- baselines -----------------------------------------------------------------------------------


def plain_http_seconds(size: int, parallel: int = 1) -> float:
    """Baseline: GET ``size`` bytes in one plain HTTP request (``parallel`` at once)."""
    body = b'{"x":"' + b"a" * max(size - 8, 0) + b'"}'

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    def one() -> None:
        httpx.get(url, timeout=60).json()

    start = time.perf_counter()
    threads = [threading.Thread(target=one) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    server.shutdown()
    return seconds


def downloaded_bytes(url: str, token: str) -> int:
    """The bytes of a whole first download, fetched again page by page."""
    headers = {
        P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION),
        "Authorization": f"Bearer {token}",
        "Accept-Encoding": "identity",
    }
    total, as_of, after = 0, None, None
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        while True:
            params: dict[str, Any] = {"limit": P.SNAPSHOT_PAGE}
            if as_of is not None:
                params["as_of"] = as_of
            if after:
                params["after"] = after
            r = client.get(f"{P.API}/snapshot", params=params)
            total += len(r.content)
            page = r.json()
            as_of, after = page["as_of"], page["after"]
            if not page["more"]:
                return total


def median(values: list[float]) -> float:
    return statistics.median(values)


def runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


# -- the benchmark -------------------------------------------------------------------------------


def bench_first_sync(folder: Path) -> tuple[int, HeadOfficeCopy, list[Path]]:
    status = 0
    small: dict[str, Any] | None = None
    if SMALL_BOOK:
        ho_small = HeadOfficeCopy(SMALL_BOOK, folder)
        try:
            small = first_sync(ho_small, folder / "small.db")
            small["bytes"] = _bytes_of(ho_small, folder / "small-probe.db")
        finally:
            ho_small.stop()
    ho = HeadOfficeCopy(BOOK, folder)
    print(f"head office: {ho.facts['counts']}", flush=True)
    results: list[dict[str, Any]] = []
    paths: list[Path] = []
    for n in range(RUNS):
        paths.append(folder / f"first-{n}.db")
        results.append(first_sync(ho, paths[-1]))
    size = _bytes_of(ho, folder / "probe.db")
    base = median([plain_http_seconds(size) for _ in range(3)])
    seconds = [r["seconds"] for r in results]
    report(f"first sync, {BOOK:,}-prospect book (median)", median(seconds), base, "s", "≤ 30 s")
    print(
        f"  runs {runs(seconds)} s; {results[0]['pulled']:,} records, {size / 1e6:.1f} MB; "
        f"CPU: app {median([r['cpu'] for r in results]):.1f} s, head office "
        f"{median([r['server_cpu'] for r in results]):.1f} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the times stretch with it, "
        "the CPU seconds do not)",
        flush=True,
    )
    grown = [r["rss_peak"] - r["rss_before"] for r in results]
    start_mb = results[0]["rss_before"] / 1e6
    line = (
        f"  app memory: peak +{median(grown) / 1e6:.0f} MB (over {start_mb:.0f} MB at start) "
        f"for {size / 1e6:.0f} MB downloaded"
    )
    if small is not None:
        small_grown = (small["rss_peak"] - small["rss_before"]) / 1e6
        line += (
            f"; a {SMALL_BOOK:,}-prospect book: +{small_grown:.0f} MB for "
            f"{small['bytes'] / 1e6:.0f} MB ({small['seconds']:.1f} s)"
        )
    print(line, flush=True)
    if median(seconds) > 30 or not all(r["counts_ok"] for r in results):
        status = 1
    return status, ho, paths


def _bytes_of(ho: HeadOfficeCopy, path: Path) -> int:
    probe = Device(path, ho.url, ho.username)
    try:
        probe.sign_in()
        return downloaded_bytes(ho.url, probe.token())
    finally:
        probe.close()


def bench_incremental(ho: HeadOfficeCopy, paths: list[Path]) -> int:
    """100 prospects changed on one synced computer, pushed; pulled by another."""
    # Computers that made their first sync in the runs above (registered again here).
    reader = Device(paths[0], ho.url, ho.username)
    writer_path = paths[-1] if len(paths) > 1 else paths[0].with_name("writer.db")
    writer = Device(writer_path, ho.url, ho.username)
    for d in (reader, writer):
        d.sign_in()
        d.sync.sync()
    svc = ProspectService(writer.ctx)
    rows = svc.page(ProspectFilter(), Sort(SortColumn("name")), limit=100)
    push_s: list[float] = []
    pull_s: list[float] = []
    pulled_counts: list[int] = []
    for attempt in range(5):
        for n, row in enumerate(rows):
            draft = svc.get(row.id).draft()
            draft.notes = f"bench change {attempt}-{n}"
            svc.update(row.id, draft)
        t0 = time.perf_counter()
        writer.sync.sync()
        push_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pulled = reader.sync.sync()
        pull_s.append(time.perf_counter() - t0)
        pulled_counts.append(pulled.pulled)
    base = plain_http_seconds(120_000)
    report("incremental sync: push 100 changes (median)", median(push_s), base, "s", "≤ 1 s")
    report("incremental sync: pull 100 changes (median)", median(pull_s), base, "s", "≤ 1 s")
    print(f"  push runs {runs(push_s)} s; pull runs {runs(pull_s)} s", flush=True)
    reader.close()
    writer.close()
    return 1 if median(push_s) > 1 or median(pull_s) > 1 or min(pulled_counts) < 100 else 0


def bench_many(ho: HeadOfficeCopy, folder: Path) -> int:
    """20 RMs with books of 100, two rounds at once."""
    store = Store(ho.db_url)
    admin = Admin(HeadOffice(store), actor="bench")
    team = admin.users()[0]["team_id"]
    names = []
    for n in range(DEVICES):
        name = f"bench_rm{n}"
        admin.add_user(name, f"并发{n}", "rm", password=PASSWORD, team=team, scrypt_n=2**12)
        admin.pool_import([{"name": f"佛山市并发{n}号第{k}家五金厂"} for k in range(100)])
        names.append(name)
    with store.read() as session:
        pool = list(
            session.execute(
                text("SELECT id FROM ho_records WHERE entity='prospect' AND pool")
            ).scalars()
        )
    for n, name in enumerate(names):
        admin.assign(pool[n * 100 : (n + 1) * 100], name)
    store.dispose()
    devices = [Device(folder / f"d{n}.db", ho.url, names[n]) for n in range(DEVICES)]
    for d in devices:
        d.sign_in()
    failures: list[BaseException] = []

    def run(d: Device, create: bool) -> None:
        try:
            if create:
                svc = ProspectService(d.ctx)
                for k in range(5):
                    svc.create(ProspectDraft(name=f"佛山市{d.username}新增第{k}厂"))
            d.sync.sync()
        except BaseException as exc:
            failures.append(exc)

    for label, create in (("first syncs", False), ("syncs pushing 5 new each", True)):
        threads = [threading.Thread(target=run, args=(d, create)) for d in devices]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        many_s = time.perf_counter() - t0
        base = plain_http_seconds(60_000, DEVICES)
        report(f"{DEVICES} {label} at once", many_s, base, "s", "no error")
    print(f"  errors: {len(failures)} {[str(f) for f in failures[:3]]}", flush=True)
    for d in devices:
        d.close()
    return 1 if failures else 0


def main() -> int:
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        status, ho, paths = bench_first_sync(folder)
        try:
            status |= bench_incremental(ho, paths)
            status |= bench_many(ho, folder)
        finally:
            ho.stop()
    return status


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        # Facts beside the database (the same name, .json), written once it is complete.
        username, counts = seed(f"sqlite:///{sys.argv[3]}", Path(sys.argv[2]))
        Path(sys.argv[3]).with_suffix(".json").write_text(
            json.dumps({"username": username, "counts": counts})
        )
        sys.exit(0)
    if sys.argv[1:2] == ["--first-sync"]:
        first_sync_child(*sys.argv[2:5])
        sys.exit(0)
    sys.exit(main())
