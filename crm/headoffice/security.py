"""Passwords (scrypt, a slow KDF from the standard library) and device tokens.

Tokens are 256 random bits shown once at registration; the server keeps only their SHA-256
(a token has full entropy, so a fast hash is enough, and look-up by hash is an index).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# scrypt cost: 16 MiB per check (128 * r * N) and two passes over it (p = 2), measured at
# 75-80 ms per check on this machine (one pass took 38 ms, under the 50 ms floor of a bank's
# review; a larger N would double the memory each of many concurrent checks holds). The
# parameters are stored in each hash, so older hashes still verify. Tests may lower N.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 2
MIN_PASSWORD = 8


def hash_password(password: str, *, n: int = SCRYPT_N) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 1024 * 1024
    )
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    try:
        candidate = hashlib.scrypt(
            password.encode("utf-8", "surrogatepass"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


_DUMMIES: dict[tuple[int, int, int], str] = {}


def dummy_hash(like: str) -> str:
    """A hash of a random password at the cost of ``like`` (a stored hash; the default cost
    when it is not one): checked when a user has no hash, so that takes as long as a real
    check."""
    try:
        scheme, n, r, p, _salt, _digest = like.split("$")
        cost = (int(n), int(r), int(p)) if scheme == "scrypt" else (SCRYPT_N, SCRYPT_R, SCRYPT_P)
    except ValueError:
        cost = (SCRYPT_N, SCRYPT_R, SCRYPT_P)
    if cost not in _DUMMIES:
        n_, r_, p_ = cost
        salt = secrets.token_bytes(16)
        digest = hashlib.scrypt(
            secrets.token_bytes(16), salt=salt, n=n_, r=r_, p=p_, maxmem=64 * 1024 * 1024
        )
        _DUMMIES[cost] = f"scrypt${n_}${r_}${p_}${salt.hex()}${digest.hex()}"
    return _DUMMIES[cost]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
