import datetime as dt
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query

from app import queries
from app.anniversaries import Anniversary, add_years
from app.api.deps import PagingDep, PlaceFilterDep, check_window
from app.auth import ViewerDep
from app.db import SessionDep
from app.models import CELEBRATED_KINDS, AnniversaryPublic, Milestone, Page, format_partial_date
from app.wording import anniversary_title

router = APIRouter(prefix="/anniversaries", tags=["anniversaries"])


def anniversary_public(
    a: Anniversary[Milestone], event_ids: list | None = None
) -> AnniversaryPublic:
    m = a.milestone
    return AnniversaryPublic(
        milestone_id=m.id,
        kind=m.kind,
        countries=m.countries,
        year=a.year,
        date=a.date,
        month=m.date.month if m.precision != "year" else None,
        years=a.years,
        ordinal=a.ordinal,
        jubilee=a.jubilee,
        tier=a.tier,
        observed=a.observed,
        title=anniversary_title(a.years, m.kind, m.countries, m.title),
        origin_date=format_partial_date(m.date, m.precision),
        precision=m.precision,
        milestone_title=m.display_title,
        event_ids=event_ids or [],
    )


@router.get("", response_model=Page[AnniversaryPublic])
def list_anniversaries(
    session: SessionDep,
    viewer: ViewerDep,
    paging: PagingDep,
    place: PlaceFilterDep,
    from_: Annotated[
        dt.date | None, Query(alias="from", description="First day (default: today).")
    ] = None,
    to: Annotated[
        dt.date | None, Query(description="Last day, inclusive (default: a year after `from`).")
    ] = None,
    jubilee_only: Annotated[
        bool,
        Query(
            description="Only multiples of five years, of the celebrated kinds unless "
            "`kind` says otherwise, and per pair only the celebrated series."
        ),
    ] = False,
):
    """Anniversaries that fall in a window of at most 20 years, in date order."""
    if from_ is None and to is not None:
        start = add_years(to, -1) + dt.timedelta(days=1)
    else:
        start = from_ or dt.datetime.now(dt.UTC).date()
    end = to or add_years(start, 1) - dt.timedelta(days=1)
    check_window(start, end)
    where = replace(place, jubilee_only=jubilee_only)
    if where.kinds is None and jubilee_only:
        # Jubilee lists show what is celebrated: per pair, its celebrated series only.
        where = replace(where, kinds=CELEBRATED_KINDS, celebrated_only=True)
    # The database counts and cuts the page: only the page's milestones are loaded.
    total = queries.count_anniversaries(session, start, end, where)
    page = queries.anniversaries(
        session, start, end, where, limit=paging.limit, offset=paging.offset
    )
    celebrations = queries.celebrating_events(session, page, viewer)
    return Page(
        items=[
            anniversary_public(a, [e.id for e in celebrations.get((a.milestone.id, a.year), [])])
            for a in page
        ],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )
