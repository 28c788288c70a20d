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
from app.countries import name_of
from app.feeds import ical
from app.feeds.cache import PieceCache
from app.models import Event, EventPublic, Milestone
from app.wording import anniversary_title

PRODID = f"-//diplomatic-calendar//diplocal {__version__}//EN"
# Each VEVENT is serialised once per revision of what it shows (and base URL): the key holds
# the revision and last change of the milestone or event, and of the milestone an event
# celebrates, which every write through the API moves. 24 MB hold about 27,000 VEVENTs.
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


def anniversary_uid(milestone_id: object, year: int) -> str:
    """Identity alone: the milestone and the year (RFC 5545 §3.8.4.7)."""
    return f"anniversary-{milestone_id}-{year}@{UID_DOMAIN}"


# Not strftime("%B"): that follows the process locale, and feeds must not.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _long_date(d: dt.date, precision: str) -> str:
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def anniversary_summary(a: Anniversary[Milestone]) -> str:
    m = a.milestone
    summary = anniversary_title(a.years, m.kind, m.countries, m.title)
    return summary + " (observed)" if a.observed else summary


def anniversary_description(a: Anniversary[Milestone]) -> str:
    m = a.milestone
    assert m.date is not None and m.precision is not None, "an anniversary has an origin"
    lines = [f"{m.display_title}: {_long_date(m.date, m.precision)}."]
    if a.tier:
        lines.append(f"{a.ordinal} anniversary: a {a.tier} jubilee.")
    elif a.jubilee:
        lines.append(f"{a.ordinal} anniversary: a jubilee.")
    else:
        lines.append(f"{a.ordinal} anniversary.")
    if a.observed:
        lines.append(f"Observed on 28 February: {a.year} has no 29 February.")
    if m.description:
        lines.append("")
        lines.append(m.description)
    lines.append("")
    lines.append(sources_line(m.sources))
    lines.append(f"Confidence: {m.confidence}")
    return "\n".join(lines)


def sources_line(sources: list[dict[str, Any]]) -> str:
    """Every source once, ``title (url)``, joined by ``; ``: what a ministry can cite."""
    cited = [
        " ".join(p for p in (s.get("title"), f"({s['url']})" if s.get("url") else None) if p)
        for s in sources
    ]
    label = "Sources" if len(cited) > 1 else "Source"
    return f"{label}: {'; '.join(dict.fromkeys(cited)) or 'not given'}"


def anniversary_event(a: Anniversary[Milestone], base_url: str) -> str:
    m = a.milestone
    assert a.date is not None, "undated anniversaries have no place in a feed"
    categories = [m.kind, "jubilee"] if a.jubilee else [m.kind]
    return ical.all_day_event(
        uid=anniversary_uid(m.id, a.year),
        day=a.date,
        summary=anniversary_summary(a),
        dtstamp=m.updated_at,
        last_modified=m.updated_at,
        sequence=m.revision,
        description=anniversary_description(a),
        categories=categories,
        url=f"{base_url}/api/v1/milestones/{m.id}",
    )


def truncation_notice(
    feed: FeedInfo, shown: int, total: int, today: dt.date, stamp: dt.datetime
) -> str:
    return ical.all_day_event(
        uid=f"truncated-{feed.scope}@{UID_DOMAIN}",
        day=today,
        summary=f"This calendar shows {shown} of {total} events",
        dtstamp=stamp,
        sequence=0,
        description=(
            f"The feed holds more events than calendar apps accept, so it keeps the {shown} "
            "nearest to today. To see the others, subscribe to a narrower feed: add "
            "from= and to= (dates), kind= or jubilee_only=true to its URL, or use a country "
            f"or pair feed. For example: {feed.url}?jubilee_only=true"
        ),
        categories=["notice"],
        url=feed.url,
    )


ROLE_NAMES = {
    "embassy": "embassy",
    "government": "government",
    "enterprise": "enterprise",
    "community": "community",
    "other": "organiser",
}
MODE_NAMES = {"in_person": "In person", "online": "Online", "hybrid": "In person and online"}


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


