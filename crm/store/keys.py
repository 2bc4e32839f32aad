"""The keys of an encrypted book: its key file, its users' slots, and where the key is kept.

Every encrypted book has a random 32-byte data key, given to SQLCipher raw (no key
derivation per connection, so opening stays fast). The key file beside the book,
``<book>.keys`` (JSON, mode 0600, replaced atomically), names the key's source and holds
one slot per user whose credentials this computer holds: the data key wrapped with AES-GCM
under scrypt(passphrase, salt), the book's id and the user's name bound in as associated
data, so a slot copied to another book or user does not open.

Source ``keyring``: the data key is also in the OS keyring (service "FirstLoanCRM book key",
account = the book's id), or where no keyring works in a 0600 file in the app's private
data folder; the app, the CLI and background sync open the book without a passphrase.
Source ``passphrase``: the key exists only wrapped; a user's passphrase unlocks it for this
process (:func:`remember`).

:func:`key_for` is what every opener asks (``raw_connect`` and the engine's connect hook):
None for a plain book, the key for an encrypted one, or a StoreError saying what is
missing. Keys are remembered by the book's id, so a backup of the book (its key file copied
beside it) opens with the key the book was unlocked with.
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Literal

from crm.domain.errors import Message
from crm.store.errors import StoreError

Source = Literal["keyring", "passphrase"]
KEYRING: Final = "keyring"
PASSPHRASE: Final = "passphrase"
SOURCES: Final = (KEYRING, PASSPHRASE)
FILE: Final = "file"  # where a keyring book's key is kept when no keyring works

KEYS_SUFFIX: Final = ".keys"
VERSION: Final = 1
KEY_BYTES: Final = 32
SERVICE: Final = "FirstLoanCRM book key"
KEYS_FILE: Final = "book-keys.json"
APP_NAME: Final = "FirstLoanCRM"
APP_AUTHOR: Final = "FirstLoan"

# scrypt's cost: about 0.1-0.2 s to unwrap a slot on a current laptop (a guess costs the
# same), 32 MiB of memory.
SCRYPT_N: Final = 2**15
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
_SCRYPT_MAXMEM: Final = 64 * 1024 * 1024
# A new encrypted book's pages. SQLCipher keeps no readable header, so the key file says
# the size and it is given again at every open. Smaller than a plain book's 16 KiB
# (crm.store.engine.PAGE_SIZE): every page read cold is decrypted and checked whole. Here a
# page of 200 scrolled cold cost 1.1-1.24x the plain book's with 8 KiB, 1.32-1.37x with
# 16 KiB (bench_encrypted.py), and the first look at a 30,000-prospect book 8.7 ms against
# 14.5 ms (plain: 6.7 ms).
CIPHER_PAGE_SIZE: Final = 8192
_PAGE_SIZES: Final = frozenset(2**n for n in range(9, 17))
# Each page's HMAC: SHA-256, which current CPUs compute in hardware (SHA-NI): a cold read of
# the book costs 1.6x a plain one's here, against 2.3x with SQLCipher's default SHA-512.
CIPHER_HMAC: Final = "HMAC_SHA256"
_HMACS: Final = frozenset({"HMAC_SHA1", "HMAC_SHA256", "HMAC_SHA512"})


@dataclass(frozen=True)
class BookKey:
    """A book's data key; never printed."""

    raw: bytes = field(repr=False)
    # The book's cipher settings (its key file's): part of what opens it.
    page_size: int = CIPHER_PAGE_SIZE
    hmac: str = CIPHER_HMAC

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_BYTES:
            raise ValueError("a book key is 32 bytes")
        # Both go into PRAGMAs: only known values, whatever a key file says.
        if self.page_size not in _PAGE_SIZES:
            raise ValueError(f"no page size {self.page_size}")
        if self.hmac not in _HMACS:
            raise ValueError(f"no HMAC {self.hmac}")

    @classmethod
    def new(cls) -> BookKey:
        import secrets  # only for a new key: it loads hashlib, 2 ms of every start

        return cls(secrets.token_bytes(KEY_BYTES))

    def hex(self) -> str:
        return self.raw.hex()

    def statements(self) -> tuple[str, ...]:
        """What a new connection runs first, before anything reads the file."""
        return (
            # A wrong key is reported by the query that fails, to the user; not on stderr.
            "PRAGMA cipher_log_level = NONE",
            *self.defaults(),
            f"PRAGMA key = \"x'{self.raw.hex()}'\"",
            f"PRAGMA cipher_page_size = {self.page_size}",
            f"PRAGMA cipher_hmac_algorithm = {self.hmac}",
        )

    def defaults(self) -> tuple[str, ...]:
        """For the files a connection ATTACHes with this key (a spill, an export): the
        settings are the process's, and files made with this key have them."""
        return (
            f"PRAGMA cipher_default_page_size = {self.page_size}",
            f"PRAGMA cipher_default_hmac_algorithm = {self.hmac}",
        )

    def attach_clause(self) -> str:
        """``KEY …`` for an ATTACH of another file under this key."""
        return f"KEY \"x'{self.raw.hex()}'\""


