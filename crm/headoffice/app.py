"""The head-office HTTP service: FastAPI routes over ``HeadOffice``, and ``serve``.

Requests are JSON; responses of pull and snapshot are built as text (records embed their
stored JSON as is). Bodies over ``MAX_BODY_BYTES`` are refused with 413 before parsing.
The database work runs in the thread pool, never on the event loop.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware

from crm.headoffice.blobs import add_routes as add_blob_routes
from crm.headoffice.db import Store
from crm.headoffice.errors import ApiError
from crm.headoffice.openapi import OPENAPI_PATH, openapi_text
from crm.headoffice.service import HeadOffice
from crm.headoffice.wire import now_ms
from crm.sync import protocol as P

log = logging.getLogger("crm.headoffice")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes (declared or streamed) with 413."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await _too_large(send)
                return
        seen = 0
        answered = False

        async def guarded(message: Message) -> None:
            # Once the 413 is out, whatever the app still says (its error page) goes nowhere.
            if not answered:
                await send(message)

        async def limited() -> Message:
            nonlocal seen, answered
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # Counted as the body streams (chunked too): answer now, before the app
                    # reads any further, and tell it the client has gone.
                    answered = True
                    await _too_large(send)
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not answered:
                raise


async def _too_large(send: Send) -> None:
    body = json.dumps(
        {"error": P.E_TOO_LARGE, "message": "request too large", "params": {}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return None


async def _json(request: Request, *, checked: str = "") -> dict[str, Any]:
    """The body as a JSON object, refused (400) unless it is one of bounded nesting whose
    numbers are finite and whose text is storable (no lone surrogates, no NUL); the value
    under ``checked`` is left for its handler to check item by item."""
    raw = await request.body()
    if P.nesting_depth(raw) > P.MAX_DEPTH:
        raise ApiError(400, P.E_BAD, "the request is nested too deeply", max=P.MAX_DEPTH)
    try:
        data = P.loads(raw or b"{}")
    except ValueError as exc:
        raise ApiError(400, P.E_BAD, "the request is not JSON") from exc
    if not isinstance(data, dict):
        raise ApiError(400, P.E_BAD, "the request must be a JSON object")
    problem = P.text_problem({k: v for k, v in data.items() if k != checked})
    if problem:
        raise ApiError(400, P.E_BAD, problem)
    return data


def _int(
    value: str | None, default: int | None, *, low: int = 0, high: int = P.MAX_INT
) -> int | None:
    if value is None or value == "":
        return default
    if len(value) > 20 or not value.strip().lstrip("-").isdigit():
        raise ApiError(400, P.E_BAD, "a number was expected")
    number = int(value)
    if not low <= number <= high:
        raise ApiError(400, P.E_BAD, "a number out of range", min=low, max=high)
    return number


def _text(value: str | None, limit: int) -> str | None:
    if value is not None and (len(value) > limit or P.text_problem(value)):
        raise ApiError(400, P.E_BAD, "a query parameter is too long or not storable text")
    return value


def create_app(ho: HeadOffice) -> FastAPI:
    app = FastAPI(
        title="FirstLoan CRM head office",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.ho = ho
    # Compress only what is worth it, cheaply: pages of records are very repetitive.
    app.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=3)

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(HTTPException)
    async def no_route(_request: Request, exc: HTTPException) -> JSONResponse:
        # An unknown path or method: the same shape and a stable code as every refusal.
        body = {"error": P.E_BAD, "message": str(exc.detail), "params": {}}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    def protocol(request: Request) -> None:
        ho.check_protocol(request.headers.get(P.PROTOCOL_HEADER))

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"ok": True}

    @app.post(f"{P.API}/hello")
    async def hello(request: Request) -> JSONResponse:
        body = await _json(request)
        result = await run_in_threadpool(ho.hello, body, _token(request))
        return JSONResponse(result)

    @app.post(f"{P.API}/register")
    async def register(request: Request) -> JSONResponse:
        protocol(request)
        body = await _json(request)
        try:
            fields = P.parse_register(body)
        except P.PayloadError as exc:
            raise ApiError(422, P.E_BAD, exc.reason, fields=list(exc.fields)) from None
        result = await run_in_threadpool(
            ho.register,
            fields.username,
            fields.password,
            fields.device_id,
            fields.device_name,
            request.client.host if request.client else "",
            encrypted=fields.encrypted,
        )
        return JSONResponse(result)

    @app.post(f"{P.API}/unlock")
    async def unlock(request: Request) -> JSONResponse:
        protocol(request)
        actor = await run_in_threadpool(ho.authenticate, _token(request))
        body = await _json(request)
        try:
            fields = P.parse_unlock(body)
        except P.PayloadError as exc:
            raise ApiError(422, P.E_BAD, exc.reason, fields=list(exc.fields)) from None
        return JSONResponse(await run_in_threadpool(ho.unlock, actor, fields.username))

    @app.post(f"{P.API}/push")
    async def push(request: Request) -> JSONResponse:
        protocol(request)
        actor = await run_in_threadpool(ho.authenticate, _token(request))
        body = await _json(request, checked="ops")
        ops = body.get("ops")
        if not isinstance(ops, list) or not all(isinstance(o, dict) for o in ops):
            raise ApiError(400, P.E_BAD, "ops must be a list of objects")
        if len(ops) > P.MAX_PAGE:
            raise ApiError(413, P.E_TOO_LARGE, "too many ops in one push")
        results = await run_in_threadpool(ho.push, actor, ops)
        return JSONResponse({"results": results, "server_time_ms": now_ms(ho.clock())})

    @app.get(f"{P.API}/pull")
    async def pull(request: Request) -> Response:
        protocol(request)
        actor = await run_in_threadpool(ho.authenticate, _token(request))
        since = _int(request.query_params.get("since"), 0) or 0
        limit = _int(request.query_params.get("limit"), P.PULL_PAGE, low=1, high=P.MAX_PAGE)
        limit = limit or P.PULL_PAGE
        text = await run_in_threadpool(ho.pull, actor, since, limit)
        return Response(text, media_type="application/json")

    @app.get(f"{P.API}/snapshot")
    async def snapshot(request: Request) -> Response:
        protocol(request)
        actor = await run_in_threadpool(ho.authenticate, _token(request))
        as_of = _int(request.query_params.get("as_of"), None)
        limit = _int(request.query_params.get("limit"), P.SNAPSHOT_PAGE, low=1, high=P.MAX_PAGE)
        limit = limit or P.SNAPSHOT_PAGE
        after = _text(request.query_params.get("after"), P.MAX_KEY + 24)
        try:
            text = await run_in_threadpool(ho.snapshot, actor, as_of, after, limit)
        except ValueError as exc:
            raise ApiError(400, P.E_BAD, "bad snapshot position") from exc
        return Response(text, media_type="application/json")

    @app.get(f"{P.API}/counts")
    async def counts(request: Request) -> JSONResponse:
        protocol(request)
        actor = await run_in_threadpool(ho.authenticate, _token(request))
        entity = _text(request.query_params.get("entity"), P.MAX_NAME) or None
        return JSONResponse(await run_in_threadpool(ho.counts, actor, entity))

    document = openapi_text().encode()

    @app.get(OPENAPI_PATH)
    async def openapi(request: Request) -> Response:
        actor = await run_in_threadpool(ho.authenticate, _token(request))
        if actor.role != "admin":
            raise ApiError(403, P.E_AUTH, "only head office administrators may read this")
        return Response(document, media_type="application/json")

    add_blob_routes(app, ho.blobs, ho.authenticate, ho.check_protocol)
    return app


def build(url: str, *, init: bool = True) -> tuple[Any, HeadOffice]:
    """The ASGI application (with the body limit) over the database at ``url``."""
    store = Store(url)
    if init:
        store.init()
    ho = HeadOffice(store)
    return BodyLimit(create_app(ho), P.MAX_BODY_BYTES), ho


# ``serve --workers N`` hands each worker process the database URL through this variable:
# uvicorn starts workers by importing an application factory, which takes no arguments.
WORKER_URL_ENV = "CRM_HO_WORKER_URL"


def worker_app() -> Any:
    """The application of one worker process of ``serve --workers N``.

    The parent process has created or upgraded the database before starting the workers, so
    a worker only connects. Writes stay serialised across processes by the change-log
    counter's row lock (PostgreSQL) or SQLite's write lock, so N workers apply each op once.
    """
    app, _ho = build(os.environ[WORKER_URL_ENV], init=False)
    return app


def serve(
    url: str,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    certfile: str | None = None,
    keyfile: str | None = None,
    log_level: str = "info",
    workers: int = 1,
) -> None:
    """Run the service until interrupted (TLS when a certificate and key are given), in one
    process or in ``workers`` processes sharing the port."""
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "ssl_certfile": certfile,
        "ssl_keyfile": keyfile,
        "log_level": log_level,
        "server_header": False,
        "timeout_keep_alive": 30,
        "limit_concurrency": 200,
    }
    scheme = "https" if certfile else "http"
    if workers > 1:
        store = Store(url)
        store.init()
        store.dispose()
        os.environ[WORKER_URL_ENV] = url
        log.info("head office on %s:%d (%s), %d workers", host, port, scheme, workers)
        uvicorn.run("crm.headoffice.app:worker_app", factory=True, workers=workers, **options)
        return
    app, ho = build(url)
    log.info("head office on %s:%d (%s)", host, port, scheme)
    try:
        uvicorn.run(app, **options)
    finally:
        ho.store.dispose()
