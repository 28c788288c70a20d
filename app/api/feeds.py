"""iCalendar subscription feeds (RFC 5545) and their discovery.

A feed request reads one row (its scope's version) to compute the ETag, answers 304 when the
client has it, serves cached bytes when this worker built it already, and builds it otherwise.
"""

import datetime as dt
import gzip
import hashlib
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from sqlmodel import Session, select

from app import __version__, crud, feeds
from app.api.deps import (
    PagingDep,
    check_window,
    get_and_head,
    parse_country,
    parse_pair,
    public_url,
)
from app.cache import Entry
from app.countries import lookup, name_of
from app.db import SessionDep
from app.http import accepts_gzip, etag_matches, http_date, not_modified_since, quote_etag
from app.models import (
    CELEBRATED_KINDS,
    Event,
    EventKind,
    FeedVersion,
    Milestone,
    MilestoneKind,
    Page,
)
from app.problems import invalid
from app.wording import pair_label

router = APIRouter(prefix="/feeds", tags=["feeds"])
discovery = APIRouter(prefix="/feeds", tags=["feeds"])

NEVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # Last-Modified of a scope never written to


INCLUDES = ("anniversaries", "events")


@dataclass(frozen=True)
class FeedQuery:
    start: dt.date
    end: dt.date
    kinds: frozenset[str]  # of milestones
    event_kinds: frozenset[str] | None  # None: every kind
    jubilee_only: bool
    include: frozenset[str]

    def key(self) -> str:
        events = ",".join(sorted(self.event_kinds)) if self.event_kinds is not None else "*"
        return (
            f"{self.start}|{self.end}|{','.join(sorted(self.kinds))}|{events}|"
            f"{self.jubilee_only}|{','.join(sorted(self.include))}"
        )


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def feed_query(
    from_: Annotated[
        dt.date | None, Query(alias="from", description="First day (default: 1 January last year).")
    ] = None,
    to: Annotated[
        dt.date | None, Query(description="Last day (default: 31 December five years ahead).")
    ] = None,
    kind: Annotated[
        str | None,
        Query(
            description="Comma-separated milestone and event kinds. Milestone kinds filter the "
            "anniversaries (default: the celebrated kinds), event kinds the events (default: all)."
        ),
    ] = None,
    jubilee_only: Annotated[
        bool, Query(description="Only anniversaries of multiples of five years.")
    ] = False,
    include: Annotated[
        str, Query(description="`anniversaries`, `events` or both, comma-separated.")
    ] = "anniversaries,events",
) -> FeedQuery:
    now = today()
    start = from_ or dt.date(now.year - 1, 1, 1)
    end = to or dt.date(min(now.year + 5, dt.MAXYEAR), 12, 31)
    check_window(start, end)
    wanted = {k.strip() for k in kind.split(",") if k.strip()} if kind else set()
    unknown = wanted - set(MilestoneKind.__members__) - set(EventKind.__members__)
    if unknown:
        raise invalid("kind", f"unknown kind {sorted(unknown)[0]!r}")
    milestone_kinds = wanted & set(MilestoneKind.__members__) or CELEBRATED_KINDS
    event_kinds = wanted & set(EventKind.__members__) or None
    parts = {p.strip() for p in include.split(",") if p.strip()}
    if not parts or parts - set(INCLUDES):
        raise invalid("include", "expected anniversaries, events or both, comma-separated")
    return FeedQuery(
        start,
        end,
        frozenset(milestone_kinds),
        frozenset(event_kinds) if event_kinds else None,
        jubilee_only,
        frozenset(parts),
    )


FeedQueryDep = Annotated[FeedQuery, Depends(feed_query)]


def _build(
    session: Session,
    info: feeds.FeedInfo,
    q: FeedQuery,
    *,
    country: str | None,
    pair: tuple[str, str] | None,
    cap: int,
    etag: str,
) -> Entry:
    found = []
    if "anniversaries" in q.include:
        found = crud.anniversaries(
            session, q.start, q.end, country=country, pair=pair, kinds=q.kinds,
            jubilee_only=q.jubilee_only,
        )  # fmt: skip
    events: list[Event] = []
    milestones: dict[object, Milestone] = {}
    if "events" in q.include:
        stmt = crud.events_query(
            country=country, pair=pair, kinds=q.event_kinds, start=q.start, end=q.end
        ).where(crud.visible_events(None))
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
    day = today()
    body, truncated = feeds.render(
        info, found, today=day, cap=cap, events=events, milestones=milestones,
        years=(q.start.year, q.end.year),
    )  # fmt: skip
    if truncated:  # what it shows depends on the day too
        etag = hashlib.sha256(f"{etag}|{day}".encode()).hexdigest()[:32]
    return Entry(etag, body, gzip.compress(body, 6, mtime=0), truncated, day.isoformat())


