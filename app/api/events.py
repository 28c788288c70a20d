import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import ValidationError
from sqlmodel import Session, func, select

from app import crud, queries
from app.api.concurrency import check_if_match, set_etag
from app.api.deps import (
    LangDep,
    PagingDep,
    RawBodyDep,
    check_bounds,
    check_window,
    parse_country,
    parse_kinds,
    parse_pair,
    public_url,
)
from app.api.localise import event_out
from app.auth import Change, ChangeDep, ViewerDep, sees_private
from app.db import SessionDep
from app.feeds import ical, render
from app.filters import AnniversaryFilter
from app.models import (
    ApiKey,
    Event,
    EventCreate,
    EventKind,
    EventMode,
    EventPublic,
    EventStatus,
    EventUpdate,
    Milestone,
    Page,
    Scope,
    anniversary_problem,
)
from app.problems import forbidden, from_pydantic, invalid, problem, validation_errors
from app.transfer.ics import IcsSyntaxError, ParsedEvent, parse_events

router = APIRouter(prefix="/events", tags=["events"])


def get_event(event_id: uuid.UUID, session: SessionDep, viewer: ViewerDep) -> Event:
    """The event, or 404 when it does not exist, is deleted, or is private to this reader."""
    event = session.get(Event, event_id)
    if event is None or event.deleted_at is not None:
        raise HTTPException(404, f"No event has the id {event_id}.")
    if event.private and not sees_private(viewer, event.countries):
        raise HTTPException(404, f"No event has the id {event_id}.")
    return event


EventDep = Annotated[Event, Depends(get_event)]


def may_link(key: ApiKey, milestone: Milestone) -> bool:
    """An editor may celebrate only milestones of its own countries: an event linked to a
    milestone is listed among that milestone's anniversaries, in other countries' feeds."""
    return key.scope == Scope.admin or set(milestone.countries) <= key.country_set


def link_refusal(key: ApiKey, milestone: Milestone) -> str:
    own = ", ".join(sorted(key.country_set))
    return (
        f"the key {key.name!r} may link events only to milestones of {own}; this one is of "
        f"{', '.join(milestone.countries)}"
    )


def anniversary_errors(
    session: Session, body: EventCreate, key: ApiKey | None = None
) -> list[dict[str, Any]]:
    """The event's milestone must exist, be one ``key`` may link to (a 403), and the year be
    an anniversary near the event."""
    if body.milestone_id is None:
        return []
    milestone = session.get(Milestone, body.milestone_id)
    if milestone is None:
        return [
            {"field": "milestone_id", "message": f"no milestone has the id {body.milestone_id}"}
        ]
    if key is not None and not may_link(key, milestone):
        return [{"field": "milestone_id", "status": 403, "message": link_refusal(key, milestone)}]
    year = body.year or body.first_day.year
    reason = anniversary_problem(milestone.date, year, body.first_day)
    if reason:
        return [{"field": "year", "message": reason}]
    body.year = year
    return []


def raise_first(errors: list[dict[str, Any]], where: str = "body") -> None:
    """The first of ``anniversary_errors``: a 403 naming the field, or a 422."""
    if not errors:
        return
    first = errors[0]
    if first.get("status") == 403:
        raise forbidden(first["field"], first["message"])
    raise invalid(first["field"], first["message"], where)


def validated(
    session: Session, data: dict[str, Any], key: ApiKey | None = None, where: str = "body"
) -> EventCreate:
    try:
        body = EventCreate.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc, where) from None
    raise_first(anniversary_errors(session, body, key), where)
    return body


