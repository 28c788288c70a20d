import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from app import crud, transfer
from app.api.concurrency import check_if_match, set_etag
from app.api.deps import LangDep, PagingDep, PlaceFilterDep, RawBodyDep, public_url
from app.api.localise import milestone_out
from app.auth import ChangeDep
from app.db import SessionDep
from app.models import (
    Milestone,
    MilestoneCreate,
    MilestonePublic,
    MilestoneUpdate,
    Page,
)
from app.problems import PROBLEM_JSON, from_pydantic, invalid, problem
from app.queries import milestones_query

router = APIRouter(prefix="/milestones", tags=["milestones"])


def get_milestone(milestone_id: uuid.UUID, session: SessionDep) -> Milestone:
    """The milestone, or 404 when it does not exist or is deleted."""
    milestone = session.get(Milestone, milestone_id)
    if milestone is None or milestone.deleted_at is not None:
        raise HTTPException(404, f"No milestone has the id {milestone_id}.")
    return milestone


MilestoneDep = Annotated[Milestone, Depends(get_milestone)]


@router.get("", response_model=Page[MilestonePublic])
def list_milestones(
    session: SessionDep,
    paging: PagingDep,
    place: PlaceFilterDep,
    lang: LangDep,
    q: Annotated[
        str | None,
        Query(description="Text in title, description, source or country names.", max_length=200),
    ] = None,
):
    """Milestones in date order, filtered by country, pair, kind and text."""
    stmt = milestones_query(place, q)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(Milestone.date), col(Milestone.id))
        .offset(paging.offset)
        .limit(paging.limit)
    )
    return Page(
        items=[milestone_out(m, lang) for m in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("", status_code=201, response_model=MilestonePublic)
def create_milestone(
    body: MilestoneCreate,
    session: SessionDep,
    change: ChangeDep,
    request: Request,
    response: Response,
):
    """Record a milestone; `title` is generated from kind and countries when omitted."""
    change.require(body.countries)
    milestone = crud.create_milestone(session, change.actor, body)
    session.commit()
    session.refresh(milestone)
    response.headers["Location"] = public_url(request, f"/api/v1/milestones/{milestone.id}")
    set_etag(response, milestone.revision)
    return MilestonePublic.model_validate(milestone)


IMPORT_TYPES: dict[str, Literal["csv", "json"]] = {"text/csv": "csv", "application/json": "json"}
_IMPORT_BODY = {
    "required": True,
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "object"}},
    },
}


@router.post(
    "/import",
    response_model=transfer.ImportReport,
    openapi_extra={"requestBody": _IMPORT_BODY},
    responses={
        403: {"description": "Not an admin key."},
        415: {"description": "Neither `text/csv` nor `application/json`."},
        422: {
            "description": "Bad rows: nothing was imported; `errors` names each with its line.",
            "content": {PROBLEM_JSON: {}},
        },
    },
)
def import_milestones(
    session: SessionDep,
    change: ChangeDep,
    request: Request,
    body: RawBodyDep,
    skip_invalid: Annotated[
        bool, Query(description="Load the valid rows and report the others.")
    ] = False,
):
    """Import a `diplocal export` file (admin keys): its milestones, and in JSON its events
    too; all or nothing unless `skip_invalid`. The answer counts the milestones at the top
    level and the events under `events` (zero for CSV, which holds milestones only)."""
    change.require_admin()
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    fmt = IMPORT_TYPES.get(media_type)
    if fmt is None:
        raise HTTPException(415, "Send the file as text/csv or application/json.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid("body", "the file is not UTF-8 text", "body") from None
    report = transfer.load(session, text, fmt, skip_invalid=skip_invalid, actor=change.actor)
    if report.rejected:
        return problem(
            422,
            f"Nothing was imported: {report.reason}. Fix what `errors` lists, or send "
            "skip_invalid=true to load the valid rows.",
            errors=[e.model_dump() for e in report.errors],
        )
    try:
        session.commit()
    except IntegrityError:  # a concurrent write created one of these ids first
        session.rollback()
        raise HTTPException(
            409,
            "Another write created some of these milestones or events meanwhile; import again.",
        ) from None
    return report.as_response()


@router.get("/{milestone_id}", response_model=MilestonePublic)
def read_milestone(milestone: MilestoneDep, response: Response, lang: LangDep):
    """One milestone, its `title` in the answer's language; its `ETag` is its revision, for
    `If-Match` on changes."""
    set_etag(response, milestone.revision)
    return milestone_out(milestone, lang)


@router.patch("/{milestone_id}", response_model=MilestonePublic)
def update_milestone(
    milestone: MilestoneDep,
    body: MilestoneUpdate,
    session: SessionDep,
    change: ChangeDep,
    request: Request,
    response: Response,
):
    """Change some fields; `revision` grows by one when anything changed. With `If-Match`,
    a revision that is no longer current gets 412."""
    changes = body.model_dump(exclude_unset=True)
    for required in ("kind", "date", "countries", "confidence"):
        if required in changes and changes[required] is None:
            raise invalid(required, "may not be null", "body")
    change.require(milestone.countries)
    check_if_match(request, milestone.revision)
    merged = MilestonePublic.model_validate(milestone).as_input()
    if "date" in changes and "precision" not in changes:
        merged.pop("precision", None)
    merged.update(changes)
    try:
        validated = MilestoneCreate.model_validate(merged)
    except ValidationError as exc:
        raise from_pydantic(exc) from None
    change.require(validated.countries)
    if crud.update_milestone(session, change.actor, milestone, validated.fields()):
        session.commit()
        session.refresh(milestone)
    set_etag(response, milestone.revision)
    return MilestonePublic.model_validate(milestone)


@router.delete("/{milestone_id}", status_code=204)
def delete_milestone(
    milestone: MilestoneDep, session: SessionDep, change: ChangeDep, request: Request
):
    """Delete a milestone: it leaves lists, anniversaries and feeds until an admin restores
    it; events that celebrate it keep their link."""
    change.require(milestone.countries)
    check_if_match(request, milestone.revision)
    crud.delete_milestone(session, change.actor, milestone)
    session.commit()


@router.post("/{milestone_id}/restore", response_model=MilestonePublic)
def restore_milestone(milestone_id: uuid.UUID, session: SessionDep, change: ChangeDep):
    """Bring back a deleted milestone (admin keys)."""
    change.require_admin()
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise HTTPException(404, f"No milestone has the id {milestone_id}.")
    if crud.restore_milestone(session, change.actor, milestone):
        session.commit()
        session.refresh(milestone)
    return MilestonePublic.model_validate(milestone)
