"""Fuzzing a real head office on 127.0.0.1 (issue #20): hypothesis generates hostile requests
for every endpoint — arbitrary JSON, valid ops with one field replaced by something hostile
(lone surrogates, NUL, huge and negative numbers, NaN, deep nesting, wrong types, malformed
clocks, other users' ids), bad query strings, raw bytes — before and after sign-in. No
answer is a 5xx, every refusal carries a stable error code, and a refused request or op
changes nothing stored. Bounded in time (FUZZ_SECONDS); SQLite, and PostgreSQL when
CRM_TEST_PG_URL is set."""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crm.domain.audit import check_line
from crm.domain.clock import utcnow
from crm.domain.ids import new_id
from crm.headoffice.device_audit import DeviceAudit
from crm.headoffice.models import Device as HoDevice
from crm.headoffice.models import HoUser, Record
from crm.headoffice.openapi import build_openapi
from crm.sync import protocol as P
from tests.sync.harness import PASSWORD, Device, Server, Team

FUZZ_SECONDS = float(os.environ.get("CRM_FUZZ_SECONDS", "60"))
PROTO = {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION)}
CODES = {P.E_BAD, P.E_TOO_LARGE, P.E_AUTH, P.E_PASSWORD, P.E_LOCKED, P.E_UPGRADE, P.E_CLOCK}
CODES |= {P.E_DEVICE_TAKEN, P.E_REVOKED}

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "a\x00b",
            "\ud800",
            "x\udfff",
            "9" * 400,
            "🙂" * 50,
            "../../etc/passwd",
            "' OR 1=1 --",
            "9999999999999x-0000-node",
            "0000000000000-0000-n\n",
            "2025-02-30",
            "NaN",
            "x" * 5000,
        ]
    ),
)
hostile_number = st.one_of(
    st.integers(),
    st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**400, -1, 0]),
    st.floats(allow_nan=False, allow_infinity=False),
)
hostile_scalar = st.one_of(st.none(), st.booleans(), hostile_number, hostile_text)
hostile_json = st.recursive(
    hostile_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=12,
)
RAW_TAILS = [
    b"[" * 100_000,
    b'{"a": NaN}',
    b'{"a": Infinity}',
    b'{"a": 1e400}',
    b'{"a": "\\ud800"}',
    b"\xff\xfe",
    b"",
    b"null",
    b'{"ops": 5}',
    b'{"ops": [1, 2]}',
]


class Target:
    """The server, a registered RM device and the ids of the book it may write to."""

    def __init__(self, server: Server, people: Team) -> None:
        self.server = server
        self.people = people
        _, token = server.admin.register_device("wangfang", name="fuzz")
        self.auth = {**PROTO, "Authorization": f"Bearer {token}"}
        self.client = httpx.Client(base_url=f"{server.url}{P.API}", timeout=30)
        self.pid = new_id()
        self.vid = new_id()
        self.count = 0
        self.sent: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.ops: Counter[str] = Counter()
        self.deadline = time.monotonic() + FUZZ_SECONDS
        ops = [
            self.op("prospect", self.pid, "create", {"name": "佛山市南海区鸿运五金厂"}),
            self.op("visit", self.vid, "plan", {"prospect_id": self.pid, "visit_on": "2026-12-01"}),
        ]
        answer = self.client.post("/push", headers=self.auth, json={"ops": ops})
        assert [r["status"] for r in answer.json()["results"]] == [P.APPLIED] * 2

    def op(self, entity: str, key: str, kind: str, payload: Any) -> dict[str, Any]:
        self.count += 1
        now = utcnow()
        return {
            "op_id": new_id(),
            "entity": entity,
            "entity_id": key,
            "kind": kind,
            "payload": payload,
            "hlc": f"{int(now.timestamp() * 1000):013d}-{self.count % 65536:04x}-fuzz",
            "created_at": now.isoformat(),
        }

    def stored(self) -> dict[str, Any]:
        with self.server.ho.store.read() as s:
            records = {(r.entity, r.id): (r.version, r.data) for r in s.scalars(select(Record))}
            devices = {(d.id, d.user_id, d.token_hash) for d in s.scalars(select(HoDevice))}
            users = {(u.id, u.password_hash, u.active) for u in s.scalars(select(HoUser))}
            audit = {
                (a.id, a.user_id, a.action, a.target_id, a.detail)
                for a in s.scalars(select(DeviceAudit))
            }
        return {"records": records, "devices": devices, "users": users, "audit": audit}

    def check(self, kind: str, answer: httpx.Response) -> None:
        self.sent[kind] += 1
        self.statuses[answer.status_code] += 1
        assert answer.status_code < 500, (kind, answer.status_code, answer.text[:300])
        if answer.status_code >= 400 and answer.status_code != 404:
            body = answer.json()
            assert body.get("error") in CODES, (kind, body)


