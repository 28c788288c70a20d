"""Feed discovery: the feeds of a country or a pair, with links to subscribe in any app."""

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from sqlmodel import col, select

from app.api.deps import LangDep, PagingDep, parse_country, parse_pair, public_url
from app.db import SessionDep
from app.feeds.catalogue import ALL, Feed, country_feed_of, pair_feed_of
from app.filters import AnniversaryFilter
from app.i18n.languages import DEFAULT, LANGUAGES
from app.models import Milestone, Page
from app.planning import durations
from app.problems import invalid
from app.queries import involving

router = APIRouter(prefix="/feeds", tags=["feeds"])


def feed_url(request: Request, feed: Feed, lang: str, query: str = "") -> str:
    """The feed's URL in ``lang`` (English, the default, has no parameter), with ``query``
    (the lead-time parameters) added."""
    params = "&".join(p for p in (query, "" if lang == DEFAULT else f"lang={lang}") if p)
    url = public_url(request, feed.path)
    return f"{url}?{params}" if params else url


def feed_links(
    request: Request, feed: Feed, lang: str = DEFAULT, query: str = ""
) -> dict[str, Any]:
    """The URL in ``lang`` and in every language, webcal:// (Apple, Thunderbird), and
    subscribe links for Google and Outlook, which ignore webcal:// on the web and on Android."""
    url = feed_url(request, feed, lang, query)
    webcal = "webcal://" + url.split("://", 1)[1]
    name = feed.name_in(lang)
    return {
        "name": name,
        "lang": lang,
        "url": url,
        "urls": {other: feed_url(request, feed, other, query) for other in LANGUAGES},
        "webcal_url": webcal,
        "google_url": "https://calendar.google.com/calendar/render?" + urlencode({"cid": url}),
        "outlook_url": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": url, "name": name}, quote_via=quote),
    }


REMIND = "Links whose feeds remind this long before each anniversary: `P30D` (feeds' `remind`)."
PREPARE = 'Links whose feeds add a "Prepare:" event this long before each jubilee: `P180D`.'


def lead_time_query(remind: str | None, prepare: str | None) -> str:
    """The feeds' ``remind`` and ``prepare`` parameters, checked and canonical (``P1W`` is
    ``P7D``), so that the links name the feed the way its cache does."""
    params = {}
    try:
        if remind:
            params["remind"] = ",".join(durations.parse_reminders(remind))
    except ValueError as exc:
        raise invalid("remind", str(exc)) from None
    try:
        if prepare:
            params["prepare"] = durations.parse_lead(prepare)
    except ValueError as exc:
        raise invalid("prepare", str(exc)) from None
    return urlencode(params, safe=",")


@router.get("", response_model=Page[dict[str, Any]])
def list_feeds(
    request: Request,
    session: SessionDep,
    paging: PagingDep,
    lang: LangDep,
    country: Annotated[str | None, Query(description="Feeds of this country.")] = None,
    pair: Annotated[str | None, Query(description="Feeds of this pair (`CN-PE`).")] = None,
    remind: Annotated[str | None, Query(description=REMIND)] = None,
    prepare: Annotated[str | None, Query(description=PREPARE)] = None,
):
    """Feed URLs to subscribe to, with webcal://, Google Calendar and Outlook links, in the
    answer's language (`lang` or `Accept-Language`); `urls` holds each feed's URL in every
    language."""
    query = lead_time_query(remind, prepare)
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
    items = [
        feed_links(request, f, lang, query)
        for f in unique[paging.offset : paging.offset + paging.limit]
    ]
    return Page(items=items, total=len(unique), limit=paging.limit, offset=paging.offset)
