import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlmodel import func, select

from app import audit
from app.api.deps import PagingDep
from app.auth import KeyDep
from app.db import SessionDep
from app.models import AuditPublic, Page, Scope

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditPublic])
def list_audit(
    session: SessionDep,
    key: KeyDep,
    paging: PagingDep,
    entity: Annotated[
        str | None, Query(pattern="^(milestone|event|key|feed_token)$", description="Kind of item.")
    ] = None,
    id: Annotated[str | None, Query(max_length=64, description="The item's id.")] = None,
    since: Annotated[
        dt.datetime | None, Query(description="Changes at or after this time.")
    ] = None,
    actor: Annotated[str | None, Query(max_length=100, description="The key's name.")] = None,
):
    """Who changed what and when, with the values before and after (admin keys), oldest first."""
    if key.scope != Scope.admin:
        raise HTTPException(403, "Only an admin key may read the audit trail.")
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    stmt = audit.entries(entity=entity, entity_id=id, since=since, actor=actor)
    total = session.exec(select(func.count()).select_from(stmt.order_by(None).subquery())).one()
    rows = session.exec(stmt.offset(paging.offset).limit(paging.limit))
    return Page(items=list(rows), total=total, limit=paging.limit, offset=paging.offset)
