"""Fixtures: one real head office per database backend for the session (reset before each
test), the people of the tests, devices on loopback, and the in-memory keyring."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.sync.harness import (
    PG_ENV,
    Device,
    MemoryKeyring,
    Server,
    Team,
    backends,
    seed_people,
    start_server,
)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(scope="session", params=backends())
def running_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    if request.param == "postgresql":
        url = os.environ[PG_ENV]
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('ho') / 'ho.db'}"
    server = start_server(url)
    yield server
    server.stop()


@pytest.fixture
def server(running_server: Server) -> Server:
    running_server.ho.store.clear()
    running_server.ho._epoch = None
    return running_server


@pytest.fixture
def people(server: Server) -> Team:
    return seed_people(server.admin)


@pytest.fixture
def device(tmp_path: Path, server: Server, people: Team) -> Iterator[Callable[..., Device]]:
    made: list[Device] = []

    def make(username: str = "wangfang", name: str | None = None, **kw: Any) -> Device:
        d = Device(tmp_path / f"{name or username}-{len(made)}.db", server.url, username, **kw)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()