def location(event: Event) -> str | None:
    """``venue, city, country`` as people write an address; "Online" for online-only events."""
    if event.mode == "online":
        return "Online"
    places = [event.venue, event.city, *(name_of(c) for c in event.countries[-1:])]
    return ", ".join(p for p in places if p) or None


def event_description(event: Event, milestone: Milestone | None) -> str:
    lines = []
    if event.description:
        lines += [event.description, ""]
    lines.append(f"{MODE_NAMES[event.mode]}.")
    if event.online_url:
        lines.append(f"Join online: {event.online_url}")
    if event.organizers:
        who = "; ".join(
            f"{o['name']} ({ROLE_NAMES.get(o.get('role', 'other'), 'organiser')})"
            for o in event.organizers
        )
        lines.append(f"Organisers: {who}")
    if milestone is not None and milestone.date is not None and event.year is not None:
        title = anniversary_title(
            event.year - milestone.date.year, milestone.kind, milestone.countries, milestone.title
        )
        lines.append(f"Celebrates: {title}")
    if event.status == "cancelled":
        lines.append("This event is cancelled.")
    return "\n".join(lines)


def event_vevent(
    event: Event, base_url: str, milestone: Milestone | None = None, *, portable: bool = False
) -> str:
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
        "description": event_description(event, milestone),
        "location": location(event),
        "categories": [event.kind],
        "url": event.online_url or f"{base_url}/api/v1/events/{event.id}",
        "conference": event.online_url,
        "status": event.status.upper(),
        "related_to": related,
    }
    if portable:
        data = EventPublic.model_validate(event).as_input()
        optional["extra"] = ical.text("X-DIPLOCAL-EVENT", json.dumps(data, ensure_ascii=False))
    if event.all_day:
        return ical.all_day_event(
            uid=event.uid, day=event.start_date, last_day=event.end_date, summary=event.title,
            dtstamp=event.updated_at, sequence=event.revision, **optional,
        )  # fmt: skip
    start, end, tzid = event.starts_at, event.ends_at, event.timezone
    assert start and end and tzid, "not all-day: the event models require all three"
    return ical.timed_event(
        uid=event.uid, start=start, end=end, tzid=tzid,
        summary=event.title, dtstamp=event.updated_at, sequence=event.revision, **optional,
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
) -> tuple[bytes, bool]:
    """The feed as UTF-8 bytes, and whether it was truncated to ``cap`` events.

    Anniversaries and events are ordered by day. A cancelled event stays in the feed with
    ``STATUS:CANCELLED`` so that clients that have it remove it (RFC 5545 §3.8.1.11).
    ``total`` is how many items the feed would hold, when ``found`` and ``events`` are only
    those that can be nearest to ``today`` (at least ``cap - 1`` of them).
    """
    items: list[tuple[dt.date, object]] = [(a.date, a) for a in found if a.date is not None]
    items += [(e.start_date, e) for e in events]
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
    base = feed.base_url
    for _, obj in items:
        if isinstance(obj, Event):
            kept_events.append(obj)
            celebrated = milestones.get(obj.milestone_id)
            key: tuple[object, ...] = (obj.id, obj.revision, obj.updated_at, base)
            if celebrated is not None:
                key += (celebrated.id, celebrated.revision, celebrated.updated_at)
            piece = PIECES.get(key)
            if piece is None:
                piece = event_vevent(obj, base, celebrated)
                PIECES.put(key, piece)
        else:
            m = obj.milestone  # type: ignore[attr-defined]  # obj is an Anniversary here
            key = (m.id, m.revision, m.updated_at, obj.year, base)  # type: ignore[attr-defined]  # obj is an Anniversary here
            piece = PIECES.get(key)
            if piece is None:
                piece = anniversary_event(obj, base)  # type: ignore[arg-type]  # obj is an Anniversary here
                PIECES.put(key, piece)
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
