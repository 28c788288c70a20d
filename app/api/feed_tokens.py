"""Private feed tokens: secret feed URLs that show private events of some countries."""

import secrets
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlmodel import Session, col, func, select

from app import audit
from app.api.deps import PagingDep, public_url
from app.auth import KeyDep, hash_secret
from app.db import SessionDep, utcnow
from app.models import ApiKey, FeedToken, FeedTokenCreate, FeedTokenPublic, Page, Scope

router = APIRouter(prefix="/feed-tokens", tags=["feed tokens"])

TOKEN_PREFIX = "ft_"


def token_public(token: FeedToken, url: str | None = None) -> FeedTokenPublic:
    return FeedTokenPublic(
        id=token.id,
        name=token.name,
        countries=token.country_list,
        created_by=token.created_by,
        created_at=token.created_at,
        revoked_at=token.revoked_at,
        url=url,
    )


def _snapshot(token: FeedToken) -> dict:
    return token_public(token).model_dump(mode="json")


def find_token(session: Session, secret: str) -> FeedToken | None:
    """The live token for a secret. The secret is looked up by its SHA-256 hash, so neither
    the database nor a timing difference tells anything about other tokens."""
    token = session.exec(
        select(FeedToken).where(FeedToken.token_hash == hash_secret(secret))
    ).first()
    return token if token is not None and token.revoked_at is None else None


def get_own_token(token_id: uuid.UUID, session: SessionDep, key: KeyDep) -> FeedToken:
    token = session.get(FeedToken, token_id)
    mine = token is not None and (key.scope == Scope.admin or token.created_by == key.name)
    if token is None or not mine or token.revoked_at is not None:
        raise HTTPException(404, f"No feed token has the id {token_id}.")
    return token


OwnTokenDep = Annotated[FeedToken, Depends(get_own_token)]


def _allowed_countries(key: ApiKey, wanted: list[str] | None) -> list[str]:
    """The token's countries. An empty list means "every country" in a token, so only an
    admin makes one; for other keys an empty or missing list means the key's own."""
    if key.scope == Scope.admin:
        return wanted or []
    own = sorted(key.country_set)
    if not wanted:
        return own
    outside = sorted(set(wanted) - set(own))
    if outside:
        raise HTTPException(
            403, f"The key {key.name!r} covers {', '.join(own)}; not {', '.join(outside)}."
        )
    return wanted


@router.post("", status_code=201, response_model=FeedTokenPublic)
def create_feed_token(
    body: FeedTokenCreate, session: SessionDep, key: KeyDep, request: Request, response: Response
):
    """A private feed URL showing public and private items of some countries (by default
    the key's own; an admin's covers every country). The URL is shown only this once."""
    countries = _allowed_countries(key, body.countries)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 random bits
    token = FeedToken(
        name=body.name,
        countries=",".join(countries),
        token_hash=hash_secret(secret),
        created_by=key.name,
    )
    session.add(token)
    audit.record(
        session, actor=key.name, request_id=getattr(request.state, "request_id", None),
        action="create", entity="feed_token", entity_id=token.id, after=_snapshot(token),
    )  # fmt: skip
    session.commit()
    session.refresh(token)
    response.headers["Location"] = public_url(request, f"/api/v1/feed-tokens/{token.id}")
    return token_public(token, public_url(request, f"/feeds/private/{secret}.ics"))


@router.get("", response_model=Page[FeedTokenPublic])
def list_feed_tokens(session: SessionDep, key: KeyDep, paging: PagingDep):
    """Live feed tokens: an admin sees all, other keys those they created. Never the secrets;
    revoked tokens are in the audit trail."""
    stmt = select(FeedToken).where(FeedToken.revoked_at.is_(None))  # type: ignore[union-attr]  # SQLModel: a column at class level
    if key.scope != Scope.admin:
        stmt = stmt.where(FeedToken.created_by == key.name)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(FeedToken.created_at), col(FeedToken.id))
        .offset(paging.offset)
        .limit(paging.limit)
    )
    return Page(
        items=[token_public(t) for t in rows], total=total, limit=paging.limit, offset=paging.offset
    )


@router.get("/{token_id}", response_model=FeedTokenPublic)
def read_feed_token(token: OwnTokenDep):
    """One feed token (never its secret)."""
    return token_public(token)


@router.delete("/{token_id}", status_code=204)
def revoke_feed_token(token: OwnTokenDep, session: SessionDep, key: KeyDep, request: Request):
    """Revoke a token: its feed URL answers 404 from now on."""
    before = _snapshot(token)
    token.revoked_at = utcnow()
    session.add(token)
    audit.record(
        session, actor=key.name, request_id=getattr(request.state, "request_id", None),
        action="revoke", entity="feed_token", entity_id=token.id, before=before,
        after=_snapshot(token),
    )  # fmt: skip
    session.commit()
