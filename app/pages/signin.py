"""``/signin`` and ``/signout``: a pasted API key becomes a session cookie (app/pages/session.py).

The key travels only in the POST body and is never echoed back: a form that comes back with
an error has its key field empty.
"""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.api.deps import RawBodyDep
from app.auth import find_key
from app.models import Scope
from app.pages import forms, session
from app.pages.editing import editor_or_refusal, form_page, refused, safe_next

router = APIRouter(include_in_schema=False)


def _form(request: Request, next_path: str, error: str | None = None, status: int = 200):
    nonce, token = session.signin_token(request)
    context = {"next": next_path, "error": error, "signin_token": token}
    response = form_page(request, "signin.html", context, status)
    session.set_signin_cookie(request, response, nonce)
    return response


@router.get("/signin")
def signin_form(request: Request, next: str | None = None) -> Response:
    """Paste an API key to edit from the browser."""
    return _form(request, safe_next(next))


@router.post("/signin")
def signin(request: Request, body: RawBodyDep) -> Response:
    """Check the key and start a session; the key itself is not kept anywhere."""
    form = forms.parse_form(body)
    next_path = safe_next(form.get("next"))
    if not session.signin_token_valid(request, form.get(session.CSRF_FIELD, "")):
        return refused(
            request,
            "The sign-in form's security token is missing or expired, so you were not signed "
            "in. Reload the sign-in page and try again; the service needs cookies.",
            title="Form refused",
        )
    secret = form.get("api_key", "").strip()
    with Session(request.app.state.engine) as db:
        key = find_key(db, secret) if secret else None
        if key is not None:
            db.expunge(key)
    if key is None:
        error = "The API key is not valid or has been revoked." if secret else "Paste your API key."
        return _form(request, next_path, error, status=401 if secret else 422)
    if key.scope == Scope.reader:
        return _form(
            request, next_path,
            "A reader key only opens private feeds; editing needs an editor or admin key.", 403,
        )  # fmt: skip
    response = RedirectResponse(next_path, status_code=303)
    session.start(request, response, key)
    return response


@router.post("/signout")
def signout(request: Request, body: RawBodyDep) -> Response:
    """End the session: its row goes, so a copied cookie opens nothing."""
    editor = editor_or_refusal(request, forms.parse_form(body))
    if isinstance(editor, Response):
        return editor
    response = RedirectResponse("/", status_code=303)
    session.end(request, response)
    return response
