"""Event forms: new, edit (and cancel), delete and restore, through ``app.crud`` with the
API's models, messages and scope checks (``app.pages.editing``).

Each form carries the event's revision; a save or delete against another revision shows
both versions ("changed meanwhile") instead of overwriting, like the API's ``If-Match``.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import crud
from app.api.deps import RawBodyDep
from app.countries import lookup
from app.models import (
    Event,
    EventKind,
    EventMode,
    EventPublic,
    EventStatus,
    OrganizerRole,
    Visibility,
)
from app.pages import forms
from app.pages.editing import (
    change_of,
    editor_or_refusal,
    form_page,
    parse_id,
    refused,
    scope_refusal,
    stale,
    validate_event,
)
from app.pages.render import today
from app.pages.session import Editor

router = APIRouter(include_in_schema=False)


def _choices(session: Session, editor: Editor, form: forms.Form) -> dict[str, Any]:
    countries = forms.countries_of(form)
    venue_zones, country_zones = forms.suggested_zones(countries, form.get("venue_country", ""))
    return {
        "country_choices": forms.country_choices(
            None if editor.is_admin else editor.key.country_set
        ),
        "venue_choices": forms.venue_choices(countries),
        "venue_zones": venue_zones,
        "suggested_zones": country_zones,
        "languages": [(lang, forms.AUTONYMS[lang]) for lang in forms.OTHER_LANGUAGES],
        "all_zones": forms.all_zones(),
        "anniversaries": forms.anniversary_choices(
            session, countries, today(), form.get("anniversary", "")
        ),
        "kinds": forms.options(EventKind),
        "modes": forms.options(EventMode),
        "statuses": forms.options(EventStatus),
        "visibilities": forms.options(Visibility),
        "roles": forms.options(OrganizerRole),
    }


def _render(request, session, editor, form, event=None, errors=None, status=200) -> Response:
    filled = forms.organizer_rows(form)
    last = max(filled, default=-1)
    context = {
        "form": form,
        "event": event,
        "errors": forms.field_errors(errors or [], form),
        "error_list": errors or [],
        "org_rows": list(range(last + 1 + forms.ORGANIZER_ROWS)),
        "editor": editor,
        **_choices(session, editor, form),
    }
    return form_page(request, "event_form.html", context, status)


def _pair_form(pair: str | None, editor: Editor) -> forms.Form:
    """A new event's form, its countries taken from ``?pair=CN-PE`` when given and allowed."""
    form: forms.Form = {"timing": "timed", "mode": "in_person", "status": "confirmed",
                        "visibility": "public", "kind": "reception"}  # fmt: skip
    infos = [lookup(c) for c in (pair or "").split("-")] if pair else []
    codes = sorted(i.code for i in infos if i is not None)
    if codes and all(editor.is_admin or c in editor.key.country_set for c in codes):
        form["country_a"] = codes[0]
        form["country_b"] = codes[1] if len(codes) > 1 else ""
    return form


def _done(event: Event) -> Response:
    """After a save: the public page of a public event, else its form again."""
    target = f"/events/{event.id}" if not event.private else f"/events/{event.id}/edit"
    return RedirectResponse(target, status_code=303)


@router.get("/events/new")
def new_event_form(request: Request, pair: str | None = None) -> Response:
    """A new event, its countries limited to the key's."""
    editor = editor_or_refusal(request)
    if isinstance(editor, Response):
        return editor
    with Session(request.app.state.engine) as session:
        return _render(request, session, editor, _pair_form(pair, editor))


@router.post("/events/new")
def create_event(request: Request, body: RawBodyDep) -> Response:
    """Validate as ``POST /api/v1/events`` does, then store through ``crud.create_event``."""
    form = forms.parse_form(body)
    editor = editor_or_refusal(request, form)
    if isinstance(editor, Response):
        return editor
    change = change_of(request, editor)
    with Session(request.app.state.engine) as session:
        valid, errors = validate_event(session, forms.event_input(form))
        if valid is None:
            return _render(request, session, editor, form, errors=errors, status=422)
        if refusal := scope_refusal(request, change, valid.countries):
            return refusal
        event = crud.create_event(session, change.actor, valid.fields())
        session.commit()
        session.refresh(event)
        return _done(event)


