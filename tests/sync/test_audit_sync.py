"""Audit lines reach head office (issue #19 item 5): written on the device through the real
service path, pushed by the sync, stored once at head office and listed by `crm headoffice
audit` beside head office's own lines; never pulled by another device; a replayed push adds
nothing; hostile audit ops are refused one by one and store nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest
from sqlalchemy import select

from crm.cli import main
from crm.domain.audit import Action, check_line
from crm.domain.clock import utcnow
from crm.domain.ids import new_id
from crm.headoffice.device_audit import DeviceAudit
from crm.services.audit import AuditService
from crm.sync import credentials
from crm.sync import protocol as P
from crm.sync.client import HeadOfficeClient
from crm.sync.credentials import DemoFileKeyring
from crm.sync.engine import device_id
from tests.sync.harness import PASSWORD, Device, Server, Team
from tests.sync.test_cli import crm

PROTO = {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION)}


def held(server: Server) -> list[tuple[str, str, str | None, str, str]]:
    with server.ho.store.read() as s:
        return [
            (d.id, d.device_id, d.user_id, d.action, d.detail)
            for d in s.scalars(select(DeviceAudit).order_by(DeviceAudit.id))
        ]


def audit_op(line_id: str, payload: dict[str, Any], kind: str = "create") -> dict[str, Any]:
    now = utcnow()
    return {
        "op_id": new_id(),
        "entity": P.AUDIT,
        "entity_id": line_id,
        "kind": kind,
        "payload": payload,
        "hlc": f"{int(now.timestamp() * 1000):013d}-0000-test",
        "created_at": now.isoformat(),
    }


def test_lines_reach_head_office_once_and_no_other_device(
    server: Server, people: Team, device: Callable[..., Device], capsys: Any
) -> None:
    laptop = device("wangfang")
    laptop.sign_in()
    audit = AuditService(laptop.ctx)
    [sign_in] = audit.lines()
    assert (sign_in.action, sign_in.user_id, sign_in.waiting) == ("sign_in", people.rm1, True)
    laptop.run()
    pid = laptop.create("佛山市禅城区测试陶瓷厂")
    audit.record(Action.UNMASK, pid, {"field": "phone"})
    laptop.run()
    assert [(line.action, line.waiting) for line in audit.lines()] == [
        ("unmask", False),
        ("sign_in", False),
    ]
    stored = held(server)
    assert [(row[3], row[2]) for row in stored] == [("sign_in", people.rm1), ("unmask", people.rm1)]
    assert {row[1] for row in stored} == {device_id(laptop.db)}

    # Listed with head office's own lines (adding the users), newest first, and filtered.
    log = server.admin.audit_log()
    assert [(line["source"], line["action"]) for line in log[:2]] == [
        ("device", "unmask"),
        ("device", "sign_in"),
    ]
    assert any(line["source"] == "head_office" and line["action"] for line in log[2:])
    mine = server.admin.audit_log(device=device_id(laptop.db)[:13], action="unmask")
    assert [(line["actor"], line["target"]) for line in mine] == [("wangfang", pid)]
    assert server.admin.audit_log(user="liqiang", device=device_id(laptop.db)) == []
    assert main(["headoffice", "audit", "--db", server.ho.store.url, "--user", "wangfang",
                 "--action", "unmask", "--json"]) == 0  # fmt: skip
    listed = json.loads(capsys.readouterr().out)
    assert [(line["action"], line["target"], line["source"]) for line in listed] == [
        ("unmask", pid, "device")
    ]

    # The team lead's laptop downloads the book but never an audit line.
    lead = device("chenjing")
    lead.sign_in()
    lead.run()
    assert pid in lead.prospect_ids()
    assert [line.action for line in AuditService(lead.ctx).lines()] == ["sign_in"]
    token = credentials.load_token(server.url, device_id(lead.db))
    with HeadOfficeClient(server.url, token) as client:
        page = client.pull(0)
    assert not [c for c in page.get("changes", []) if c.get("entity") == P.AUDIT]


def test_a_replayed_push_adds_nothing(
    server: Server, people: Team, device: Callable[..., Device]
) -> None:
    laptop = device("wangfang")
    laptop.sign_in()
    AuditService(laptop.ctx).record(Action.EXPORT, detail={"format": "xlsx", "rows": 3})
    ops = [op for op in laptop.outbox() if op.entity == P.AUDIT]
    sent = [
        {
            "op_id": op.op_id,
            "entity": op.entity,
            "entity_id": op.entity_id,
            "kind": op.kind,
            "payload": json.loads(op.payload),
            "hlc": op.hlc,
            "created_at": op.created_at.isoformat(),
        }
        for op in ops
    ]
    laptop.run()
    first = held(server)
    assert len(first) == 2
    token = credentials.load_token(server.url, device_id(laptop.db))
    with HeadOfficeClient(server.url, token) as client:
        again = client.push(sent)["results"]
        assert {r["status"] for r in again} == {P.DUPLICATE}
        # The same line in a new op (an answer lost, the line queued anew): no second row.
        anew = client.push([{**op, "op_id": new_id()} for op in sent])["results"]
        assert {r["status"] for r in anew} == {P.APPLIED}
        # The same line changed: refused, head office's copy stays.
        changed = {**sent[0], "op_id": new_id()}
        changed["payload"] = {**changed["payload"], "action": "print"}
        [refused] = client.push([changed])["results"]
        assert (refused["status"], refused["code"]) == (P.REJECTED, P.R_REUSED)
    assert held(server) == first


def test_hostile_audit_ops_are_refused_and_store_nothing(
    server: Server, people: Team, device: Callable[..., Device]
) -> None:
    laptop = device("wangfang")
    laptop.sign_in()
    laptop.run()
    before = held(server)
    good = {"at": utcnow().isoformat(), "user_id": people.rm1, "action": "export", "detail": {}}
    cases = [
        (audit_op(new_id(), {**good, "detail": {"phone": "13800138000"}}), P.R_INVALID),
        (audit_op(new_id(), {**good, "detail": {"name": "佛山市鸿运五金厂"}}), P.R_INVALID),
        (audit_op(new_id(), {**good, "target_id": "91440604MA4UJ0XX1X"}), P.R_INVALID),
        (audit_op(new_id(), {**good, "customer": "王芳"}), P.R_INVALID),
        (audit_op(new_id(), {**good, "action": "drop_table"}), P.R_INVALID),
        (audit_op(new_id(), {**good, "at": "yesterday"}), P.R_INVALID),
        (audit_op(new_id(), {**good, "detail": {"rows": 10**30}}), P.R_INVALID),
        (audit_op(new_id(), {**good, "detail": [1, 2]}), P.R_INVALID),
        (audit_op("not-an-id", good), P.R_INVALID),
        (audit_op(new_id(), {**good, "user_id": people.rm3}), P.R_SCOPE),
        (audit_op(before[0][0], good, kind="delete"), P.R_ROLE),
        (audit_op(before[0][0], good, kind="update"), P.R_ROLE),
    ]
    token = credentials.load_token(server.url, device_id(laptop.db))
    auth = {**PROTO, "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{server.url}{P.API}", timeout=30) as client:
        answer = client.post("/push", headers=auth, json={"ops": [op for op, _ in cases]})
        assert answer.status_code == 200
        results = answer.json()["results"]
        assert [(r["status"], r["code"]) for r in results] == [
            (P.REJECTED, code) for _, code in cases
        ]
        # A push that is not JSON, or ops that are not a list: 4xx, never 5xx.
        for body in (b'{"ops": [{"entity": "audit", "payload": NaN}]}', b'{"ops": {"a": 1}}'):
            bad = client.post(
                "/push", headers={**auth, "content-type": "application/json"}, content=body
            )
            assert 400 <= bad.status_code < 500, bad.text
    assert held(server) == before
    for row in held(server):
        check_line(row[3], "", json.loads(row[4]))


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("CRM_DEMO_KEYRING", str(path))
    previous = keyring.get_keyring()
    keyring.set_keyring(DemoFileKeyring())
    yield path
    keyring.set_keyring(previous)


def test_a_first_sync_from_the_command_line_is_a_sign_in_head_office_lists(
    server: Server, people: Team, tmp_path: Path, file_keyring: Path
) -> None:
    book = str(tmp_path / "new.db")
    first = crm(
        "sync", "--db", book, "--server", server.url, "--username", "wangfang",
        "--password-stdin", keyring_file=file_keyring, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    local = crm("audit", "--db", book, "--json", keyring_file=file_keyring)
    assert local.returncode == 0, local.stderr
    [line] = json.loads(local.stdout)
    assert (line["action"], line["user_id"], line["sent"]) == ("sign_in", people.rm1, True)
    listed = crm("headoffice", "audit", "--db", server.ho.store.url, "--action", "sign_in",
                 "--lang", "zh_CN", keyring_file=file_keyring)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "登录总行" in listed.stdout and "wangfang" in listed.stdout
    assert line["device_id"][:13] in listed.stdout


def test_a_lead_s_device_may_send_lines_of_the_team_only(
    server: Server, people: Team, device: Callable[..., Device]
) -> None:
    laptop = device("chenjing")
    laptop.sign_in()
    laptop.run()
    at = utcnow().isoformat()
    ops = [
        audit_op(new_id(), {"at": at, "user_id": people.rm1, "action": "export"}),
        audit_op(new_id(), {"at": at, "user_id": people.rm3, "action": "export"}),
    ]
    token = credentials.load_token(server.url, device_id(laptop.db))
    with HeadOfficeClient(server.url, token) as client:
        results = client.push(ops)["results"]
    assert [(r["status"], r.get("code")) for r in results] == [
        (P.APPLIED, None),
        (P.REJECTED, P.R_SCOPE),
    ]
    assert [row[2] for row in held(server) if row[3] == "export"] == [people.rm1]
