"""``crm headoffice serve --workers N``: N processes share the port, and devices pushing to
them at once have every op applied once (writes stay serialised across processes)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from sqlalchemy import func, select

from crm.domain.clock import utcnow
from crm.domain.ids import new_id
from crm.headoffice.admin import Admin
from crm.headoffice.db import Store
from crm.headoffice.models import AppliedOp, Record
from crm.headoffice.service import HeadOffice
from crm.sync import protocol as P
from tests.sync.harness import FAST_SCRYPT, PASSWORD, PG_ENV, backends

CRM = Path(sys.executable).with_name("crm")
DEVICES = 6
OPS = 10


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _url(backend: str, tmp_path: Path) -> str:
    if backend == "postgresql":
        import os

        return os.environ[PG_ENV]
    return f"sqlite:///{tmp_path / 'ho.db'}"


def _ops(node: str) -> list[dict[str, Any]]:
    ops = []
    for i in range(OPS):
        now = utcnow()
        ops.append(
            {
                "op_id": new_id(),
                "entity": "prospect",
                "entity_id": new_id(),
                "kind": "create",
                "payload": {"name": f"佛山市顺德区{node}电器厂{i}"},
                "base_version": None,
                "hlc": f"{int(now.timestamp() * 1000):013d}-{i:04x}-{node}",
                "created_at": now.isoformat(timespec="microseconds"),
            }
        )
    return ops


@pytest.mark.parametrize("backend", backends())
def test_workers_share_the_port_and_apply_each_op_once(backend: str, tmp_path: Path) -> None:
    url = _url(backend, tmp_path)
    store = Store(url)
    store.reset()
    admin = Admin(HeadOffice(store), actor="test")
    team = admin.add_team("顺德支行普惠团队", "顺德支行")
    admin.add_user("wangfang", "王芳", "rm", password=PASSWORD, team=team, scrypt_n=FAST_SCRYPT)
    tokens = [admin.register_device("wangfang", name=f"笔记本{i}")[1] for i in range(DEVICES)]

    port = _port()
    server = subprocess.Popen(
        [
            str(CRM),
            "headoffice",
            "serve",
            "--db",
            url,
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "head office stopped"
            assert time.monotonic() < deadline, "head office did not answer within 60 s"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        # The workers are processes of their own (uvicorn's supervisor starts them).
        workers = [p for p in psutil.Process(server.pid).children(recursive=True) if p.is_running()]
        assert len(workers) >= 2

        batches = [(t, _ops(f"node{i:08d}")) for i, t in enumerate(tokens)]

        def push(batch: tuple[str, list[dict[str, Any]]]) -> list[str]:
            token, ops = batch
            headers = {
                P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION),
                "Authorization": f"Bearer {token}",
            }
            answer = httpx.post(
                f"http://127.0.0.1:{port}{P.API}/push",
                headers=headers,
                json={"ops": ops},
                timeout=30,
            )
            assert answer.status_code == 200, answer.text
            return [r["status"] for r in answer.json()["results"]]

        with ThreadPoolExecutor(DEVICES) as pool:
            first = list(pool.map(push, batches))
            again = list(pool.map(push, batches))
    finally:
        server.terminate()
        server.wait(30)
    assert all(s == P.APPLIED for statuses in first for s in statuses)
    assert all(s == P.DUPLICATE for statuses in again for s in statuses)
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(AppliedOp)) == DEVICES * OPS
        prospects = s.scalar(
            select(func.count()).select_from(Record).where(Record.entity == "prospect")
        )
        assert prospects == DEVICES * OPS
    store.dispose()


def test_workers_below_one_are_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            str(CRM),
            "--lang",
            "en",
            "headoffice",
            "serve",
            "--db",
            f"sqlite:///{tmp_path}/h.db",
            "--workers",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "--workers must be at least 1" in done.stderr
    assert "Traceback" not in done.stderr
