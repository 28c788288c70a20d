"""Browser sessions: a person pastes their API key once at ``/signin`` and gets a cookie.

The cookie holds a random session id and its HMAC signature; the database holds only the
id's SHA-256 and the key's id (``BrowserSession``), so signing out deletes the row and
revoking the key (``diplocal keys revoke``) ends its sessions at the next request. The key
itself never leaves the sign-in POST body: not in a URL, a page, a cookie or a log line.

The signing secret is ``DIPLOCAL_SECRET_KEY``, or one generated on first use and stored in
the ``service_secret`` table, so restarts and every worker agree on it.

CSRF: every form carries ``HMAC(secret, "csrf:" + session id)``; the sign-in form, before a
session exists, ``HMAC(secret, "signin:" + nonce)`` with the nonce in a short-lived cookie.
"""

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.db import utcnow
from app.models import ApiKey, BrowserSession, Scope, ServiceSecret

COOKIE = "diplocal_session"
SIGNIN_COOKIE = "diplocal_signin"
CSRF_FIELD = "csrf_token"
# Writing last_seen_at on every page view would make each read a write; once a minute is
# enough for an idle timeout counted in minutes.
TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Editor:
    """Who is signed in: the key (its scope and countries) and this session's CSRF token."""

    key: ApiKey
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.key.scope == Scope.admin

    def may_edit(self, countries: list[str]) -> bool:
        """The API's rule (``app.auth.require_countries``): all of the item's countries."""
        return self.is_admin or set(countries) <= self.key.country_set


def secret(request: Request) -> bytes:
    """The signing secret: the setting, else the stored one (made on first use)."""
    state = request.app.state
    cached = getattr(state, "session_secret", None)
    if cached is not None:
        return cached
    value = state.settings.secret_key
    if not value:
        with Session(state.engine) as session:
            row = session.get(ServiceSecret, "session")
            if row is None:
                session.add(ServiceSecret(name="session", value=secrets.token_urlsafe(48)))
                try:
                    session.commit()
                except IntegrityError:  # another worker made it first: use theirs
                    session.rollback()
                row = session.get(ServiceSecret, "session")
            value = row.value  # type: ignore[union-attr]
    state.session_secret = value.encode()
    return state.session_secret


def _mac(request: Request, purpose: str, value: str) -> str:
    digest = hmac.new(secret(request), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _session_id(request: Request) -> str | None:
    """The cookie's session id when its signature holds."""
    raw = request.cookies.get(COOKIE, "")
    sid, _dot, signature = raw.partition(".")
    if not sid or not hmac.compare_digest(signature, _mac(request, "cookie", sid)):
        return None
    return sid


def https(request: Request) -> bool:
    """Behind a proxy that terminates TLS, uvicorn's --proxy-headers sets the scheme; the
    header is read too, so the cookie stays Secure when that flag is off."""
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or proto == "https"


def _idle(request: Request) -> dt.timedelta:
    return dt.timedelta(minutes=request.app.state.settings.session_idle_minutes)


def current(request: Request) -> Editor | None:
    """The signed-in editor, or None: no cookie, a bad signature, signed out, idle too long,
    or a revoked key. Cached on the request."""
    if hasattr(request.state, "editor"):
        return request.state.editor
    editor = None
    sid = _session_id(request) if COOKIE in request.cookies else None
    if sid is not None:
        with Session(request.app.state.engine) as session:
            row = session.get(BrowserSession, _hash(sid))
            key = session.get(ApiKey, row.key_id) if row else None
            now = utcnow()
            if row is not None and (
                key is None or key.revoked_at or now - row.last_seen_at > _idle(request)
            ):
                session.delete(row)
                session.commit()
            elif row is not None and key is not None:
                if now - row.last_seen_at > TOUCH_EVERY:
                    row.last_seen_at = now
                    session.add(row)
                    session.commit()
                    session.refresh(key)
                session.expunge(key)
                editor = Editor(key, _mac(request, "csrf", sid))
    request.state.editor = editor
    return editor


def start(request: Request, response: Response, key: ApiKey) -> None:
    """A new session for ``key``: a row with the id's hash, and the signed id in a cookie."""
    sid = secrets.token_urlsafe(32)
    with Session(request.app.state.engine) as session:
        session.add(BrowserSession(id_hash=_hash(sid), key_id=key.id))
        session.commit()
    response.set_cookie(
        COOKIE, f"{sid}.{_mac(request, 'cookie', sid)}", httponly=True, samesite="lax",
        secure=https(request), path="/",
    )  # fmt: skip
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")


def end(request: Request, response: Response) -> None:
    """Sign out: the row goes, so the cookie opens nothing even if a copy of it survives."""
    sid = _session_id(request)
    if sid is not None:
        with Session(request.app.state.engine) as session:
            row = session.get(BrowserSession, _hash(sid))
            if row is not None:
                session.delete(row)
                session.commit()
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=https(request))


def signin_token(request: Request) -> tuple[str, str]:
    """The sign-in form's nonce (kept in a cookie by ``set_signin_cookie``) and CSRF token."""
    nonce = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(16)
    return nonce, _mac(request, "signin", nonce)


def set_signin_cookie(request: Request, response: Response, nonce: str) -> None:
    response.set_cookie(
        SIGNIN_COOKIE, nonce, httponly=True, samesite="lax", secure=https(request),
        path="/signin", max_age=3600,
    )  # fmt: skip


def signin_token_valid(request: Request, token: str) -> bool:
    nonce = request.cookies.get(SIGNIN_COOKIE)
    return bool(nonce) and hmac.compare_digest(token, _mac(request, "signin", nonce))  # type: ignore[arg-type]


def csrf_valid(editor: Editor, token: str) -> bool:
    return hmac.compare_digest(token.encode(), editor.csrf.encode())
