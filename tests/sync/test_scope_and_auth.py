"""Who may do what: clocks, protocol versions, scope, reassignment, revocation, the pool."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest

from crm.i18n import describe
from crm.sync import protocol as P
from crm.sync.errors import DeviceRevokedError, SyncRefused
from tests.sync.harness import PASSWORD, Clock, Device, Server, Team


def _ready(device, username: str, **kw) -> Device:
    d: Device = device(username, **kw)
    d.sign_in()
    d.run()
    return d


def test_a_device_clock_ten_minutes_ahead_is_refused_with_a_clear_message(device, server):
    d = _ready(device, "wangfang")
    d.clock.offset = timedelta(minutes=10)
    with pytest.raises(SyncRefused) as info:
        d.run()
    assert info.value.code == P.E_CLOCK
    assert "10 minutes ahead" in describe(info.value)
    d.clock.offset = timedelta(minutes=-10)
    with pytest.raises(SyncRefused) as info:
        d.run()
    assert "10 minutes behind" in describe(info.value)


def test_an_edit_stamped_far_ahead_is_rejected_not_allowed_to_win(device, server):
    d = _ready(device, "wangfang")
    d.clock.offset = timedelta(minutes=30)
    pid = d.create("佛山市顺德区未来钟表厂")
    d.clock.offset = timedelta(0)
    summary = d.run()
    assert summary.rejected == 1
    assert d.sync.conflicts()[0].code == P.R_CLOCK
    assert server.admin.record_counts().get("prospect", 0) == 0
    assert pid


def test_an_old_protocol_is_told_to_upgrade_and_nothing_is_written(device, server):
    d = _ready(device, "wangfang")
    d.create("佛山市禅城区旧版本测试厂")
    old: Device = device("wangfang", name="old-app", protocol=0)
    with pytest.raises(SyncRefused) as info:
        old.sign_in()
    assert info.value.code == P.E_UPGRADE and "update the app" in describe(info.value)
    # The same book on an old app: refused before anything is sent.
    d.sync.protocol = 0
    with pytest.raises(SyncRefused):
        d.run()
    assert len(d.outbox()) == 1
    token = next(iter(__import__("keyring").get_keyring().items.values()))
    answer = httpx.post(
        f"{server.url}{P.API}/push",
        headers={P.PROTOCOL_HEADER: "0", "Authorization": f"Bearer {token}"},
        json={
            "ops": [
                {
                    "op_id": "x",
                    "entity": "prospect",
                    "entity_id": "y",
                    "kind": "create",
                    "payload": {"name": "n"},
                    "hlc": "1",
                }
            ]
        },
    )
    assert answer.status_code == 426 and answer.json()["error"] == P.E_UPGRADE
    assert server.admin.record_counts().get("prospect", 0) == 0


def test_reassignment_removes_the_prospect_from_the_old_rms_device(device, server, people):
    old = _ready(device, "wangfang")
    new = _ready(device, "liqiang")
    kept = old.create("佛山市南海区留下五金厂")
    moved = old.create("佛山市南海区转走五金厂")
    edited = old.create("佛山市南海区有改动五金厂")
    old.run()
    server.admin.assign([moved, edited], "liqiang")
    detail = old.prospects.get(edited)
    draft = detail.draft()
    draft.notes = "written offline before the reassignment was known"
    old.prospects.update(edited, draft)

    summary = old.run()
    assert old.prospect_ids() == {kept}
    assert summary.rejected == 1
    [conflict] = old.sync.conflicts()
    assert conflict.code == P.R_SCOPE
    assert conflict.local["fields"]["notes"].startswith("written offline")
    new.run()
    assert {moved, edited} <= new.prospect_ids() and kept not in new.prospect_ids()
    assert new.prospect(moved).assigned_rm_id == people.rm2


def test_a_revoked_device_is_refused_and_wiped(device, server):
    d = _ready(device, "wangfang")
    d.create("佛山市禅城区机密客户厂")
    d.run()
    [row] = server.admin.devices()
    server.admin.revoke_device(row["id"])
    with pytest.raises(DeviceRevokedError) as info:
        d.run()
    assert "revoked" in describe(info.value)
    assert d.prospect_ids() == set() and d.outbox() == []
    # Registering the revoked device id again is refused too.
    token = next(iter(__import__("keyring").get_keyring().items.values()))
    answer = httpx.get(
        f"{server.url}{P.API}/pull",
        headers={P.PROTOCOL_HEADER: "1", "Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 403 and answer.json()["params"]["wipe"] is True


def test_two_rms_claim_the_same_pool_prospect_exactly_one_wins(device, server):
    server.admin.pool_import([{"name": "佛山市新注册科技有限公司", "uscc": None}])
    rms = [_ready(device, name) for name in ("wangfang", "liqiang", "zhaolei")]
    [pid] = rms[0].prospect_ids()
    assert all(pid in d.prospect_ids() for d in rms)  # the pool is readable by all
    for d in rms:
        d.sync.claim(pid)
    errors: list[BaseException] = []

    def go(d: Device) -> None:
        try:
            d.run()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(d,)) for d in rms]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    winners = [d for d in rms if pid in d.prospect_ids()]
    assert len(winners) == 1
    losers = [d for d in rms if d not in winners]
    for d in losers:
        [conflict] = d.sync.conflicts()
        assert conflict.code == P.R_TAKEN
        assert conflict.server is None  # not told by whom


def test_an_rm_cannot_read_or_write_another_rms_prospect(device, server, people: Team):
    owner = _ready(device, "wangfang")
    pid = owner.create("佛山市禅城区王芳的客户厂")
    owner.run()
    other = _ready(device, "zhaolei")
    assert pid not in other.prospect_ids()
    token = [
        v
        for (svc, acct), v in __import__("keyring").get_keyring().items.items()
        if acct.startswith(other.sync.status().user_id or "")
    ]
    headers = _headers_of(other)
    snap = httpx.get(f"{server.url}{P.API}/snapshot", headers=headers).json()
    assert pid not in {r["id"] for r in snap["records"]}
    pulled = httpx.get(f"{server.url}{P.API}/pull", headers=headers).json()
    assert pid not in {c["id"] for c in pulled["changes"] if c["op"] == "upsert"}
    answer = httpx.post(
        f"{server.url}{P.API}/push",
        headers=headers,
        json={
            "ops": [
                {
                    "op_id": "0190f000-0000-7000-8000-00000000abcd",
                    "entity": "prospect",
                    "entity_id": pid,
                    "kind": "update",
                    "payload": {"fields": {"notes": "x"}},
                    "hlc": f"{2**40:013d}-0000-x",
                }
            ]
        },
    ).json()
    [result] = answer["results"]
    assert result["status"] == P.REJECTED and result["code"] == P.R_SCOPE
    assert "record" not in result  # nothing of the prospect leaks
    # The team lead of the owner sees it; the pool-less RM of another team never does.
    lead = _ready(device, "chenjing")
    assert pid in lead.prospect_ids()
    assert token is not None


def _headers_of(d: Device) -> dict[str, str]:
    from crm.sync import credentials
    from crm.sync.engine import device_id

    token = credentials.load_token(d.sync.server_url(), device_id(d.db))
    return {P.PROTOCOL_HEADER: "1", "Authorization": f"Bearer {token}"}


def test_wrong_passwords_are_refused_then_lock_the_user_out(device, server):
    d: Device = device("wangfang")
    for _ in range(4):
        with pytest.raises(SyncRefused) as info:
            d.sign_in("wrong-password")
        assert info.value.code == P.E_PASSWORD
    with pytest.raises(SyncRefused):
        d.sign_in("wrong-password")
    with pytest.raises(SyncRefused) as info:
        d.sign_in(PASSWORD)
    assert info.value.code == P.E_LOCKED


def test_requests_over_the_size_limit_are_refused(server: Server):
    big = b"x" * (P.MAX_BODY_BYTES + 1)
    answer = httpx.post(f"{server.url}{P.API}/hello", content=big)
    assert answer.status_code == 413


def test_plain_http_to_a_remote_head_office_is_refused(device):
    d: Device = device("wangfang")
    d.url = "http://ho.example.cn"
    with pytest.raises(SyncRefused) as info:
        d.sign_in()
    assert "https" in describe(info.value)


def test_the_device_token_is_in_the_keyring_not_in_the_database(device, memory_keyring):
    d = _ready(device, "wangfang")
    [token] = memory_keyring.items.values()
    assert token.encode() not in d.path.read_bytes()
    assert isinstance(Clock(), Clock)
