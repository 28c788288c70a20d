"""Milestone forms (new, edit with their sources, delete), and for admins the audit trail
with a restore button for each deleted milestone or event, all through ``app.crud``."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, select

from app import audit, crud
from app.api.deps import RawBodyDep
from app.models import AuditEntry, Confidence, Event, Milestone, MilestoneKind, MilestonePublic
from app.pages import forms
from app.pages.edit_events import conflict
from app.pages.editing import (
    admin_refusal,
    change_of,
    editor_or_refusal,
    form_page,
    parse_id,
    refused,
    scope_refusal,
    stale,
    validate_milestone,
)
from app.pages.session import Editor

router = APIRouter(include_in_schema=False)


def _render(request, editor: Editor, form, milestone=None, errors=None, status=200):
    context = {
        "form": form,
        "milestone": milestone,
        "errors": forms.field_errors(errors or [], form),
        "error_list": errors or [],
        "editor": editor,
        "country_choices": forms.country_choices(
            None if editor.is_admin else editor.key.country_set
        ),
        "languages": [(lang, forms.AUTONYMS[lang]) for lang in forms.OTHER_LANGUAGES],
        "kinds": forms.options(MilestoneKind),
        "confidences": forms.options(Confidence),
    }
    return form_page(request, "milestone_form.html", context, status)


def _done(milestone: Milestone) -> Response:
    codes = milestone.countries
    place = "/pairs/" + "-".join(codes) if len(codes) == 2 else f"/countries/{codes[0]}"
    return RedirectResponse(place, status_code=303)


@router.get("/milestones/new")
def new_milestone_form(request: Request, pair: str | None = None) -> Response:
    """A new milestone, with its source."""
    editor = editor_or_refusal(request)
    if isinstance(editor, Response):
        return editor
    codes = sorted((pair or "").upper().split("-")) if pair else []
    form: forms.Form = {"kind": "diplomatic_relations", "confidence": "unverified"}
    if len(codes) == 2 and all(editor.is_admin or c in editor.key.country_set for c in codes):
        form.update(country_a=codes[0], country_b=codes[1])
    return _render(request, editor, form)


@router.post("/milestones/new")
def create_milestone(request: Request, body: RawBodyDep) -> Response:
    """Validate as ``POST /api/v1/milestones`` does; store through ``crud.create_milestone``."""
    form = forms.parse_form(body)
    editor = editor_or_refusal(request, form)
    if isinstance(editor, Response):
        return editor
    change = change_of(request, editor)
    valid, errors = validate_milestone(forms.milestone_input(form))
    if valid is None:
        return _render(request, editor, form, errors=errors, status=422)
    if refusal := scope_refusal(request, change, valid.countries):
        return refusal
    with Session(request.app.state.engine) as session:
        milestone = crud.create_milestone(session, change.actor, valid)
        session.commit()
        session.refresh(milestone)
        return _done(milestone)


def _stored(session: Session, milestone_id: str) -> Milestone | None:
    parsed = parse_id(milestone_id)
    found = session.get(Milestone, parsed) if parsed else None
    return found if found is not None and found.deleted_at is None else None


def _stored_input(milestone: Milestone) -> dict[str, Any]:
    """The stored values, as the "changed meanwhile" page shows them beside the form's."""
    public = MilestonePublic.model_validate(milestone)
    return {
        **public.as_input(),
        "source": public.source,
        "source_url": public.source_url,
        "revision": milestone.revision,
    }


@router.get("/milestones/{milestone_id}/edit")
def edit_milestone_form(request: Request, milestone_id: str) -> Response:
    """The milestone's form, carrying its revision."""
    editor = editor_or_refusal(request)
    if isinstance(editor, Response):
        return editor
    with Session(request.app.state.engine) as session:
        milestone = _stored(session, milestone_id)
        if milestone is None:
            return refused(request, "No milestone has this address.", 404, title="Not found")
        if refusal := scope_refusal(request, change_of(request, editor), milestone.countries):
            return refusal
        return _render(request, editor, forms.milestone_form(milestone), milestone)


