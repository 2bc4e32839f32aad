"""A head office no input can break (issue #20), driven over HTTP on 127.0.0.1: malformed
requests get 400/413/422 with a stable code before and after sign-in (deep nesting, lone
surrogates, NUL, numbers out of range, a chunked body over the limit); a device stays with
its user; a created prospect starts at no_loan and records never change hands by payload;
malformed clocks are invalid; sign-in counts concurrent guesses, answers unknown users as
it answers wrong passwords, limits each client address, and can be unlocked."""

from __future__ import annotations

import json
import select as selectors
import socket
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import select

from crm.domain.ids import new_id
from crm.headoffice.models import Audit, Device, Record
from crm.sync import protocol as P
from tests.sync.harness import PASSWORD, Server, Team
from tests.sync.test_payloads import Ops

PROTO = {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION)}


def _records(server: Server) -> dict[tuple[str, str], tuple[int, bool, str]]:
    with server.ho.store.read() as s:
        return {(r.entity, r.id): (r.version, r.deleted, r.data) for r in s.scalars(select(Record))}


def _headers(server: Server, username: str = "wangfang") -> dict[str, str]:
    _, token = server.admin.register_device(username, name="hardening")
    return {**PROTO, "Authorization": f"Bearer {token}"}


def _post(server: Server, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"{server.url}{P.API}/{path}",
        content=body,
        headers={**headers, "content-type": "application/json"},
        timeout=30,
    )


