"""Feed discovery: the feeds of a country or a pair, with links to subscribe in any app."""

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from sqlmodel import select

from app import crud
from app.api.deps import PagingDep, parse_country, parse_pair, public_url
from app.countries import name_of
from app.db import SessionDep
from app.models import Milestone, Page
from app.wording import pair_label

router = APIRouter(prefix="/feeds", tags=["feeds"])


@dataclass(frozen=True)
class _Feed:
    name: str
    path: str


def feed_links(request: Request, feed: _Feed) -> dict[str, str]:
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
    found: list[_Feed] = []
    if pair:
        a, b = parse_pair(pair)
        found.append(_Feed(f"{pair_label([a, b])} anniversaries", f"/feeds/pairs/{a}-{b}.ics"))
        found += [_Feed(f"{name_of(c)} anniversaries", f"/feeds/countries/{c}.ics") for c in (a, b)]
    if country:
        code = parse_country(country)
        found.append(_Feed(f"{name_of(code)} anniversaries", f"/feeds/countries/{code}.ics"))
        partners = session.exec(
            select(Milestone.country_a, Milestone.country_b)
            .where(
                *crud.involving(country=code),
                Milestone.country_b.is_not(None),  # type: ignore[union-attr]  # SQLModel: a column at class level
                Milestone.deleted_at.is_(None),  # type: ignore[union-attr]  # SQLModel: a column at class level
            )
            .distinct()
        ).all()
        for a, b in sorted(partners):
            found.append(_Feed(f"{pair_label([a, b])} anniversaries", f"/feeds/pairs/{a}-{b}.ics"))
    if not pair and not country:
        found.append(_Feed("Diplomatic anniversaries", "/feeds/all.ics"))
    unique = list(dict.fromkeys(found))
    items = [feed_links(request, f) for f in unique[paging.offset : paging.offset + paging.limit]]
    return Page(items=items, total=len(unique), limit=paging.limit, offset=paging.offset)
