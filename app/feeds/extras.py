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
from app.feeds import ical
from app.i18n import text, wording
from app.i18n.languages import DEFAULT
from app.i18n.names import country_name
from app.models import Milestone
from app.planning import durations, holidays

UID_DOMAIN = "diplomatic-calendar"
_END = "END:VEVENT\r\n"
HOLIDAY_STAMP = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)  # when holidays joined the feeds


@dataclass(frozen=True)
class Piece:
    """A VEVENT serialised already, with the day it sorts on and its last change."""

    date: dt.date
    text: str
    updated_at: dt.datetime


def alarms(reminders: Sequence[str], lang: str = DEFAULT) -> str:
    """One VALARM per reminder (canonical durations), to put inside a VEVENT."""
    return "".join(
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\n"
        + ical.text("DESCRIPTION", text.reminder_line(text.lead_time(r, lang), lang))
        + f"TRIGGER:-{r}\r\nEND:VALARM\r\n"
        for r in reminders
    )


def with_alarms(vevent: str, alarm_text: str) -> str:
    """``vevent`` with ``alarm_text`` before its END:VEVENT (a VALARM is inside its VEVENT)."""
    if not alarm_text:
        return vevent
    return vevent[: -len(_END)] + alarm_text + _END


def prepare_pieces(
    found: Iterable[Anniversary[Milestone]], lead: str, base_url: str, lang: str = DEFAULT
) -> list[Piece]:
    """A "Prepare:" all-day event ``lead`` (whole days) before each dated jubilee."""
    days = durations.days_of(lead)
    pieces = []
    for a in found:
        if not a.jubilee or a.date is None:
            continue
        m = a.milestone
        own = (m.title_i18n or {}).get(lang) or m.title
        title = wording.anniversary_title(a.years, m.kind, m.countries, lang, own)
        day = a.date - dt.timedelta(days=days)
        if day < dt.date.min + dt.timedelta(days=1):
            continue
        anniversary = f"anniversary-{m.id}-{a.year}"
        vevent = ical.all_day_event(
            uid=f"{anniversary}-prepare-{lead}@{UID_DOMAIN}",
            day=day,
            summary=text.prepare_summary(title, lang),
            dtstamp=m.updated_at,
            last_modified=m.updated_at,
            sequence=m.revision,
            description=text.prepare_description(text.lead_time(lead, lang), title, a.date, lang),
            categories=["preparation", m.kind],
            url=f"{base_url}/api/v1/milestones/{m.id}",
            related_to=f"{anniversary}@{UID_DOMAIN}",
        )
        pieces.append(Piece(day, vevent, m.updated_at))
    return pieces


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "holiday"


def holiday_pieces(
    codes: Iterable[str], start: dt.date, end: dt.date, lang: str = DEFAULT
) -> list[Piece]:
    """The public holidays of ``codes`` in ``start``..``end`` (those the holidays package
    covers), as transparent all-day events marked HOLIDAY."""
    pieces = []
    for code in sorted(set(codes)):
        country = country_name(code, lang)
        for day, name in holidays.between(code, start, end):
            vevent = ical.all_day_event(
                uid=f"holiday-{code}-{day.isoformat()}-{_slug(name)}@{UID_DOMAIN}",
                day=day,
                summary=f"{name} ({country})",
                dtstamp=HOLIDAY_STAMP,
                sequence=0,
                description=text.holiday_description(code, holidays.VERSION, lang),
                categories=["HOLIDAY"],
            )
            pieces.append(Piece(day, vevent, HOLIDAY_STAMP))
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