def _refused(answer: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert answer.status_code in (statuses or (400, 413, 422)), answer.text
    body: dict[str, Any] = answer.json()
    assert body["error"] in (P.E_BAD, P.E_TOO_LARGE), body
    return body


# -- 1. malformed requests -------------------------------------------------------------------


def test_a_body_nested_100000_arrays_deep_is_refused_before_and_after_sign_in(
    server: Server, people: Team
) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    wrapped = b'{"ops": ' + deep + b"}"
    headers = _headers(server)
    before = _records(server)
    for path, body, auth in [
        ("hello", deep, PROTO),
        ("register", wrapped, PROTO),
        ("push", wrapped, headers),
        (
            "push",
            b'{"ops": [{"payload": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}]}",
            headers,
        ),
    ]:
        refused = _refused(_post(server, path, body, auth), 400)
        assert "nested too deeply" in refused["message"]
    # Brackets inside strings are text, not nesting.
    fine = json.dumps({"protocol": 1, "note": "[" * 1000}).encode()
    assert _post(server, "hello", fine, PROTO).status_code == 200
    assert _records(server) == before


def test_a_lone_surrogate_or_a_nul_is_refused_and_stores_nothing(
    server: Server, people: Team
) -> None:
    for username in (b'"a\\ud800"', b'"a\\u0000"', b'"\\udfff"'):
        body = b'{"username": ' + username + b', "password": "x", "device_id": "d1"}'
        refused = _refused(_post(server, "register", body, PROTO), 400)
        assert "surrogate" in refused["message"] or "NUL" in refused["message"]
    with server.ho.store.read() as s:
        assert s.scalars(select(Device)).all() == []

    headers = _headers(server)
    op = Ops()
    pid, good_id = new_id(), new_id()
    good = op("prospect", good_id, "create", {"name": "佛山市禅城区石湾陶瓷贸易行"})
    surrogate = op("prospect", pid, "create", {"name": "佛山市某厂", "notes": "PLACEHOLDER"})
    nul = op("prospect", new_id(), "create", {"name": "佛山市某厂\u0000"})
    nul_id = {**op("prospect", new_id(), "create", {"name": "厂"}), "op_id": "a\u0000b"}
    # In the record's id and in a parent's id (push reads the records ops name up front:
    # found by the fuzzer).
    bad_id = op("prospect", "IDPLACE", "create", {"name": "佛山市某厂"})
    bad_parent = op("contact", new_id(), "create", {"prospect_id": "IDPLACE", "name": "王"})
    ops = [surrogate, good, nul, nul_id, bad_id, bad_parent]
    text = json.dumps({"ops": ops}).replace("PLACEHOLDER", "\\ud83d")
    text = text.replace("IDPLACE", "\\udfff")
    answer = _post(server, "push", text.encode(), headers)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == [P.REJECTED, P.APPLIED] + [P.REJECTED] * 4
    assert [r["code"] for r in results if r["status"] == P.REJECTED] == [P.R_INVALID] * 5
    assert "surrogate" in results[0]["message"] and "NUL" in results[2]["message"]
    assert {k for k in _records(server) if k[0] == "prospect"} == {("prospect", good_id)}


def test_numbers_out_of_range_are_refused(server: Server, people: Team) -> None:
    headers = _headers(server)
    for query in (
        f"since={2**64}",
        "since=-1",
        "since=1e3",
        "since=" + "9" * 5000,
        "limit=0",
        f"limit={2**63}",
    ):
        _refused(httpx.get(f"{server.url}{P.API}/pull?{query}", headers=headers), 400)
    for query in (
        f"as_of={2**64}",
        "after=3%00x",
        "after=" + "9" * 400 + ":x",
        f"after={2**63}",  # found by the fuzzer
    ):
        _refused(httpx.get(f"{server.url}{P.API}/snapshot?{query}", headers=headers), 400)
    for body in (b'{"protocol": NaN}', b'{"protocol": 1, "client_time_ms": 1e400}'):
        _refused(_post(server, "hello", body, PROTO), 400)
    assert httpx.get(f"{server.url}{P.API}/pull?since=0", headers=headers).status_code == 200

    op = Ops()
    pid = new_id()
    results = httpx.post(
        f"{server.url}{P.API}/push",
        headers=headers,
        json={"ops": [op("prospect", pid, "create", {"name": "佛山市某厂"})]},
    ).json()["results"]
    assert results[0]["status"] == P.APPLIED
    before = _records(server)
    loan = {
        "prospect_id": pid,
        "amount_fen": "AMOUNT",
        "rate_bp": 385,
        "start_date": "2025-03-01",
        "maturity_date": "2026-03-01",
    }
    text = json.dumps(
        {
            "ops": [
                op("loan", new_id(), "create", loan),
                op("loan", new_id(), "create", {**loan, "amount_fen": 1}),
                op("prospect", pid, "update", {"fields": {"registered_capital_fen": 2**64}}),
                op(
                    "prospect",
                    pid,
                    "stage",
                    {"from": "no_loan", "to": "first_loan", "reason_code": ["x"]},
                ),
            ]
        }
    ).replace('"AMOUNT"', str(10**400))
    results = _post(server, "push", text.encode(), headers).json()["results"]
    assert [r["status"] for r in results] == [P.REJECTED, P.APPLIED, P.REJECTED, P.REJECTED]
    assert all(r["code"] == P.R_INVALID for r in results if r["status"] == P.REJECTED)
    changed = {k[0] for k, v in _records(server).items() if before.get(k) != v}
    assert changed == {"loan"}


def test_a_chunked_body_over_the_limit_is_answered_413_not_500(server: Server) -> None:
    chunk = b"[" + b"0," * (512 * 1024) + b"0]"
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(
            f"POST {P.API}/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        sent = 0
        answer = b""
        while sent <= 2 * P.MAX_BODY_BYTES:
            readable, _, _ = selectors.select([conn], [], [], 0)
            if readable:
                break
            try:
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except OSError:
                break
            sent += len(chunk)
        deadline = time.monotonic() + 10
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            if time.monotonic() > deadline:
                break
            part = conn.recv(65536)
            if not part:
                break
            answer += part
    status = answer.split(b"\r\n", 1)[0]
    assert b" 413 " in status, answer[:300]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == P.E_TOO_LARGE
    assert sent >= P.MAX_BODY_BYTES  # it was the streamed length that counted
    assert httpx.get(f"{server.url}/healthz").status_code == 200


# -- 2. devices bound to their user ----------------------------------------------------------


def _register(
    server: Server, username: str, device_id: str, password: str = PASSWORD
) -> httpx.Response:
    return httpx.post(
        f"{server.url}{P.API}/register",
        headers=PROTO,
        json={"username": username, "password": password, "device_id": device_id},
        timeout=30,
    )


def test_a_device_registered_to_one_user_cannot_be_claimed_by_another(
    server: Server, people: Team
) -> None:
    device_id = new_id()
    first = _register(server, "wangfang", device_id)
    assert first.status_code == 200, first.text
    token = first.json()["token"]

    taken = _register(server, "liqiang", device_id)
    assert taken.status_code == 409 and taken.json()["error"] == P.E_DEVICE_TAKEN

    auth = {**PROTO, "Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server.url}{P.API}/counts", headers=auth).status_code == 200
    with server.ho.store.read() as s:
        assert s.get(Device, device_id).user_id == people.rm1  # type: ignore[union-attr]
        refused = s.scalars(select(Audit).where(Audit.action == "device.claim_refused")).all()
        assert [(a.actor, a.target) for a in refused] == [("liqiang", device_id)]
    again = _register(server, "wangfang", device_id)
    assert again.status_code == 200
    assert httpx.get(f"{server.url}{P.API}/counts", headers=auth).status_code == 401


# -- 3. domain rules on every path -----------------------------------------------------------


def test_a_create_starts_at_no_loan_and_records_never_change_hands_by_payload(
    server: Server, people: Team
) -> None:
    headers = _headers(server)
    op = Ops()
    pid, other, contact = new_id(), new_id(), new_id()
    strategic = op("prospect", new_id(), "create", {"name": "佛山市某厂", "stage": "strategic"})
    ops = [
        strategic,
        op("prospect", pid, "create", {"name": "佛山市禅城区石湾陶瓷贸易行", "stage": "no_loan"}),
        op("prospect", other, "create", {"name": "佛山市南海区鸿运五金厂"}),
        op(
            "contact",
            contact,
            "create",
            {
                "prospect_id": pid,
                "name": "张三",
                "owner_id": people.rm3,
                "team_id": people.other_team,
            },
        ),
        op("contact", contact, "update", {"prospect_id": other, "name": "李四"}),
        op("prospect", new_id(), "create", {"name": "佛山市某厂", "rm_id": people.rm3}),
    ]
    results = httpx.post(f"{server.url}{P.API}/push", headers=headers, json={"ops": ops}).json()[
        "results"
    ]
    assert [r["status"] for r in results] == [P.REJECTED] + [P.APPLIED] * 3 + [P.REJECTED] * 2
    assert results[0]["code"] == P.R_INVALID and "stage" in results[0]["invalid_fields"]
    assert results[4]["code"] == P.R_INVALID and results[4]["invalid_fields"] == ["prospect_id"]
    assert results[5]["code"] == P.R_ROLE
    with server.ho.store.read() as s:
        rec = s.get(Record, ("contact", contact))
        assert rec is not None and rec.prospect_id == pid and rec.owner_id == people.rm1
        data = json.loads(rec.data)
        assert data["prospect_id"] == pid and data["name"] == "张三"
        assert "owner_id" not in data and "team_id" not in data
        prospect = s.get(Record, ("prospect", pid))
        assert prospect is not None and json.loads(prospect.data)["stage"] == "no_loan"


# -- 4. clocks -------------------------------------------------------------------------------


def test_a_malformed_hlc_is_invalid_however_far_ahead_it_compares(
    server: Server, people: Team
) -> None:
    headers = _headers(server)
    op = Ops()
    pid = new_id()
    created = op("prospect", pid, "create", {"name": "佛山市某厂"})
    assert (
        httpx.post(f"{server.url}{P.API}/push", headers=headers, json={"ops": [created]}).json()[
            "results"
        ][0]["status"]
        == P.APPLIED
    )
    before = _records(server)
    bad = [
        "9999999999999x-0000-node",
        f"{created['hlc']}\n",
        "99999999999999-0000-node",
        "1700000000000-00zz-node",
        "1700000000000-0000-",
    ]
    ops = [{**op("prospect", pid, "update", {"fields": {"notes": "x"}}), "hlc": h} for h in bad]
    results = httpx.post(f"{server.url}{P.API}/push", headers=headers, json={"ops": ops}).json()[
        "results"
    ]
    assert [(r["status"], r["code"]) for r in results] == [(P.REJECTED, P.R_INVALID)] * len(bad)
    assert all("hlc" in r["invalid_fields"] for r in results)
    assert _records(server) == before
    assert P.hlc_millis("9999999999999x-0000-node") == P.MAX_INT


# -- 5. sign-in that resists guessing --------------------------------------------------------


def _guesses(server: Server, username: str, n: int, password: str = "wrong-password") -> list[int]:
    with ThreadPoolExecutor(max_workers=min(n, 20)) as pool:
        return list(
            pool.map(
                lambda _: _register(server, username, new_id(), password).status_code, range(n)
            )
        )


def test_concurrent_guesses_are_all_counted_and_unknown_users_answer_alike(
    server: Server, people: Team
) -> None:
    real = _guesses(server, "wangfang", 12)
    assert sorted(set(real)) == [401, 429] and real.count(401) == 5, real
    unknown = _guesses(server, "nobody-here", 12)
    assert unknown.count(401) == 5 and unknown.count(429) == 7, unknown
    # Locked out: even the right password waits (or a lead unlocks).
    assert _register(server, "wangfang", new_id()).status_code == 429
    server.admin.unlock("wangfang")
    assert _register(server, "wangfang", new_id()).status_code == 200


def test_unknown_users_take_as_long_as_wrong_passwords(server: Server, people: Team) -> None:
    def timed(username: str) -> float:
        started = time.perf_counter()
        answer = _register(server, username, new_id(), "wrong-password")
        assert answer.status_code == 401
        assert answer.json() == {
            "error": P.E_PASSWORD,
            "message": "wrong user name or password",
            "params": {},
        }
        return time.perf_counter() - started

    wrong, unknown = [], []
    for i in range(4):
        wrong.append(timed("liqiang"))
        unknown.append(timed(f"ghost{i}"))
        server.admin.unlock("liqiang")
    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 0.5 < ratio < 2.0, (wrong, unknown)


def test_one_address_is_limited_across_users_and_a_lead_can_unlock(
    server: Server, people: Team
) -> None:
    # Four users, five wrong passwords each: every user locked, and the address too.
    for name in ("wangfang", "liqiang", "zhaolei", "ghost"):
        assert _guesses(server, name, 5) == [401] * 5
    assert _register(server, "chenjing", new_id()).status_code == 429
    assert server.admin.unlock_address("127.0.0.1")  # or its lockout runs out

    lead = _register(server, "chenjing", new_id())
    assert lead.status_code == 200
    auth = {**PROTO, "Authorization": f"Bearer {lead.json()['token']}"}
    unlock = httpx.post(f"{server.url}{P.API}/unlock", headers=auth, json={"username": "wangfang"})
    assert unlock.status_code == 200, unlock.text
    assert _register(server, "wangfang", new_id()).status_code == 200
    other_team = httpx.post(
        f"{server.url}{P.API}/unlock", headers=auth, json={"username": "zhaolei"}
    )
    assert other_team.status_code == 404
    assert _register(server, "zhaolei", new_id()).status_code == 429


def test_a_device_never_moves_its_clock_to_a_malformed_head_office_time() -> None:
    local = 1_767_225_600_000
    assert P.plausible_server_time(local + 60_000, local)
    for bad in (True, "1767225600000", 1.7e12, -1, 10**13, local + P.MAX_CLOCK_SKEW_MS + 1):
        assert not P.plausible_server_time(bad, local)


def test_a_child_records_own_uscc_field_is_kept_as_data_not_indexed(
    server: Server, people: Team
) -> None:
    # Found by the fuzzer: a visit carrying a "uscc" list reached the prospects' USCC column.
    headers = _headers(server)
    op = Ops()
    pid, vid = new_id(), new_id()
    ops = [
        op("prospect", pid, "create", {"name": "佛山市某厂", "uscc": "91440605MA4UXXXX1X"}),
        op("visit", vid, "plan", {"prospect_id": pid, "visit_on": "2026-12-01"}),
        op("visit", vid, "update", {"prospect_id": pid, "uscc": [None]}),
    ]
    answer = httpx.post(f"{server.url}{P.API}/push", headers=headers, json={"ops": ops})
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == [P.APPLIED] * 3
    with server.ho.store.read() as s:
        visit = s.get(Record, ("visit", vid))
        assert visit is not None and visit.uscc is None
