"""The HTTP side of the client: one method per endpoint, errors turned into messages.

Plain http is accepted for loopback addresses only (the demo's local head office, tests);
anything else must be https, verified against the system's CAs or a given bundle.
"""

from __future__ import annotations

import ipaddress
import json
import os
import platform
from typing import Any
from urllib.parse import urlsplit

import httpx

from crm import __version__
from crm.sync import errors
from crm.sync import protocol as P

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """The server URL, normalised; plain http is refused unless it is this computer."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.insecure(url)
    if (
        parts.scheme == "http"
        and not _is_loopback(parts.hostname)
        and os.environ.get("CRM_SYNC_ALLOW_HTTP") != "1"
    ):
        raise errors.insecure(url)
    return url.strip().rstrip("/")


class HeadOfficeClient:
    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        verify: bool | str = True,
        protocol: int = P.PROTOCOL_VERSION,
        timeout: float = READ_TIMEOUT,
    ) -> None:
        self.url = check_url(url)
        self.token = token
        headers = {
            P.PROTOCOL_HEADER: str(protocol),
            "User-Agent": f"FirstLoanCRM/{__version__} ({platform.system()})",
            # Pages of records shrink several times over with gzip, which a branch's line
            # needs. On this computer (the demo's head office, tests) nothing crosses a
            # network, so compressing only costs: head office's CPU to compress, ours to
            # inflate.
            "Accept-Encoding": "identity"
            if _is_loopback(urlsplit(self.url).hostname or "")
            else "gzip",
        }
        self.protocol = protocol
        self.http = httpx.Client(
            base_url=self.url,
            headers=headers,
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
            follow_redirects=False,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HeadOfficeClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- endpoints -----------------------------------------------------------------------------

    def hello(self, device_id: str, client_time_ms: int, schema: str) -> dict[str, Any]:
        return self._call(
            "POST",
            "/hello",
            body={
                "protocol": self.protocol,
                "schema": schema,
                "client_time_ms": client_time_ms,
                "device_id": device_id,
            },
        )

    def register(
        self,
        username: str,
        password: str,
        device_id: str,
        device_name: str,
        *,
        encrypted: bool = False,
    ) -> dict[str, Any]:
        return self._call(
            "POST",
            "/register",
            body={
                "username": username,
                "password": password,
                "device_id": device_id,
                "device_name": device_name,
                "encrypted": encrypted,
            },
        )

    def push(self, ops: list[dict[str, Any]]) -> dict[str, Any]:
        return self._call("POST", "/push", body={"ops": ops})

    def pull(self, since: int, limit: int = P.PULL_PAGE) -> dict[str, Any]:
        return decode(self.pull_raw(since, limit))

    def pull_raw(self, since: int, limit: int = P.PULL_PAGE) -> bytes:
        """A pull page as received (``decode`` parses it): the sync engine downloads the
        next page in a helper thread and parses it where it applies it."""
        return self._send("GET", "/pull", params={"since": since, "limit": limit})

    def snapshot(
        self, as_of: int | None, after: str | None, limit: int = P.SNAPSHOT_PAGE
    ) -> dict[str, Any]:
        return decode(self.snapshot_raw(as_of, after, limit))

    def snapshot_raw(
        self, as_of: int | None, after: str | None, limit: int = P.SNAPSHOT_PAGE
    ) -> bytes:
        """A snapshot page as received (``decode`` parses it)."""
        params: dict[str, Any] = {"limit": limit}
        if as_of is not None:
            params["as_of"] = as_of
        if after:
            params["after"] = after
        return self._send("GET", "/snapshot", params=params)

    def counts(self, entity: str | None = None) -> dict[str, Any]:
        return self._call("GET", "/counts", params={"entity": entity} if entity else None)

    # -- internals -----------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return decode(self._send(method, path, body=body, params=params))

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> bytes:
        """The body of a successful answer; a refusal or failure raised as its message."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        content = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self.http.request(
                method, P.API + path, content=content, params=params, headers=headers
            )
        except httpx.TransportError as exc:
            raise errors.unreachable(self.url, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise errors.server_failed(response.status_code)
        if response.status_code >= 400:
            try:
                data = response.json()
            except ValueError as exc:
                raise errors.server_failed(response.status_code) from exc
            error = data.get("error", "") if isinstance(data, dict) else ""
            params_ = data.get("params", {}) if isinstance(data, dict) else {}
            raise errors.refusal(str(error), params_ if isinstance(params_, dict) else {})
        if not response.is_success:
            raise errors.server_failed(response.status_code)
        return response.content


def decode(raw: bytes) -> dict[str, Any]:
    """An answer's JSON object (anything else means head office is not itself)."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise errors.server_failed(200) from exc
    if not isinstance(data, dict):
        raise errors.server_failed(200)
    return data
