"""A relationship's story: ``GET /pairs/{AA}-{BB}`` and a country's partners (app/pairs.py)."""

import datetime as dt
import uuid

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from app import pairs
from app.api.anniversaries import anniversary_public
from app.api.deps import PagingDep, parse_country, parse_pair
from app.db import SessionDep
from app.lifecycle import Phase
from app.models import AnniversaryPublic, Country, MilestonePublic, Page, format_partial_date

router = APIRouter(tags=["pairs"])


class PairStory(BaseModel):
    countries: list[str] = Field(json_schema_extra={"examples": [["CN", "NI"]]})
    state: Phase = Field(description="Today: `live`, `severed`, or `none` (no relations recorded).")
    since: str | None = Field(
        description="The date of the milestone the state holds since (null for `none`).",
        json_schema_extra={"examples": ["2021-12-10"]},
    )
    since_milestone_id: uuid.UUID | None
    celebrated: MilestonePublic | None = Field(
        description="The milestone the pair's anniversaries count from: the one flagged "
        "`celebrated`, else the first establishment."
    )
    next_anniversary: AnniversaryPublic | None = Field(
        description="Of the celebrated series, within about five years, while relations are live."
    )
    next_jubilee: AnniversaryPublic | None


class PairHistory(PairStory):
    history: list[MilestonePublic] = Field(
        description="Establishments, severances, restorations and upgrades in date order, "
        "each with its sources."
    )


class PartnerRow(PairStory):
    partner: str = Field(json_schema_extra={"examples": ["NI"]})


def _story(s: pairs.PairSummary) -> dict:
    since = s.since
    return {
        "countries": list(s.pair),
        "state": s.phase,
        "since": format_partial_date(since.date, since.precision or "day")
        if since and since.date
        else None,
        "since_milestone_id": since.id if since else None,
        "celebrated": MilestonePublic.model_validate(s.celebrated) if s.celebrated else None,
        "next_anniversary": anniversary_public(s.next_anniversary) if s.next_anniversary else None,
        "next_jubilee": anniversary_public(s.next_jubilee) if s.next_jubilee else None,
    }


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@router.get("/pairs/{pair}", response_model=PairHistory)
def read_pair(pair: str, session: SessionDep):
    """The story of a pair (`CN-NI`, order-insensitive): its state today and since when, the
    celebrated origin, the lifecycle history with sources, the next anniversary and jubilee."""
    summary = pairs.pair_summary(session, parse_pair(pair, "pair"), _today())
    history = [MilestonePublic.model_validate(m) for m in summary.history]
    return PairHistory(**_story(summary), history=history)


@router.get("/countries/{code}/partners", response_model=Page[PartnerRow])
def list_partners(code: str, session: SessionDep, paging: PagingDep):
    """One row per partner of a country, by partner code, with the pair's summary (its
    history is one `GET /pairs/{AA}-{BB}` away)."""
    country = parse_country(code, "code")
    if session.get(Country, country) is None:
        raise HTTPException(404, f"No country has the code {code!r}.")
    rows = pairs.partners(session, country, _today())
    page = rows[paging.offset : paging.offset + paging.limit]
    return Page(
        items=[PartnerRow(**_story(s), partner=s.partner_of(country)) for s in page],
        total=len(rows),
        limit=paging.limit,
        offset=paging.offset,
    )
