"""API keys: random bearer secrets, stored only as SHA-256 hashes and compared in constant time.

A key carries 256 random bits, so an unsalted hash is enough: nothing about it can be guessed
from the database, and a lookup by hash stays an index hit.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, select

from app import audit
from app.db import SessionDep, utcnow
from app.models import ApiKey, FeedToken, Scope

KEY_PREFIX = "dcal_"


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session, name: str, scope: Scope, countries: Iterable[str] = (), actor: str = "cli"
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
    audit.record(
        session, actor=actor, request_id=None, action="create", entity="key",
        entity_id=key.id, after=key_snapshot(key),
    )  # fmt: skip
    session.commit()
    session.refresh(key)
    return key, secret


def find_key(session: Session, secret: str) -> ApiKey | None:
    digest = hash_secret(secret)
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == digest)).first()
    if key is None or key.revoked_at is not None:
        return None
    return key if hmac.compare_digest(key.key_hash, digest) else None


def revoke_key(session: Session, name: str, actor: str = "cli") -> bool:
    """Revoke a key and every live feed token it made: a token must not outlive the key
    whose rights it carries. Each revocation is audited."""
    key = session.exec(
        select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))  # type: ignore[union-attr]  # SQLModel: a column at class level
    ).first()
    if key is None:
        return False
    before = key_snapshot(key)
    key.revoked_at = utcnow()
    session.add(key)
    audit.record(
        session, actor=actor, request_id=None, action="revoke", entity="key",
        entity_id=key.id, before=before, after=key_snapshot(key),
    )  # fmt: skip
    tokens = session.exec(
        select(FeedToken).where(FeedToken.created_by == key.name, FeedToken.revoked_at.is_(None))  # type: ignore[union-attr]  # SQLModel: a column at class level
    )
    for token in tokens:
        before = {"name": token.name, "countries": token.country_list, "revoked_at": None}
        token.revoked_at = key.revoked_at
        session.add(token)
        audit.record(
            session, actor=actor, request_id=None, action="revoke", entity="feed_token",
            entity_id=token.id, before=before,
            after={**before, "revoked_at": key.revoked_at.isoformat(),
                   "reason": f"key {name!r} revoked"},
        )  # fmt: skip
    session.commit()
    return True


def key_snapshot(key: ApiKey) -> dict[str, Any]:
    """What the audit trail keeps of a key: never its secret or hash."""
    return {
        "name": key.name,
        "scope": key.scope,
        "countries": sorted(key.country_set),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": 'Bearer realm="diplocal"'})


# Declared for the OpenAPI schema (the "Authorize" button of /docs); parsing stays ours so
# that every failure is a problem document with a WWW-Authenticate challenge.
bearer_scheme = HTTPBearer(auto_error=False, description="An API key from `diplocal keys create`.")


def authenticated_key(
    request: Request,
    session: SessionDep,
    _: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)] = None,
) -> ApiKey:
    """The request's key (``Authorization: Bearer <key>``), or a 401 problem."""
    header = request.headers.get("authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if not header:
        raise _unauthorized("This request needs an API key: send 'Authorization: Bearer <key>'.")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <key>'.")
    key = find_key(session, secret.strip())
    if key is None:
        raise _unauthorized("The API key is not valid or has been revoked.")
    return key


KeyDep = Annotated[ApiKey, Depends(authenticated_key)]


def writer_key(key: KeyDep) -> ApiKey:
    """The key of a write: any key but a reader's, which only opens private feeds."""
    if key.scope == Scope.reader:
        raise HTTPException(403, "A reader key can only read private feeds, not change data.")
    return key


WriterDep = Annotated[ApiKey, Depends(writer_key)]


def viewer_key(
    request: Request,
    session: SessionDep,
    _: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)] = None,
) -> ApiKey | None:
    """The key of a read, if it sent one: it may see private events of its countries.
    A read with a wrong key is a 401, not a silently public answer."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _space, secret = header.partition(" ")
    key = find_key(session, secret.strip()) if scheme.lower() == "bearer" else None
    if key is None:
        raise _unauthorized("The API key is not valid or has been revoked.")
    return key


ViewerDep = Annotated[ApiKey | None, Depends(viewer_key)]


def sees_private(key: ApiKey | None, countries: Iterable[str]) -> bool:
    """Admins see every private event; editors and readers those of their countries."""
    if key is None:
        return False
    return key.scope == Scope.admin or set(countries) <= key.country_set


@dataclass(frozen=True)
class Change:
    """Who makes a write and in which request: routers check its permissions, and
    ``app.crud`` records its ``actor`` in the audit trail."""

    key: ApiKey
    request_id: str | None

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.key.name, self.request_id)

    def require(self, countries: Iterable[str]) -> None:
        require_countries(self.key, countries)

    def require_admin(self) -> None:
        if self.key.scope != Scope.admin:
            raise HTTPException(403, f"Only an admin key may do this; {self.key.name!r} is not.")


def change(request: Request, key: WriterDep) -> Change:
    return Change(key, getattr(request.state, "request_id", None))


ChangeDep = Annotated[Change, Depends(change)]


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