def serve_feed(
    request: Request,
    session: Session,
    q: FeedQuery,
    *,
    scope: str,
    name: str,
    description: str,
    filename: str,
    country: str | None = None,
    pair: tuple[str, str] | None = None,
) -> Response:
    settings = request.app.state.settings
    cache = request.app.state.feed_cache
    row = session.get(FeedVersion, scope)
    version, changed_at = (row.version, row.changed_at) if row else (0, NEVER)
    base = public_url(request, "")
    basis = f"{__version__}|{scope}|{version}|{q.key()}|{settings.feed_max_events}|{base}"
    key = hashlib.sha256(basis.encode()).hexdigest()[:32]

    headers = {
        "Cache-Control": f"public, max-age={settings.feed_max_age}",
        "Last-Modified": http_date(changed_at),
        "Vary": "Accept-Encoding",
    }
    inm = request.headers.get("if-none-match")
    gz = accepts_gzip(request.headers.get("accept-encoding"))

    def not_modified(etag: str) -> Response | None:
        tags = [quote_etag(etag), quote_etag(etag + "-gz")]
        if etag_matches(inm, tags) or (inm is None and not_modified_since(
            request.headers.get("if-modified-since"), changed_at
        )):  # fmt: skip
            return Response(status_code=304, headers={**headers, "ETag": tags[gz]})
        return None

    entry = cache.get(key)
    if entry is None or (entry.truncated and entry.built_on != today().isoformat()):
        # A feed that was not truncated is fully identified by the key: answer 304 unbuilt.
        if entry is None and (early := not_modified(key)):
            return early
        info = feeds.FeedInfo(
            scope=scope,
            name=name,
            description=description,
            url=str(request.url.replace(query="")),
            base_url=base,
        )
        entry = _build(
            session, info, q, country=country, pair=pair, cap=settings.feed_max_events, etag=key
        )
        cache.put(key, entry)
    if early := not_modified(entry.etag):
        return early

    body = entry.gzipped if gz else entry.body
    headers |= {
        "ETag": quote_etag(entry.etag + "-gz" if gz else entry.etag),
        "Content-Disposition": f'inline; filename="{filename}"',
        "Content-Length": str(len(body)),
    }
    if gz:
        headers["Content-Encoding"] = "gzip"
    return Response(
        b"" if request.method == "HEAD" else body,
        media_type="text/calendar; charset=utf-8",
        headers=headers,
    )


def _country_or_404(code: str) -> str:
    info = lookup(code)
    if info is None:
        raise HTTPException(404, f"No country has the code {code!r}.")
    return info.code


@get_and_head(router, "/all.ics", response_class=Response)
def all_feed(request: Request, session: SessionDep, q: FeedQueryDep):
    """Every anniversary, as an iCalendar feed to subscribe to."""
    return serve_feed(
        request, session, q, scope="all", name="Diplomatic anniversaries",
        description="Anniversaries of diplomatic relations and independence and national days "
        "(diplomatic-calendar).",
        filename="all.ics",
    )  # fmt: skip


@get_and_head(router, "/countries/{code}.ics", response_class=Response)
def country_feed(code: str, request: Request, session: SessionDep, q: FeedQueryDep):
    """The anniversaries of one country, alone or in a pair, as an iCalendar feed."""
    code = _country_or_404(code)
    name = name_of(code)
    return serve_feed(
        request, session, q, scope=code, name=f"{name} anniversaries",
        description=f"Anniversaries of {name} and its relations with other countries "
        "(diplomatic-calendar).",
        filename=f"{code}.ics", country=code,
    )  # fmt: skip


@get_and_head(router, "/pairs/{pair}.ics", response_class=Response)
def pair_feed(pair: str, request: Request, session: SessionDep, q: FeedQueryDep):
    """The anniversaries of one pair (`CN-PE` and `PE-CN` are the same feed)."""
    parts = pair.split("-")
    if len(parts) != 2:
        raise HTTPException(404, "A pair feed is named by two codes, like /feeds/pairs/CN-PE.ics.")
    a, b = sorted(_country_or_404(p) for p in parts)
    if a == b:
        raise HTTPException(404, "A pair needs two different countries.")
    label = pair_label([a, b])
    return serve_feed(
        request, session, q, scope=f"{a}-{b}", name=f"{label} anniversaries",
        description=f"Anniversaries of the relations between {name_of(a)} and {name_of(b)} "
        "(diplomatic-calendar).",
        filename=f"{a}-{b}.ics", pair=(a, b),
    )  # fmt: skip


# ---------------------------------------------------------------- discovery


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


@discovery.get("", response_model=Page[dict[str, str]])
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
                Milestone.country_b.is_not(None),  # type: ignore[union-attr]
                Milestone.deleted_at.is_(None),  # type: ignore[union-attr]
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
