"""Where an encrypted book's key is kept, as head office's security policy says
(``key_source``): in the OS keyring (the book opens by itself; the passphrase guards the
app), or only under the users' passphrases (the book cannot be opened without one).

A device follows the policy once it can without losing the way in: the key leaves the
keyring only when at least one user's passphrase slot holds it, and goes into the keyring
only while it is at hand (the book unlocked in this process). A plain book is left to
``crm book encrypt``; head office's ``require_encryption`` is what asks for that.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from crm.domain.security_policy import SecurityPolicy
from crm.store import keys
from crm.store.errors import StoreError

log = logging.getLogger(__name__)


def follow_key_source(book: Path | str, policy: SecurityPolicy) -> bool:
    """Move the book's key to where ``policy`` keeps keys; whether anything changed."""
    path = Path(book)
    found = keys.read_key_file(path)
    if found is None or found.source == policy.key_source:
        return False
    if policy.key_source == keys.PASSPHRASE:
        if not found.slots:
            return False  # no passphrase holds the key yet: it stays where it is
        keys.write_key_file(path, replace(found, source=keys.PASSPHRASE))
        keys.delete_stored_key(found.book)
        log.info("the book's key is now kept only under its users' passphrases")
        return True
    try:
        key = keys.key_for(path)
    except StoreError:
        return False  # not unlocked here: moved at the next unlock
    if key is None:
        return False
    keys.store_key(found.book, key)
    keys.write_key_file(path, replace(found, source=keys.KEYRING))
    log.info("the book's key is now kept in this computer's keyring")
    return True


__all__ = ["follow_key_source"]
