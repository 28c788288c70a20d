import datetime as dt
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query

from app import queries
from app.anniversaries import Anniversary, add_years
from app.api.deps import LangDep, PagingDep, PlaceFilterDep, check_bounds, check_window
from app.auth import ViewerDep
from app.db import SessionDep
from app.feeds.render import anniversary_summary, milestone_title
from app.i18n import text
from app.i18n.languages import DEFAULT
from app.i18n.wording import kind_name
from app.models import CELEBRATED_KINDS, AnniversaryPublic, Milestone, Page, format_partial_date

router = APIRouter(prefix="/anniversaries", tags=["anniversaries"])


def note(a: Anniversary[Milestone], lang: str) -> str | None:
    """Why the day is not the origin's (29 February in a common year) or is not known."""
    if a.observed:
        return text.observed_note(a.year, lang)
    if a.date is None and a.milestone.precision is not None:
        return text.undated_note(a.milestone.precision, lang)
    return None


def anniversary_public(
    a: Anniversary[Milestone], event_ids: list | None = None, lang: str = DEFAULT
) -> AnniversaryPublic:
    """The anniversary in ``lang``: title, kind label and note; the rest is data."""
    m = a.milestone
    assert m.date is not None and m.precision is not None, "an anniversary has an origin"
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
        title=anniversary_summary(a, lang),
        kind_label=kind_name(m.kind, lang),
        note=note(a, lang),
        origin_date=format_partial_date(m.date, m.precision),
        precision=m.precision,
        milestone_title=milestone_title(m, lang),
        event_ids=event_ids or [],
    )


@router.get("", response_model=Page[AnniversaryPublic])
def list_anniversaries(
    session: SessionDep,
    viewer: ViewerDep,
    paging: PagingDep,
    place: PlaceFilterDep,
    lang: LangDep,
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
    """Anniversaries that fall in a window of at most 20 years, in date order; titles, kind
    labels and notes in the language of `lang` or `Accept-Language`."""
    check_bounds(from_, to)
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
            anniversary_public(
                a, [e.id for e in celebrations.get((a.milestone.id, a.year), [])], lang
            )
            for a in page
        ],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )
