"""The security policy in force on this device: head office's published one (reference
``security``, kept in ``app_meta`` by the download), or the default until one arrives. A
published document this app cannot read is passed over (and logged): the default holds."""

from __future__ import annotations

import json
import logging
from typing import Final

from crm.domain.errors import DomainError
from crm.domain.security_policy import DEFAULT, SecurityPolicy, parse_security_policy
from crm.services.context import Context
from crm.store import meta

SECURITY_KEY: Final = "headoffice.security"
log = logging.getLogger(__name__)


def security_policy(ctx: Context) -> SecurityPolicy:
    """The policy this device follows (idle lock, encryption, where the key comes from)."""
    with ctx.db.reading() as s:
        stored = meta.get(s, SECURITY_KEY)
    if stored is None:
        return DEFAULT
    try:
        return parse_security_policy(json.loads(stored))
    except (DomainError, ValueError) as exc:
        log.warning("the published security policy cannot be used: %s", exc)
        return DEFAULT


__all__ = ["SECURITY_KEY", "security_policy"]
