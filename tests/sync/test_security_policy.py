"""Head office's security policy (reference ``security``): published from the command line,
checked (a document that does not fit is refused naming the field, and nothing is stored),
synced down to a laptop that then follows its idle minutes, and a plain book refused at
registration when the policy requires encryption."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from crm.cli import main
from crm.domain.ids import new_id
from crm.domain.security_policy import (
    DEFAULT,
    InvalidSecurityPolicy,
    SecurityPolicy,
    parse_security_policy,
)
from crm.headoffice.models import Audit, Device, Record
from crm.services import book_lock
from crm.services.container import Services
from crm.sync import protocol as P
from crm.sync.errors import SyncRefused
from tests.sync.harness import PASSWORD, Server, Team
from tests.sync.harness import Device as Laptop

PROTO = {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION)}


def test_a_policy_fills_in_defaults_and_reads_back() -> None:
    assert parse_security_policy({}) == DEFAULT == SecurityPolicy(10, False, "keyring")
    policy = parse_security_policy(
        {"idle_lock_minutes": 240, "require_encryption": True, "key_source": "passphrase"}
    )
    assert policy == SecurityPolicy(240, True, "passphrase")
    assert parse_security_policy(policy.document()) == policy


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ([], "object"),
        ("idle_lock_minutes=5", "object"),
        ({"idle_lock_minutes": 0}, "idle_lock_minutes"),
        ({"idle_lock_minutes": 241}, "idle_lock_minutes"),
        ({"idle_lock_minutes": 10.5}, "idle_lock_minutes"),
        ({"idle_lock_minutes": True}, "idle_lock_minutes"),
        ({"idle_lock_minutes": "10"}, "idle_lock_minutes"),
        ({"idle_lock_minutes": 10**400}, "idle_lock_minutes"),
        ({"require_encryption": "yes"}, "require_encryption"),
        ({"require_encryption": 1}, "require_encryption"),
        ({"key_source": "KEYRING"}, "key_source"),
        ({"key_source": None}, "key_source"),
        ({"idle_minutes": 5}, "idle_minutes"),
        ({"key_source": "keyring", "\ud800": 1}, "know"),
    ],
)
def test_hostile_policies_are_refused_naming_the_field(document: Any, field: str) -> None:
    with pytest.raises(InvalidSecurityPolicy, match=field):
        parse_security_policy(document)


def test_published_policy_reaches_a_laptop_and_a_bad_one_is_refused(
    device: Callable[..., Laptop], server: Server, people: Team, tmp_path: Path, capsys: Any
) -> None:
    laptop = device("chenjing")
    laptop.sign_in()
    laptop.run()
    services = Services(laptop.ctx)
    assert services.security_policy() == DEFAULT

    with pytest.raises(InvalidSecurityPolicy):
        server.admin.publish("security", {"idle_lock_minutes": 0})
    with server.ho.store.read() as s:
        assert s.get(Record, ("reference", "security")) is None

    assert server.admin.publish("security", {"idle_lock_minutes": 3}) == 1
    laptop.run()
    assert services.security_policy() == SecurityPolicy(3, False, "keyring")

    # The command: a bad file refused in the user's language, nothing published; the
    # default policy published without a file.
    url = f"sqlite:///{tmp_path / 'ho.db'}"
    bad = tmp_path / "security.json"
    bad.write_text(json.dumps({"idle_lock_minutes": 999}), encoding="utf-8")
    status = main(["--lang", "zh_CN", "headoffice", "publish", "security", str(bad), "--db", url])
    err = capsys.readouterr().err
    assert status == 1 and "idle_lock_minutes" in err and "Traceback" not in err
    assert "整数" in err
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"idle_lock_minutes": 5, "require_encryption": True}), "utf-8")
    assert main(["headoffice", "publish", "security", str(good), "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"kind": "security", "version": 1}


def _register(server: Server, device_id: str, **extra: Any) -> httpx.Response:
    body = {"username": "wangfang", "password": PASSWORD, "device_id": device_id, **extra}
    return httpx.post(f"{server.url}{P.API}/register", json=body, headers=PROTO, timeout=30)


def test_a_plain_book_is_refused_when_head_office_requires_encryption(
    device: Callable[..., Laptop], server: Server, people: Team
) -> None:
    # Before the policy: a plain book registers.
    assert _register(server, new_id()).status_code == 200
    server.admin.publish("security", {"require_encryption": True})

    plain = new_id()
    refused = _register(server, plain, encrypted=False)
    assert refused.status_code == 403 and refused.json()["error"] == P.E_ENCRYPTION
    # An app that does not say is taken as holding a plain book; a wrong type is refused.
    assert _register(server, plain).json()["error"] == P.E_ENCRYPTION
    assert _register(server, plain, encrypted="yes").status_code == 422
    # The password is checked first: a wrong one is answered as a wrong password.
    wrong = httpx.post(
        f"{server.url}{P.API}/register",
        json={"username": "wangfang", "password": "nope", "device_id": plain},
        headers=PROTO,
        timeout=30,
    )
    assert wrong.json()["error"] == P.E_PASSWORD
    with server.ho.store.read() as s:
        assert s.get(Device, plain) is None
        audited = s.scalars(select(Audit).where(Audit.action == "device.plain_refused")).all()
        assert [a.target for a in audited] == [plain, plain]

    encrypted = _register(server, new_id(), encrypted=True)
    assert encrypted.status_code == 200 and encrypted.json()["token"]

    # On the laptop: a clear message naming the command, and no sign-in kept.
    laptop = device("wangfang")
    with pytest.raises(SyncRefused) as caught:
        laptop.sign_in()
    assert caught.value.code == P.E_ENCRYPTION
    assert "crm book encrypt" in str(caught.value)
    assert not laptop.sync.status().configured


def test_an_encrypted_book_registers_when_head_office_requires_encryption(
    device: Callable[..., Laptop], server: Server, people: Team, tmp_path: Path
) -> None:
    server.admin.publish("security", {"require_encryption": True, "idle_lock_minutes": 7})
    # A new book made encrypted (its key in the keyring) before anything opens it.
    book_lock.new_keyring_book(tmp_path / "wangfang-0.db")
    laptop = device("wangfang")
    assert book_lock.is_encrypted(laptop.path)
    assert laptop.sign_in()["username"] == "wangfang"
    laptop.run()
    assert Services(laptop.ctx).security_policy() == SecurityPolicy(7, True, "keyring")
