"""Serving a feed over HTTP; its endpoints are in app/api/feeds.py, its discovery in
app/api/discovery.py.

Calendar apps poll feeds around the clock, and a popular feed is requested thousands of times
for each time it changes, so a feed request does as little as it can, in an ``async`` handler
that never waits on the thread pool unless it has to build:

1. parse the query (same rules and problem documents as the rest of the API);
2. read the scope's version row (app/feeds/versions.py: one primary-key read, about 6 µs);
3. the ETag is a hash of that version and the query: a matching ``If-None-Match`` gets a 304
   before any event is looked at;
4. otherwise serve the bytes this worker built already (gzip-compressed once, kept so);
5. otherwise build in the thread pool, once however many requests are waiting for it
   (app/feeds/build.py).

A write bumps the version of exactly the scopes whose feeds it changes (app/crud.py), which
changes the key, so an entry is never served for changed data; the old one ages out of the LRU.
"""

import asyncio
import datetime as dt
import gzip
import hashlib
import logging
from functools import lru_cache

import sqlalchemy as sa
from fastapi import Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from app import __version__
from app.db import database_unavailable, utcnow
from app.feeds import build
from app.feeds.build import cached_http_date, daily_etag, daily_last_modified
from app.feeds.cache import Entry
from app.feeds.catalogue import Feed
from app.feeds.extras import feed_countries
from app.feeds.query import FeedQuery, parse_feed_query
from app.feeds.versions import FeedVersions
from app.httputils import (
    TooManyEtags,
    accepts_gzip,
    etag_matches,
    if_none_match,
    last_modified_second,
    not_modified_since,
    quote_etag,
)
from app.problems import invalid, problem

log = logging.getLogger("diplocal")


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# Pure functions of what a request sends, memoised: calendar apps poll the same few URLs with
# the same few headers, and parsing them again would cost more than the rest of a cached poll.
_accepts_gzip = lru_cache(maxsize=256)(accepts_gzip)


@lru_cache(maxsize=1024)
def feed_query(query_string: bytes, day: dt.date) -> FeedQuery:
    return parse_feed_query(QueryParams(query_string.decode("latin-1")), day)


@lru_cache(maxsize=256)
def _request_base(
    scheme: str, host: bytes | None, server: tuple[str, int | None] | None, root: str
) -> str:
    scope = {
        "type": "http", "scheme": scheme, "server": server, "path": "/", "root_path": root,
        "query_string": b"", "headers": [(b"host", host)] if host is not None else [],
    }  # fmt: skip
    return str(Request(scope).base_url).rstrip("/")


@lru_cache(maxsize=4096)
def _cache_key(scope: str, version: object, query: object, cap: int, base: str) -> str:
    """The feed's cache key and ETag: the same few are asked for on every poll."""
    basis = f"{__version__}|{scope}|{version}|{query}|{cap}|{base}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


class _Raw(Response):
    """A response whose header lines are encoded already (a cached feed's are)."""

    def __init__(self, status_code: int, raw_headers: list[tuple[bytes, bytes]], body: bytes = b""):
        self.status_code = status_code
        self.raw_headers = raw_headers
        self.body = body
        self.background = None


async def serve_feed(request: Request, feed: Feed) -> Response:
    scope = request.scope
    state = request.app.state
    settings = state.settings
    ims = accept = host = None
    try:
        inm = if_none_match(scope["headers"])
    except TooManyEtags as exc:
        return problem(431, f"Too many header lines: {exc}.")
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            accept = value.decode("latin-1")
        elif name == b"if-modified-since":
            ims = value.decode("latin-1")
        elif name == b"host" and host is None:
            host = value
    day = today()
    q = feed_query(scope["query_string"], day)
    if "holidays" in q.include and not feed_countries(feed.country, feed.pair):
        # Every country's holidays would be thousands of events that bury the anniversaries.
        raise invalid(
            "include", "holidays need a country or pair feed, like /feeds/pairs/CN-PE.ics"
        )
    if settings.base_url:
        base = settings.base_url.rstrip("/")
    else:
        server = scope.get("server")
        root = scope.get("app_root_path", scope.get("root_path", ""))
        base = _request_base(scope["scheme"], host, tuple(server) if server else None, root)
    gz = _accepts_gzip(accept)
    latest = (feed.scope, q.key, base)

    def not_modified(etag: str, last_modified: dt.datetime) -> Response:
        second = last_modified_second(last_modified, utcnow())
        return _Raw(304, [
            (b"cache-control", f"public, max-age={settings.feed_max_age}".encode()),
            (b"vary", b"Accept-Encoding"),
            (b"last-modified", cached_http_date(second).encode()),
            (b"etag", quote_etag(etag + "-gz" if gz else etag).encode()),
        ])  # fmt: skip

    try:
        version, changed_at = _version(state.feed_versions, feed)
        key = _cache_key(feed.scope, version, q.key, settings.feed_max_events, base)
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
        cached_as = state.feed_latest.get(latest, "")
        stale = state.feed_cache.get(cached_as)
        if stale is None or not database_unavailable(exc):
            raise
        log.warning("database unavailable; serving %s as it was", feed.name)
        entry = stale
    else:
        if len(state.feed_latest) > 10_000:
            state.feed_latest.clear()
        state.feed_latest[latest] = cached_as = key
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
    body = entry.plain
    if body is None:
        # A client that refuses gzip: decompressed once (off the loop when it is large) and
        # kept with the entry, so the next such poll is as cheap as a gzip one.
        if len(entry.gzipped) < 16_384:
            body = gzip.decompress(entry.gzipped)
        else:
            body = await run_in_threadpool(gzip.decompress, entry.gzipped)
        state.feed_cache.keep_plain(cached_as, entry, body)
    return _Raw(200, list(entry.headers), body)


def _version(versions: FeedVersions, feed: Feed) -> tuple[object, dt.datetime]:
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

        def run() -> Entry:
            with Session(state.engine) as session:
                entry = build.build_entry(
                    session, feed, q, url=base + feed.path, base_url=base,
                    cap=state.settings.feed_max_events, etag=key, last_modified=changed_at,
                    day=day, max_age=state.settings.feed_max_age,
                )  # fmt: skip
            state.feed_cache.put(key, entry)
            return entry

        job = asyncio.ensure_future(run_in_threadpool(run))
        building[(key, day)] = job
        job.add_done_callback(lambda _: building.pop((key, day), None))
    # Shielded: a client that hangs up must not cancel the build the others wait for.
    return await asyncio.shield(job)