@pytest.fixture
def target(server: Server, people: Team) -> Iterator[Target]:
    t = Target(server, people)
    yield t
    t.client.close()
    answers = dict(sorted(t.statuses.items()))
    print(f"\nfuzz: sent {dict(t.sent)}; answers {answers}; ops {dict(t.ops)}")


def _from_document() -> tuple[list[str], list[str], list[str]]:
    """The entities, op kinds and payload fields head office's OpenAPI document names (so
    an op kind added to the protocol is fuzzed too), with a few it must never take."""
    schemas = build_openapi()["components"]["schemas"]
    entities, kinds, keys = {"widget", "team", "user"}, {"update", "reschedule"}, set()
    for variant in schemas["PushRequest"]["properties"]["ops"]["items"]["anyOf"]:
        props = variant["allOf"][1]["properties"]
        for part, found in (("entity", entities), ("kind", kinds)):
            schema = props[part]
            found.update([schema["const"]] if "const" in schema else schema.get("enum", []))
            found.update(schema.get("not", {}).get("enum", []))
        for name in re.findall(r"#/components/schemas/(\w+)", json.dumps(props["payload"])):
            keys.update(schemas[name].get("properties", {}))
    keys |= {"fields", "owner_id", "team_id", "pool", "deleted", "version", "uscc"}
    return sorted(entities), sorted(kinds), sorted(keys)


# What the document names, and (drawn as often) the part of it that reaches stored records.
ENTITIES, KINDS, PAYLOAD_KEYS = _from_document()
CORE_ENTITIES = ["prospect", "contact", "loan", "visit", "checklist_tick", "prospect_fact"]
CORE_ENTITIES += ["audit"]
CORE_KINDS = ["create", "update", "stage", "assign", "claim", "delete", "plan", "finalize", "set"]
CORE_KEYS = ["name", "stage", "rm_id", "uscc", "registered_capital_fen", "established_on"]
CORE_KEYS += ["fields", "from", "to", "reason_code", "prospect_id", "amount_fen", "rate_bp"]
CORE_KEYS += ["start_date", "maturity_date", "owner_id", "team_id", "status", "visit_on"]
CORE_KEYS += ["action", "detail", "at", "user_id", "target_id"]


def _either(core: list[str], every: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(core), st.sampled_from(every))


FIELDS = [
    "op_id",
    "entity",
    "entity_id",
    "kind",
    "payload",
    "hlc",
    "created_at",
    "base_version",
]


@st.composite
def mutated_op(draw: st.DrawFn, target: Target) -> dict[str, Any]:
    entity = draw(_either(CORE_ENTITIES, ENTITIES))
    key = draw(st.sampled_from([target.pid, target.vid, new_id(), "x" * 200]))
    payload: dict[str, Any] = {"prospect_id": target.pid, "name": "佛山市某厂"}
    if entity == "audit":
        # A line that would be kept, for the hostile values below to spoil.
        payload = {"at": utcnow().isoformat(), "action": "export", "detail": {"rows": 1}}
    for name in draw(st.lists(_either(CORE_KEYS, PAYLOAD_KEYS), max_size=4)):
        payload[name] = draw(hostile_json)
    op = target.op(entity, key, draw(_either(CORE_KINDS, KINDS)), payload)
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=2)):
        op[name] = draw(hostile_json)
    return op


