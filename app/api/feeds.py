"""iCalendar subscription feeds (RFC 5545); their discovery is in discovery.py.

Calendar apps poll feeds around the clock, and a popular feed is requested thousands of times
for each time it changes, so a feed request does as little as it can, in an ``async`` handler
that never waits on the thread pool unless it has to build:

1. parse the query (same rules and problem documents as the rest of the API);
2. read the scope's version row (app/versions.py: one primary-key read, about 6 µs);
3. the ETag is a hash of that version and the query: a matching ``If-None-Match`` gets a 304
   before any event is looked at;
4. otherwise serve the bytes this worker built already (gzip-compressed once, kept so);
5. otherwise build in the thread pool, once however many requests are waiting for it.

A write bumps the version of exactly the scopes whose feeds it changes (app/crud.py), which
changes the key, so an entry is never served for changed data; the old one ages out of the LRU.
"""

import asyncio
import datetime as dt
import gzip
import hashlib
import logging
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.routing import APIRoute
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from app import __version__, crud, feeds
from app.api.deps import check_window, parse_country, parse_pair
from app.api.feed_tokens import find_token
from app.cache import Entry
from app.countries import lookup, name_of
from app.db import database_unavailable
from app.http import accepts_gzip, etag_matches, http_date, not_modified_since, quote_etag
from app.models import (
    CELEBRATED_KINDS,
    Event,
    EventKind,
    FeedToken,
    Milestone,
    MilestoneKind,
)
from app.problems import invalid
from app.wording import pair_label

log = logging.getLogger("diplocal")


class FeedRoute(APIRoute):
    """A route documented like any other, whose endpoint takes the request and is called as
    it is, without FastAPI's parameter machinery (FastAPI's "custom APIRoute class"): the
    feed endpoints parse their own parameters, with the same rules and problem documents."""

    def get_route_handler(self):
        return self.endpoint


router = APIRouter(prefix="/feeds", tags=["feeds"], route_class=FeedRoute)

INCLUDES = ("anniversaries", "events")
MILESTONE_KINDS = frozenset(MilestoneKind.__members__)
EVENT_KINDS = frozenset(EventKind.__members__)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What Pydantic accepts for a bool query parameter, so that the feeds agree with the API.
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})


@dataclass(frozen=True)
class FeedQuery:
    start: dt.date
    end: dt.date
    kinds: frozenset[str]  # of milestones
    event_kinds: frozenset[str] | None  # None: every kind
    jubilee_only: bool
    include: frozenset[str]

    @cached_property
    def key(self) -> str:
        events = ",".join(sorted(self.event_kinds)) if self.event_kinds is not None else "*"
        return (
            f"{self.start}|{self.end}|{','.join(sorted(self.kinds))}|{events}|"
            f"{self.jubilee_only}|{','.join(sorted(self.include))}"
        )


@dataclass(frozen=True)
class Feed:
    """Which feed a URL names: its scope (the version row), names, and what it selects."""

    scope: str
    name: str
    description: str
    path: str  # canonical: /feeds/pairs/CN-PE.ics for pe-cn too
    country: str | tuple[str, ...] | None = None  # a tuple: any of these (private feeds)
    pair: tuple[str, str] | None = None
    # Private feeds: the countries whose private events show (``()``: every country), and
    # the version rows their ETag comes from (public and ``private:`` scopes).
    private_for: tuple[str, ...] | None = None
    version_scopes: tuple[str, ...] = ()
    download_name: str | None = None  # a private feed's URL holds its token: never a file name

    @property
    def filename(self) -> str:
        return self.download_name or self.path.rsplit("/", 1)[1]


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _date(params: QueryParams, name: str) -> dt.date | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise invalid(name, f"expected a date as YYYY-MM-DD, got {value!r}") from None