@dataclass(frozen=True)
class Slot:
    """One user's wrapped copy of the data key."""

    salt: bytes
    nonce: bytes
    wrapped: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P
    kdf: str = "scrypt"

    def to_json(self) -> dict[str, object]:
        return {
            "kdf": self.kdf,
            "n": self.n,
            "r": self.r,
            "p": self.p,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped": _b64(self.wrapped),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Slot:
        kdf = str(data["kdf"])
        if kdf != "scrypt":
            raise ValueError(f"unknown kdf {kdf}")
        return cls(
            salt=_unb64(data["salt"]),
            nonce=_unb64(data["nonce"]),
            wrapped=_unb64(data["wrapped"]),
            n=_int(data["n"]),
            r=_int(data["r"]),
            p=_int(data["p"]),
            kdf=kdf,
        )


@dataclass(frozen=True)
class KeyFile:
    book: str  # the book's own id (a UUIDv7), bound into every slot
    source: Source
    slots: Mapping[str, Slot]
    page_size: int = CIPHER_PAGE_SIZE
    hmac: str = CIPHER_HMAC

    def users(self) -> tuple[str, ...]:
        return tuple(sorted(self.slots))

    def bind(self, key: BookKey) -> BookKey:
        """The key with this book's cipher settings."""
        return BookKey(key.raw, self.page_size, self.hmac)

    def with_slot(self, username: str, slot: Slot) -> KeyFile:
        return replace(self, slots={**self.slots, username: slot})

    def without_slot(self, username: str) -> KeyFile:
        return replace(self, slots={u: s for u, s in self.slots.items() if u != username})

    def to_json(self) -> dict[str, object]:
        return {
            "version": VERSION,
            "book": self.book,
            "source": self.source,
            "cipher": {"page_size": self.page_size, "hmac": self.hmac},
            "slots": {user: slot.to_json() for user, slot in sorted(self.slots.items())},
        }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object) -> bytes:
    if not isinstance(value, str):
        raise ValueError("not base64 text")
    return base64.b64decode(value, validate=True)


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("not a whole number")
    return value


# ---- messages --------------------------------------------------------------------------


def book_locked(path: Path) -> StoreError:
    return StoreError(
        "book.locked",
        "This book ({path}) is encrypted. Sign in with your passphrase to open it (a "
        "command asks for it on the terminal, or reads it from CRM_PASSPHRASE).",
        path=str(path),
    )


def wrong_passphrase(username: str) -> StoreError:
    return StoreError(
        "book.wrong_passphrase",
        "The passphrase for {user} is wrong. Nothing has been changed.",
        user=username,
    )


def no_credentials(path: Path, username: str) -> StoreError:
    return StoreError(
        "book.no_credentials",
        "This computer holds no credentials of {user} for the book {path}: act as a user "
        "who has set a passphrase here, or have {user} set one (crm passphrase set).",
        user=username,
        path=str(path),
    )


