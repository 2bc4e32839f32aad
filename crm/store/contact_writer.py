"""The one writer of a prospect's contacts (the people at the business): the row and the
op that tells head office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