@router.post("/milestones/{milestone_id}/edit")
def update_milestone(request: Request, milestone_id: str, body: RawBodyDep) -> Response:
    """Save through ``crud.update_milestone``, or delete (``action=delete``)."""
    form = forms.parse_form(body)
    editor = editor_or_refusal(request, form)
    if isinstance(editor, Response):
        return editor
    change = change_of(request, editor)
    with Session(request.app.state.engine) as session:
        milestone = _stored(session, milestone_id)
        if milestone is None:
            return refused(request, "No milestone has this address.", 404, title="Not found")
        if refusal := scope_refusal(request, change, milestone.countries):
            return refusal
        data = forms.milestone_input(form)
        if stale(form, milestone.revision):
            return conflict(request, data, _stored_input(milestone), request.url.path)
        if form.get("action") == "delete":
            crud.delete_milestone(session, change.actor, milestone)
            session.commit()
            return _done(milestone)
        valid, errors = validate_milestone(data)
        if valid is None:
            return _render(request, editor, form, milestone, errors, status=422)
        if refusal := scope_refusal(request, change, valid.countries):
            return refusal
        if crud.update_milestone(session, change.actor, milestone, valid.fields()):
            session.commit()
            session.refresh(milestone)
        return _done(milestone)


@router.get("/audit")
def audit_page(request: Request, entity: str | None = None, id: str | None = None) -> Response:
    """Who changed what and when, newest first (admins), with restore buttons."""
    editor = editor_or_refusal(request)
    if isinstance(editor, Response):
        return editor
    if refusal := admin_refusal(request, change_of(request, editor)):
        return refusal
    if entity not in (None, "", "milestone", "event", "key", "feed_token"):
        return refused(request, "entity must be milestone, event, key or feed_token.", 422)
    with Session(request.app.state.engine) as session:
        stmt = audit.entries(entity=entity or None, entity_id=(id or "").strip()[:64] or None)
        stmt = stmt.order_by(None).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())  # type: ignore[union-attr]
        entries = list(session.exec(stmt.limit(200)))
        deleted = _deleted_ids(session, entries)
    context = {"entries": entries, "deleted": deleted, "entity": entity or "", "id": id or "",
               "editor": editor}  # fmt: skip
    return form_page(request, "audit.html", context)


def _deleted_ids(session: Session, entries: list[AuditEntry]) -> set[str]:
    """The ids among these entries whose item is deleted now, so can be restored."""
    result = set()
    for model, entity in ((Milestone, "milestone"), (Event, "event")):
        ids = [parse_id(e.entity_id) for e in entries if e.entity == entity]
        ids = [i for i in ids if i is not None]
        if ids:
            rows = session.exec(
                select(model.id).where(model.id.in_(ids), model.deleted_at.is_not(None))  # type: ignore[attr-defined]
            )
            result |= {str(i) for i in rows}
    return result


@router.post("/{entity}s/{item_id}/restore")
def restore(request: Request, entity: str, item_id: str, body: RawBodyDep) -> Response:
    """Bring back a deleted milestone or event (admins) through ``crud.restore_*``."""
    editor = editor_or_refusal(request, forms.parse_form(body))
    if isinstance(editor, Response):
        return editor
    if refusal := admin_refusal(request, change_of(request, editor)):
        return refusal
    model = {"milestone": Milestone, "event": Event}.get(entity)
    parsed = parse_id(item_id)
    with Session(request.app.state.engine) as session:
        item = session.get(model, parsed) if model and parsed else None  # type: ignore[arg-type]
        if item is None:
            return refused(request, f"No {entity} has this address.", 404, title="Not found")
        actor = change_of(request, editor).actor
        restored = (
            crud.restore_milestone(session, actor, item)
            if isinstance(item, Milestone)
            else crud.restore_event(session, actor, item)
        )
        if restored:
            session.commit()
    return RedirectResponse(f"/audit?entity={entity}&id={item_id}", status_code=303)
