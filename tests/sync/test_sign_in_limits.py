"""Sign-in limits that survive a restart and end by themselves (issue #20), against real head
offices on 127.0.0.1: the counts per user, per unknown name and per address are in the
database, so a restarted head office still refuses; a user's lockouts double one after
another up to a cap and each ends by itself; an unknown name is answered exactly as a real
user at every step; `crm headoffice unlock` clears what is kept; and an older head-office
database gains the counts when it is opened."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import inspect, text

from crm.domain.clock import utcnow
from crm.domain.ids import new_id
from crm.headoffice import throttle
from crm.headoffice.app import BodyLimit, create_app
from crm.headoffice.db import Store
from crm.headoffice.models import SCHEMA_VERSION
from crm.headoffice.service import HeadOffice
from crm.sync import protocol as P
from tests.sync.harness import PASSWORD, Server, Team, start_server

PROTO = {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION)}


def _register(url: str, username: str, password: str = "wrong-password") -> int:
    body = {"username": username, "password": password, "device_id": new_id()}
    return httpx.post(f"{url}{P.API}/register", headers=PROTO, json=body, timeout=30).status_code


def _crm(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRM_LANG="en", PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, "-m", "crm.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_sign_in_counts_survive_a_restart_and_unlock_clears_them(
    server: Server, people: Team
) -> None:
    url = server.ho.store.url
    assert [_register(server.url, "wangfang") for _ in range(5)] == [401] * 5
    assert [_register(server.url, "nobody-here") for _ in range(5)] == [401] * 5
    # Another head office over the same database (a restart: nothing kept in memory).
    restarted = start_server(url)
    try:
        assert _register(restarted.url, "wangfang", PASSWORD) == 429
        assert _register(restarted.url, "nobody-here") == 429
        # Ten more wrong passwords from this address: twenty, and the address is out too.
        for name in ("liqiang", "zhaolei"):
            assert [_register(restarted.url, name) for _ in range(5)] == [401] * 5
        assert _register(restarted.url, "chenjing", PASSWORD) == 429
    finally:
        restarted.stop()
    again = start_server(url)
    try:
        assert _register(again.url, "chenjing", PASSWORD) == 429
        done = _crm("headoffice", "unlock", "wangfang", "--address", "127.0.0.1", "--db", url)
        assert done.returncode == 0, done.stderr
        assert "wangfang can sign in again" in done.stdout
        assert "127.0.0.1 can sign in again" in done.stdout
        state = again.admin.sign_in_state("wangfang")
        assert state == {
            "username": "wangfang",
            "failed_logins": 0,
            "lockouts": 0,
            "locked_until": None,
        }
        assert _register(again.url, "wangfang", PASSWORD) == 200
        assert _register(again.url, "chenjing", PASSWORD) == 200
        assert _register(again.url, "liqiang", PASSWORD) == 429  # still locked: not unlocked
    finally:
        again.stop()


class Clock:
    """Head office's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def timed(server: Server, people: Team) -> Iterator[tuple[str, Clock, HeadOffice]]:
    """A head office over the session's database whose clock the test moves."""
    clock = Clock()
    ho = HeadOffice(Store(server.ho.store.url), clock=clock)
    config = uvicorn.Config(
        BodyLimit(create_app(ho), P.MAX_BODY_BYTES),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
    )
    door = uvicorn.Server(config)
    thread = threading.Thread(target=door.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not door.started:
        assert time.monotonic() < deadline and thread.is_alive()
        time.sleep(0.01)
    yield f"http://127.0.0.1:{door.servers[0].sockets[0].getsockname()[1]}", clock, ho
    door.should_exit = True
    thread.join(10)
    ho.store.dispose()


def test_a_users_lockouts_double_up_to_a_cap_and_end_by_themselves(
    timed: tuple[str, Clock, HeadOffice], server: Server
) -> None:
    url, clock, _ho = timed
    first = throttle.USER.base.total_seconds()

    def round_for(name: str) -> list[int]:
        server.admin.unlock_address("127.0.0.1")  # the address's own limit is tested apart
        return [_register(url, name) for _ in range(throttle.USER.limit)]

    # A real user and a name head office does not have, side by side: the same answers.
    for lockout in (1, 2, 3):
        span = first * 2 ** (lockout - 1)
        for name in ("liqiang", "ghost"):
            assert round_for(name) == [401] * throttle.USER.limit, (name, lockout)
            assert _register(url, name) == 429
        clock.wait(span - 1)
        assert [_register(url, n) for n in ("liqiang", "ghost")] == [429, 429], lockout
        clock.wait(2)  # the lockout has ended by itself
    assert _register(url, "liqiang", PASSWORD) == 200
    # A sign-in forgets the doubling: the next lockout is a first one again.
    assert round_for("liqiang") == [401] * throttle.USER.limit
    clock.wait(first + 1)
    assert _register(url, "liqiang", PASSWORD) == 200
    # However many lockouts in a row, none lasts longer than the cap.
    assert throttle.USER.lockout(40) == throttle.USER.cap <= timedelta(hours=1)
    assert throttle.ADDRESS.lockout(40) == throttle.ADDRESS.cap == timedelta(days=1)


def test_an_addresss_lockout_doubles_and_a_quiet_hour_forgets_its_typos(
    timed: tuple[str, Clock, HeadOffice], server: Server
) -> None:
    url, clock, _ho = timed
    names = [f"ghost{i}" for i in range(throttle.ADDRESS.limit // throttle.USER.limit)]
    # Wrong passwords spread over more than an hour are forgotten: no lockout.
    for name in names:
        assert [_register(url, name) for _ in range(throttle.USER.limit - 1)] == [401] * 4
    clock.wait(throttle.WINDOW.total_seconds() + 1)
    assert _register(url, "wangfang", PASSWORD) == 200
    for lockout in (1, 2):
        for name in names:
            guesses = [_register(url, f"{name}-{lockout}") for _ in range(throttle.USER.limit)]
            assert guesses == [401] * throttle.USER.limit
        assert _register(url, "wangfang", PASSWORD) == 429
        span = throttle.ADDRESS.lockout(lockout).total_seconds()
        assert span == throttle.ADDRESS.base.total_seconds() * lockout
        clock.wait(span - 1)
        assert _register(url, "wangfang", PASSWORD) == 429
        clock.wait(2)
        assert _register(url, "wangfang", PASSWORD) == 200


def test_an_older_head_office_database_gains_the_counts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    store.init()
    # As schema 2 left it: no counts table, no lockouts in a row.
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE ho_sign_in_counts"))
        conn.execute(text("ALTER TABLE ho_users DROP COLUMN lockouts"))
        conn.execute(text("ALTER TABLE ho_users DROP COLUMN failed_at"))
        conn.execute(text("UPDATE ho_meta SET value = '2' WHERE key = 'schema_version'"))
    store.dispose()
    store = Store(url)
    assert store.init() is False
    assert store.meta("schema_version") == str(SCHEMA_VERSION)
    columns = {c["name"] for c in inspect(store.engine).get_columns("ho_users")}
    assert {"lockouts", "failed_at"} <= columns
    assert inspect(store.engine).has_table("ho_sign_in_counts")
    store.dispose()
