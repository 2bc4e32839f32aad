"""The book's first screen, read with the bare driver before SQLAlchemy has loaded.

The desktop app paints the prospect list as it opens: SQLAlchemy and the ORM take longer to
import than Qt takes to start, so the first page of the default list (by name), its count and
the people and districts the window names are read here with plain SQL, and the data stack
loads after the first paint. These statements repeat crm.store.queries' default list and the
services' reference reads; tests/services/test_first_look.py keeps them equal on the demo book.

Anything unusual (a missing, damaged, older or newer file, an unclean shutdown, a lock) gives
None, and the app opens the book the careful way, which reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm.domain.roles import NOBODY, Acting
from crm.store import keys
from crm.store.files import head_revision, left_unclean, looks_like_sqlite, raw_connect

CURRENT_USER_KEY = "current_user"
# Set once the book is signed in with head office: the roles bind then (crm.domain.roles).
SIGNED_IN_KEY = "sync.user_id"

_PAGE = (
    "SELECT p.id, p.name, p.uscc, p.kind, p.stage, p.owner_name, p.phone, p.assigned_rm_id,"
    " rm.display_name, p.district_code, d.name, p.industry_code, p.last_contact_on,"
    " p.stage_changed_at, p.updated_at, p.short_name, p.sort_key"
    " FROM prospects p"
    " LEFT OUTER JOIN users rm ON rm.id = p.assigned_rm_id"
    " LEFT OUTER JOIN districts d ON d.code = p.district_code"
)
_ORDER = " ORDER BY p.sort_key ASC, p.id LIMIT ?"
_USERS = (
    "SELECT u.id, u.username, u.display_name, u.role, u.team_id, t.name"
    " FROM users u LEFT OUTER JOIN teams t ON t.id = u.team_id"
)


@dataclass(frozen=True)
class FirstRows:
    """Plain rows, as the driver gives them (the services make records of them)."""

    page: list[tuple[Any, ...]]
    total: int
    current_user_id: str | None
    active_users: list[tuple[Any, ...]]  # by display name
    current_user: tuple[Any, ...] | None
    districts: list[tuple[Any, ...]]  # by code
    acting: Acting = NOBODY  # the signed-in user's role and scope


def read_first_rows(path: Path, limit: int) -> FirstRows | None:
    try:
        readable = looks_like_sqlite(path) or keys.has_key_file(path)
        if not path.is_file() or not readable or left_unclean(path):
            return None
        # An encrypted book's key, where it can be had without asking (else: None here).
        conn = raw_connect(path)
    except Exception:
        return None
    try:
        conn.execute("PRAGMA busy_timeout = 200")
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if version is None or version[0] != head_revision():
            return None
        meta = conn.execute(
            "SELECT value FROM app_meta WHERE key = ?", (CURRENT_USER_KEY,)
        ).fetchone()
        current_id = str(meta[0]) if meta else None
        current = (
            conn.execute(_USERS + " WHERE u.id = ?", (current_id,)).fetchone()
            if current_id
            else None
        )
        if current_id and current is None:
            return None  # a user the book does not know: the careful open says so
        acting = _acting(conn, current)
        where, params = _scope(acting)
        # The page walks the name index, testing each row's RM (the "+" keeps SQLite from
        # gathering the scope by RM and sorting it all: 560 -> 14 ms for a lead's 35,000 of
        # 100,000); the count gathers it by RM on the index.
        walk = where.replace("p.assigned_rm_id", "+p.assigned_rm_id")
        page = conn.execute(_PAGE + walk + _ORDER, (*params, limit)).fetchall()
        total = int(conn.execute("SELECT count(*) FROM prospects p" + where, params).fetchone()[0])
        users = conn.execute(_USERS + " WHERE u.active = 1 ORDER BY u.display_name").fetchall()
        districts = conn.execute(
            "SELECT code, name, name_en FROM districts ORDER BY code"
        ).fetchall()
        return FirstRows(page, total, current_id, users, current, districts, acting)
    except Exception:  # whatever it was, the careful open that follows reports it
        return None
    finally:
        conn.close()


def _acting(conn: Any, user: tuple[Any, ...] | None) -> Acting:
    """The signed-in user's role and scope, as crm.services.acting reads them."""
    if user is None:
        return Acting.nobody()
    user_id, role, team_id = str(user[0]), str(user[3]), user[4]
    signed_in = conn.execute("SELECT 1 FROM app_meta WHERE key = ?", (SIGNED_IN_KEY,)).fetchone()
    if signed_in is None:
        return Acting.unbound(user_id, role, team_id)
    members = (
        [str(r[0]) for r in conn.execute("SELECT id FROM users WHERE team_id = ?", (team_id,))]
        if team_id
        else []
    )
    return Acting.user(user_id, role, team_id, members)


def _scope(acting: Acting) -> tuple[str, tuple[str, ...]]:
    """The user's scope (crm.domain.roles) as a WHERE clause, as the services' list has it:
    their RMs' books and the shared pool; nothing for everyone's book or a book never
    signed in with head office."""
    rms = acting.visible_rms()
    if rms is None:
        return "", ()
    marks = ", ".join("?" * len(rms))
    return f" WHERE (p.assigned_rm_id IN ({marks}) OR p.assigned_rm_id IS NULL)", rms
