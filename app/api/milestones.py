import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import ValidationError
from sqlmodel import func, select

from app.api.deps import PagingDep, PlaceFilterDep, public_url
from app.auth import WriterDep, require_countries
from app.crud import bump_feed_versions, celebrating_countries, milestones_query
from app.db import SessionDep, utcnow
from app.models import (
    Milestone,
    MilestoneCreate,
    MilestonePublic,
    MilestoneUpdate,
    Page,
)
from app.problems import from_pydantic, invalid

router = APIRouter(prefix="/milestones", tags=["milestones"])

# The fields an event's VEVENT takes from the milestone it celebrates (app/feeds.py).
CELEBRATED_AS = ("kind", "date", "country_a", "country_b", "title")


def get_milestone(milestone_id: uuid.UUID, session: SessionDep) -> Milestone:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise HTTPException(404, f"No milestone has the id {milestone_id}.")
    return milestone


MilestoneDep = Annotated[Milestone, Depends(get_milestone)]


@router.get("", response_model=Page[MilestonePublic])
def list_milestones(
    session: SessionDep,
    paging: PagingDep,
    place: PlaceFilterDep,
    q: Annotated[
        str | None,
        Query(description="Text in title, description, source or country names.", max_length=200),
    ] = None,
):
    """Milestones in date order, filtered by country, pair, kind and text."""
    stmt = milestones_query(country=place.country, pair=place.pair, kinds=place.kinds, q=q)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(Milestone.date, Milestone.id).offset(paging.offset).limit(paging.limit)
    )
    return Page(
        items=[MilestonePublic.of(m) for m in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("", status_code=201, response_model=MilestonePublic)
def create_milestone(
    body: MilestoneCreate,
    session: SessionDep,
    key: WriterDep,
    request: Request,
    response: Response,
):
    """Record a milestone; `title` is generated from kind and countries when omitted."""
    require_countries(key, body.countries)
    now = utcnow()
    milestone = Milestone(**body.fields(), created_at=now, updated_at=now)
    session.add(milestone)
    bump_feed_versions(session, milestone.countries)
    session.commit()
    session.refresh(milestone)
    response.headers["Location"] = public_url(request, f"/api/v1/milestones/{milestone.id}")
    return MilestonePublic.of(milestone)


@router.get("/{milestone_id}", response_model=MilestonePublic)
def read_milestone(milestone: MilestoneDep):
    """One milestone."""
    return MilestonePublic.of(milestone)


@router.patch("/{milestone_id}", response_model=MilestonePublic)
def update_milestone(
    milestone: MilestoneDep, body: MilestoneUpdate, session: SessionDep, key: WriterDep
):
    """Change some fields; `revision` grows by one when anything changed."""
    changes = body.model_dump(exclude_unset=True)
    for required in ("kind", "date", "countries", "confidence"):
        if required in changes and changes[required] is None:
            raise invalid(required, "may not be null", "body")
    require_countries(key, milestone.countries)
    merged = MilestonePublic.of(milestone).as_input()
    if "date" in changes and "precision" not in changes:
        merged.pop("precision", None)
    merged.update(changes)
    try:
        validated = MilestoneCreate.model_validate(merged)
    except ValidationError as exc:
        raise from_pydantic(exc) from None
    require_countries(key, validated.countries)
    fields = validated.fields()
    if any(getattr(milestone, k) != v for k, v in fields.items()):
        before = milestone.countries
        # Events that celebrate it say what they celebrate, from these fields.
        named = any(getattr(milestone, k) != fields[k] for k in CELEBRATED_AS)
        celebrating = celebrating_countries(session, milestone.id) if named else []
        milestone.sqlmodel_update(fields)
        milestone.revision += 1
        milestone.updated_at = utcnow()
        session.add(milestone)
        bump_feed_versions(session, before, milestone.countries, *celebrating)
        session.commit()
        session.refresh(milestone)
    return MilestonePublic.of(milestone)


@router.delete("/{milestone_id}", status_code=204)
def delete_milestone(milestone: MilestoneDep, session: SessionDep, key: WriterDep):
    """Delete a milestone."""
    require_countries(key, milestone.countries)
    # Its celebrations lose their link to it (ON DELETE SET NULL), in whatever feeds they are.
    bump_feed_versions(session, milestone.countries, *celebrating_countries(session, milestone.id))
    session.delete(milestone)
    session.commit()
