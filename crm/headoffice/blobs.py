"""Files' bytes at head office: the photos and documents of visit records, by SHA-256.

A device sends a file after the attachment record that names it (an ``attach`` op of a
finalized record), in chunks: ``PUT /sync/v1/blobs/{sha256}?attachment=ID`` with
``Content-Range: bytes FIRST-LAST/TOTAL``. Each chunk must start where head office's copy
ends (``HEAD`` says where: ``Upload-Offset``), so an upload cut off half-way goes on from
there at the next sync and nothing is sent twice. With the last chunk the whole file is
hashed: bytes that do not hash to the name are thrown away (422) and nothing is kept.
``GET`` gives the bytes of a complete file (from an offset with ``Range: bytes=N-``).

Scope is the attachment record's, which is its prospect's (an RM their own book, a lead
their team's, head office everything): the record must name these bytes, and a device
that may not see it is answered 404, as if there were no such file. A file attached to
several records is kept once.

Chunks are rows of their own (``ho_blob_chunks``), so a chunk is one insert on SQLite and
PostgreSQL alike, never a rewrite of what came before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Final, Protocol

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import BigInteger, Boolean, LargeBinary, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool

from crm import resources
from crm.domain.attachments import AttachmentLimits, parse_limits
from crm.headoffice.errors import ApiError
from crm.headoffice.models import Base, Record, UTCStamp
from crm.headoffice.scope import Actor, can_see, can_write
from crm.sync import protocol as P


class _Tx(Protocol):
    session: Session
    now: datetime


class _Store(Protocol):
    """Head office's database as this module uses it (crm.headoffice.db.Store)."""

    def read(self) -> AbstractContextManager[Session]: ...

    def write(self) -> AbstractContextManager[_Tx]: ...


log = logging.getLogger("crm.headoffice")

ENTITY: Final = "visit_attachment"


class HoBlob(Base):
    """A file being received or received: its size, how many bytes are in, and whether it
    is complete (its hash checked)."""

    __tablename__ = "ho_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCStamp())
    completed_at: Mapped[datetime | None] = mapped_column(UTCStamp())


class HoBlobChunk(Base):
    """The bytes of a file from ``start`` on, as one chunk arrived."""

    __tablename__ = "ho_blob_chunks"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


@cache
def limits() -> AttachmentLimits:
    """The largest file head office takes: the data's (resources/data/attachments.json)."""
    return parse_limits(resources.load_json("data", "attachments.json"))


def not_found() -> ApiError:
    return ApiError(404, P.E_NOT_FOUND, "head office has no such file for this device")


@dataclass
class Blobs:
    """The blob endpoint's work over head office's database."""

    store: _Store
    clock: Callable[[], datetime]

    # -- scope ---------------------------------------------------------------------------------

    @staticmethod
    def _record(s: Session, sha256: str, attachment_id: str) -> Record:
        """The attachment record naming these bytes (404 when there is none)."""
        if not P.MAX_ID >= len(attachment_id) > 0:
            raise not_found()
        rec = s.get(Record, (ENTITY, attachment_id))
        if rec is None or rec.deleted:
            raise not_found()
        try:
            named = json.loads(rec.data).get("sha256")
        except ValueError:
            named = None
        if named != sha256:
            raise not_found()
        return rec

    def _readable(self, s: Session, actor: Actor, sha256: str, attachment_id: str) -> Record:
        rec = self._record(s, sha256, attachment_id)
        if not can_see(actor, rec.owner_id, rec.team_id, rec.pool):
            raise not_found()
        return rec

    def _writable(self, s: Session, actor: Actor, sha256: str, attachment_id: str) -> Record:
        rec = self._record(s, sha256, attachment_id)
        if not can_write(actor, rec):
            raise not_found()
        return rec

    # -- the endpoint --------------------------------------------------------------------------

    def state(self, actor: Actor, sha256: str, attachment_id: str) -> P.BlobState:
        """How much of the file head office holds (for a device that may see it)."""
        with self.store.read() as s:
            self._readable(s, actor, sha256, attachment_id)
            blob = s.get(HoBlob, sha256)
            if blob is None:
                return P.BlobState(sha256=sha256, size=None, received=0, complete=False)
            return P.BlobState(
                sha256=sha256, size=blob.size, received=blob.received, complete=blob.complete
            )

    def put(
        self,
        actor: Actor,
        sha256: str,
        attachment_id: str,
        first: int,
        total: int,
        data: bytes,
    ) -> P.BlobState:
        """A chunk from byte ``first`` of a file of ``total`` bytes; the last one completes
        it (its hash checked: bytes that do not hash to ``sha256`` are thrown away)."""
        if total > limits().max_bytes:
            raise ApiError(
                413,
                P.E_TOO_LARGE,
                "the file is larger than head office takes",
                max=limits().max_bytes,
            )
        with self.store.write() as tx:
            s = tx.session
            rec = self._writable(s, actor, sha256, attachment_id)
            declared = json.loads(rec.data).get("size")
            if declared != total:
                raise ApiError(
                    422,
                    P.E_BAD,
                    "the file's size is not the one its record gives",
                    size=declared,
                )
            blob = s.get(HoBlob, sha256, with_for_update=True)
            if blob is None:
                blob = HoBlob(
                    sha256=sha256, size=total, received=0, complete=False, created_at=tx.now
                )
                s.add(blob)
                s.flush()
            if blob.complete:
                return _state(blob)
            if first != blob.received:
                raise ApiError(
                    409,
                    P.E_BLOB_OFFSET,
                    "the chunk does not start where head office's copy ends",
                    received=blob.received,
                )
            s.add(HoBlobChunk(sha256=sha256, start=first, data=data))
            blob.received = first + len(data)
            if blob.received < total:
                return _state(blob)
            s.flush()
            if self._digest(s, sha256) == sha256:
                blob.complete = True
                blob.completed_at = tx.now
                log.info("blob %s… complete: %d bytes", sha256[:12], total)
                return _state(blob)
            # Thrown away in this transaction, which commits: the next upload starts afresh.
            s.execute(delete(HoBlobChunk).where(HoBlobChunk.sha256 == sha256))
            blob.received = 0
            log.warning("blob %s…: the bytes received do not hash to it", sha256[:12])
        raise ApiError(422, P.E_BLOB_HASH, "the bytes do not hash to the file's name", received=0)

    @staticmethod
    def _digest(s: Session, sha256: str) -> str:
        digest = hashlib.sha256()
        for (data,) in s.execute(
            select(HoBlobChunk.data).where(HoBlobChunk.sha256 == sha256).order_by(HoBlobChunk.start)
        ):
            digest.update(data)
        return digest.hexdigest()

    def content(
        self, actor: Actor, sha256: str, attachment_id: str, start: int
    ) -> tuple[bytes, int]:
        """The bytes of a complete file from ``start``, and its size."""
        with self.store.read() as s:
            self._readable(s, actor, sha256, attachment_id)
            blob = s.get(HoBlob, sha256)
            if blob is None or not blob.complete:
                raise not_found()
            if start >= blob.size and blob.size:
                raise ApiError(416, P.E_BAD, "the range starts past the file's end", size=blob.size)
            parts = [
                data
                for (data,) in s.execute(
                    select(HoBlobChunk.data)
                    .where(HoBlobChunk.sha256 == sha256)
                    .order_by(HoBlobChunk.start)
                )
            ]
            return b"".join(parts)[start:], blob.size

    def count(self) -> int:
        """Files complete at head office (for the log and tests)."""
        with self.store.read() as s:
            return int(s.scalar(select(func.count()).where(HoBlob.complete.is_(True))) or 0)