def parse_feed_query(params: QueryParams, now: dt.date) -> FeedQuery:
    """The query parameters of every feed, checked like FastAPI would (422 problem documents),
    without its dependency machinery, which costs more than the rest of a cached request."""
    start = _date(params, "from") or dt.date(now.year - 1, 1, 1)
    end = _date(params, "to") or dt.date(min(now.year + 5, dt.MAXYEAR), 12, 31)
    check_window(start, end)
    kind = params.get("kind")
    wanted = {k.strip() for k in kind.split(",") if k.strip()} if kind else set()
    unknown = wanted - MILESTONE_KINDS - EVENT_KINDS
    if unknown:
        raise invalid("kind", f"unknown kind {sorted(unknown)[0]!r}")
    jubilee = params.get("jubilee_only", "false").strip().lower()
    if jubilee not in _TRUE and jubilee not in _FALSE:
        raise invalid("jubilee_only", "expected true or false")
    include = params.get("include", "anniversaries,events")
    parts = {p.strip() for p in include.split(",") if p.strip()}
    if not parts or parts - set(INCLUDES):
        raise invalid("include", "expected anniversaries, events or both, comma-separated")
    return FeedQuery(
        start,
        end,
        frozenset(wanted & MILESTONE_KINDS or CELEBRATED_KINDS),
        frozenset(wanted & EVENT_KINDS) or None,
        jubilee in _TRUE,
        frozenset(parts),
    )


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
     "description": "`anniversaries`, `events` or both, comma-separated."},
]  # fmt: skip
FEED_RESPONSES = {
    200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
    304: {"description": "Not modified: the client's copy (`If-None-Match`) is current."},
}


def build_entry(
    session: Session, feed: Feed, q: FeedQuery, *, url: str, base_url: str, cap: int,
    etag: str, last_modified: dt.datetime, day: dt.date, max_age: int,
) -> Entry:  # fmt: skip
    """Build the feed from the database: the cold path, run in the thread pool.

    A feed over ``cap`` items keeps the ``cap - 1`` nearest to ``day``; those lie among the
    ``cap - 1`` anniversaries on either side of it, so only those are loaded, however many
    the window holds (``all.ics`` over 100,000 milestones holds 700,000).
    """
    events: list[Event] = []
    milestones: dict[object, Milestone] = {}
    if "events" in q.include:
        stmt = crud.events_query(
            country=feed.country, pair=feed.pair, kinds=q.event_kinds, start=q.start, end=q.end
        ).where(crud.private_events_of(feed.private_for))
        events = list(session.exec(stmt))
        ids = {e.milestone_id for e in events if e.milestone_id is not None}
        if ids:
            rows = session.exec(
                select(Milestone).where(
                    Milestone.id.in_(ids),  # type: ignore[attr-defined]  # SQLModel: a column at class level
                    Milestone.deleted_at.is_(None),  # type: ignore[union-attr]  # SQLModel: a column at class level
                )
            )
            milestones = {m.id: m for m in rows}
    found = []
    total = len(events)
    if "anniversaries" in q.include:
        where = {
            "country": feed.country, "pair": feed.pair, "kinds": q.kinds,
            "jubilee_only": q.jubilee_only, "dated_only": True,
        }  # fmt: skip
        total += crud.count_anniversaries(session, q.start, q.end, **where)
        if total <= cap:
            found = crud.anniversaries(session, q.start, q.end, **where)
        else:
            before = _nearest(session, q, day, cap - 1, where, after=False, total=total)
            after = _nearest(session, q, day, cap - 1, where, after=True, total=total)
            found = sorted(before, key=lambda a: (a.date, a.milestone.id)) + after
    info = feeds.FeedInfo(
        scope=feed.scope, name=feed.name, description=feed.description, url=url,
        base_url=base_url,
    )  # fmt: skip
    body, truncated = feeds.render(
        info, found, today=day, cap=cap, events=events, milestones=milestones,
        years=(q.start.year, q.end.year), total=total,
    )  # fmt: skip
    if truncated:
        # What it shows depends on the day too: so do its validators.
        etag = daily_etag(etag, day)
        last_modified = daily_last_modified(last_modified, day)
    # Kept compressed only: calendar apps ask for gzip, and a feed is 7-12 times smaller so.
    gzipped = gzip.compress(body, 6, mtime=0)
    return Entry(
        etag, gzipped, len(body), truncated, day, last_modified,
        headers=response_headers(feed, etag, last_modified, len(body), gz=False, max_age=max_age),
        gzip_headers=response_headers(
            feed, etag, last_modified, len(gzipped), gz=True, max_age=max_age
        ),
    )  # fmt: skip


