"""What goes into a feed: anniversaries as all-day VEVENTs. Pure: no FastAPI, no database.

Design choices, each from a bug that calendar users met elsewhere (GUIDE.md, "Feeds"):
- one VEVENT per anniversary year, never an RRULE from the origin date: a yearly rule from
  29 February vanishes three years in four (RFC 5545 §3.3.10), and clients mishandle start
  dates before 1970;
- the UID depends only on the milestone and the year, so a refresh never duplicates events;
- DTSTAMP and LAST-MODIFIED come from the milestone's ``updated_at`` and SEQUENCE from its
  ``revision`` (RFC 5546 §2.1.4), so an unchanged feed is byte-identical and an edit updates
  the event in place;
- a feed over the cap keeps the events nearest to today and says so in a notice event.
"""

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import icalendar

from app import __version__
from app.anniversaries import Anniversary
from app.feeds import extras, ical
from app.feeds.cache import PieceCache
from app.i18n import text, wording
from app.i18n.languages import DEFAULT
from app.i18n.names import country_name
from app.models import Event, EventPublic, Milestone

PRODID = f"-//diplomatic-calendar//diplocal {__version__}//EN"
# Each VEVENT is serialised once per revision of what it shows, base URL and language: the
# key holds the revision and last change of the milestone or event, and of the milestone an
# event celebrates, which every write through the API moves. 24 MB hold about 27,000 VEVENTs.
PIECES = PieceCache(24 * 2**20)
UID_DOMAIN = "diplomatic-calendar"


@dataclass(frozen=True)
class FeedInfo:
    """Who the feed is for: ``name`` is its calendar name, ``scope`` its identity."""

    scope: str
    name: str
    description: str
    url: str  # the feed's own URL, for the truncation notice
    base_url: str  # where milestone links point
    lang: str = DEFAULT


def anniversary_uid(milestone_id: object, year: int) -> str:
    """Identity alone: the milestone and the year (RFC 5545 §3.8.4.7); the same in every
    language, so one anniversary is one event whichever feed a client reads it from."""
    return f"anniversary-{milestone_id}-{year}@{UID_DOMAIN}"


def own_text(item: Milestone | Event, field: str, lang: str) -> str | None:
    """What people named the milestone or event in ``lang`` (``title_i18n``,
    ``description_i18n``), else its own ``title`` or ``description``."""
    given: dict[str, str] = getattr(item, f"{field}_i18n", None) or {}
    value: str | None = getattr(item, field)
    return given.get(lang) or value


def milestone_title(m: Milestone, lang: str = DEFAULT) -> str:
    """The milestone's title in ``lang``, or one generated from its kind and countries."""
    return own_text(m, "title", lang) or wording.default_title(m.kind, m.countries, lang)


def anniversary_summary(a: Anniversary[Milestone], lang: str = DEFAULT) -> str:
    m = a.milestone
    summary = wording.anniversary_title(
        a.years, m.kind, m.countries, lang, own_text(m, "title", lang)
    )
    return wording.observed_title(summary, lang) if a.observed else summary


def anniversary_description(a: Anniversary[Milestone], lang: str = DEFAULT) -> str:
    m = a.milestone
    assert m.date is not None and m.precision is not None, "an anniversary has an origin"
    # The SUMMARY names the pair already: an untitled milestone's origin is its kind.
    origin = own_text(m, "title", lang) or wording.kind_name(m.kind, lang)
    lines = [
        text.origin_line(origin, m.date, m.precision, lang),
        text.anniversary_line(a.years, lang),
    ]
    if a.observed:
        lines.append(text.observed_note(a.year, lang))
    description = own_text(m, "description", lang)
    if description:
        lines += ["", description]
    lines += [
        "",
        cited_sources(m.sources, lang),
        text.confidence_line(m.confidence, lang),
    ]
    return "\n".join(lines)


def cited_sources(sources: list[dict[str, Any]], lang: str = DEFAULT) -> str:
    """Every source once, ``title (url)``, joined by ``; ``: what a ministry can cite."""
    cited = list(
        dict.fromkeys(
            " ".join(p for p in (s.get("title"), f"({s['url']})" if s.get("url") else None) if p)
            for s in sources
        )
    )
    if len(cited) > 1:
        return text.sources_line(cited, lang)
    return text.source_line(cited[0] if cited else None, None, lang)


