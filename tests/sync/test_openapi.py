"""The OpenAPI document of head office (issue #20): docs/openapi.json is the one the code
makes; it names every op kind and refusal code; the traffic of a real laptop's sync (and of
refused requests) through a real head office on 127.0.0.1 fits it, request and answer; and
head office serves it to administrators only."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import uvicorn
from jsonschema import Draft202012Validator

from crm.domain.ids import new_id
from crm.domain.visits import VisitDraft
from crm.headoffice.app import BodyLimit, create_app
from crm.headoffice.openapi import OPENAPI_PATH, REGENERATE, build_openapi, openapi_text
from crm.services.loans import LoanDraft, record_loan
from crm.services.prospects import add_contact
from crm.services.visits import VisitService
from crm.sync import protocol as P
from tests.sync.harness import Device, Server, Team
from tests.sync.test_payloads import _complete

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
PROTO = {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION)}


def test_docs_openapi_json_is_the_one_the_code_makes() -> None:
    if not DOC.exists() or DOC.read_text(encoding="utf-8") != openapi_text():
        pytest.fail(f"docs/openapi.json is out of date: regenerate it with `{REGENERATE}`")


def test_the_document_names_every_op_kind_and_refusal_code() -> None:
    doc = build_openapi()
    assert doc["openapi"].startswith("3.1")
    schemas = doc["components"]["schemas"]
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    variants = schemas["PushRequest"]["properties"]["ops"]["items"]["anyOf"]
    titles = {v["title"] for v in variants}
    for kind in P.PROSPECT_PAYLOADS:
        assert kind in P.DELETE_KINDS or f"prospect {kind}" in titles
    for entity, kinds in P.CHILD_PAYLOADS.items():
        assert {f"{entity} {kind}" for kind in kinds} <= titles
        assert f"{entity}: any other kind changes fields" in titles
    assert schemas["ErrorBody"]["properties"]["error"]["enum"] == list(P.ERROR_CODES)
    assert set(P.OP_CODES) <= set(schemas["OpResult"]["properties"]["code"]["enum"])
    used: set[str] = set()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op["responses"], (path, method)
            for status, answer in op["responses"].items():
                if "application/json" not in answer.get("content", {}):
                    continue  # a file's bytes (blobs), or the headers of a HEAD
                schema = answer["content"]["application/json"]["schema"]
                if int(status) >= 400:
                    used.update(schema["allOf"][1]["properties"]["error"]["enum"])
            if path.startswith(P.API) and path != f"{P.API}/hello":
                assert {"$ref": "#/components/parameters/Protocol"} in op["parameters"]
    # Every code but the client's own (a changed epoch) is answered somewhere.
    assert used == set(P.ERROR_CODES) - {P.E_EPOCH}
    assert doc["components"]["securitySchemes"]["deviceToken"]["scheme"] == "bearer"


# -- the real traffic ----------------------------------------------------------------------


@dataclass
class Exchange:
    method: str
    path: str
    query: bytes
    request: bytearray = field(default_factory=bytearray)
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    answer: bytearray = field(default_factory=bytearray)

    def body(self) -> Any:
        raw = bytes(self.answer)
        if self.headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        return json.loads(raw)


class Recorder:
    """An ASGI wrapper that keeps every request and answer going through it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.exchanges: list[Exchange] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ex = Exchange(scope["method"], scope["path"], scope["query_string"])

        async def heard() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                ex.request += message.get("body", b"")
            return message

        async def said(message: Any) -> None:
            if message["type"] == "http.response.start":
                ex.status = message["status"]
                ex.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                ex.answer += message.get("body", b"")
            await send(message)

        await self.app(scope, heard, said)
        self.exchanges.append(ex)


