"""Administration of head office: users, teams, devices, assignments, reference data and
the shared pool. Every action is audited (ids and counts, never customer data)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import resources
from crm.domain.catalogue import parse_catalogue
from crm.domain.holidays import parse_year_table, year_table_data
from crm.domain.scorecard import parse_scorecard
from crm.domain.security_policy import parse_security_policy
from crm.domain.strategic_criteria import parse_criteria
from crm.headoffice import device_audit, ownership, security, seed, throttle
from crm.headoffice.db import Store, Tx, audit
from crm.headoffice.models import Device, HoTeam, HoUser, Record
from crm.headoffice.seed import new_id
from crm.headoffice.service import HeadOffice
from crm.headoffice.wire import dumps, headoffice_hlc, iso
from crm.sync import protocol as P

ROLES = ("rm", "lead", "admin")


class AdminError(Exception):
    """A refused administrative action (shown to the administrator as is)."""


@dataclass
class Admin:
    ho: HeadOffice
    actor: str = "admin-cli"

    @property
    def store(self) -> Store:
        return self.ho.store

    # -- directory ---------------------------------------------------------------------------

    def _directory_record(self, tx: Tx, entity: str, rid: str, data: dict[str, Any]) -> None:
        rec = tx.session.get(Record, (entity, rid))
        if rec is None:
            rec = Record(
                entity=entity,
                id=rid,
                ord=P.entity_order(entity),
                owner_id=None,
                team_id=None,
                prospect_id=None,
                pool=True,
                data=dumps(data),
                hlcs="{}",
                version=1,
                deleted=False,
                seq=0,
                created_at=tx.now,
                updated_at=tx.now,
            )
            tx.session.add(rec)
            tx.session.flush()
        else:
            rec.data = dumps(data)
            rec.version += 1
            rec.updated_at = tx.now
        rec.seq = tx.log(entity, rid, None, None, pool=True)

    def add_team(self, name: str, branch: str = "", team_id: str | None = None) -> str:
        with self.store.write() as tx:
            s = tx.session
            if s.execute(select(HoTeam).where(HoTeam.name == name)).first():
                raise AdminError(f"a team called {name} exists already")
            tid = team_id or new_id()
            s.add(HoTeam(id=tid, name=name, branch=branch, created_at=tx.now))
            self._directory_record(tx, "team", tid, {"name": name, "branch": branch})
            audit(s, self.actor, "team.add", tid, {})
        return tid

    def team_id(self, name: str) -> str:
        with self.store.read() as s:
            tid = s.execute(select(HoTeam.id).where(HoTeam.name == name)).scalar_one_or_none()
        if tid is None:
            raise AdminError(f"no team called {name}")
        return str(tid)

    def add_user(
        self,
        username: str,
        display_name: str,
        role: str,
        *,
        password: str | None = None,
        team: str | None = None,
        user_id: str | None = None,
        phone: str = "",
        scrypt_n: int = security.SCRYPT_N,
    ) -> str:
        if role not in ROLES:
            raise AdminError(f"role must be one of {', '.join(ROLES)}")
        if password is not None and len(password) < security.MIN_PASSWORD:
            raise AdminError(f"a password needs at least {security.MIN_PASSWORD} characters")
        team_id = self._team_ref(team) if team else None
        hashed = security.hash_password(password, n=scrypt_n) if password else ""
        with self.store.write() as tx:
            s = tx.session
            if s.execute(select(HoUser).where(HoUser.username == username)).first():
                raise AdminError(f"a user called {username} exists already")
            uid = user_id or new_id()
            s.add(
                HoUser(
                    id=uid,
                    username=username,
                    display_name=display_name,
                    role=role,
                    team_id=team_id,
                    phone=phone,
                    password_hash=hashed,
                    active=True,
                    failed_logins=0,
                    created_at=tx.now,
                )
            )
            self._directory_record(
                tx, "user", uid, _user_data(username, display_name, role, team_id, phone, True)
            )
            audit(s, self.actor, "user.add", uid, {"role": role})
        return uid

    def _team_ref(self, team: str) -> str:
        with self.store.read() as s:
            row = s.execute(
                select(HoTeam.id).where((HoTeam.id == team) | (HoTeam.name == team))
            ).scalar_one_or_none()
        if row is None:
            raise AdminError(f"no team called {team}")
        return str(row)

    def set_password(self, username: str, password: str) -> None:
        if len(password) < security.MIN_PASSWORD:
            raise AdminError(f"a password needs at least {security.MIN_PASSWORD} characters")
        hashed = security.hash_password(password)
        with self.store.write() as tx:
            u = self._user(tx.session, username)
            u.password_hash = hashed
            throttle.clear_user(u)
            audit(tx.session, self.actor, "user.password", u.id, {})

    def unlock(self, username: str) -> None:
        """End a user's lockout after wrong passwords: their next attempt counts afresh, and
        the next lockout is as short as a first one."""
        with self.store.write() as tx:
            u = self._user(tx.session, username)
            throttle.clear_user(u)
            audit(tx.session, self.actor, "user.unlock", u.id, {})

    def unlock_address(self, address: str) -> bool:
        """End a client address's lockout after wrong passwords and forget its counts;
        False if it had none."""
        with self.store.write() as tx:
            cleared = throttle.clear(tx.session, throttle.ADDRESS_KIND, address)
            if cleared:
                audit(tx.session, self.actor, "address.unlock", address, {})
        return cleared

    def sign_in_state(self, username: str) -> dict[str, Any]:
        """A user's wrong passwords counted, lockouts in a row, and lockout end (if any)."""
        with self.store.read() as s:
            u = self._user(s, username)
            return {
                "username": u.username,
                "failed_logins": u.failed_logins,
                "lockouts": u.lockouts,
                "locked_until": iso(u.locked_until) if u.locked_until else None,
            }

    def deactivate_user(self, username: str) -> None:
        with self.store.write() as tx:
            u = self._user(tx.session, username)
            u.active = False
            self._directory_record(
                tx,
                "user",
                u.id,
                _user_data(u.username, u.display_name, u.role, u.team_id, u.phone, False),
            )
            audit(tx.session, self.actor, "user.deactivate", u.id, {})

    def set_role(
        self, username: str, *, role: str | None = None, team: str | None = None
    ) -> dict[str, Any]:
        """Change a user's role or team. Their devices act with it from their next request
        (the token names the user, not the role) and pull the new directory entry at their
        next sync, which then downloads the new scope afresh. A team change moves the
        user's records to the new team: the old lead's devices drop them, the new lead's
        pull them."""
        if role is not None and role not in ROLES:
            raise AdminError(f"role must be one of {', '.join(ROLES)}")
        team_id = self._team_ref(team) if team else None
        with self.store.write() as tx:
            s = tx.session
            u = self._user(s, username)
            old_team = u.team_id
            u.role = role or u.role
            if team is not None:
                u.team_id = team_id
            self._directory_record(
                tx,
                "user",
                u.id,
                _user_data(u.username, u.display_name, u.role, u.team_id, u.phone, u.active),
            )
            moved = 0
            if u.team_id != old_team:
                for rec in s.scalars(
                    select(Record)
                    .where(Record.owner_id == u.id, Record.deleted.is_(False))
                    .order_by(Record.ord, Record.id)
                ):
                    rec.team_id = u.team_id
                    rec.updated_at = tx.now
                    rec.seq = tx.log(
                        rec.entity,
                        rec.id,
                        u.id,
                        u.team_id,
                        prev_owner_id=u.id,
                        prev_team_id=old_team,
                        pool=rec.pool,
                    )
                    moved += 1
            audit(s, self.actor, "user.role", u.id, {"role": u.role, "records": moved})
            return {"username": u.username, "role": u.role, "team_id": u.team_id}

    @staticmethod
    def _user(s: Session, username: str) -> HoUser:
        u = s.execute(
            select(HoUser).where((HoUser.username == username) | (HoUser.id == username))
        ).scalar_one_or_none()
        if u is None:
            raise AdminError(f"no user called {username}")
        return u

    def users(self) -> list[dict[str, Any]]:
        with self.store.read() as s:
            return [
                {
                    "id": u.id,
                    "username": u.username,
                    "display_name": u.display_name,
                    "role": u.role,
                    "team_id": u.team_id,
                    "active": u.active,
                }
                for u in s.scalars(select(HoUser).order_by(HoUser.username))
            ]

    # -- devices -----------------------------------------------------------------------------

    def register_device(
        self, username: str, device_id: str | None = None, name: str = ""
    ) -> tuple[str, str]:
        """Register a device for a user without their password; returns (device id, token)."""
        token = security.new_token()
        with self.store.write() as tx:
            u = self._user(tx.session, username)
            did = device_id or new_id()
            existing = tx.session.get(Device, did)
            if existing is not None and existing.revoked_at is not None:
                raise AdminError("this device was revoked; a revoked device id cannot return")
            if existing is None:
                tx.session.add(
                    Device(
                        id=did,
                        user_id=u.id,
                        name=name,
                        token_hash=security.token_hash(token),
                        registered_at=tx.now,
                    )
                )
            else:
                existing.user_id = u.id
                existing.token_hash = security.token_hash(token)
            audit(tx.session, self.actor, "device.register", did, {"user": u.id})
        return did, token

    def revoke_device(self, device_id: str) -> None:
        with self.store.write() as tx:
            d = tx.session.get(Device, device_id)
            if d is None:
                raise AdminError(f"no device {device_id}")
            d.revoked_at = tx.now
            audit(tx.session, self.actor, "device.revoke", device_id, {})

    def devices(self) -> list[dict[str, Any]]:
        with self.store.read() as s:
            return [
                {
                    "id": d.id,
                    "user_id": d.user_id,
                    "name": d.name,
                    "registered_at": iso(d.registered_at),
                    "last_seen_at": iso(d.last_seen_at) if d.last_seen_at else None,
                    "revoked": d.revoked_at is not None,
                }
                for d in s.scalars(select(Device).order_by(Device.registered_at))
            ]

    # -- prospects ---------------------------------------------------------------------------

    def assign(self, keys: Iterable[str], username: str | None) -> int:
        """Give prospects (ids or USCCs) to an RM, or back to the shared pool (None)."""
        moved = 0
        with self.store.write() as tx:
            s = tx.session
            user = self._user(s, username) if username else None
            for key in keys:
                rec = s.execute(
                    select(Record).where(
                        Record.entity == "prospect",
                        (Record.id == key) | (Record.uscc == key),
                        Record.deleted.is_(False),
                    )
                ).scalar_one_or_none()
                if rec is None:
                    raise AdminError(f"no prospect {key}")
                if rec.owner_id == (user.id if user else None) and rec.pool == (user is None):
                    continue
                ownership.reassign(tx, rec, user, headoffice_hlc(tx.now))
                moved += 1
            audit(s, self.actor, "prospect.assign", user.id if user else "pool", {"count": moved})
        return moved

    def delete_prospect(self, key: str) -> None:
        with self.store.write() as tx:
            rec = tx.session.execute(
                select(Record).where(
                    Record.entity == "prospect", (Record.id == key) | (Record.uscc == key)
                )
            ).scalar_one_or_none()
            if rec is None:
                raise AdminError(f"no prospect {key}")
            ownership.delete(tx, rec)
            audit(tx.session, self.actor, "prospect.delete", rec.id, {})

    def pool_import(self, rows: Iterable[dict[str, Any]]) -> dict[str, int]:
        """Push new enterprises into the shared pool (线上首贷服务专区); a known USCC is
        skipped, never duplicated."""
        return seed.pool_import(self.store, self.actor, rows)

    # -- reference data ----------------------------------------------------------------------

    def publish(self, kind: str, document: Any) -> int:
        """Publish a catalogue, checklist templates, cadence rules, holidays or criteria.

        A product catalogue must fit its schema and rules: a malformed one raises
        ``InvalidCatalogue`` (the product and field named) and nothing is published; so
        do criteria the gate cannot read (``DomainError`` naming the field)."""
        if kind not in P.REFERENCE_KINDS:
            raise AdminError(f"kind must be one of {', '.join(sorted(P.REFERENCE_KINDS))}")
        if kind == "catalogue":
            # Devices put only a good catalogue in force: a malformed one is refused here,
            # naming the product and field (InvalidCatalogue), and nothing is stored.
            parse_catalogue(document, resources.catalogue_schema())
        elif kind == "criteria":
            # The gate reads exactly this (crm.domain.strategic_criteria): refused here
            # naming the field, a document it cannot read is never stored.
            parse_criteria(document)
        elif kind == "scorecard":
            # Checked against its schema and the regulators' rules (no deposit, profit or
            # fee-income measure; credit loans and first-loan customers weigh most).
            parse_scorecard(document, resources.load_json("data", "scorecard.schema.json"))
        elif kind == "security":
            # Stored as the parser reads it (defaults filled in): what devices apply is
            # exactly what head office enforces at registration.
            document = parse_security_policy(document).document()
        with self.store.write() as tx:
            if kind == "holidays":
                document = self._holiday_years(tx, document)
            self._directory_record(tx, "reference", kind, {"kind": kind, "document": document})
            rec = tx.session.get(Record, ("reference", kind))
            assert rec is not None
            audit(tx.session, self.actor, "reference.publish", kind, {"version": rec.version})
            return int(rec.version)

    def _holiday_years(self, tx: Tx, document: Any) -> dict[str, Any]:
        """The holidays document to publish: the years published before, with the years of
        ``document`` (one year's table, or ``{"years": {"2027": table, ...}}``) checked and
        put in their place, so publishing 2028 does not take 2027 from new devices."""
        if isinstance(document, dict) and "year" in document:
            tables = [document]
        elif isinstance(document, dict) and isinstance(document.get("years"), dict):
            tables = list(document["years"].values())
        else:
            raise AdminError('a holidays file is one year\'s table or {"years": {...}}')
        source = document.get("source", "") if isinstance(document, dict) else ""
        rec = tx.session.get(Record, ("reference", "holidays"))
        before = json.loads(rec.data).get("document", {}) if rec is not None else {}
        years = dict(before.get("years") or {}) if isinstance(before, dict) else {}
        for raw in tables:
            if not isinstance(raw, dict):
                raise AdminError("each year of a holidays file must be an object")
            table = parse_year_table(raw, str(raw.get("source") or source or ""))
            years[str(table.year)] = year_table_data(table)
        return {"source": source or "head office", "years": dict(sorted(years.items()))}

    # -- bulk load (seeding a head office from an existing book) -----------------------------

    def load_records(self, records: Iterable[dict[str, Any]]) -> int:
        """Insert records as a device's snapshot would carry them (``protocol`` Record
        shape), in batches; directory records (team, user) also become accounts."""
        return seed.load_records(self.store, self.actor, records)

    def record_counts(self) -> dict[str, int]:
        with self.store.read() as s:
            rows = s.execute(
                select(Record.entity, func.count())
                .where(Record.deleted.is_(False))
                .group_by(Record.entity)
            ).all()
        return {e: int(n) for e, n in rows}

    def audit_log(
        self,
        limit: int = 100,
        *,
        device: str | None = None,
        user: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Head office's own lines and those devices sent, newest first (``source`` says
        which); ``device`` (an id or its start), ``user`` (a name or id), ``action`` and
        ``since`` narrow them (a device filter leaves head office's own lines out)."""
        wanted = device_audit.Filter(device, user, action, since, limit)
        with self.store.read() as s:
            return device_audit.merged(s, wanted)


def _user_data(
    username: str, display_name: str, role: str, team_id: str | None, phone: str, active: bool
) -> dict[str, Any]:
    return {
        "username": username,
        "display_name": display_name,
        "role": role,
        "team_id": team_id,
        "phone": phone,
        "active": active,
    }


__all__ = ["Admin", "AdminError", "audit"]