def anniversary_event(a: Anniversary[Milestone], base_url: str, lang: str = DEFAULT) -> str:
    m = a.milestone
    assert a.date is not None, "undated anniversaries have no place in a feed"
    categories = [m.kind, "jubilee"] if a.jubilee else [m.kind]
    return ical.all_day_event(
        uid=anniversary_uid(m.id, a.year),
        day=a.date,
        summary=anniversary_summary(a, lang),
        dtstamp=m.updated_at,
        last_modified=m.updated_at,
        sequence=m.revision,
        description=anniversary_description(a, lang),
        categories=categories,
        url=f"{base_url}/api/v1/milestones/{m.id}",
    )


def truncation_notice(
    feed: FeedInfo, shown: int, total: int, today: dt.date, stamp: dt.datetime
) -> str:
    return ical.all_day_event(
        uid=f"truncated-{feed.scope}@{UID_DOMAIN}",
        day=today,
        summary=text.truncation_summary(shown, total, feed.lang),
        dtstamp=stamp,
        sequence=0,
        description=text.truncation_description(shown, feed.url, feed.lang),
        categories=["notice"],
        url=feed.url,
    )


# Kinds that are not gatherings: "in person" (the default mode) says nothing of them.
NOT_GATHERINGS = frozenset({"publication", "stamp_issue"})


def event_uid_for(event_id: object) -> str:
    """The UID of an event created here; imported events keep the UID they came with."""
    return f"event-{event_id}@{UID_DOMAIN}"


@lru_cache(maxsize=1024)
def vtimezone(tzid: str, first_year: int, last_year: int) -> str:
    """The VTIMEZONE for ``tzid`` covering the given years, built once per zone and range.

    Outlook shifts a TZID time that has no VTIMEZONE in the file (RFC 5545 §3.6.5 requires one
    for every TZID). icalendar derives it from the same zoneinfo database the service uses.
    """
    first = dt.date(max(first_year, 1970), 1, 1)  # zoneinfo transitions before 1970 are sparse
    last = dt.date(min(max(last_year, first.year) + 1, 9999), 1, 1)
    block = icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last)
    # icalendar notes the covered range in a COMMENT, which RFC 5545 §3.6.5 does not allow in
    # VTIMEZONE: libical (Evolution, GNOME, KDE) and Ruby's icalendar reject the feed for it.
    block.pop("COMMENT", None)
    text: str = block.to_ical().decode()  # icalendar's to_ical is untyped
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def location(event: Event, lang: str = DEFAULT) -> str | None:
    """``venue, city, country`` as people write an address; "Online" for online-only events.
    The country is the venue's, when known: never guessed from the event's countries (a
    China–Peru reception in Beijing is not in Peru, and a map pin there would mislead)."""
    if event.mode == "online":
        return text.online_location(lang)
    country = country_name(event.venue_country, lang) if event.venue_country else None
    places = [event.venue, event.city, country]
    return ", ".join(p for p in places if p) or None


def event_description(event: Event, milestone: Milestone | None, lang: str = DEFAULT) -> str:
    lines = []
    description = own_text(event, "description", lang)
    if description:
        lines += [description, ""]
    if event.kind not in NOT_GATHERINGS or event.mode != "in_person":
        lines.append(text.mode_line(event.mode, lang))
    if event.online_url:
        lines.append(text.join_online_line(event.online_url, lang))
    if event.organizers:
        lines.append(text.organisers_line(event.organizers, lang))
    if milestone is not None and milestone.date is not None and event.year is not None:
        title = wording.anniversary_title(
            event.year - milestone.date.year, milestone.kind, milestone.countries, lang,
            own_text(milestone, "title", lang),
        )  # fmt: skip
        lines.append(text.celebrates_line(title, lang))
    if event.status == "cancelled":
        lines.append(text.cancelled_line(lang))
    return "\n".join(lines)


