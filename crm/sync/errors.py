"""What sync tells people: refusals from head office, network trouble, conflicts.

Every message is an English template literal here (translated by crm.i18n's catalogue);
head office sends codes and parameters, never text the user reads.
"""

from __future__ import annotations

from typing import Any

from crm.domain.errors import DomainError, Message
from crm.domain.stages import Stage
from crm.sync import protocol as P


class SyncRefused(DomainError):
    """Head office refused the request (old app, clock, revoked, password…)."""


class SyncOfflineError(DomainError):
    """Head office could not be reached or failed; nothing local was lost."""


class DeviceRevokedError(SyncRefused):
    """Head office revoked this device: its customer data has been wiped."""


def refusal(code: str, params: dict[str, Any], url: str = "") -> DomainError:
    """The user's message for an error code head office answered with."""
    if code == P.E_UPGRADE:
        return SyncRefused(
            code,
            "This version of FirstLoan CRM is too old for head office (sync protocol {client}; "
            "head office accepts {min} to {max}). Please update the app; nothing was sent.",
            client=params.get("client", "?"),
            min=params.get("min", "?"),
            max=params.get("max", "?"),
        )
    if code == P.E_CLOCK:
        minutes = params.get("minutes", "?")
        if params.get("ahead"):
            return SyncRefused(
                code,
                "This computer's clock is {minutes} minutes ahead of head office. Set the date "
                "and time correctly (automatically from the network), then sync again.",
                minutes=minutes,
            )
        return SyncRefused(
            code,
            "This computer's clock is {minutes} minutes behind head office. Set the date "
            "and time correctly (automatically from the network), then sync again.",
            minutes=minutes,
        )
    if code == P.E_AUTH:
        return SyncRefused(
            code, "This computer is not registered with head office: sign in to register it."
        )
    if code == P.E_REVOKED:
        return DeviceRevokedError(
            code,
            "Head office has revoked this computer's access; the customer data on it has "
            "been removed. Ask IT to register it again.",
        )
    if code == P.E_PASSWORD:
        return SyncRefused(code, "Wrong user name or password.")
    if code == P.E_LOCKED:
        return SyncRefused(
            code,
            "Too many wrong passwords: signing in is paused for a while (longer after each "
            "pause). Try again later, or ask your team lead to unlock you.",
        )
    if code == P.E_TOO_LARGE:
        return SyncRefused(code, "Head office refused a request as too large.")
    if code == P.E_DEVICE_TAKEN:
        return SyncRefused(
            code,
            "This computer is registered with head office to another user. Sign in as that "
            "user, or ask IT to release the computer.",
        )
    if code == P.E_ENCRYPTION:
        return SyncRefused(
            code,
            "Head office requires an encrypted book: run `crm book encrypt` on this book "
            "(or make the book again from the first-run dialog), then sign in again. Nothing "
            "was sent.",
        )
    if code == P.E_BAD:
        return SyncRefused(
            code,
            "Head office could not read a request from this app. Your changes are kept on "
            "this computer; if this happens again, tell IT.",
        )
    # The codes of a visit record's files (``blobs``), by their text: the upload answers
    # most of them itself, and says these when it cannot.
    if code == "not_found":
        return SyncRefused(
            code, "Head office does not have this file yet; it is fetched at a later sync."
        )
    if code == "blob_offset":
        return SyncRefused(
            code,
            "A file's upload did not go on where head office's copy ends; it is sent again at "
            "the next sync.",
        )
    if code == "blob_hash":
        return SyncRefused(
            code,
            "Head office refused a file of a visit record as damaged: the copy on this "
            "computer does not match its record (crm visits verify shows which).",
        )
    if code == P.E_EPOCH:
        return SyncRefused(
            code,
            "Head office's data was restored or reset: this computer downloads everything "
            "again at the next sync.",
        )
    return SyncRefused(
        code or "error",
        "Head office refused the request ({code}).",
        code=code or "?",
    )


