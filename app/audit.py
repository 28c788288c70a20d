"""The audit trail: every create, update, delete and restore, with who, when and what.

Entries are added in the same transaction as the change they describe, so a change is never
stored without its entry, nor an entry without its change.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from app.db import utcnow
from app.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a key's name, or ``cli``/``seed`` for commands run on the server."""

    name: str
    request_id: str | None = None


def record(
    session: Session,
    *,
    actor: str,
    request_id: str | None,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            request_id=request_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
        )
    )


def record_many(session: Session, actor: Actor, changes: list[dict[str, Any]]) -> None:
    """Many entries in one statement (an import of a thousand rows); each change is a dict
    with ``action``, ``entity``, ``entity_id`` and optionally ``before``/``after``."""
    if not changes:
        return
    at = utcnow()
    rows = [
        {"at": at, "actor": actor.name, "request_id": actor.request_id, "before": None,
         "after": None, **c, "entity_id": str(c["entity_id"])}
        for c in changes
    ]  # fmt: skip
    session.exec(sa.insert(AuditEntry), params=rows)


def entries(
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    since: dt.datetime | None = None,
    actor: str | None = None,
):
    stmt = select(AuditEntry)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    return stmt.order_by(AuditEntry.at, AuditEntry.id)  # type: ignore[arg-type]  # SQLModel: a column at class level
