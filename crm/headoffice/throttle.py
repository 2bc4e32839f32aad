"""How many wrong passwords head office takes, and for how long it then says no.

Every attempt is counted before its slow password check, in the database, inside a write
transaction (``Store.write`` serialises writers, so concurrent guesses each take an attempt
or are refused) — and a restart forgets nothing. Three counts:

- per user (``ho_users``): ``USER.limit`` wrong passwords lock the user out for
  ``USER.base``, doubling with each lockout in a row up to ``USER.cap``; every lockout ends
  by itself, a sign-in or an unlock starts afresh, and a day without a lockout forgets the
  doubling. So an attacker can hold a user out only ``USER.cap`` at a time, and each
  round costs them attempts their own address pays for;
- per user name head office does not have (``ho_sign_in_counts``, kind "name"): counted as
  a real user's, so a 429 says nothing about who exists;
- per client address (kind "address"): ``ADDRESS.limit`` wrong passwords (to any users)
  lock the address out for ``ADDRESS.base``, doubling with each lockout up to a day.

Wrong passwords older than ``WINDOW`` without a lockout are forgotten, so a team behind one
address does not lock itself out over weeks of typos.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from crm.headoffice.models import HoUser, SignInCount


@dataclass(frozen=True)
class Policy:
    limit: int
    base: timedelta
    cap: timedelta

    def lockout(self, lockouts: int) -> timedelta:
        """How long the ``lockouts``-th lockout in a row lasts (1 for the first)."""
        return min(self.base * (1 << min(max(lockouts - 1, 0), 20)), self.cap)


USER: Final = Policy(5, timedelta(minutes=1), timedelta(minutes=30))
ADDRESS: Final = Policy(20, timedelta(minutes=5), timedelta(days=1))
WINDOW: Final = timedelta(hours=1)
# A lockout longer ago than this no longer doubles the next one.
MEMORY: Final = timedelta(days=1)
ADDRESS_KIND: Final = "address"
NAME_KIND: Final = "name"


def _locked(until: datetime | None, now: datetime) -> bool:
    return until is not None and until > now


def _forgotten(last: datetime | None, now: datetime) -> bool:
    return last is None or last < now - WINDOW


# -- a user head office has ------------------------------------------------------------------


def reserve_user(user: HoUser, now: datetime) -> bool:
    """Count an attempt for ``user`` (refused while locked out or while as many attempts as
    the limit are in flight)."""
    if _locked(user.locked_until, now):
        return False
    if _forgotten(user.failed_at, now):
        user.failed_logins = 0
    if user.failed_logins >= USER.limit:
        return False
    user.failed_logins += 1
    user.failed_at = now
    return True


def user_failed(s: Session, user_id: str, now: datetime) -> None:
    """After a wrong password: a user whose attempts are spent is locked out."""
    user = s.get(HoUser, user_id)
    if user is None or user.failed_logins < USER.limit:
        return
    if user.locked_until is not None and user.locked_until < now - MEMORY:
        user.lockouts = 0
    user.lockouts += 1
    user.locked_until = now + USER.lockout(user.lockouts)
    user.failed_logins = 0


def clear_user(user: HoUser) -> None:
    """A sign-in or an unlock: the user's counts start afresh."""
    user.failed_logins = 0
    user.failed_at = None
    user.lockouts = 0
    user.locked_until = None


# -- addresses and unknown names ------------------------------------------------------------


def _row(s: Session, kind: str, subject: str, now: datetime) -> SignInCount:
    row = s.get(SignInCount, (kind, subject))
    if row is None:
        row = SignInCount(
            kind=kind, subject=subject, failures=0, lockouts=0, locked_until=None, updated_at=now
        )
        s.add(row)
    elif not _locked(row.locked_until, now) and _forgotten(row.updated_at, now):
        row.failures = 0
    return row


def _policy(kind: str) -> Policy:
    return ADDRESS if kind == ADDRESS_KIND else USER


def reserve(s: Session, kind: str, subject: str, now: datetime) -> bool:
    """Count an attempt for an address or an unknown name, as ``reserve_user`` does."""
    row = _row(s, kind, subject[:128], now)
    if _locked(row.locked_until, now) or row.failures >= _policy(kind).limit:
        return False
    row.failures += 1
    row.updated_at = now
    return True


def release(s: Session, kind: str, subject: str) -> None:
    """An attempt that was not a wrong password does not count."""
    row = s.get(SignInCount, (kind, subject[:128]))
    if row is not None and row.failures > 0:
        row.failures -= 1


def failed(s: Session, kind: str, subject: str, now: datetime) -> None:
    """After a wrong password: spent attempts lock the address (or name) out."""
    row = _row(s, kind, subject[:128], now)
    policy = _policy(kind)
    if row.failures < policy.limit:
        return
    if row.locked_until is not None and row.locked_until < now - MEMORY:
        row.lockouts = 0
    row.lockouts += 1
    row.locked_until = now + policy.lockout(row.lockouts)
    row.failures = 0
    row.updated_at = now
    _prune(s, now)


def clear(s: Session, kind: str, subject: str) -> bool:
    """End an address's (or name's) lockout and counts; False if there were none."""
    result = s.execute(
        delete(SignInCount)
        .where(SignInCount.kind == kind, SignInCount.subject == subject[:128])
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def _prune(s: Session, now: datetime) -> None:
    """Counts with nothing to remember go (run with each lockout, so the table stays as
    small as the attacks of the last day)."""
    s.execute(
        delete(SignInCount)
        .where(
            SignInCount.updated_at < now - MEMORY,
            or_(SignInCount.locked_until.is_(None), SignInCount.locked_until < now - MEMORY),
        )
        .execution_options(synchronize_session=False)
    )