def _nearest(
    session: Session, q: FeedQuery, day: dt.date, n: int, where: dict, *, after: bool,
    total: int,
):  # fmt: skip
    """The ``n`` anniversaries nearest to ``day`` on one side of it (from ``day`` on, or
    before it, nearest first), looked for in windows that grow from the span where, at the
    window's average of ``total`` a day, about twice ``n`` would fall: the database then reads
    a few days of the index, not every year of the window, and the milestones are loaded
    once, for the window that had enough."""
    per_day = total / ((q.end - q.start).days + 1)
    span = max(7, int(2 * n / per_day)) if per_day else 7
    while True:
        if after:
            start = max(q.start, day)
            end = min(q.end, start + dt.timedelta(days=span))
            whole = end >= q.end
        else:
            end = min(q.end, day - ONE_DAY)
            start = max(q.start, end - dt.timedelta(days=span))
            whole = start <= q.start
        if end < start:
            return []
        keys = crud.anniversary_keys(
            session, start, end, limit=n, descending=not after, **where
        )  # fmt: skip
        if len(keys) >= n or whole:
            return crud.load_anniversaries(session, keys, q.start, q.end)
        span *= 4


ONE_DAY = dt.timedelta(days=1)


def daily_etag(key: str, day: dt.date) -> str:
    """The ETag of a feed too long to show whole, which keeps the events nearest to ``day``."""
    return hashlib.sha256(f"{key}|{day}".encode()).hexdigest()[:32]


def daily_last_modified(changed_at: dt.datetime, day: dt.date) -> dt.datetime:
    return max(changed_at, dt.datetime.combine(day, dt.time(), dt.UTC))


@lru_cache(maxsize=4096)
def _http_date(value: dt.datetime) -> str:
    return http_date(value)


# Pure functions of what a request sends, memoised: calendar apps poll the same few URLs with
# the same few headers, and parsing them again would cost more than the rest of a cached poll.
_accepts_gzip = lru_cache(maxsize=256)(accepts_gzip)


@lru_cache(maxsize=1024)
def _feed_query(query_string: bytes, day: dt.date) -> FeedQuery:
    return parse_feed_query(QueryParams(query_string.decode("latin-1")), day)


@lru_cache(maxsize=256)
def _request_base(scheme: str, host: bytes | None, server: tuple | None, root: str) -> str:
    scope = {
        "type": "http", "scheme": scheme, "server": server, "path": "/", "root_path": root,
        "query_string": b"", "headers": [(b"host", host)] if host is not None else [],
    }  # fmt: skip
    return str(Request(scope).base_url).rstrip("/")


class _Raw(Response):
    """A response whose header lines are encoded already (a cached feed's are)."""

    def __init__(self, status_code: int, raw_headers: list[tuple[bytes, bytes]], body=b""):
        self.status_code = status_code
        self.raw_headers = raw_headers
        self.body = body
        self.background = None


def _encode(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())


def response_headers(
    feed: Feed, etag: str, last_modified: dt.datetime, length: int, *, gz: bool, max_age: int
) -> tuple[tuple[bytes, bytes], ...]:
    """The header lines of a 200, encoded once per built feed."""
    headers = {
        "cache-control": f"public, max-age={max_age}",
        "vary": "Accept-Encoding",
        "last-modified": _http_date(last_modified),
        "etag": quote_etag(etag + "-gz" if gz else etag),
        "content-disposition": f'inline; filename="{feed.filename}"',
        "content-length": str(length),
        "content-type": "text/calendar; charset=utf-8",
    }
    if gz:
        headers["content-encoding"] = "gzip"
    return _encode(headers)


