"""Who is acting on this desktop and what their role lets them see and do.

The roles are head office's (crm/headoffice/scope.py decides the same things for what a
device sends): an RM works their own book and sees the shared pool (prospects with no RM);
a team lead sees and works the team's books and the pool, reassigns between the team's RMs
and confirms dropping a customer whose loans are outstanding; head office's administrator
sees everything. Publishing (criteria, weights) is head office's own business: never from
the desktop, whatever the role.

A role this app does not know (head office may add one before the app learns it) gets no
more than an RM's rights: an unknown word must never widen what is shown.

The role is head office's, so it binds once the book is signed in with head office (the
device registered, ``sync.user_id`` known): from then on whoever acts (the signed-in user,
a command's ``--user``) sees and does what their role allows. Two cases have no role
from head office and see the whole book (``Acting.nobody``, ``Acting.unbound``):
- nobody acting: maintenance commands run without ``--user``;
- a book never signed in with head office: the local demo, a book only imported into.
  Its local user still names who records visits, and confirming a drop with outstanding
  loans still needs that user to be a lead (as it always has); nothing else is restricted,
  since no head office says whose the book is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from crm.domain.errors import DomainError, Message

# In a list of RMs: the shared pool (prospects with no RM), as crm.domain.query.UNASSIGNED.
POOL = ""


class Role(StrEnum):
    RM = "rm"
    LEAD = "lead"
    ADMIN = "admin"


class Permission(StrEnum):
    SEE_TEAM = "see_team"  # the team's books, not only one's own
    SEE_ALL = "see_all"  # every team's
    TEAM_PAGE = "team_page"  # the team's figures, drill-downs and reassignment
    REASSIGN = "reassign"  # give a prospect to another RM (a lead: of the team)
    REASSIGN_ANYONE = "reassign_anyone"  # to any RM, or back to the shared pool
    CONFIRM_DROP_WITH_LOAN = "confirm_drop_with_loan"
    CREATE_FOR_OTHERS = "create_for_others"  # a new prospect in another RM's book
    PUBLISH = "publish"  # head office's criteria and weights: never on the desktop


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.RM: frozenset(),
    Role.LEAD: frozenset(
        {
            Permission.SEE_TEAM,
            Permission.TEAM_PAGE,
            Permission.REASSIGN,
            Permission.CONFIRM_DROP_WITH_LOAN,
            Permission.CREATE_FOR_OTHERS,
        }
    ),
    Role.ADMIN: frozenset(set(Permission) - {Permission.PUBLISH}),
}
# Nobody signed in: the whole book, as the maintenance it is (see the module's note).
_NOBODY = _GRANTS[Role.ADMIN]


def role_of(code: str | None) -> Role:
    """The role a user's stored code names; an unknown one is an RM's (least rights)."""
    try:
        return Role(code or "")
    except ValueError:
        return Role.RM


OUT_OF_SCOPE: Final = "role.out_of_scope"
NOT_ALLOWED: Final = "role.not_allowed"


def out_of_scope() -> DomainError:
    """The acting user's role does not reach this prospect, RM or team."""
    return DomainError(OUT_OF_SCOPE, "this is not in your book or your team's")


def not_allowed(what: Message) -> DomainError:
    """The acting user's role does not allow this action."""
    return DomainError(NOT_ALLOWED, "your role does not allow this: {what}", what=what)


@dataclass(frozen=True)
class Acting:
    """The acting user: their id, role and team, and the users of that team (active or
    not: an RM who left still owns their prospects until they are reassigned)."""

    user_id: str | None
    role: Role | None
    team_id: str | None = None
    team_members: tuple[str, ...] = ()
    # False: a book never signed in with head office (see the module's note).
    bound: bool = True

    @classmethod
    def nobody(cls) -> Acting:
        return cls(None, None)

    @classmethod
    def unbound(cls, user_id: str, role: str, team_id: str | None) -> Acting:
        return cls(user_id, role_of(role), team_id, (user_id,), bound=False)

    @classmethod
    def user(
        cls, user_id: str, role: str, team_id: str | None, team_members: Iterable[str] = ()
    ) -> Acting:
        members = tuple(sorted(set(team_members) | {user_id})) if team_id else (user_id,)
        return cls(user_id, role_of(role), team_id, members)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    def may(self, permission: Permission) -> bool:
        if self.role is None:
            return permission in _NOBODY
        if not self.bound and permission != Permission.CONFIRM_DROP_WITH_LOAN:
            return permission in _NOBODY
        return permission in _GRANTS[self.role]

    def require(self, permission: Permission, what: Message) -> None:
        if not self.may(permission):
            raise not_allowed(what)

    # -- what is visible ---------------------------------------------------------------------

    @property
    def everyone(self) -> bool:
        return self.may(Permission.SEE_ALL)

    def visible_rms(self) -> tuple[str, ...] | None:
        """The RMs whose books are visible (besides the shared pool), None for everyone's."""
        if self.everyone:
            return None
        if self.may(Permission.SEE_TEAM) and self.team_id:
            return self.team_members
        assert self.user_id is not None
        return (self.user_id,)

    def sees(self, rm_id: str | None) -> bool:
        """Whether a prospect held by ``rm_id`` (None: the shared pool) is visible."""
        if rm_id is None or rm_id == POOL:
            return True
        rms = self.visible_rms()
        return rms is None or rm_id in rms

    def check_sees(self, rm_id: str | None) -> None:
        if not self.sees(rm_id):
            raise out_of_scope()

    def rm_filter(self, asked: Iterable[str]) -> tuple[str, ...]:
        """A list's RM filter within the scope: what was asked, every name of which must be
        visible (POOL for the shared pool); nothing asked is the whole scope, pool included.
        Empty for everyone's book with nothing asked (no filter)."""
        wanted = tuple(asked)
        for rm in wanted:
            self.check_sees(rm)
        if wanted:
            return wanted
        rms = self.visible_rms()
        return () if rms is None else (*rms, POOL)

    def rm_ids(self, asked: Iterable[str] | None) -> tuple[str, ...] | None:
        """An RM-scoped read's RMs (visits, loans, figures; the pool has no visits of its
        own): what was asked, all visible; None asked is the whole scope (None: everyone)."""
        if asked is None:
            return self.visible_rms()
        wanted = tuple(asked)
        for rm in wanted:
            self.check_sees(rm)
        return wanted

    def check_team(self, team_id: str) -> None:
        """Refuse a team other than one's own (an administrator sees every team)."""
        if self.everyone:
            return
        if not self.may(Permission.SEE_TEAM) or team_id != self.team_id:
            raise out_of_scope()

    def check_assign(self, to_rm: str | None, to_team: str | None) -> None:
        """Whether prospects may be given to ``to_rm`` (in ``to_team``; None: the pool)."""
        if self.may(Permission.REASSIGN_ANYONE):
            return
        self.require(Permission.REASSIGN, Message("reassign prospects"))
        if to_rm is None:
            raise not_allowed(Message("return prospects to the shared pool"))
        if to_team is None or to_team != self.team_id:
            raise out_of_scope()

    def check_owner_of_new(self, rm_id: str, rm_team: str | None) -> None:
        """Whether a new prospect may go into ``rm_id``'s book (head office's rule)."""
        if rm_id == self.user_id or self.may(Permission.REASSIGN_ANYONE):
            return
        self.require(Permission.CREATE_FOR_OTHERS, Message("add prospects to another RM's book"))
        if rm_team is None or rm_team != self.team_id:
            raise out_of_scope()


# Nobody acting (see the module's note), as a default value.
NOBODY: Final = Acting(None, None)