def maybe_encrypted(path: Path) -> Message:
    return Message(
        "it is not a database file, or it is an encrypted book whose key file {keys} is "
        "missing (put the key file back beside it)",
        keys=str(keys_path(path)),
    )


def key_file_mismatch(path: Path) -> StoreError:
    return StoreError(
        "book.keys_mismatch",
        "The key file {keys} does not open the book {path} (it belongs to another book). "
        "The book has been left untouched; put the book's own key file beside it.",
        path=str(path),
        keys=str(keys_path(path)),
    )


def key_file_unreadable(path: Path, detail: str) -> StoreError:
    return StoreError(
        "book.keys_unreadable",
        "The key file {keys} cannot be read ({detail}). The book has been left untouched; "
        "restore the key file from a backup.",
        keys=str(keys_path(path)),
        detail=detail,
    )


def key_not_stored(path: Path, book_id: str) -> StoreError:
    return StoreError(
        "book.key_not_stored",
        "The key of the book {path} is neither in this computer's keyring nor in {file} "
        "(account {account}). The book has been left untouched; sign in with a passphrase "
        "set for it, or open it on the computer that encrypted it.",
        path=str(path),
        file=str(stored_keys_path()),
        account=book_id,
    )


def keyring_refused(detail: str) -> StoreError:
    return StoreError(
        "book.keyring_refused",
        "The book's key could be kept neither in the keyring nor in the app's data folder "
        "({detail}). Nothing has been changed.",
        detail=detail,
    )


# ---- the key file ----------------------------------------------------------------------


def keys_path(book: Path | str) -> Path:
    book = Path(book)
    return book.with_name(book.name + KEYS_SUFFIX)


def has_key_file(book: Path | str) -> bool:
    return keys_path(book).is_file()


def read_key_file(book: Path | str) -> KeyFile | None:
    """The book's key file; None when it has none (a plain book)."""
    book = Path(book)
    try:
        text = keys_path(book).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise key_file_unreadable(book, exc.strerror or type(exc).__name__) from exc
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError("not a version 1 key file")
        source = data["source"]
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}")
        slots = data.get("slots") or {}
        # Key files written before the cipher settings were recorded: 16 KiB, SHA-512.
        cipher = data.get("cipher") or {"page_size": 16384, "hmac": "HMAC_SHA512"}
        if not isinstance(slots, dict) or not isinstance(cipher, dict):
            raise ValueError("slots or cipher are not a mapping")
        found = KeyFile(
            book=str(data["book"]),
            source=KEYRING if source == KEYRING else PASSPHRASE,
            slots={str(u): Slot.from_json(s) for u, s in slots.items()},
            page_size=_int(cipher.get("page_size", CIPHER_PAGE_SIZE)),
            hmac=str(cipher.get("hmac", CIPHER_HMAC)),
        )
        found.bind(BookKey(bytes(KEY_BYTES)))  # its cipher settings checked
        return found
    except (ValueError, KeyError, TypeError) as exc:
        raise key_file_unreadable(book, str(exc) or type(exc).__name__) from exc


def write_key_file(book: Path | str, keys: KeyFile) -> None:
    """Replace the key file at once, readable by this user only."""
    _write_private(keys_path(book), keys.to_json())


def _write_private(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# ---- slots -----------------------------------------------------------------------------


def _kek(passphrase: str, slot_salt: bytes, n: int, r: int, p: int) -> bytes:
    import hashlib  # here, as cryptography is: only a passphrase needs it

    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=slot_salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=32
    )


def _associated(book_id: str, username: str) -> bytes:
    return f"FirstLoanCRM book {book_id} user {username}".encode()


def wrap(key: BookKey, passphrase: str, book_id: str, username: str) -> Slot:
    # Imported here: opening a book (the app's start, every command) needs no slot.
    import secrets

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kek = _kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    wrapped = AESGCM(kek).encrypt(nonce, key.raw, _associated(book_id, username))
    return Slot(salt=salt, nonce=nonce, wrapped=wrapped)