@router.get("", response_model=Page[EventPublic])
def list_events(
    session: SessionDep,
    paging: PagingDep,
    viewer: ViewerDep,
    lang: LangDep,
    country: Annotated[str | None, Query(description="ISO code: events involving it.")] = None,
    pair: Annotated[str | None, Query(description="Two codes, order-insensitive: `CN-PE`.")] = None,
    kind: Annotated[str | None, Query(description="Comma-separated event kinds.")] = None,
    mode: Annotated[EventMode | None, Query()] = None,
    status: Annotated[EventStatus | None, Query()] = None,
    milestone_id: Annotated[uuid.UUID | None, Query()] = None,
    from_: Annotated[dt.date | None, Query(alias="from", description="Ending on or after.")] = None,
    to: Annotated[dt.date | None, Query(description="Starting on or before.")] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Text in title, description, venue, city, organisers."),
    ] = None,
):
    """Events in date order, filtered by country, pair, kind, mode, status, milestone, dates.
    Private events are listed only to keys that may see them."""
    where = AnniversaryFilter(
        country=parse_country(country) if country else None,
        pair=parse_pair(pair) if pair else None,
        kinds=parse_kinds(kind, EventKind),
    )
    # The same window rule as anniversaries and feeds: calendar years, at most 20 of them.
    check_bounds(from_, to)
    if from_ and to:
        check_window(from_, to)
    stmt = queries.events_query(where, start=from_, end=to)
    stmt = stmt.where(queries.visible_events(viewer))
    if mode:
        stmt = stmt.where(Event.mode == mode.value)
    if status:
        stmt = stmt.where(Event.status == status.value)
    if milestone_id:
        stmt = stmt.where(Event.milestone_id == milestone_id)
    if q and q.strip():
        stmt = stmt.where(queries.event_text_match(q))
    total = session.exec(select(func.count()).select_from(stmt.order_by(None).subquery())).one()
    rows = session.exec(stmt.offset(paging.offset).limit(paging.limit))
    return Page(
        items=[event_out(e, lang) for e in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("", status_code=201, response_model=EventPublic)
def create_event(
    body: EventCreate, session: SessionDep, change: ChangeDep, request: Request, response: Response
):
    """Record a celebration: all-day (`start_date`) or timed (`starts_at` in `timezone`)."""
    change.require(body.countries)
    raise_first(anniversary_errors(session, body, change.key))
    event = crud.create_event(session, change.actor, body.fields())
    session.commit()
    session.refresh(event)
    response.headers["Location"] = public_url(request, f"/api/v1/events/{event.id}")
    set_etag(response, event.revision)
    return EventPublic.model_validate(event)


@router.post(
    "/import",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    },
)
def import_events(
    request: Request,
    session: SessionDep,
    change: ChangeDep,
    body: RawBodyDep,
    countries: Annotated[
        str | None,
        Query(description="Countries (`CN,PE`) for events whose file does not name them."),
    ] = None,
    skip_invalid: Annotated[
        bool, Query(description="Store the valid events and report the others.")
    ] = False,
):
    """Create or update events by UID from a `text/calendar` body; the same file twice
    changes nothing. A file that does not parse is rejected whole, naming the line."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "text/calendar":
        return problem(415, "Send the events as 'Content-Type: text/calendar'.")
    default = [parse_country(c, "countries") for c in countries.split(",")] if countries else None
    try:
        parsed = parse_events(body, default)
    except IcsSyntaxError as exc:
        return problem(
            422,
            f"The file is not valid iCalendar: {exc}.",
            errors=[{"field": "body", "line": exc.line, "message": exc.message}],
        )
    return _store_imported(session, change, parsed, skip_invalid)


def _store_imported(
    session: Session, change: Change, parsed: list[ParsedEvent], skip_invalid: bool
):
    """Validate and store each parsed event; all or nothing unless ``skip_invalid``."""
    results: list[dict[str, Any]] = []
    bad: list[ParsedEvent] = []
    for item in parsed:
        body = None
        if not item.errors:
            try:
                body = EventCreate.model_validate(item.data)
            except ValidationError as exc:
                item.errors = validation_errors(exc.errors(include_url=False))
        existing = None
        if body is not None:
            item.errors = anniversary_errors(session, body, change.key)
            try:
                change.require(body.countries)
            except HTTPException as exc:
                item.errors.append(
                    {"field": "countries", "status": 403, "message": str(exc.detail)}
                )
            # The event a UID names is updated: the key needs rights on it as it is now (its
            # countries, hence its visibility), not only on what the file makes of it.
            existing = session.exec(select(Event).where(Event.uid == item.uid)).first()
            if existing is not None and not sees_private(change.key, existing.countries):
                item.errors.append({"field": "UID", "status": 403, "message": (
                    f"the event with this UID is of {', '.join(existing.countries)}, outside "
                    f"the key {change.key.name!r}'s countries")})  # fmt: skip
        if not item.errors and existing is not None and existing.deleted_at is not None:
            item.errors = [{"field": "UID", "message": "this event was deleted; restore it"}]
        if item.errors:
            bad.append(item)
            results.append({"line": item.line, "uid": item.uid, "result": "skipped",
                            "errors": item.errors})  # fmt: skip
            continue
        fields = body.fields()  # type: ignore[union-attr]
        if existing is None:
            event = crud.create_event(session, change.actor, fields, uid=item.uid)
            outcome = "created"
        else:
            event = existing
            changed = crud.update_event(session, change.actor, event, fields)
            outcome = "updated" if changed else "unchanged"
        session.flush()
        results.append({"line": item.line, "uid": item.uid, "id": str(event.id), "result": outcome})
    if bad and not skip_invalid:
        session.rollback()
        errors = [{"line": i.line, **e} for i in bad for e in i.errors]
        # Authorization first: a file touching what the key may not change is a 403.
        forbidden = any(e.get("status") == 403 for e in errors)
        return problem(
            403 if forbidden else 422,
            f"{len(bad)} of {len(parsed)} events cannot be imported; nothing was stored "
            "(add skip_invalid=true to store the others).",
            errors=errors,
        )
    session.commit()
    counts = {
        k: sum(r["result"] == k for r in results) for k in ("created", "updated", "unchanged")
    }
    return {**counts, "skipped": len(bad), "events": results}


@router.get("/{event_id}.ics", response_class=Response)
def download_event(event: EventDep, session: SessionDep, request: Request, lang: LangDep):
    """One event as an iCalendar file, to add to a calendar or import elsewhere, in the
    language of `lang` or `Accept-Language` (its own `title_i18n`, generated text)."""
    milestone = session.get(Milestone, event.milestone_id) if event.milestone_id else None
    if milestone is not None and milestone.deleted_at is not None:
        milestone = None  # a deleted milestone is not named
    vevent = render.event_vevent(
        event, public_url(request, ""), milestone, portable=True, lang=lang
    )
    zones = render.timezones_of([event], event.start_date.year, event.end_date.year)
    body = ical.calendar(
        prodid=render.PRODID, name=render.own_text(event, "title", lang) or event.title,
        description=None, components=[vevent],
        timezones=zones,
    ).encode()  # fmt: skip
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="event-{event.id}.ics"',
            "Content-Language": lang,
            "Vary": "Accept-Language",
        },
    )


@router.get("/{event_id}", response_model=EventPublic)
def read_event(event: EventDep, response: Response, lang: LangDep):
    """One event, its `title` in the answer's language; its `ETag` is its revision, for
    `If-Match` on changes."""
    set_etag(response, event.revision)
    return event_out(event, lang)


@router.patch("/{event_id}", response_model=EventPublic)
def update_event(
    event: EventDep,
    body: EventUpdate,
    session: SessionDep,
    change: ChangeDep,
    request: Request,
    response: Response,
):
    """Change some fields; `revision` (the feeds' SEQUENCE) grows by one when anything changed.
    With `If-Match`, a revision that is no longer current gets 412."""
    changes = body.model_dump(exclude_unset=True, mode="json")
    for required in ("title", "kind", "countries", "mode", "status", "visibility"):
        if required in changes and changes[required] is None:
            raise invalid(required, "may not be null", "body")
    change.require(event.countries)
    check_if_match(request, event.revision)
    merged = EventPublic.model_validate(event).as_input()
    # Switching between all-day and timed replaces the other form's fields.
    if {"start_date", "end_date"} & changes.keys():
        merged.update(starts_at=None, ends_at=None, timezone=None)
        if "start_date" in changes and "end_date" not in changes:
            merged["end_date"] = None
    if {"starts_at", "ends_at"} & changes.keys() and "start_date" not in changes:
        merged.update(start_date=None, end_date=None)
    if "milestone_id" in changes and "year" not in changes:
        merged["year"] = None
    merged.update(changes)
    validated_body = validated(session, merged, change.key)
    change.require(validated_body.countries)
    if crud.update_event(session, change.actor, event, validated_body.fields()):
        session.commit()
        session.refresh(event)
    set_etag(response, event.revision)
    return EventPublic.model_validate(event)


@router.delete("/{event_id}", status_code=204)
def delete_event(event: EventDep, session: SessionDep, change: ChangeDep, request: Request):
    """Delete an event: it leaves lists and feeds until an admin restores it."""
    change.require(event.countries)
    check_if_match(request, event.revision)
    crud.delete_event(session, change.actor, event)
    session.commit()


@router.post("/{event_id}/restore", response_model=EventPublic)
def restore_event(event_id: uuid.UUID, session: SessionDep, change: ChangeDep):
    """Bring back a deleted event (admin keys)."""
    change.require_admin()
    event = session.get(Event, event_id)
    if event is None:
        raise HTTPException(404, f"No event has the id {event_id}.")
    if crud.restore_event(session, change.actor, event):
        session.commit()
        session.refresh(event)
    return EventPublic.model_validate(event)
