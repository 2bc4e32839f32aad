"""The device token lives in the OS keyring (Keychain, Credential Manager, Secret Service),
never in settings files or the database.

``DemoFileKeyring`` is for the local demo only (``bootstrap.py run`` on a machine without a
keyring service): it keeps the token of a loopback head office in a file beside the demo
database, and refuses any other server.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from crm.sync import errors

SERVICE = "FirstLoanCRM head office"


def _account(server_url: str, device_id: str) -> str:
    return f"{device_id}@{server_url}"


def _usable() -> None:
    backend = keyring.get_keyring()
    if type(backend).__module__.startswith("keyring.backends.fail"):
        raise errors.no_keyring(type(backend).__name__)


def save_token(server_url: str, device_id: str, token: str) -> None:
    _usable()
    try:
        keyring.set_password(SERVICE, _account(server_url, device_id), token)
    except keyring.errors.KeyringError as exc:
        raise errors.no_keyring(type(exc).__name__) from exc


def load_token(server_url: str, device_id: str) -> str | None:
    try:
        _usable()
        value = keyring.get_password(SERVICE, _account(server_url, device_id))
    except (keyring.errors.KeyringError, errors.SyncRefused):
        return None
    return value


def delete_token(server_url: str, device_id: str) -> None:
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(SERVICE, _account(server_url, device_id))


class DemoFileKeyring(KeyringBackend):
    """A file-backed keyring for the loopback demo head office only (see module doc)."""

    priority = 0.5

    def _path(self) -> Path:
        return Path(os.environ.get("CRM_DEMO_KEYRING", "demo-keyring.json"))

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self._path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    @staticmethod
    def _loopback(username: str) -> bool:
        host = urlsplit(username.partition("@")[2]).hostname or ""
        return host in ("127.0.0.1", "localhost", "::1")

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        if not self._loopback(username):
            raise keyring.errors.PasswordSetError("the demo keyring serves loopback only")
        data = self._load()
        data[f"{service}|{username}"] = password
        path = self._path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), encoding="utf-8")
        path.chmod(0o600)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}|{username}", None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        self._path().write_text(json.dumps(data), encoding="utf-8")
