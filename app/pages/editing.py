"""What every editing page shares: who is signed in, the CSRF check, the refusal pages, and
the API's own validation and permission checks, called rather than copied."""

import uuid
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.api.events import anniversary_errors
from app.auth import Change
from app.models import EventCreate, MilestoneCreate
from app.pages import forms, i18n
from app.pages.render import page
from app.pages.session import CSRF_FIELD, Editor, csrf_valid, current
from app.problems import validation_errors

CSRF_REFUSED = (
    "This form's security token (CSRF token) is missing or does not belong to your session, "
    "so nothing was changed. Go back, reload the form and submit it again."
)


def lang_of(request: Request) -> str:
    return i18n.negotiate(request) or "en"


def refused(request: Request, detail: str, status: int = 403, *, title: str | None = None):
    """The page of a refusal (403: not allowed, CSRF; 404; 409): what and why, in words."""
    context = {"status": status, "detail": detail, "heading": title, "editor": current(request)}
    response = page(request, "refused.html", context, lang=lang_of(request), status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def form_page(request: Request, template: str, context: dict[str, Any], status: int = 200):
    """A form: never stored by a cache, since it carries the session's CSRF token."""
    response = page(request, template, context, lang=lang_of(request), status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def signin_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)


def editor_or_refusal(request: Request, form: forms.Form | None = None) -> Editor | Response:
    """The signed-in editor; for a POST (``form`` given), also a valid CSRF token. A GET
    without a session goes to the sign-in page; a POST gets a refusal, so nothing typed is
    sent anywhere else."""
    editor = current(request)
    if editor is None:
        if form is None:
            return signin_redirect(request)
        return refused(
            request, "You are not signed in, or your session has ended: sign in and try again."
        )
    if form is not None and not csrf_valid(editor, form.get(CSRF_FIELD, "")):
        return refused(request, CSRF_REFUSED, title="Form refused")
    return editor


def change_of(request: Request, editor: Editor) -> Change:
    return Change(editor.key, getattr(request.state, "request_id", None))


def scope_refusal(request: Request, change: Change, countries: list[str]) -> Response | None:
    """``app.auth``'s own check and message: an editor touches only its countries."""
    try:
        change.require(countries)
    except HTTPException as exc:
        return refused(request, str(exc.detail))
    return None


def admin_refusal(request: Request, change: Change) -> Response | None:
    try:
        change.require_admin()
    except HTTPException as exc:
        return refused(request, str(exc.detail))
    return None


def validate_event(session: Session, data: dict[str, Any]):
    """``(EventCreate, [])`` or ``(None, errors)`` with the API's fields and messages."""
    try:
        body = EventCreate.model_validate(data)
    except ValidationError as exc:
        return None, validation_errors(exc.errors(include_url=False))
    if errors := anniversary_errors(session, body):
        return None, errors
    return body, []


def validate_milestone(data: dict[str, Any]):
    try:
        return MilestoneCreate.model_validate(data), []
    except ValidationError as exc:
        return None, validation_errors(exc.errors(include_url=False))


def parse_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def stale(form: forms.Form, revision: int) -> bool:
    """The form was read at another revision than the stored one (the API's If-Match)."""
    return form.get("revision", "") != str(revision)


def safe_next(value: str | None) -> str:
    """Only a path on this site: never ``//host`` or ``https://…`` (an open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"