def unreachable(url: str, detail: str) -> SyncOfflineError:
    return SyncOfflineError(
        "sync.offline",
        "Cannot reach head office at {url} ({detail}). Your changes are kept on this "
        "computer and will be sent at the next sync.",
        url=url,
        detail=detail,
    )


def server_failed(status: int) -> SyncOfflineError:
    return SyncOfflineError(
        "sync.server_error",
        "Head office had a problem (HTTP {status}). Your changes are kept on this computer "
        "and will be sent at the next sync.",
        status=status,
    )


def insecure(url: str) -> SyncRefused:
    return SyncRefused(
        "sync.insecure",
        "Head office at {url} must be reached over https; plain http is allowed only on "
        "this computer (127.0.0.1).",
        url=url,
    )


def no_keyring(detail: str) -> SyncRefused:
    return SyncRefused(
        "sync.no_keyring",
        "This computer has no secure password store (keyring), so the device token cannot be "
        "kept safely ({detail}).",
        detail=detail,
    )


def not_set_up() -> SyncRefused:
    return SyncRefused(
        "sync.not_set_up",
        "Sync with head office is not set up on this computer: sign in first.",
    )


def count_mismatch(entity: str, local: int, server: int) -> Message:
    return Message(
        "{entity}: {local} on this computer, {server} at head office; a full download "
        "will run at the next sync",
        entity=entity,
        local=local,
        server=server,
    )


def _stage(code: Any) -> object:
    """A stage code as a ``Stage`` (shown by its name in the user's language), else as is."""
    try:
        return Stage(code)
    except ValueError:
        return code if code else "?"


def conflict_message(code: str, params: dict[str, Any]) -> Message:
    """Why an op was rejected or merged, for the conflicts page."""
    if code == P.R_DELETED:
        return Message("The record was deleted at head office; your change was not applied.")
    if code == P.R_SCOPE:
        return Message(
            "The prospect is no longer in your book (reassigned); your change was not applied."
        )
    if code == P.R_STAGE:
        return Message(
            "The stage was changed meanwhile (now {current}); your move to {wanted} was not "
            "applied.",
            current=_stage(params.get("current")),
            wanted=_stage(params.get("wanted")),
        )
    if code == P.R_STAGE_RULE:
        return Message(
            "Head office refused the stage change: {detail}", detail=params.get("detail", "")
        )
    if code == P.R_DUPLICATE:
        return Message("Head office already has a prospect with this USCC; yours was not added.")
    if code == P.R_TAKEN:
        return Message("Another RM has already taken this prospect from the shared pool.")
    if code == P.R_CLOCK:
        return Message(
            "The change was made while this computer's clock was ahead; it was not applied."
        )
    if code == P.R_FINAL:
        return Message("A finalized visit cannot change; record an amendment instead.")
    if code == P.R_MISSING:
        return Message("Head office does not know this record.")
    if code == P.R_ROLE:
        return Message("Your role does not allow this change.")
    if code == P.R_REUSED:
        return Message(
            "Head office already has a different change under the same id; this one was not "
            "applied."
        )
    if code == P.R_INVALID:
        return Message(
            "The change does not fit the sync protocol and was not applied: {reason}",
            reason=params.get("reason", ""),
        )
    if code == P.MERGED:
        return Message(
            "Someone changed the same fields later; their values were kept: {fields}",
            fields=params.get("fields", ""),
        )
    if code == P.R_CHAIN_GAP:
        missing = [str(m) for m in params.get("missing") or ()]
        return Message(
            "This computer lacks {count} finalized visit records of this prospect that head "
            "office holds (the last: {last}; head office holds {held}, this computer {here}); "
            "head office has noted it in its audit trail.",
            count=len(missing),
            last=missing[-1] if missing else "?",
            held=params.get("held", "?"),
            here=params.get("here", "?"),
        )
    if code == "removed":
        return Message(
            "The prospect was reassigned or deleted at head office while this computer had "
            "unsent changes; they are kept here."
        )
    return Message("Head office did not apply this change ({code}).", code=code)