def _send_json(
    client: httpx.Client, path: str, headers: dict[str, str], body: Any
) -> httpx.Response:
    # Our own encoder: lone surrogates go out as \ud800 escapes, NaN as NaN.
    raw = json.dumps(body).encode()
    return client.post(path, content=raw, headers={**headers, "content-type": "application/json"})


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def _fuzz(target: Target, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["push", "push", "push", "register", "hello", "query", "raw"]))
    before = target.stored()
    client = target.client
    if kind == "push":
        ops = data.draw(st.lists(mutated_op(target), min_size=1, max_size=5))
        answer = _send_json(client, "/push", target.auth, {"ops": ops})
        target.check(kind, answer)
        after = target.stored()
        if answer.status_code != 200:
            assert after == before
            return
        results = answer.json()["results"]
        assert len(results) == len(ops)
        target.ops.update(
            r["status"] if r["status"] == P.APPLIED else r.get("code", "?") for r in results
        )
        if all(r["status"] != P.APPLIED for r in results):
            assert after["records"] == before["records"], results
            assert after["audit"] == before["audit"], results
    elif kind == "register":
        body = data.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "username": st.one_of(st.just("wangfang"), st.just("liqiang"), hostile_json),
                    "password": st.one_of(st.just("wrong-password"), hostile_json),
                    "device_id": st.one_of(st.just(new_id()), hostile_json),
                    "device_name": hostile_json,
                },
            )
        )
        answer = _send_json(client, "/register", PROTO, body)
        target.check(kind, answer)
        assert answer.status_code != 200  # no generated body carries the right password
        after = target.stored()
        assert after["records"] == before["records"] and after["devices"] == before["devices"]
        # Keep the wrong passwords from locking the test's own address out.
        target.server.admin.unlock_address("127.0.0.1")
    elif kind == "hello":
        body = data.draw(st.one_of(hostile_json, st.fixed_dictionaries({"protocol": hostile_json})))
        headers = data.draw(st.sampled_from([PROTO, target.auth, {}]))
        target.check(kind, _send_json(client, "/hello", headers, body))
        assert target.stored() == before
    elif kind == "query":
        path = data.draw(st.sampled_from(["/pull", "/snapshot", "/counts"]))
        name = data.draw(st.sampled_from(["since", "limit", "as_of", "after", "entity"]))
        value = data.draw(st.one_of(hostile_text, hostile_number.map(str)))
        value = value.encode("utf-8", "surrogatepass").decode("latin-1")
        answer = client.get(path, params={name: value}, headers=target.auth)
        target.check(kind, answer)
        assert target.stored() == before
    else:
        path = data.draw(st.sampled_from(["/hello", "/register", "/push", "/unlock"]))
        raw = data.draw(st.sampled_from(RAW_TAILS))
        answer = client.post(
            path, content=raw, headers={**target.auth, "content-type": "application/json"}
        )
        target.check(kind, answer)
        assert target.stored() == before


def test_hostile_requests_never_get_a_5xx_or_change_what_they_must_not(
    target: Target, device: Callable[..., Device]
) -> None:
    # Batches of generated requests until the time is up (a batch never stops part-way).
    while time.monotonic() < target.deadline:
        _fuzz(target)
    assert sum(target.sent.values()) > 100
    # The book is still whole: its prospect and visit are as pushed (or changed by ops that
    # applied, never lost), and head office still answers a plain pull.
    answer = target.client.get("/pull?since=0", headers=target.auth)
    assert answer.status_code == 200
    # Every audit line head office kept is of the log's shape (no customer data), and none
    # is ever sent down.
    for _id, _user, action, target_id, detail in target.stored()["audit"]:
        check_line(action, target_id, json.loads(detail))
    assert all(c["entity"] != "audit" for c in answer.json().get("changes", []))
    assert httpx.get(f"{target.server.url}/healthz").status_code == 200
    # What head office accepted, its client can apply: a laptop of the RM downloads it all
    # with nothing quarantined.
    laptop = device()
    laptop.sign_in(PASSWORD)
    laptop.run()
    assert laptop.sync.status().quarantined == 0, [
        c.message for c in laptop.sync.conflicts() if c.outcome == "quarantined"
    ][:3]