def _stored(session: Session, event_id: str) -> Event | None:
    parsed = parse_id(event_id)
    event = session.get(Event, parsed) if parsed else None
    return event if event is not None and event.deleted_at is None else None


@router.get("/events/{event_id}/edit")
def edit_event_form(request: Request, event_id: str) -> Response:
    """The event's form, carrying its revision."""
    editor = editor_or_refusal(request)
    if isinstance(editor, Response):
        return editor
    with Session(request.app.state.engine) as session:
        event = _stored(session, event_id)
        if event is None:
            return refused(request, "No event has this address.", 404, title="Not found")
        if refusal := scope_refusal(request, change_of(request, editor), event.countries):
            return refusal
        return _render(request, session, editor, forms.event_form(event), event)


def _stored_input(event: Event) -> dict[str, Any]:
    """The stored values, as the "changed meanwhile" page shows them beside the form's."""
    return {**EventPublic.model_validate(event).as_input(), "revision": event.revision}


def conflict(request: Request, yours: dict[str, Any], stored: dict[str, Any], edit_url: str):
    """Someone saved the item since this form was read: both versions, side by side."""
    rows = [
        (k, yours.get(k), stored.get(k), yours.get(k) != stored.get(k))
        for k in dict.fromkeys([*stored, *yours])
        if k not in ("revision",)
    ]
    context = {"rows": rows, "edit_url": edit_url, "revision": stored.get("revision")}
    return form_page(request, "conflict.html", context, status=409)


@router.post("/events/{event_id}/edit")
def update_event(request: Request, event_id: str, body: RawBodyDep) -> Response:
    """Save (or cancel: status ``cancelled``) through ``crud.update_event``."""
    form = forms.parse_form(body)
    editor = editor_or_refusal(request, form)
    if isinstance(editor, Response):
        return editor
    change = change_of(request, editor)
    with Session(request.app.state.engine) as session:
        event = _stored(session, event_id)
        if event is None:
            return refused(request, "No event has this address.", 404, title="Not found")
        if refusal := scope_refusal(request, change, event.countries):
            return refusal
        if form.get("action") == "cancel_event":
            form["status"] = EventStatus.cancelled.value
        data = forms.event_input(form)
        if stale(form, event.revision):
            return conflict(request, data, _stored_input(event), f"/events/{event.id}/edit")
        valid, errors = validate_event(session, data)
        if valid is None:
            return _render(request, session, editor, form, event, errors, status=422)
        if refusal := scope_refusal(request, change, valid.countries):
            return refusal
        if crud.update_event(session, change.actor, event, valid.fields()):
            session.commit()
            session.refresh(event)
        return _done(event)


@router.post("/events/{event_id}/delete")
def delete_event(request: Request, event_id: str, body: RawBodyDep) -> Response:
    """Soft delete through ``crud.delete_event``; an admin can restore it from /audit."""
    form = forms.parse_form(body)
    editor = editor_or_refusal(request, form)
    if isinstance(editor, Response):
        return editor
    change = change_of(request, editor)
    with Session(request.app.state.engine) as session:
        event = _stored(session, event_id)
        if event is None:
            return refused(request, "No event has this address.", 404, title="Not found")
        if refusal := scope_refusal(request, change, event.countries):
            return refusal
        if stale(form, event.revision):
            return conflict(
                request, {"deleted": True}, _stored_input(event), f"/events/{event.id}/edit"
            )
        countries = event.countries
        crud.delete_event(session, change.actor, event)
        session.commit()
    place = "/pairs/" + "-".join(countries) if len(countries) == 2 else f"/countries/{countries[0]}"
    return RedirectResponse(place, status_code=303)
