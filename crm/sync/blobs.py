"""Files' bytes with head office: send what it lacks after the push, fetch what this
computer lacks after the pull (the blob endpoint: crm/headoffice/blobs.py).

A file goes up once head office holds the attachment record that names it (its op went
up with its finalized record in the push before), in chunks of ``P.BLOB_CHUNK``, each
starting where head office's copy ends: it says where (``HEAD``), so an upload cut off
half-way goes on from there at the next sync, and a file head office holds already (from
another device) is not sent at all. Head office checks the whole file's hash with the last
chunk; a fetched file is checked here before it is stored. A file head office does not
have (yet: its sender has not synced) is tried again at the next sync.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from crm.store import attachment_queries, attachment_writer
from crm.store.engine import Database
from crm.sync import errors
from crm.sync import protocol as P
from crm.sync.client import HeadOfficeClient

log = logging.getLogger(__name__)


@dataclass
class FileStats:
    """What one sync did with files' bytes."""

    sent: int = 0
    bytes_sent: int = 0
    fetched: int = 0
    bytes_fetched: int = 0
    waiting: int = 0  # files head office could not take or give yet (tried again next time)


class _Refused(Exception):
    """Head office refused a file's bytes: the others go on."""


class BlobSync:
    """Sends and fetches files' bytes for one sync of ``db`` with head office."""

    def __init__(
        self,
        db: Database,
        client: HeadOfficeClient,
        *,
        clock: Callable[[], datetime],
        cancel: threading.Event,
        chunk: int = P.BLOB_CHUNK,
    ) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.cancel = cancel
        self.chunk = min(chunk, P.BLOB_CHUNK)

    # -- sending --------------------------------------------------------------------------------

    def send(self, stats: FileStats, progress: Callable[[int, int], None]) -> None:
        with self.db.reading() as s:
            todo = attachment_queries.to_send(s.connection())
        for done, blob in enumerate(todo, 1):
            if self.cancel.is_set():
                return
            try:
                sent = self._send_one(blob, stats)
            except _Refused:
                sent = False
            if sent:
                stats.sent += 1
            else:
                stats.waiting += 1
            progress(done, len(todo))

    def _send_one(self, blob: attachment_queries.BlobToSend, stats: FileStats) -> bool:
        state = self._state(blob.sha256, blob.attachment_id)
        if state is None:
            log.info("file %s…: head office has no record naming it", blob.sha256[:12])
            return False
        offset = 0 if state.complete else state.received
        while not state.complete:
            if self.cancel.is_set():
                return False
            with self.db.reading() as s:
                data = attachment_queries.blob_slice(
                    s.connection(), blob.sha256, offset, self.chunk
                )
            if not data:
                log.warning("file %s…: its bytes here end before its size", blob.sha256[:12])
                return False
            answer = self._put(blob, offset, data)
            if answer is None:  # head office's copy ends elsewhere: go on from there
                again = self._state(blob.sha256, blob.attachment_id)
                if again is None:
                    return False
                state, offset = again, again.received
                continue
            stats.bytes_sent += len(data)
            state, offset = answer, answer.received
        with self.db.transaction() as s:
            attachment_writer.mark_at_head_office(s.connection(), blob.sha256)
        return True

    def _state(self, sha256: str, attachment_id: str) -> P.BlobState | None:
        response = self._request("HEAD", sha256, attachment_id)
        if response.status_code == 404:
            return None
        self._check(response)
        headers = response.headers
        try:
            size = headers.get(P.LENGTH_HEADER)
            return P.BlobState(
                sha256=sha256,
                size=int(size) if size is not None else None,
                received=int(headers.get(P.OFFSET_HEADER, "0")),
                complete=headers.get(P.COMPLETE_HEADER) == "1",
            )
        except ValueError as exc:
            raise errors.server_failed(response.status_code) from exc

    def _put(
        self, blob: attachment_queries.BlobToSend, offset: int, data: bytes
    ) -> P.BlobState | None:
        """The chunk sent; head office's copy after it, or None when the chunk did not start
        where that copy ends."""
        headers = {
            "Content-Range": P.content_range(offset, offset + len(data) - 1, blob.size),
            "Content-Type": "application/octet-stream",
        }
        response = self._request("PUT", blob.sha256, blob.attachment_id, data, headers)
        if response.status_code == 409 and _code(response) == P.E_BLOB_OFFSET:
            return None
        if response.status_code in (413, 422):
            # Head office will not take these bytes (larger than it allows, or not hashing
            # to their name: this book's copy is damaged, which ``crm visits verify`` shows).
            log.warning("file %s…: head office refused it (%s)", blob.sha256[:12], _code(response))
            raise _Refused
        self._check(response)
        try:
            return P.BlobState.model_validate(response.json())
        except ValueError as exc:
            raise errors.server_failed(response.status_code) from exc

    # -- fetching -------------------------------------------------------------------------------

    def fetch(self, stats: FileStats, progress: Callable[[int, int], None]) -> None:
        with self.db.reading() as s:
            todo = attachment_queries.to_fetch(s.connection())
        for done, blob in enumerate(todo, 1):
            if self.cancel.is_set():
                return
            data = self._get(blob)
            if data is None:
                stats.waiting += 1
            else:
                with self.db.transaction() as s:
                    attachment_writer.store_fetched(
                        s.connection(), blob.sha256, blob.media_type, data, self.clock()
                    )
                stats.fetched += 1
                stats.bytes_fetched += len(data)
            progress(done, len(todo))

    def _get(self, blob: attachment_queries.BlobToFetch) -> bytes | None:
        response = self._request("GET", blob.sha256, blob.attachment_id)
        if response.status_code == 404:
            log.info("file %s…: not at head office yet", blob.sha256[:12])
            return None
        self._check(response)
        data = response.content
        if hashlib.sha256(data).hexdigest() != blob.sha256:
            log.warning("file %s…: the bytes fetched do not hash to it", blob.sha256[:12])
            return None
        return data

    # -- HTTP -----------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        sha256: str,
        attachment_id: str,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        # Photos and PDFs are compressed already.
        sent["Accept-Encoding"] = "identity"
        if self.client.token:
            sent["Authorization"] = f"Bearer {self.client.token}"
        try:
            return self.client.http.request(
                method,
                f"{P.API}/blobs/{sha256}",
                params={"attachment": attachment_id},
                content=content,
                headers=sent,
            )
        except httpx.TransportError as exc:
            raise errors.unreachable(self.client.url, type(exc).__name__) from exc

    @staticmethod
    def _check(response: httpx.Response) -> None:
        """A refusal or failure raised as its message (as every other request's)."""
        if response.status_code >= 500:
            raise errors.server_failed(response.status_code)
        if response.status_code >= 400:
            code = _code(response)
            if not code:
                raise errors.server_failed(response.status_code)
            raise errors.refusal(code, _params(response))


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _code(response: httpx.Response) -> str:
    return str(_body(response).get("error") or "")


def _params(response: httpx.Response) -> dict[str, Any]:
    params = _body(response).get("params")
    return params if isinstance(params, dict) else {}
