"""The audit trail: every create, update, delete and restore, with who, when and what.

Entries are added in the same transaction as the change they describe, so a change is never
stored without its entry, nor an entry without its change.
"""

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from app.models import AuditEntry


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
    return stmt.order_by(AuditEntry.at, AuditEntry.id)  # type: ignore[arg-type]
