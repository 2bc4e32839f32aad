"""Issue 19's head office for a branch: at least 200 simulated devices, at once, each push 50
changes and pull, against PostgreSQL through ``crm headoffice serve --workers N`` on
127.0.0.1 (a separate process, as deployed).

Printed: throughput (ops applied per second over the whole load), the push and pull latency
(median and p95; target p95 push ≤ 300 ms at 200 devices), each beside the same device's
push and pull made alone against the same server in the same run (the baseline); then the
check that nothing was lost or applied twice: every op is recorded once at head office,
every prospect holds its last change, and each device's whole push sent again is answered
"duplicate" op by op and changes nothing.

The database is ``CRM_BENCH_PG_URL`` (default: the local ``crm_bench`` database of user
``crm``); it is emptied first. ``CRM_BENCH_DEVICES`` (200), ``CRM_BENCH_WORKERS`` (the
number of cores), ``CRM_BENCH_SPREAD`` (30 s) and ``CRM_BENCH_LOAD_RUNS`` (3) change the
load. The target is read for a branch syncing together (their syncs starting over half a
minute); all devices at the same instant is measured too, as the service's capacity, since
head office applies pushes one at a time (the change log's order is the pull cursor).
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from common import ROOT
from sqlalchemy import func, select

from crm.domain.clock import utcnow
from crm.domain.ids import new_id
from crm.headoffice.admin import Admin
from crm.headoffice.db import Store
from crm.headoffice.models import AppliedOp, Record
from crm.headoffice.service import HeadOffice
from crm.sync import protocol as P

URL = os.environ.get("CRM_BENCH_PG_URL", "postgresql+psycopg://crm:crm@127.0.0.1:5432/crm_bench")
DEVICES = int(os.environ.get("CRM_BENCH_DEVICES", "200"))
WORKERS = int(os.environ.get("CRM_BENCH_WORKERS", str(os.cpu_count() or 2)))
RUNS = max(1, int(os.environ.get("CRM_BENCH_LOAD_RUNS", "3")))
# A branch's devices syncing "together": their syncs start evenly over this many seconds
# (each pushes 50 changes and pulls; 200 over 30 s is a device every 150 ms).
SPREAD = float(os.environ.get("CRM_BENCH_SPREAD", "30"))
OPS = 50  # changes per device: 25 new prospects, then one change to each
RMS = 20  # the branch's RMs; each has DEVICES / RMS devices
BASELINE_DEVICES = 5


@dataclass
class Device:
    name: str
    token: str
    node: str
    ops: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION), "Authorization": f"Bearer {self.token}"}

    def make_ops(self) -> None:
        """25 prospects created and then each changed once, with clocks that only go up."""
        count = 0

        def op(entity_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
            nonlocal count
            count += 1
            now = utcnow()
            return {
                "op_id": new_id(),
                "entity": "prospect",
                "entity_id": entity_id,
                "kind": kind,
                "payload": payload,
                "base_version": None,
                "hlc": f"{int(now.timestamp() * 1000):013d}-{count:04x}-{self.node}",
                "created_at": now.isoformat(timespec="microseconds"),
            }

        ids = [new_id() for _ in range(OPS // 2)]
        for i, pid in enumerate(ids):
            self.ops.append(op(pid, "create", {"name": f"佛山市南海区{self.name}五金厂{i:02d}"}))
        for i, pid in enumerate(ids):
            note = f"{self.name} 第{i}次回访"
            self.notes[pid] = note
            self.ops.append(op(pid, "update", {"fields": {"notes": note}}))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(store: Store, devices: int) -> list[Device]:
    admin = Admin(HeadOffice(store), actor="bench")
    team = admin.add_team("南海支行普惠团队", "南海支行")
    made = []
    for r in range(RMS):
        admin.add_user(
            f"rm{r:02d}", f"客户经理{r:02d}", "rm", password="bench-pw-1", team=team, scrypt_n=2**10
        )
    for d in range(devices):
        name = f"设备{d:03d}"
        _, token = admin.register_device(f"rm{d % RMS:02d}", name=name)
        made.append(Device(name, token, f"bench{d:07d}"))
    return made


async def _push(client: httpx.AsyncClient, device: Device) -> tuple[float, list[dict[str, Any]]]:
    start = time.perf_counter()
    answer = await client.post(f"{P.API}/push", headers=device.headers, json={"ops": device.ops})
    took = (time.perf_counter() - start) * 1000
    if answer.status_code != 200:
        raise SystemExit(f"push of {device.name}: HTTP {answer.status_code} {answer.text[:200]}")
    return took, answer.json()["results"]


async def _pull(client: httpx.AsyncClient, device: Device) -> tuple[float, int]:
    """Pull every page from the start (a device that has just pushed reads the team's
    changes); the time is the whole pull."""
    start = time.perf_counter()
    cursor, changes = 0, 0
    while True:
        answer = await client.get(f"{P.API}/pull", headers=device.headers, params={"since": cursor})
        if answer.status_code != 200:
            raise SystemExit(f"pull of {device.name}: HTTP {answer.status_code}")
        page = answer.json()
        changes += len(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            break
    return (time.perf_counter() - start) * 1000, changes


async def _device(
    client: httpx.AsyncClient, device: Device, gate: asyncio.Event, delay: float
) -> tuple[float, float, list[dict[str, Any]]]:
    await gate.wait()
    await asyncio.sleep(delay)
    push_ms, results = await _push(client, device)
    pull_ms, _ = await _pull(client, device)
    return push_ms, pull_ms, results


def _client(base: str) -> httpx.AsyncClient:
    # One connection per device, as each laptop has its own.
    limits = httpx.Limits(max_connections=DEVICES + BASELINE_DEVICES, max_keepalive_connections=0)
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=120)


async def _alone(base: str, devices: list[Device]) -> tuple[float, float]:
    """The baseline: the same push and pull by one device at a time, nothing else running."""
    pushes, pulls = [], []
    async with _client(base) as client:
        for device in devices:
            push_ms, results = await _push(client, device)
            assert all(r["status"] == P.APPLIED for r in results), results[:3]
            pushes.append(push_ms)
            pulls.append((await _pull(client, device))[0])
    return statistics.median(pushes), statistics.median(pulls)


async def _load(base: str, devices: list[Device], spread: float) -> dict[str, Any]:
    """Every device pushes and pulls, starting evenly over ``spread`` seconds (0: at once)."""
    gate = asyncio.Event()
    step = spread / len(devices)
    async with _client(base) as client:
        tasks = [
            asyncio.create_task(_device(client, d, gate, i * step)) for i, d in enumerate(devices)
        ]
        await asyncio.sleep(0.2)  # every task waits at the gate
        start = time.perf_counter()
        gate.set()
        outcomes = await asyncio.gather(*tasks)
        wall = time.perf_counter() - start
        statuses = [r["status"] for _, _, results in outcomes for r in results]
        # Every device sends its whole push again, as after a dropped answer.
        again = await asyncio.gather(*(_push(client, d) for d in devices))
    pushes = [o[0] for o in outcomes]
    pulls = [o[1] for o in outcomes]
    return {
        "wall": wall,
        "push": pushes,
        "pull": pulls,
        "applied": statuses.count(P.APPLIED),
        "not_applied": len(statuses) - statuses.count(P.APPLIED),
        "again_not_duplicate": sum(
            1 for _, results in again for r in results if r["status"] != P.DUPLICATE
        ),
    }


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _check(store: Store, devices: list[Device]) -> tuple[int, int, int]:
    """(ops recorded, ops recorded more than once, prospects not holding their last change)."""
    with store.read() as s:
        recorded = s.scalar(select(func.count()).select_from(AppliedOp)) or 0
        distinct = s.scalar(select(func.count(func.distinct(AppliedOp.op_id)))) or 0
        rows = dict(
            s.execute(select(Record.id, Record.data).where(Record.entity == "prospect")).all()
        )
    wrong = 0
    for device in devices:
        for pid, note in device.notes.items():
            data = rows.get(pid)
            if data is None or note not in data:
                wrong += 1
    return recorded, recorded - distinct, wrong


def _serve(port: int) -> subprocess.Popen[bytes]:
    crm = Path(sys.executable).with_name("crm")  # the console script beside this Python
    command = [
        str(crm),
        "headoffice",
        "serve",
        "--db",
        URL,
        "--port",
        str(port),
        "--workers",
        str(WORKERS),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit("head office did not start")
        time.sleep(0.2)
    process.kill()
    raise SystemExit("head office did not answer within 60 s")


def one_run(spread: float) -> dict[str, Any]:
    store = Store(URL)
    store.reset()
    devices = _seed(store, DEVICES + BASELINE_DEVICES)
    for d in devices:
        d.make_ops()
    alone, loaded = devices[:BASELINE_DEVICES], devices[BASELINE_DEVICES:]
    port = _free_port()
    server = _serve(port)
    try:
        base = f"http://127.0.0.1:{port}"
        push_alone, pull_alone = asyncio.run(_alone(base, alone))
        result = asyncio.run(_load(base, loaded, spread))
    finally:
        server.terminate()
        server.wait(30)
    recorded, twice, wrong = _check(store, devices)
    store.dispose()
    result.update(
        push_alone=push_alone,
        pull_alone=pull_alone,
        recorded=recorded,
        expected=len(devices) * OPS,
        twice=twice,
        wrong=wrong,
    )
    return result


def _summary(title: str, runs: list[dict[str, Any]], target: str) -> int:
    print(title, flush=True)
    for i, r in enumerate(runs, 1):
        print(
            f"  run {i}: {r['wall']:.1f} s, push p95 {_p95(r['push']):.0f} ms, "
            f"pull p95 {_p95(r['pull']):.0f} ms, {r['applied']} applied",
            flush=True,
        )
    med = statistics.median
    push_alone = med(r["push_alone"] for r in runs)
    pull_alone = med(r["pull_alone"] for r in runs)
    rows = [
        (
            "push p95 (baseline: alone, median)",
            med(_p95(r["push"]) for r in runs),
            push_alone,
            target,
        ),
        ("push median", med(med(r["push"]) for r in runs), push_alone, "—"),
        ("pull p95 (baseline: alone, median)", med(_p95(r["pull"]) for r in runs), pull_alone, "—"),
        ("pull median", med(med(r["pull"]) for r in runs), pull_alone, "—"),
    ]
    for name, ours, baseline, goal in rows:
        print(
            f"  {name:<38} {ours:8.0f} ms  baseline {baseline:6.0f} ms  "
            f"ratio {ours / baseline:6.2f}  target {goal}",
            flush=True,
        )
    throughput = med(r["applied"] / r["wall"] for r in runs)
    print(f"  {'ops applied per second':<38} {throughput:8.0f}", flush=True)
    lost = sum(r["expected"] - r["recorded"] for r in runs)
    twice = sum(r["twice"] for r in runs)
    wrong = sum(r["wrong"] for r in runs)
    not_applied = sum(r["not_applied"] for r in runs)
    again = sum(r["again_not_duplicate"] for r in runs)
    print(
        f"  ops lost {lost}, recorded twice {twice}, not applied {not_applied}, prospects "
        f"without their last change {wrong}, resent ops not answered duplicate {again}",
        flush=True,
    )
    return lost + twice + wrong + not_applied + again


def main() -> None:
    print(
        f"head office under load: {DEVICES} devices, each pushing {OPS} changes in one request "
        f"and pulling; crm headoffice serve --workers {WORKERS} on PostgreSQL, 127.0.0.1",
        flush=True,
    )
    bad = _summary(
        f"a branch syncing together: the {DEVICES} devices start evenly over {SPREAD:.0f} s "
        f"({RUNS} runs)",
        [one_run(SPREAD) for _ in range(RUNS)],
        "≤ 300 ms",
    )
    bad += _summary(
        f"all {DEVICES} at the same instant (the service's capacity; writes are serialised)",
        [one_run(0.0)],
        "—",
    )
    if bad:
        raise SystemExit("head office lost or duplicated changes under load")


if __name__ == "__main__":
    main()