@pytest.fixture
def recorded(server: Server) -> Iterator[tuple[str, Recorder]]:
    """A second door to the session's head office, recording all that goes through it."""
    recorder = Recorder(BodyLimit(create_app(server.ho), P.MAX_BODY_BYTES))
    config = uvicorn.Config(recorder, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    door = uvicorn.Server(config)
    thread = threading.Thread(target=door.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not door.started:
        assert time.monotonic() < deadline and thread.is_alive(), "recorder did not start"
        time.sleep(0.01)
    port = door.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", recorder
    door.should_exit = True
    thread.join(10)


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": doc["components"]})


def _errors(doc: dict[str, Any], schema: dict[str, Any], value: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in _validator(doc, schema).iter_errors(value)
    ]


def check_exchange(doc: dict[str, Any], ex: Exchange) -> list[str]:
    """Where one request and its answer differ from the document ([] when they fit)."""
    where = f"{ex.method} {ex.path} → {ex.status}"
    item = doc["paths"].get(ex.path, {}).get(ex.method.lower())
    if item is None:
        return [f"{where}: not in the document"]
    problems: list[str] = []
    # What was accepted fits the request's description (what was refused need not).
    accepted = ex.status < 400
    if "requestBody" in item and accepted:
        schema = item["requestBody"]["content"]["application/json"]["schema"]
        problems += [f"{where}: {e}" for e in _errors(doc, schema, json.loads(bytes(ex.request)))]
    declared = {
        p["name"]: p
        for p in (
            doc["components"]["parameters"][ref["$ref"].rsplit("/", 1)[1]] if "$ref" in ref else ref
            for ref in item.get("parameters", [])
        )
        if p["in"] == "query"
    }
    for name, value in parse_qsl(ex.query.decode()):
        if name not in declared:
            problems.append(f"{where}: query {name} not in the document")
            continue
        schema = declared[name]["schema"]
        if accepted:
            number = schema["type"] == "integer"
            problems += [
                f"{where}: {e}" for e in _errors(doc, schema, int(value) if number else value)
            ]
    answer = item["responses"].get(str(ex.status))
    if answer is None:
        return [*problems, f"{where}: status not in the document"]
    schema = answer["content"]["application/json"]["schema"]
    problems += [f"{where}: {e}" for e in _errors(doc, schema, ex.body())]
    return problems


def test_a_laptops_real_traffic_and_refusals_fit_the_document(
    tmp_path: Path,
    server: Server,
    people: Team,
    recorded: tuple[str, Recorder],
) -> None:
    url, recorder = recorded
    doc = json.loads(openapi_text())
    rm = Device(tmp_path / "rm.db", url, "wangfang")
    lead = Device(tmp_path / "lead.db", url, "chenjing")
    try:
        rm.sign_in()
        rm.run()
        pid = rm.create("佛山市南海区狮山华兴五金制品厂", phone="13800138000", notes="园区名单")
        gone = rm.create("佛山市三水区待删除商行")
        moved = rm.create("佛山市顺德区容桂伟业电器厂")
        draft = rm.prospects.get(pid).draft()
        draft.registered_capital_fen = 500_000_000
        rm.prospects.update(pid, draft)
        add_contact(rm.ctx, pid, "王建国", "法定代表人", "13900139000", primary=True)
        today = rm.ctx.today()
        record_loan(
            rm.ctx,
            pid,
            LoanDraft(5_000_000_00, 385, today - timedelta(days=30), today + timedelta(days=335)),
        )
        rm.prospects.change_stage(pid, "first_loan", None, "")
        visits = VisitService(rm.ctx)
        planned = visits.plan(pid, VisitDraft(visit_on=today + timedelta(days=3), purpose="贷后"))
        visits.reschedule(planned.id, today + timedelta(days=5), "10:00")
        record = visits.start_record(pid, today)
        visits.finalize(record.id, _complete(today))
        rm.prospects.delete(gone, "重复录入")
        assert rm.run().rejected == 0
        lead.sign_in()
        lead.run()
        lead.prospects.assign([moved], people.rm2, "团队调整")
        lead.run()
        rm.run()
    finally:
        rm.close()
        lead.close()

    # Refusals, each with its documented status and code.
    client = httpx.Client(base_url=url, timeout=30)
    register = {"username": "wangfang", "password": "wrong-password", "device_id": new_id()}
    assert client.post(f"{P.API}/register", headers=PROTO, json=register).status_code == 401
    assert client.post(f"{P.API}/register", headers=PROTO, json={"username": 5}).status_code == 422
    assert client.post(f"{P.API}/register", json=register).status_code == 426
    assert (
        client.post(f"{P.API}/hello", json={"protocol": 1, "client_time_ms": 0}).status_code == 409
    )
    assert client.post(f"{P.API}/hello", content=b"[" * 100).status_code == 400
    stranger = {**PROTO, "Authorization": "Bearer not-a-token"}
    assert client.get(f"{P.API}/pull", headers=stranger).status_code == 401
    lead_token = server.admin.register_device("chenjing", name="openapi")[1]
    as_lead = {**PROTO, "Authorization": f"Bearer {lead_token}"}
    answer = client.post(f"{P.API}/unlock", headers=as_lead, json={"username": "wangfang"})
    assert answer.status_code == 200
    assert (
        client.post(f"{P.API}/unlock", headers=as_lead, json={"username": "zhaolei"}).status_code
        == 404
    )
    assert client.get(f"{P.API}/pull?since=-1", headers=as_lead).status_code == 400
    assert client.get(f"{P.API}/counts?entity=prospect", headers=as_lead).status_code == 200
    assert client.get(f"{P.API}/snapshot?limit=2", headers=as_lead).status_code == 200
    too_many = {"ops": [{}] * (P.MAX_PAGE + 1)}
    assert client.post(f"{P.API}/push", headers=as_lead, json=too_many).status_code == 413
    # The document itself: administrators only.
    assert client.get(OPENAPI_PATH).status_code == 401
    assert client.get(OPENAPI_PATH, headers=as_lead).status_code == 403
    admin_token = server.admin.register_device("hoadmin", name="openapi")[1]
    served = client.get(OPENAPI_PATH, headers={"Authorization": f"Bearer {admin_token}"})
    assert served.status_code == 200 and served.json() == doc
    client.close()

    seen = {(ex.method, ex.path, ex.status) for ex in recorder.exchanges}
    for method, path in [("POST", "hello"), ("POST", "register"), ("POST", "push")]:
        assert (method, f"{P.API}/{path}", 200) in seen, seen
    assert {("GET", f"{P.API}/pull", 200), ("GET", f"{P.API}/snapshot", 200)} <= seen
    problems = [p for ex in recorder.exchanges for p in check_exchange(doc, ex)]
    assert problems == [], problems[:10]
    kinds = set()
    for ex in recorder.exchanges:
        if ex.path == f"{P.API}/push" and ex.status == 200:
            kinds |= {(o.get("entity"), o.get("kind")) for o in json.loads(ex.request)["ops"]}
    assert {("prospect", "create"), ("loan", "create"), ("visit", "finalize")} <= kinds


def test_a_hostile_op_is_not_described_by_the_document(server: Server) -> None:
    # The document says what head office takes: the push schema refuses what head office
    # rejects as invalid (a create past no_loan, a malformed clock, money beyond 64 bits).
    doc = build_openapi()
    schema = doc["components"]["schemas"]["PushRequest"]
    good = {
        "op_id": new_id(),
        "entity": "prospect",
        "entity_id": new_id(),
        "kind": "create",
        "payload": {"name": "佛山市某厂"},
        "hlc": "1767225600000-0000-node",
    }
    assert _errors(doc, schema, {"ops": [good]}) == []
    for bad in (
        {**good, "payload": {"name": "佛山市某厂", "stage": "strategic"}},
        {**good, "hlc": "9999999999999x-0000-node"},
        {**good, "payload": {"name": "佛山市某厂", "registered_capital_fen": 2**63}},
        {**good, "entity": "loan", "kind": "create", "payload": {"amount_fen": 1}},
    ):
        assert _errors(doc, schema, {"ops": [bad]}), bad