async def serve_feed(request: Request, feed: Feed) -> Response:
    scope = request.scope
    state = request.app.state
    settings = state.settings
    inm = ims = accept = host = None
    for name, value in scope["headers"]:
        if name == b"if-none-match":  # several are one list (RFC 9110 §5.3)
            inm = value.decode("latin-1") if inm is None else f"{inm}, {value.decode('latin-1')}"
        elif name == b"accept-encoding":
            accept = value.decode("latin-1")
        elif name == b"if-modified-since":
            ims = value.decode("latin-1")
        elif name == b"host" and host is None:
            host = value
    day = today()
    q = _feed_query(scope["query_string"], day)
    if settings.base_url:
        base = settings.base_url.rstrip("/")
    else:
        server = scope.get("server")
        root = scope.get("app_root_path", scope.get("root_path", ""))
        base = _request_base(scope["scheme"], host, tuple(server) if server else None, root)
    gz = _accepts_gzip(accept)
    latest = (feed.scope, q.key, base)

    def not_modified(etag: str, last_modified: dt.datetime) -> Response:
        return _Raw(304, [
            (b"cache-control", f"public, max-age={settings.feed_max_age}".encode()),
            (b"vary", b"Accept-Encoding"),
            (b"last-modified", _http_date(last_modified).encode()),
            (b"etag", quote_etag(etag + "-gz" if gz else etag).encode()),
        ])  # fmt: skip

    try:
        version, changed_at = _version(state.feed_versions, feed)
        basis = f"{__version__}|{feed.scope}|{version}|{q.key}|{settings.feed_max_events}|{base}"
        key = hashlib.sha256(basis.encode()).hexdigest()[:32]
        entry = state.feed_cache.get(key)
        if entry is None or (entry.truncated and entry.built_on != day):
            # The validator follows from the version and the query alone (and the day, for a
            # feed too long to show whole), so a client that has it gets a 304 unbuilt.
            if inm is not None:
                if etag_matches(inm, [quote_etag(key), quote_etag(key + "-gz")]):
                    return not_modified(key, changed_at)
                daily = daily_etag(key, day)
                if etag_matches(inm, [quote_etag(daily), quote_etag(daily + "-gz")]):
                    return not_modified(daily, daily_last_modified(changed_at, day))
            entry = await _built(request, feed, q, key, changed_at, day, base)
    except sa.exc.SQLAlchemyError as exc:
        # While the database is down, the feed this worker served last is better than
        # nothing for a calendar (stale, but a client keeps its events); else a 503.
        stale = state.feed_cache.get(state.feed_latest.get(latest, ""))
        if stale is None or not database_unavailable(exc):
            raise
        log.warning("database unavailable; serving %s as it was", feed.name)
        entry = stale
    else:
        if len(state.feed_latest) > 10_000:
            state.feed_latest.clear()
        state.feed_latest[latest] = key
    if inm is not None:
        if etag_matches(inm, [quote_etag(entry.etag), quote_etag(entry.etag + "-gz")]):
            return not_modified(entry.etag, entry.last_modified)
    elif not_modified_since(ims, entry.last_modified):
        return not_modified(entry.etag, entry.last_modified)
    # A copy of the header lines: middleware may add to a response's list in place.
    if scope["method"] == "HEAD":
        return _Raw(200, list(entry.gzip_headers if gz else entry.headers))
    if gz:
        return _Raw(200, list(entry.gzip_headers), entry.gzipped)
    # The rare client that refuses gzip: decompressed for it, off the loop when it is large.
    if len(entry.gzipped) < 16_384:
        body = gzip.decompress(entry.gzipped)
    else:
        body = await run_in_threadpool(gzip.decompress, entry.gzipped)
    return _Raw(200, list(entry.headers), body)


def _version(versions, feed: Feed) -> tuple[object, dt.datetime]:
    """The feed's version and when it last changed: one row, or for a private feed the
    combination of its scopes' rows."""
    if not feed.version_scopes:
        return versions.read(feed.scope)
    rows = [versions.read(s) for s in feed.version_scopes]
    return ".".join(str(v) for v, _ in rows), max(changed for _, changed in rows)


