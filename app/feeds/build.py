"""Building a feed from the database: the cold path, run in the thread pool (app/feeds/serve.py
runs it once however many requests wait for it). The result is a cache ``Entry``: the body
gzip-compressed once, and the header lines of its 200s encoded once."""

import datetime as dt
import gzip
import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache

from sqlmodel import Session, select

from app import queries
from app.anniversaries import Anniversary
from app.db import utcnow
from app.feeds import extras, render
from app.feeds.cache import Entry
from app.feeds.catalogue import Feed
from app.feeds.query import FeedQuery
from app.filters import AnniversaryFilter
from app.httputils import http_date, last_modified_second, quote_etag
from app.models import Event, Milestone


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
        stmt = queries.events_query(
            q.events(feed.country, feed.pair), start=q.start, end=q.end
        ).where(queries.private_events_of(feed.private_for))
        events = list(session.exec(stmt))
        ids = {e.milestone_id for e in events if e.milestone_id is not None}
        if ids:
            rows = session.exec(
                select(Milestone).where(
                    Milestone.id.in_(ids),  # type: ignore[attr-defined]
                    Milestone.deleted_at.is_(None),  # type: ignore[union-attr]
                )
            )
            milestones = {m.id: m for m in rows}
    found = []
    total = len(events)
    if "anniversaries" in q.include:
        where = q.anniversaries(feed.country, feed.pair)
        total += queries.count_anniversaries(session, q.start, q.end, where)
        if total <= cap:
            found = queries.anniversaries(session, q.start, q.end, where)
        else:
            before = _nearest(session, q, day, cap - 1, where, after=False, total=total)
            after = _nearest(session, q, day, cap - 1, where, after=True, total=total)
            found = sorted(before, key=lambda a: (a.date, a.milestone.id)) + after
    added = _extras(session, feed, q, found, base_url, complete=total <= cap)
    total += added.count
    info = render.FeedInfo(
        scope=feed.scope, name=feed.name_in(q.lang), description=feed.description_in(q.lang),
        url=url, base_url=base_url, lang=q.lang,
    )  # fmt: skip
    body, truncated = render.render(
        info, found, today=day, cap=cap, events=events, milestones=milestones,
        years=(q.start.year, q.end.year), total=total, extra=added.pieces,
        alarms=extras.alarms(q.remind, q.lang),
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


@dataclass(frozen=True)
class _Added:
    pieces: list[extras.Piece]
    count: int  # in the whole window, when ``pieces`` are only those of the nearest


def _extras(
    session: Session, feed: Feed, q: FeedQuery, found: list[Anniversary[Milestone]],
    base_url: str, *, complete: bool,
) -> _Added:  # fmt: skip
    """The "Prepare:" events and holidays the query asks for (app/feeds/extras.py)."""
    pieces: list[extras.Piece] = []
    count = 0
    if q.prepare and "anniversaries" in q.include:
        pieces += extras.prepare_pieces(found, q.prepare, base_url, q.lang)
        if complete:
            count += len(pieces)
        else:
            jubilees = replace(q.anniversaries(feed.country, feed.pair), jubilee_only=True)
            count += queries.count_anniversaries(session, q.start, q.end, jubilees)
    if "holidays" in q.include:
        holidays = extras.holiday_pieces(
            extras.feed_countries(feed.country, feed.pair), q.start, q.end, q.lang
        )
        pieces += holidays
        count += len(holidays)
    return _Added(pieces, count)


def _nearest(
    session: Session, q: FeedQuery, day: dt.date, n: int, where: AnniversaryFilter,
    *, after: bool,
    total: int,
) -> list[Anniversary[Milestone]]:  # fmt: skip
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
        keys = queries.anniversary_keys(session, start, end, where, limit=n, descending=not after)
        if len(keys) >= n or whole:
            return queries.load_anniversaries(session, keys, q.start, q.end)
        span *= 4


ONE_DAY = dt.timedelta(days=1)


def daily_etag(key: str, day: dt.date) -> str:
    """The ETag of a feed too long to show whole, which keeps the events nearest to ``day``."""
    return hashlib.sha256(f"{key}|{day}".encode()).hexdigest()[:32]


def daily_last_modified(changed_at: dt.datetime, day: dt.date) -> dt.datetime:
    return max(changed_at, dt.datetime.combine(day, dt.time(), dt.UTC))


@lru_cache(maxsize=4096)
def cached_http_date(value: dt.datetime) -> str:
    return http_date(value)


def _encode(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())


def response_headers(
    feed: Feed, etag: str, last_modified: dt.datetime, length: int, *, gz: bool, max_age: int
) -> tuple[tuple[bytes, bytes], ...]:
    """The header lines of a 200, encoded once per built feed."""
    headers = {
        "cache-control": f"public, max-age={max_age}",
        "vary": "Accept-Encoding",
        "last-modified": cached_http_date(last_modified_second(last_modified, utcnow())),
        "etag": quote_etag(etag + "-gz" if gz else etag),
        "content-disposition": f'inline; filename="{feed.filename}"',
        "content-length": str(length),
        "content-type": "text/calendar; charset=utf-8",
    }
    if gz:
        headers["content-encoding"] = "gzip"
    return _encode(headers)