def unwrap(slot: Slot, passphrase: str, book_id: str, username: str) -> BookKey:
    """The data key in ``slot``; a wrong passphrase (or a slot of another book or user)
    fails authentication: :func:`wrong_passphrase`."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        kek = _kek(passphrase, slot.salt, slot.n, slot.r, slot.p)
        raw = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, _associated(book_id, username))
        return BookKey(raw)
    except (InvalidTag, ValueError) as exc:
        raise wrong_passphrase(username) from exc


# ---- the keys this process holds -------------------------------------------------------

_unlocked: dict[str, BookKey] = {}
_lock = threading.Lock()


def remember(book_id: str, key: BookKey) -> None:
    """Every opener of a book with this id gets ``key`` from now on, in this process."""
    with _lock:
        _unlocked[book_id] = key


def forget(book_id: str) -> None:
    with _lock:
        _unlocked.pop(book_id, None)


def forget_all() -> None:
    """Drop every key this process holds (the app locks; a test starts afresh)."""
    with _lock:
        _unlocked.clear()


def held(book_id: str) -> BookKey | None:
    with _lock:
        return _unlocked.get(book_id)


def key_for(book: Path | str) -> BookKey | None:
    """The key an opener of ``book`` applies: None for a plain book (no key file); raises
    StoreError when the book is encrypted and its key cannot be had here."""
    book = Path(book)
    keys = read_key_file(book)
    if keys is None:
        return None
    key = held(keys.book)
    if key is not None:
        return keys.bind(key)
    if keys.source == PASSPHRASE:
        raise book_locked(book)
    key = load_stored_key(keys.book)[0]
    if key is None:
        raise key_not_stored(book, keys.book)
    remember(keys.book, key)
    return keys.bind(key)


# ---- where a keyring book's key is kept ------------------------------------------------


def stored_keys_path() -> Path:
    """The private key file used where no OS keyring works."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR) / KEYS_FILE


def _keyring_works() -> bool:
    import keyring

    backend = keyring.get_keyring()
    module = type(backend).__module__
    return not module.startswith(("keyring.backends.fail", "keyring.backends.null"))


def _read_stored() -> dict[str, str]:
    try:
        data = json.loads(stored_keys_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def store_key(book_id: str, key: BookKey) -> str:
    """Keep a keyring book's key (the keyring, else the private file); returns where."""
    import keyring.errors

    if _keyring_works():
        try:
            keyring.set_password(SERVICE, book_id, key.hex())
            return KEYRING
        except keyring.errors.KeyringError:
            pass  # kept in the file below rather than lost
    try:
        path = stored_keys_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = _read_stored()
        data[book_id] = key.hex()
        _write_private(path, data)
    except OSError as exc:
        raise keyring_refused(exc.strerror or type(exc).__name__) from exc
    return FILE


def load_stored_key(book_id: str) -> tuple[BookKey | None, str]:
    """A keyring book's key and where it was found (KEYRING, FILE, or "")."""
    import keyring.errors

    if _keyring_works():
        try:
            value = keyring.get_password(SERVICE, book_id)
        except keyring.errors.KeyringError:
            value = None
        if value and (key := _key_of(value)) is not None:
            return key, KEYRING
    value = _read_stored().get(book_id)
    if value and (key := _key_of(value)) is not None:
        return key, FILE
    return None, ""


def delete_stored_key(book_id: str) -> None:
    import keyring.errors

    if _keyring_works():
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(SERVICE, book_id)
    data = _read_stored()
    if data.pop(book_id, None) is not None:
        with contextlib.suppress(OSError):
            _write_private(stored_keys_path(), data)


def _key_of(text: str) -> BookKey | None:
    try:
        return BookKey(bytes.fromhex(text))
    except ValueError:
        return None


# ---- a file without its key file ------------------------------------------------------


def looks_encrypted(path: Path) -> bool:
    """Whether a file that is not a plain SQLite file looks like an encrypted book: whole
    pages of bytes with no pattern (a document or another program's file has some)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if size < 4096 or size % 1024 or len(head) < 4096:
        return False
    counts = Counter(head)
    entropy = -sum(c / len(head) * math.log2(c / len(head)) for c in counts.values())
    return entropy > 7.5
