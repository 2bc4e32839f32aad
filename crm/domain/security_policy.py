"""Head office's security policy as data (reference ``security``): how long a desktop may sit
idle before it locks, whether devices must keep an encrypted book to register, and where a
book's key comes from (the OS keyring, or a passphrase the RM sets).

Published with ``crm headoffice publish security [FILE]`` and synced down like the other
reference documents; a device that never received one uses ``DEFAULT``. A document that
does not fit is refused at head office naming the field, and a device passes such a
document over (the last good one, or the default, stays in force).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from crm.domain.errors import DomainError

KeySource = Literal["keyring", "passphrase"]
KEY_SOURCES: Final[tuple[KeySource, ...]] = ("keyring", "passphrase")
MIN_IDLE_MINUTES: Final = 1
MAX_IDLE_MINUTES: Final = 240
FIELDS: Final = ("idle_lock_minutes", "require_encryption", "key_source")


class InvalidSecurityPolicy(DomainError):
    """A security policy head office cannot publish (or a device cannot use), saying why."""


@dataclass(frozen=True)
class SecurityPolicy:
    idle_lock_minutes: int = 10
    require_encryption: bool = False
    key_source: KeySource = "keyring"

    def document(self) -> dict[str, Any]:
        """The policy as head office publishes it."""
        return {
            "idle_lock_minutes": self.idle_lock_minutes,
            "require_encryption": self.require_encryption,
            "key_source": self.key_source,
        }


DEFAULT: Final = SecurityPolicy()


def parse_security_policy(document: object) -> SecurityPolicy:
    """The policy in ``document``; a field left out takes its default. Anything else
    (another type, a value out of range, a field this app does not know) raises
    InvalidSecurityPolicy naming the field, so a typo is never published as a default."""
    if not isinstance(document, Mapping):
        raise InvalidSecurityPolicy(
            "security.shape",
            "the security policy must be an object with {fields}",
            fields=", ".join(FIELDS),
        )
    unknown = sorted(str(k) for k in document if k not in FIELDS)
    if unknown:
        raise InvalidSecurityPolicy(
            "security.unknown",
            "the security policy has fields this app does not know: {names} (it knows {fields})",
            names=", ".join(unknown),
            fields=", ".join(FIELDS),
        )
    minutes = document.get("idle_lock_minutes", DEFAULT.idle_lock_minutes)
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not MIN_IDLE_MINUTES <= minutes <= MAX_IDLE_MINUTES
    ):
        raise InvalidSecurityPolicy(
            "security.idle_lock_minutes",
            "the security policy's idle_lock_minutes must be a whole number from {low} to "
            "{high} (got {value})",
            low=MIN_IDLE_MINUTES,
            high=MAX_IDLE_MINUTES,
            value=repr(minutes)[:40],
        )
    required = document.get("require_encryption", DEFAULT.require_encryption)
    if not isinstance(required, bool):
        raise InvalidSecurityPolicy(
            "security.require_encryption",
            "the security policy's require_encryption must be true or false (got {value})",
            value=repr(required)[:40],
        )
    source = document.get("key_source", DEFAULT.key_source)
    if source == "keyring":
        return SecurityPolicy(minutes, required, "keyring")
    if source == "passphrase":
        return SecurityPolicy(minutes, required, "passphrase")
    raise InvalidSecurityPolicy(
        "security.key_source",
        "the security policy's key_source must be one of {choices} (got {value})",
        choices=", ".join(KEY_SOURCES),
        value=repr(source)[:40],
    )


__all__ = [
    "DEFAULT",
    "KEY_SOURCES",
    "InvalidSecurityPolicy",
    "KeySource",
    "SecurityPolicy",
    "parse_security_policy",
]
