"""The feed endpoints: which feed a URL names (app/feeds/catalogue.py), served by
app/feeds/serve.py. Their discovery is in discovery.py."""

import re

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.deps import parse_country, parse_pair
from app.api.feed_tokens import find_token
from app.countries import lookup
from app.feeds.catalogue import ALL, country_feed_of, pair_feed_of, private_feed_of
from app.feeds.serve import serve_feed
from app.i18n.languages import DEFAULT, LANGUAGES
from app.models import FeedToken


class FeedRoute(APIRoute):
    """A route documented like any other, whose endpoint takes the request and is called as
    it is, without FastAPI's parameter machinery (FastAPI's "custom APIRoute class"): the
    feed endpoints parse their own parameters, with the same rules and problem documents."""

    def get_route_handler(self):
        return self.endpoint


router = APIRouter(prefix="/feeds", tags=["feeds"], route_class=FeedRoute)

FEED_PARAMETERS = [
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "First day (default: 1 January last year)."},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "Last day (default: 31 December five years ahead); at most 20 years "
     "after `from`."},
    {"name": "kind", "in": "query", "schema": {"type": "string"},
     "description": "Comma-separated milestone and event kinds. Milestone kinds filter the "
     "anniversaries (default: the celebrated kinds), event kinds the events (default: all)."},
    {"name": "jubilee_only", "in": "query", "schema": {"type": "boolean", "default": False},
     "description": "Only anniversaries of multiples of five years."},
    {"name": "include", "in": "query",
     "schema": {"type": "string", "default": "anniversaries,events"},
     "description": "`anniversaries`, `events` or both, comma-separated; `holidays` adds the "
     "public holidays of a country or pair feed's countries (CATEGORIES:HOLIDAY, transparent), "
     "and named alone adds them to both. Refused (422) on feeds of every country."},
    {"name": "remind", "in": "query", "schema": {"type": "string"},
     "description": "1 to 3 comma-separated ISO 8601 durations (weeks, days, hours; at most "
     "P1096D), like `P30D,P7D`: a VALARM (ACTION:DISPLAY) that long before each anniversary."},
    {"name": "prepare", "in": "query", "schema": {"type": "string"},
     "description": "One duration in whole days or weeks, like `P180D`: a separate all-day "
     "event \"Prepare: ...\" that long before each jubilee, for apps that ignore alarms in "
     "subscribed calendars (Google Calendar)."},
    {"name": "lang", "in": "query",
     "schema": {"type": "string", "enum": list(LANGUAGES), "default": DEFAULT},
     "description": "The feed's language (titles, names, labels); feeds take only this "
     "parameter, not `Accept-Language`. The UIDs are the same in every language."},
]  # fmt: skip
FEED_RESPONSES = {
    200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
    304: {"description": "Not modified: the client's copy (`If-None-Match`) is current."},
}


def _country_or_404(code: str) -> str:
    info = lookup(code)
    if info is None:
        raise HTTPException(404, f"No country has the code {code!r}.")
    return info.code


def _feed_routes(routes: list[tuple[str, object, str]]) -> None:
    """GET, then HEAD (a plain ``@router.get`` answers HEAD with 405, RFC 9110 §9.3.2): the
    GET routes come first because routes are matched in order and nearly every poll is a GET.
    """
    for methods, documented in ((["GET"], True), (["HEAD"], False)):
        for path, endpoint, summary in routes:
            in_path = [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                for n in re.findall(r"{(\w+)}", path)
            ]
            router.add_api_route(
                path, endpoint, methods=methods, response_class=Response, summary=summary,
                include_in_schema=documented, responses=FEED_RESPONSES,
                openapi_extra={"parameters": in_path + FEED_PARAMETERS},
            )  # fmt: skip


async def all_feed(request: Request) -> Response:
    """Every anniversary, as an iCalendar feed to subscribe to."""
    return await serve_feed(request, ALL)


async def country_feed(request: Request) -> Response:
    """The anniversaries of one country, alone or in a pair, as an iCalendar feed."""
    code = _country_or_404(request.path_params["code"])
    return await serve_feed(request, country_feed_of(code))


async def pair_feed(request: Request) -> Response:
    """The anniversaries of one pair (`CN-PE` and `PE-CN` are the same feed)."""
    parts = request.path_params["pair"].split("-")
    if len(parts) != 2:
        raise HTTPException(404, "A pair feed is named by two codes, like /feeds/pairs/CN-PE.ics.")
    a, b = sorted(_country_or_404(p) for p in parts)
    if a == b:
        raise HTTPException(404, "A pair needs two different countries.")
    return await serve_feed(request, pair_feed_of(a, b))


async def private_feed(request: Request) -> Response:
    """Public and private anniversaries and events of a feed token's countries; takes the
    public feeds' parameters plus `country` and `pair`. A revoked token answers 404."""
    token = await run_in_threadpool(
        _live_token, request.app.state.engine, request.path_params["token"]
    )
    if token is None:
        raise HTTPException(404, "No feed answers at this address (the token may be revoked).")
    params = request.query_params
    country = parse_country(params["country"]) if params.get("country") else None
    pair = parse_pair(params["pair"]) if params.get("pair") else None
    own = token.country_list  # empty: an admin's token, every country
    outside = sorted({*(pair or ()), *([country] if country else [])} - set(own)) if own else []
    if outside:
        raise HTTPException(403, f"This feed covers {', '.join(own)}; not {', '.join(outside)}.")
    return await serve_feed(request, private_feed_of(token, country, pair))


def _live_token(engine, secret: str) -> FeedToken | None:
    with Session(engine) as session:
        token = find_token(session, secret)
        if token is not None:
            session.expunge(token)
        return token


# The path parameters are read from the request, not declared: declared ones would run
# FastAPI's parameter machinery on every poll. They are documented here instead.
_feed_routes(
    [
        ("/pairs/{pair}.ics", pair_feed, "The anniversaries of one pair"),
        ("/countries/{code}.ics", country_feed, "The anniversaries of one country"),
        ("/all.ics", all_feed, "Every anniversary"),
        ("/private/{token}.ics", private_feed, "A feed token's feed, private events included"),
    ]
)
