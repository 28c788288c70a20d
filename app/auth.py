"""API keys: random bearer secrets, stored only as SHA-256 hashes and compared in constant time.

A key carries 256 random bits, so an unsalted hash is enough: nothing about it can be guessed
from the database, and a lookup by hash stays an index hit.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session, select

from app.db import SessionDep, utcnow
from app.models import ApiKey, Scope

KEY_PREFIX = "dcal_"


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session, name: str, scope: Scope, countries: Iterable[str] = ()
) -> tuple[ApiKey, str]:
    """A new key; the secret is returned once and never stored."""
    secret = new_secret()
    key = ApiKey(
        name=name,
        scope=scope.value,
        countries=",".join(sorted(set(countries))),
        key_hash=hash_secret(secret),
    )
    session.add(key)
    session.commit()
    session.refresh(key)
    return key, secret


def find_key(session: Session, secret: str) -> ApiKey | None:
    digest = hash_secret(secret)
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == digest)).first()
    if key is None or key.revoked_at is not None:
        return None
    return key if hmac.compare_digest(key.key_hash, digest) else None


def revoke_key(session: Session, name: str) -> bool:
    key = session.exec(
        select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))  # type: ignore[union-attr]
    ).first()
    if key is None:
        return False
    key.revoked_at = utcnow()
    session.add(key)
    session.commit()
    return True


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": 'Bearer realm="diplocal"'})


def writer_key(request: Request, session: SessionDep) -> ApiKey:
    """The key of a write request (``Authorization: Bearer <key>``), or a 401/403 problem."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if not header:
        raise _unauthorized(
            "This request changes data and needs an API key: send 'Authorization: Bearer <key>'."
        )
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <key>'.")
    key = find_key(session, secret.strip())
    if key is None:
        raise _unauthorized("The API key is not valid or has been revoked.")
    if key.scope == Scope.reader:
        raise HTTPException(403, "A reader key can only read private feeds, not change data.")
    return key


WriterDep = Annotated[ApiKey, Depends(writer_key)]


def require_countries(key: ApiKey, countries: Iterable[str]) -> None:
    """An editor may only touch items whose countries are all among its own."""
    if key.scope == Scope.admin:
        return
    outside = sorted(set(countries) - key.country_set)
    if outside:
        raise HTTPException(
            403,
            f"The key {key.name!r} may edit only {', '.join(sorted(key.country_set)) or 'nothing'};"
            f" this involves {', '.join(outside)}.",
        )