async def _built(
    request: Request, feed: Feed, q: FeedQuery, key: str, changed_at: dt.datetime,
    day: dt.date, base: str,
) -> Entry:  # fmt: skip
    """Build the entry in the thread pool, once for all the requests that wait for it: after
    a write, a popular feed's pollers would otherwise each build it."""
    state = request.app.state
    building: dict[tuple[str, dt.date], asyncio.Future[Entry]] = state.feeds_building
    job = building.get((key, day))
    if job is None:

        def build() -> Entry:
            with Session(state.engine) as session:
                entry = build_entry(
                    session, feed, q, url=base + feed.path, base_url=base,
                    cap=state.settings.feed_max_events, etag=key, last_modified=changed_at,
                    day=day, max_age=state.settings.feed_max_age,
                )  # fmt: skip
            state.feed_cache.put(key, entry)
            return entry

        job = asyncio.ensure_future(run_in_threadpool(build))
        building[(key, day)] = job
        job.add_done_callback(lambda _: building.pop((key, day), None))
    # Shielded: a client that hangs up must not cancel the build the others wait for.
    return await asyncio.shield(job)


def _country_or_404(code: str) -> str:
    info = lookup(code)
    if info is None:
        raise HTTPException(404, f"No country has the code {code!r}.")
    return info.code


ALL = Feed(
    scope="all",
    name="Diplomatic anniversaries",
    description="Anniversaries of diplomatic relations and independence and national days "
    "(diplomatic-calendar).",
    path="/feeds/all.ics",
)


@lru_cache(maxsize=1024)
def country_feed_of(code: str) -> Feed:
    name = name_of(code)
    return Feed(
        scope=code,
        name=f"{name} anniversaries",
        description=f"Anniversaries of {name} and its relations with other countries "
        "(diplomatic-calendar).",
        path=f"/feeds/countries/{code}.ics",
        country=code,
    )


@lru_cache(maxsize=4096)
def pair_feed_of(a: str, b: str) -> Feed:
    return Feed(
        scope=f"{a}-{b}",
        name=f"{pair_label([a, b])} anniversaries",
        description=f"Anniversaries of the relations between {name_of(a)} and {name_of(b)} "
        "(diplomatic-calendar).",
        path=f"/feeds/pairs/{a}-{b}.ics",
        pair=(a, b),
    )


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
    return await serve_feed(request, private_feed_of(token, request.query_params))


def _live_token(engine, secret: str) -> FeedToken | None:
    with Session(engine) as session:
        token = find_token(session, secret)
        if token is not None:
            session.expunge(token)
        return token


def private_feed_of(token: FeedToken, params: QueryParams) -> Feed:
    """The feed a token's URL names, narrowed by ``country`` or ``pair`` within its countries."""
    own = tuple(token.country_list)  # empty: an admin's token, every country
    country = parse_country(params["country"]) if params.get("country") else None
    pair = parse_pair(params["pair"]) if params.get("pair") else None
    asked = [*(pair or ()), *([country] if country else [])]
    outside = sorted(set(asked) - set(own)) if own else []
    if outside:
        raise HTTPException(403, f"This feed covers {', '.join(own)}; not {', '.join(outside)}.")
    if pair:
        scopes, selects, label = [f"{pair[0]}-{pair[1]}"], {"pair": pair}, pair_label(list(pair))
    elif country:
        scopes, selects, label = [country], {"country": country}, name_of(country)
    elif own:
        scopes, selects, label = list(own), {"country": own}, ", ".join(name_of(c) for c in own)
    else:
        scopes, selects, label = ["all"], {}, "every country"
    return Feed(
        scope=f"private:{token.id}:{pair or country or ''}",
        name=f"{token.name} (private)",
        description=f"Anniversaries and events of {label}, private events included "
        "(diplomatic-calendar).",
        path="/feeds/private/***.ics",  # its real URL is the caller's secret: never repeated
        private_for=own,
        version_scopes=tuple(s for scope in scopes for s in (scope, f"private:{scope}")),
        download_name="private.ics",
        **selects,
    )


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
