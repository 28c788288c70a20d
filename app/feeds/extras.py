"""Lead time and context in a feed (issue 16): the VALARMs of ``remind=``, the "Prepare:"
events of ``prepare=`` and the public holidays of ``include=holidays``. Pure, like render.py,
which calls it at one place: these are VEVENT text built apart from its wording.

- A VALARM (RFC 5545 §3.6.6: ACTION:DISPLAY with DESCRIPTION and a TRIGGER before the start)
  is added inside an anniversary's cached VEVENT text, so the cached piece stays one per
  milestone revision whatever the reminders.
- Google Calendar ignores alarms in subscribed calendars, so ``prepare=`` adds a separate
  all-day event that many days before each jubilee. Its UID is the anniversary's with
  ``-prepare-<duration>``: stable across refreshes and distinct per lead time.
- A holiday's UID is ``holiday-<CC>-<date>-<slug>``: the same holiday is one event in every
  feed and every refresh. Its DTSTAMP is fixed (it has no revision of its own), so an
  unchanged feed stays byte-identical.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.anniversaries import Anniversary
from app.countries import name_of
from app.feeds import ical
from app.models import Milestone
from app.planning import durations, holidays
from app.wording import anniversary_title

UID_DOMAIN = "diplomatic-calendar"
_END = "END:VEVENT\r\n"
HOLIDAY_STAMP = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)  # when holidays joined the feeds


@dataclass(frozen=True)
class Piece:
    """A VEVENT serialised already, with the day it sorts on and its last change."""

    date: dt.date
    text: str
    updated_at: dt.datetime


def alarms(reminders: Sequence[str]) -> str:
    """One VALARM per reminder (canonical durations), to put inside a VEVENT."""
    return "".join(
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\n"
        + ical.text("DESCRIPTION", f"Reminder: in {_lead(r)}")
        + f"TRIGGER:-{r}\r\nEND:VALARM\r\n"
        for r in reminders
    )


def with_alarms(vevent: str, alarm_text: str) -> str:
    """``vevent`` with ``alarm_text`` before its END:VEVENT (a VALARM is inside its VEVENT)."""
    if not alarm_text:
        return vevent
    return vevent[: -len(_END)] + alarm_text + _END


def _lead(duration: str) -> str:
    """``P30D`` -> ``30 days``, ``PT12H`` -> ``12 hours``, ``P1DT6H`` -> ``1 day 6 hours``."""
    days, _, hours = duration[1:].partition("T")
    parts = []
    if days:
        n = int(days[:-1])
        parts.append(f"{n} day" + ("s" if n != 1 else ""))
    if hours:
        n = int(hours[:-1])
        parts.append(f"{n} hour" + ("s" if n != 1 else ""))
    return " ".join(parts)


def prepare_pieces(
    found: Iterable[Anniversary[Milestone]], lead: str, base_url: str
) -> list[Piece]:
    """A "Prepare:" all-day event ``lead`` (whole days) before each dated jubilee."""
    days = durations.days_of(lead)
    pieces = []
    for a in found:
        if not a.jubilee or a.date is None:
            continue
        m = a.milestone
        title = anniversary_title(a.years, m.kind, m.countries, m.title)
        day = a.date - dt.timedelta(days=days)
        if day < dt.date.min + dt.timedelta(days=1):
            continue
        anniversary = f"anniversary-{m.id}-{a.year}"
        text = ical.all_day_event(
            uid=f"{anniversary}-prepare-{lead}@{UID_DOMAIN}",
            day=day,
            summary=f"Prepare: {title}",
            dtstamp=m.updated_at,
            last_modified=m.updated_at,
            sequence=m.revision,
            description=f"{_lead(lead)} before the {title} ({a.date.isoformat()}).",
            categories=["preparation", m.kind],
            url=f"{base_url}/api/v1/milestones/{m.id}",
            related_to=f"{anniversary}@{UID_DOMAIN}",
        )
        pieces.append(Piece(day, text, m.updated_at))
    return pieces


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "holiday"


def holiday_pieces(codes: Iterable[str], start: dt.date, end: dt.date) -> list[Piece]:
    """The public holidays of ``codes`` in ``start``..``end`` (those the holidays package
    covers), as transparent all-day events marked HOLIDAY."""
    pieces = []
    for code in sorted(set(codes)):
        country = name_of(code)
        for day, name in holidays.between(code, start, end):
            text = ical.all_day_event(
                uid=f"holiday-{code}-{day.isoformat()}-{_slug(name)}@{UID_DOMAIN}",
                day=day,
                summary=f"{name} ({country})",
                dtstamp=HOLIDAY_STAMP,
                sequence=0,
                description=f"Public holiday in {country} (holidays {holidays.VERSION}).",
                categories=["HOLIDAY"],
            )
            pieces.append(Piece(day, text, HOLIDAY_STAMP))
    return pieces


def feed_countries(
    country: str | tuple[str, ...] | None, pair: tuple[str, str] | None
) -> tuple[str, ...]:
    """The countries whose holidays a feed of this place shows; empty for a feed of every
    country, where ``include=holidays`` is refused (app/feeds/serve.py)."""
    if pair:
        return pair
    if isinstance(country, tuple):
        return country
    return (country,) if country else ()