def _state(blob: HoBlob) -> P.BlobState:
    return P.BlobState(
        sha256=blob.sha256, size=blob.size, received=blob.received, complete=blob.complete
    )


# -- routes -----------------------------------------------------------------------------------

_PATH: Final = f"{P.API}/blobs/{{sha256}}"
_SHA256: Final = re.compile(r"[0-9a-f]{64}")


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return None


def _name(sha256: str) -> str:
    if _SHA256.fullmatch(sha256) is None:
        raise not_found()
    return sha256


def _attachment(request: Request) -> str:
    value = request.query_params.get("attachment") or ""
    if not 0 < len(value) <= P.MAX_ID or P.text_problem(value):
        raise ApiError(400, P.E_BAD, "the attachment record is required (?attachment=ID)")
    return value


def _headers(state: P.BlobState) -> dict[str, str]:
    headers = {
        P.OFFSET_HEADER: str(state.received),
        P.COMPLETE_HEADER: "1" if state.complete else "0",
        "Cache-Control": "no-store",
    }
    if state.size is not None:
        headers[P.LENGTH_HEADER] = str(state.size)
    return headers


def _start(request: Request) -> int:
    value = request.headers.get("range")
    if not value:
        return 0
    text = value.strip()
    if not text.startswith("bytes=") or not text.endswith("-") or not text[6:-1].isdigit():
        raise ApiError(416, P.E_BAD, "only Range: bytes=N- is served")
    if len(text) > 30:
        raise ApiError(416, P.E_BAD, "only Range: bytes=N- is served")
    return int(text[6:-1])


def add_routes(
    app: FastAPI,
    blobs: Blobs,
    authenticate: Callable[[str | None], Actor],
    check_protocol: Callable[[Any], None],
) -> None:
    """The blob endpoint's routes on head office's app (same device token and protocol
    check as every sync endpoint)."""

    async def actor_of(request: Request) -> Actor:
        check_protocol(request.headers.get(P.PROTOCOL_HEADER))
        return await run_in_threadpool(authenticate, _token(request))

    @app.head(_PATH)
    async def blob_state(sha256: str, request: Request) -> Response:
        actor = await actor_of(request)
        state = await run_in_threadpool(blobs.state, actor, _name(sha256), _attachment(request))
        return Response(status_code=200, headers=_headers(state))

    @app.put(_PATH)
    async def blob_put(sha256: str, request: Request) -> JSONResponse:
        actor = await actor_of(request)
        name, attachment = _name(sha256), _attachment(request)
        try:
            first, last, total = P.parse_content_range(request.headers.get("content-range"))
        except ValueError as exc:
            raise ApiError(400, P.E_BAD, str(exc)) from None
        if last - first + 1 > P.BLOB_CHUNK:
            raise ApiError(
                413, P.E_TOO_LARGE, "a chunk is larger than head office takes", max=P.BLOB_CHUNK
            )
        data = await request.body()
        if len(data) != last - first + 1:
            raise ApiError(400, P.E_BAD, "the body is not the range its Content-Range gives")
        state = await run_in_threadpool(blobs.put, actor, name, attachment, first, total, data)
        return JSONResponse(state.model_dump(), headers=_headers(state))

    @app.get(_PATH)
    async def blob_get(sha256: str, request: Request) -> Response:
        actor = await actor_of(request)
        start = _start(request)
        data, size = await run_in_threadpool(
            blobs.content, actor, _name(sha256), _attachment(request), start
        )
        headers: dict[str, Any] = {"Cache-Control": "no-store", P.LENGTH_HEADER: str(size)}
        if start:
            headers["Content-Range"] = P.content_range(start, size - 1, size)
            return Response(
                data, status_code=206, media_type="application/octet-stream", headers=headers
            )
        return Response(data, media_type="application/octet-stream", headers=headers)
