"""Feed discovery: the feeds of a country or a pair, with links to subscribe in any app."""

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from sqlmodel import col, select

from app.api.deps import PagingDep, parse_country, parse_pair, public_url
from app.db import SessionDep
from app.feeds.catalogue import ALL, Feed, country_feed_of, pair_feed_of
from app.filters import AnniversaryFilter
from app.models import Milestone, Page
from app.queries import involving

router = APIRouter(prefix="/feeds", tags=["feeds"])


def feed_links(request: Request, feed: Feed) -> dict[str, str]:
    """The plain URL, webcal:// (Apple, Thunderbird), and subscribe links for Google and
    Outlook, which ignore webcal:// on the web and on Android."""
    url = public_url(request, feed.path)
    webcal = "webcal://" + url.split("://", 1)[1]
    return {
        "name": feed.name,
        "url": url,
        "webcal_url": webcal,
        "google_url": "https://calendar.google.com/calendar/render?" + urlencode({"cid": url}),
        "outlook_url": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": url, "name": feed.name}, quote_via=quote),
    }


@router.get("", response_model=Page[dict[str, str]])
def list_feeds(
    request: Request,
    session: SessionDep,
    paging: PagingDep,
    country: Annotated[str | None, Query(description="Feeds of this country.")] = None,
    pair: Annotated[str | None, Query(description="Feeds of this pair (`CN-PE`).")] = None,
):
    """Feed URLs to subscribe to, with webcal://, Google Calendar and Outlook links."""
    found: list[Feed] = []
    if pair:
        a, b = parse_pair(pair)
        found += [pair_feed_of(a, b), country_feed_of(a), country_feed_of(b)]
    if country:
        code = parse_country(country)
        found.append(country_feed_of(code))
        partners = session.exec(
            select(Milestone.country_a, Milestone.country_b)
            .where(
                *involving(AnniversaryFilter(country=code)),
                col(Milestone.country_b).is_not(None),
                col(Milestone.deleted_at).is_(None),
            )
            .distinct()
        ).all()
        found += [pair_feed_of(one, other) for one, other in sorted(partners) if other]
    if not pair and not country:
        found.append(ALL)
    unique = list(dict.fromkeys(found))
    items = [feed_links(request, f) for f in unique[paging.offset : paging.offset + paging.limit]]
    return Page(items=items, total=len(unique), limit=paging.limit, offset=paging.offset)