def event_vevent(
    event: Event, base_url: str, milestone: Milestone | None = None, *, portable: bool = False,
    lang: str = DEFAULT,
) -> str:  # fmt: skip
    """One celebration as a VEVENT. ``milestone`` is the live milestone it celebrates, if any
    (a deleted one is not named). ``portable`` adds an ``X-DIPLOCAL-EVENT`` property with the
    event's fields, so that importing a downloaded event restores it exactly."""
    related = (
        anniversary_uid(milestone.id, event.year)
        if milestone is not None and event.year is not None
        else None
    )
    optional: dict[str, Any] = {
        "last_modified": event.updated_at,
        "description": event_description(event, milestone, lang),
        "location": location(event, lang),
        "categories": [event.kind],
        "url": event.online_url or f"{base_url}/api/v1/events/{event.id}",
        "conference": event.online_url,
        "status": event.status.upper(),
        "related_to": related,
    }
    if portable:
        data = EventPublic.model_validate(event).as_input()
        optional["extra"] = ical.text("X-DIPLOCAL-EVENT", json.dumps(data, ensure_ascii=False))
    summary = own_text(event, "title", lang) or event.title
    if event.all_day:
        return ical.all_day_event(
            uid=event.uid, day=event.start_date, last_day=event.end_date, summary=summary,
            dtstamp=event.updated_at, sequence=event.revision, **optional,
        )  # fmt: skip
    start, end, tzid = event.starts_at, event.ends_at, event.timezone
    assert start and end and tzid, "not all-day: the event models require all three"
    return ical.timed_event(
        uid=event.uid, start=start, end=end, tzid=tzid,
        summary=summary, dtstamp=event.updated_at, sequence=event.revision, **optional,
    )  # fmt: skip


def timezones_of(events: Iterable[Event], first_year: int, last_year: int) -> list[str]:
    zones = sorted({e.timezone for e in events if e.timezone})
    return [vtimezone(z, first_year, last_year) for z in zones]


def render(
    feed: FeedInfo,
    found: Sequence[Anniversary[Milestone]],
    *,
    today: dt.date,
    cap: int,
    events: Sequence[Event] = (),
    milestones: Mapping[object, Milestone] | None = None,
    years: tuple[int, int] | None = None,
    total: int | None = None,
    extra: Sequence[extras.Piece] = (),
    alarms: str = "",
) -> tuple[bytes, bool]:
    """The feed as UTF-8 bytes, and whether it was truncated to ``cap`` events.

    Anniversaries and events are ordered by day. A cancelled event stays in the feed with
    ``STATUS:CANCELLED`` so that clients that have it remove it (RFC 5545 §3.8.1.11).
    ``total`` is how many items the feed would hold, when ``found`` and ``events`` are only
    those that can be nearest to ``today`` (at least ``cap - 1`` of them). ``extra`` and
    ``alarms`` are the lead-time and holiday additions of app/feeds/extras.py.
    """
    items: list[tuple[dt.date, object]] = [(a.date, a) for a in found if a.date is not None]
    items += [(e.start_date, e) for e in events]
    items += [(p.date, p) for p in extra]
    items.sort(key=lambda item: item[0])  # stable: anniversaries first on a shared day
    components = []
    total = len(items) if total is None else total
    truncated = total > cap
    if truncated:
        nearest = sorted(range(len(items)), key=lambda i: (abs((items[i][0] - today).days), i))
        items = [items[i] for i in sorted(nearest[: cap - 1])]
        stamp = max(
            (getattr(obj, "updated_at", None) or obj.milestone.updated_at for _, obj in items),  # type: ignore[attr-defined]  # not an Event: an Anniversary
            default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        )
        components.append(truncation_notice(feed, len(items), total, today, stamp))
    milestones = milestones or {}
    kept_events = []
    base, lang = feed.base_url, feed.lang
    for _, obj in items:
        if isinstance(obj, Event):
            kept_events.append(obj)
            celebrated = milestones.get(obj.milestone_id)
            key: tuple[object, ...] = (obj.id, obj.revision, obj.updated_at, base, lang)
            if celebrated is not None:
                key += (celebrated.id, celebrated.revision, celebrated.updated_at)
            piece = PIECES.get(key)
            if piece is None:
                piece = event_vevent(obj, base, celebrated, lang=lang)
                PIECES.put(key, piece)
        elif isinstance(obj, extras.Piece):
            piece = obj.text
        else:
            m = obj.milestone  # type: ignore[attr-defined]  # obj is an Anniversary here
            key = (m.id, m.revision, m.updated_at, obj.year, base, lang)  # type: ignore[attr-defined]  # obj is an Anniversary here
            piece = PIECES.get(key)
            if piece is None:
                piece = anniversary_event(obj, base, lang)  # type: ignore[arg-type]  # obj is an Anniversary here
                PIECES.put(key, piece)
            piece = extras.with_alarms(piece, alarms)
        components.append(piece)
    first, last = years or (today.year, today.year)
    text = ical.calendar(
        prodid=PRODID,
        name=feed.name,
        description=feed.description,
        components=components,
        timezones=timezones_of(kept_events, first, last),
    )
    return text.encode(), truncated
