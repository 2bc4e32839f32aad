"""A real head office on 127.0.0.1 (uvicorn in a thread, ephemeral port), devices with
real SQLite books, and an in-memory keyring configured through ``keyring.set_keyring``."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from keyring.backend import KeyringBackend
from sqlalchemy import select

from crm.domain.clock import utcnow
from crm.domain.prospect import ProspectDraft
from crm.headoffice.admin import Admin
from crm.headoffice.app import BodyLimit, create_app
from crm.headoffice.db import Store
from crm.headoffice.service import HeadOffice
from crm.services.context import Context
from crm.services.prospects import ProspectService
from crm.services.sync import SyncService
from crm.store.engine import Database
from crm.store.migrate import open_database
from crm.store.models import OutboxOp, Prospect
from crm.sync import protocol as P

PASSWORD = "correct-horse-1"
FAST_SCRYPT = 2**10  # tests only: the real cost is 2**14
PG_ENV = "CRM_TEST_PG_URL"


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


class MemoryKeyring(KeyringBackend):
    """A keyring that lives as long as the test (configured with keyring.set_keyring)."""

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


class Clock:
    """A device's wall clock: the app's clock (the wall clock, or CRM_CLOCK's) plus an
    offset the test sets."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def __call__(self) -> datetime:
        return utcnow() + self.offset


@dataclass
class Server:
    """A running head office: its URL, the service and an admin over the same database."""

    url: str
    port: int
    ho: HeadOffice
    admin: Admin
    uvicorn: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        self.thread.join(10)
        self.ho.store.dispose()


def start_server(db_url: str) -> Server:
    store = Store(db_url)
    store.init()
    ho = HeadOffice(store)
    app = BodyLimit(create_app(ho), P.MAX_BODY_BYTES)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("head office did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return Server(f"http://127.0.0.1:{port}", port, ho, Admin(ho, actor="test"), server, thread)


@dataclass
class Team:
    """The people of the tests: two RMs and a lead in one team, an RM of another team."""

    team: str
    other_team: str
    rm1: str
    rm2: str
    lead: str
    rm3: str
    admin_user: str


def seed_people(admin: Admin) -> Team:
    team = admin.add_team("禅城支行普惠团队", "禅城支行")
    other = admin.add_team("南海支行普惠团队", "南海支行")

    def user(name: str, display: str, role: str, team_id: str | None) -> str:
        return str(
            admin.add_user(
                name, display, role, password=PASSWORD, team=team_id, scrypt_n=FAST_SCRYPT
            )
        )

    return Team(
        team,
        other,
        user("wangfang", "王芳", "rm", team),
        user("liqiang", "李强", "rm", team),
        user("chenjing", "陈静", "lead", team),
        user("zhaolei", "赵磊", "rm", other),
        user("hoadmin", "总行管理员", "admin", None),
    )


class Device:
    """One computer: its own book (SQLite file), clock and sync service."""

    def __init__(
        self,
        path: Path,
        url: str,
        username: str,
        *,
        clock: Callable[[], datetime] | None = None,
        protocol: int = P.PROTOCOL_VERSION,
        page: int = P.PULL_PAGE,
    ) -> None:
        self.path = path
        self.url = url
        self.username = username
        self.clock = clock or Clock()
        self.db: Database = open_database(path, create=True)[0]
        self.ctx = Context(self.db, clock=self.clock)
        self.sync = SyncService(self.ctx, protocol=protocol, page=page)
        self.prospects = ProspectService(self.ctx)

    def sign_in(self, password: str = PASSWORD) -> dict[str, Any]:
        return self.sync.sign_in(self.url, self.username, password, f"{self.username}-laptop")

    def run(self) -> Any:
        return self.sync.sync()

    def create(self, name: str, **values: Any) -> str:
        return self.prospects.create(ProspectDraft(name=name, **values)).id

    def outbox(self) -> list[OutboxOp]:
        with self.db.reading() as s:
            ops = list(s.scalars(select(OutboxOp).order_by(OutboxOp.seq)))
            s.expunge_all()
            return ops

    def prospect(self, pid: str) -> Prospect | None:
        with self.db.reading() as s:
            p = s.get(Prospect, pid)
            s.expunge_all()
            return p

    def prospect_ids(self) -> set[str]:
        with self.db.reading() as s:
            return set(s.scalars(select(Prospect.id)))

    def close(self) -> None:
        self.db.close()
