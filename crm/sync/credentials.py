"""Where the device token is kept: in the OS keyring (Keychain, Credential Manager, Secret
Service) where one works; otherwise in a file in the app's private data folder
(platformdirs' user data dir, ``device-tokens.json``, mode 0600 in a 0700 folder), keyed by
the book's device id and the server. Never in settings or the database, never in the
current directory. ``token_store`` says which one holds a token (``crm sync status``).

A token is never issued and then lost: ``ready`` is checked before registering, and a
keyring that refuses the token at the last moment leaves it in the file instead.

``DemoFileKeyring`` is for the local demo only (``bootstrap.py run`` on a machine without a
keyring service): it keeps the token of a loopback head office in a file beside the demo
database, and refuses any other server.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from crm.sync import errors

SERVICE = "FirstLoanCRM head office"


def _account(server_url: str, device_id: str) -> str:
    return f"{device_id}@{server_url}"


KEYRING: Final = "keyring"
FILE: Final = "file"
TOKENS_FILE: Final = "device-tokens.json"
# The app's data folder (crm.app's APP_NAME and APP_AUTHOR: the layers keep it out of reach).
APP_NAME: Final = "FirstLoanCRM"
APP_AUTHOR: Final = "FirstLoan"


def _usable() -> None:
    backend = keyring.get_keyring()
    if type(backend).__module__.startswith(("keyring.backends.fail", "keyring.backends.null")):
        raise errors.no_keyring(type(backend).__name__)


def _keyring_works() -> bool:
    try:
        _usable()
    except errors.SyncRefused:
        return False
    return True


def tokens_path() -> Path:
    """The token file in the app's private data folder (where no keyring works)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR) / TOKENS_FILE


def _read_file() -> dict[str, str]:
    try:
        data = json.loads(tokens_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_file(data: dict[str, str]) -> None:
    """Replace the token file at once, readable by this user only."""
    path = tokens_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(prefix=".tokens-", dir=path.parent)
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def ready() -> str:
    """Where a new token would be kept (KEYRING or FILE); raises (a refusal saying why)
    when it could be kept nowhere, so a token is never asked for and then lost."""
    if _keyring_works():
        return KEYRING
    try:
        path = tokens_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(path.parent, os.W_OK):
            raise OSError(f"{path.parent} is not writable")
    except OSError as exc:
        raise errors.no_keyring(type(exc).__name__) from exc
    return FILE


def save_token(server_url: str, device_id: str, token: str) -> str:
    """Keep the token (in the keyring, else in the private file); returns where."""
    account = _account(server_url, device_id)
    if _keyring_works():
        try:
            keyring.set_password(SERVICE, account, token)
            return KEYRING
        except keyring.errors.KeyringError:
            pass  # kept in the file below rather than lost
    try:
        data = _read_file()
        data[account] = token
        _write_file(data)
    except OSError as exc:
        raise errors.no_keyring(type(exc).__name__) from exc
    return FILE


def load_token(server_url: str, device_id: str) -> str | None:
    return _find(server_url, device_id)[0]


def token_store(server_url: str, device_id: str) -> str:
    """Which store holds this book's token for the server: KEYRING, FILE or "" (none)."""
    return _find(server_url, device_id)[1]


def _find(server_url: str, device_id: str) -> tuple[str | None, str]:
    account = _account(server_url, device_id)
    if _keyring_works():
        try:
            value = keyring.get_password(SERVICE, account)
        except keyring.errors.KeyringError:
            value = None
        if value:
            return value, KEYRING
    value = _read_file().get(account)
    return (value, FILE) if value else (None, "")


def delete_token(server_url: str, device_id: str) -> None:
    account = _account(server_url, device_id)
    with contextlib.suppress(keyring.errors.KeyringError, errors.SyncRefused):
        _usable()
        keyring.delete_password(SERVICE, account)
    data = _read_file()
    if data.pop(account, None) is not None:
        with contextlib.suppress(OSError):
            _write_file(data)


class DemoFileKeyring(KeyringBackend):
    """A file-backed keyring for the loopback demo head office only (see module doc)."""

    priority = 0.5

    def _path(self) -> Path:
        configured = os.environ.get("CRM_DEMO_KEYRING")
        return Path(configured) if configured else tokens_path().with_name("demo-keyring.json")

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
