"""The one writer of a prospect's contacts (the people at the business): the row and the
op that tells head office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.domain.ids import new_id
from crm.store import outbox
from crm.store.models import Contact


@dataclass(frozen=True)
class NewContact:
    prospect_id: str
    name: str
    title: str
    phone: str
    is_primary: bool


def add(session: Session, now: datetime, new: NewContact) -> str:
    c = Contact(
        id=new_id(),
        prospect_id=new.prospect_id,
        name=new.name,
        title=new.title,
        phone=new.phone,
        is_primary=new.is_primary,
        created_at=now,
    )
    session.add(c)
    outbox.record(
        session,
        now,
        entity="contact",
        entity_id=c.id,
        kind="create",
        payload={
            "prospect_id": new.prospect_id,
            "name": new.name,
            "title": new.title,
            "phone": new.phone,
            "is_primary": new.is_primary,
        },
        base_version=None,
    )
    return c.id


@dataclass(frozen=True)
class ContactValues:
    name: str
    title: str
    phone: str


def load(session: Session, contact_id: str) -> Contact | None:
    return session.get(Contact, contact_id)


def of_prospect(session: Session, prospect_id: str) -> list[Contact]:
    """A prospect's people: the primary contact first, then in the order they were added."""
    return list(
        session.scalars(
            select(Contact)
            .where(Contact.prospect_id == prospect_id)
            .order_by(Contact.is_primary.desc(), Contact.created_at, Contact.id)
        )
    )


def edit(session: Session, now: datetime, contact: Contact, values: ContactValues) -> bool:
    """Change a contact's name, title or phone; only the fields that changed are sent.
    False when nothing changed."""
    changes: dict[str, object] = {}
    for name in ("name", "title", "phone"):
        value = getattr(values, name)
        if getattr(contact, name) != value:
            setattr(contact, name, value)
            changes[name] = value
    if changes:
        _queue(session, now, contact, "update", changes)
    return bool(changes)


def make_primary(session: Session, now: datetime, contact: Contact) -> bool:
    """The prospect's one primary contact: the others stop being it (each change an op, so
    head office and other devices end with one primary too). False when it was already."""
    changed = False
    for other in of_prospect(session, contact.prospect_id):
        wanted = other.id == contact.id
        if other.is_primary != wanted:
            other.is_primary = wanted
            _queue(session, now, other, "update", {"is_primary": wanted})
            changed = True
    return changed


def _queue(
    session: Session, now: datetime, contact: Contact, kind: str, changes: dict[str, object]
) -> None:
    outbox.record(
        session,
        now,
        entity="contact",
        entity_id=contact.id,
        kind=kind,
        payload={"prospect_id": contact.prospect_id, **changes},
        base_version=None,
    )
