"""Reading events from an iCalendar file (RFC 5545): pure, no FastAPI, no database.

A file that is not iCalendar is rejected whole with the line at fault; a file that parses
yields one ``ParsedEvent`` per VEVENT, each either the fields of an event or the reasons it
cannot be one, with the line it starts on.
"""

import datetime as dt
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

import icalendar
from icalendar.parser import Contentline

from app.feeds import ical
from app.models import EventKind, EventStatus

_ANNIVERSARY_UID = re.compile(
    r"anniversary-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(\d{1,4})@"
)


class IcsSyntaxError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class ParsedEvent:
    line: int
    uid: str | None
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _check_syntax(text: str) -> list[int]:
    """Every content line must parse and components must nest (RFC 5545 §3.1, §3.4).
    Returns the line number of each VEVENT's BEGIN."""
    stack: list[str] = []
    starts: list[int] = []
    logical: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if line[:1] in (" ", "\t") and logical:
            n, previous = logical[-1]
            logical[-1] = (n, previous + line[1:])
        elif line:
            logical.append((number, line))
    if not logical:
        raise IcsSyntaxError(1, "the file is empty")
    for number, line in logical:
        try:
            name, _params, value = Contentline(line).parts()
        except ValueError as exc:
            raise IcsSyntaxError(number, f"not an iCalendar content line: {exc}") from None
        name = name.upper()
        if not stack and not (name == "BEGIN" and value.upper() == "VCALENDAR"):
            raise IcsSyntaxError(number, "expected BEGIN:VCALENDAR")
        if name == "BEGIN":
            stack.append(value.upper())
            if value.upper() == "VEVENT":
                starts.append(number)
        elif name == "END":
            if not stack or stack[-1] != value.upper():
                expected = f"END:{stack[-1]}" if stack else "nothing"
                raise IcsSyntaxError(number, f"END:{value} where {expected} was expected")
            stack.pop()
            if not stack and number != logical[-1][0]:
                raise IcsSyntaxError(logical[-1][0], "content after END:VCALENDAR")
    if stack:
        raise IcsSyntaxError(logical[-1][0], f"END:{stack[-1]} is missing")
    return starts


def _zone_name(value: dt.datetime) -> str | None:
    tz = value.tzinfo
    if tz is None:
        return None
    if isinstance(tz, zoneinfo.ZoneInfo):
        return tz.key
    if value.utcoffset() == dt.timedelta(0) and str(tz) in ("UTC", "Z", "UTC+00:00"):
        return "UTC"
    return getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)


def _timing(event: icalendar.Component, parsed: ParsedEvent) -> dict[str, Any]:
    try:
        start = event.decoded("DTSTART")
    except KeyError:
        parsed.errors.append({"field": "DTSTART", "message": "is required"})
        return {}
    except (ValueError, TypeError) as exc:
        parsed.errors.append({"field": "DTSTART", "message": f"not a date or time: {exc}"})
        return {}
    try:
        end = event.decoded("DTEND") if "DTEND" in event else None
        duration = event.decoded("DURATION") if "DURATION" in event else None
    except (ValueError, TypeError) as exc:
        parsed.errors.append({"field": "DTEND", "message": f"not a date or time: {exc}"})
        return {}
    if end is None and duration is not None:
        end = start + duration
    if not isinstance(start, dt.datetime):  # all-day; DTEND is exclusive (RFC 5545 §3.6.1)
        last = start
        if isinstance(end, dt.date) and not isinstance(end, dt.datetime) and end > start:
            last = end - dt.timedelta(days=1)
        return {"start_date": start.isoformat(), "end_date": last.isoformat()}
    zone = _zone_name(start)
    if zone is None:
        parsed.errors.append(
            {"field": "DTSTART", "message": "floating time: give a TZID (RFC 5545 §3.3.5)"}
        )
        return {}
    if not isinstance(end, dt.datetime):
        parsed.errors.append({"field": "DTEND", "message": "a timed event needs DTEND or DURATION"})
        return {}
    if end.tzinfo is None:
        end = end.replace(tzinfo=start.tzinfo)
    end = end.astimezone(start.tzinfo)
    return {
        "starts_at": start.replace(tzinfo=None).isoformat(),
        "ends_at": end.replace(tzinfo=None).isoformat(),
        "timezone": zone,
    }


def _event_fields(event: icalendar.Component, parsed: ParsedEvent, countries: list[str] | None):
    data: dict[str, Any] = {}
    ours = event.get("X-DIPLOCAL-EVENT")
    if ours is not None:
        try:
            # An X- property reaches us still escaped (icalendar cannot know it is TEXT).
            data = json.loads(ical.unescape_text(event.decoded("X-DIPLOCAL-EVENT")))
        except json.JSONDecodeError:
            parsed.errors.append({"field": "X-DIPLOCAL-EVENT", "message": "not valid JSON"})
        if not isinstance(data, dict):
            data = {}
    for key in ("start_date", "end_date", "starts_at", "ends_at", "timezone"):
        data.pop(key, None)
    data.update(_timing(event, parsed))
    if "SUMMARY" in event:
        data["title"] = str(event["SUMMARY"])
    elif "title" not in data:
        parsed.errors.append({"field": "SUMMARY", "message": "is required"})
    if ours is None:
        if "DESCRIPTION" in event:
            data["description"] = str(event["DESCRIPTION"])
        if "LOCATION" in event:
            data["venue"] = str(event["LOCATION"])
        link = event.get("CONFERENCE")
        if link is not None:
            data["online_url"] = str(link)
            data["mode"] = "hybrid" if "LOCATION" in event else "online"
        categories = event.get("CATEGORIES")
        cats = [str(c).lower() for c in categories.cats] if categories is not None else []
        data["kind"] = next((c for c in cats if c in EventKind.__members__), "other")
        if countries:
            data["countries"] = countries
        related = _ANNIVERSARY_UID.search(str(event.get("RELATED-TO", "")))
        if related:
            data["milestone_id"], data["year"] = related.group(1), int(related.group(2))
    status = str(event.get("STATUS", "")).lower()
    if status in EventStatus.__members__:
        data["status"] = status
    if "countries" not in data:
        parsed.errors.append(
            {
                "field": "countries",
                "message": "the file does not say which countries the event concerns; "
                "pass ?countries=CN,PE",
            }
        )
    return data


def parse_events(body: bytes, countries: list[str] | None = None) -> list[ParsedEvent]:
    """The VEVENTs of an iCalendar file. Raises ``IcsSyntaxError`` for a file that is not one."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IcsSyntaxError(body[: exc.start].count(b"\n") + 1, "not UTF-8") from None
    starts = _check_syntax(text)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as exc:
        raise IcsSyntaxError(1, f"not an iCalendar file: {exc}") from None
    result = []
    for number, event in zip(starts, calendar.walk("VEVENT"), strict=False):
        uid = str(event["UID"]) if "UID" in event else None
        parsed = ParsedEvent(line=number, uid=uid)
        if uid is None:
            parsed.errors.append({"field": "UID", "message": "is required to import by UID"})
        parsed.data = _event_fields(event, parsed, countries)
        result.append(parsed)
    return result
