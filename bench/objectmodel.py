"""The same feed built with the icalendar object model: the baseline that the issue measures
cold builds against (GUIDE.md, "Performance reference": about 0.2 ms per event).

It takes the anniversaries and events the service loads and gives each VEVENT the same
properties (UID, DTSTAMP, DTSTART/DTEND, SUMMARY, DESCRIPTION, LOCATION, CATEGORIES, URL,
TRANSP, SEQUENCE, LAST-MODIFIED, STATUS, RELATED-TO), then lets icalendar add the VTIMEZONEs
and serialise. The benchmark checks that both feeds hold the same events.
"""

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence

import icalendar

from app.anniversaries import Anniversary
from app.feeds import render as feeds
from app.models import Event, Milestone


def build(
    info: feeds.FeedInfo,
    found: Sequence[Anniversary[Milestone]],
    events: Sequence[Event],
    milestones: Mapping[object, Milestone],
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", feeds.PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", info.name)
    cal.add("x-wr-calname", info.name)
    cal.add("description", info.description)
    cal.add("x-wr-caldesc", info.description)
    cal.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
    items: list[tuple[dt.date, object]] = [(a.date, a) for a in found if a.date is not None]
    items += [(e.start_date, e) for e in events]
    items.sort(key=lambda item: item[0])
    for _, obj in items:
        if isinstance(obj, Event):
            cal.add_component(_event(obj, info.base_url, milestones.get(obj.milestone_id)))
        else:
            cal.add_component(_anniversary(obj, info.base_url))  # type: ignore[arg-type]
    cal.add_missing_timezones()
    return cal.to_ical()


def _anniversary(a: Anniversary[Milestone], base_url: str) -> icalendar.Event:
    m = a.milestone
    e = icalendar.Event()
    e.add("uid", feeds.anniversary_uid(m.id, a.year))
    e.add("dtstamp", m.updated_at)
    e.add("dtstart", a.date)
    e.add("dtend", a.date + dt.timedelta(days=1))
    e.add("summary", feeds.anniversary_summary(a))  # the same texts as the service
    e.add("description", feeds.anniversary_description(a))
    e.add("categories", [m.kind, "jubilee"] if a.jubilee else [m.kind])
    e.add("url", f"{base_url}/api/v1/milestones/{m.id}", parameters={"VALUE": "URI"})
    e.add("transp", "TRANSPARENT")
    e.add("sequence", m.revision)
    e.add("last-modified", m.updated_at)
    return e


def _event(event: Event, base_url: str, milestone: Milestone | None) -> icalendar.Event:
    e = icalendar.Event()
    e.add("uid", event.uid)
    e.add("dtstamp", event.updated_at)
    if event.all_day:
        e.add("dtstart", event.start_date)
        e.add("dtend", event.end_date + dt.timedelta(days=1))
    else:
        zone = zoneinfo.ZoneInfo(event.timezone)
        e.add("dtstart", event.starts_at.replace(tzinfo=zone))
        e.add("dtend", event.ends_at.replace(tzinfo=zone))
    e.add("summary", event.title)
    e.add("description", feeds.event_description(event, milestone))
    where = feeds.location(event)
    if where:
        e.add("location", where)
    e.add("categories", [event.kind])
    e.add("url", event.online_url or f"{base_url}/api/v1/events/{event.id}")
    if event.online_url:
        e.add("conference", event.online_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    e.add("transp", "TRANSPARENT" if event.all_day else "OPAQUE")
    e.add("sequence", event.revision)
    e.add("last-modified", event.updated_at)
    e.add("status", event.status.upper())
    if event.milestone_id is not None and event.year is not None:
        e.add("related-to", feeds.anniversary_uid(event.milestone_id, event.year))
    return e
