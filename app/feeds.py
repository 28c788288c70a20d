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
from collections.abc import Sequence
from dataclasses import dataclass

from app import __version__, ical
from app.anniversaries import Anniversary
from app.models import Milestone
from app.wording import anniversary_title

PRODID = f"-//diplomatic-calendar//diplocal {__version__}//EN"
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


def anniversary_event(a: Anniversary[Milestone], base_url: str) -> str:
    m = a.milestone
    assert a.date is not None, "undated anniversaries have no place in a feed"
    summary = anniversary_title(a.years, m.kind, m.countries, m.title)
    lines = [f"{m.display_title}: {_long_date(m.date, m.precision)}."]
    if a.tier:
        lines.append(f"{a.ordinal} anniversary: a {a.tier} jubilee.")
    elif a.jubilee:
        lines.append(f"{a.ordinal} anniversary: a jubilee.")
    else:
        lines.append(f"{a.ordinal} anniversary.")
    if a.observed:
        summary += " (observed)"
        lines.append(f"Observed on 28 February: {a.year} has no 29 February.")
    if m.description:
        lines.append("")
        lines.append(m.description)
    lines.append("")
    lines.append(
        f"Source: {m.source or 'not given'}" + (f" ({m.source_url})" if m.source_url else "")
    )
    lines.append(f"Confidence: {m.confidence}")
    categories = [m.kind, "jubilee"] if a.jubilee else [m.kind]
    return ical.all_day_event(
        uid=anniversary_uid(m.id, a.year),
        day=a.date,
        summary=summary,
        dtstamp=m.updated_at,
        last_modified=m.updated_at,
        sequence=m.revision,
        description="\n".join(lines),
        categories=categories,
        url=f"{base_url}/api/v1/milestones/{m.id}",
    )


def truncation_notice(
    feed: FeedInfo, shown: int, total: int, today: dt.date, stamp: dt.datetime
) -> str:
    return ical.all_day_event(
        uid=f"truncated-{feed.scope}@{UID_DOMAIN}",
        day=today,
        summary=f"This calendar shows {shown} of {total} anniversaries",
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


def render(
    feed: FeedInfo,
    found: Sequence[Anniversary[Milestone]],
    *,
    today: dt.date,
    cap: int,
) -> tuple[bytes, bool]:
    """The feed as UTF-8 bytes, and whether it was truncated to ``cap`` events."""
    dated = [a for a in found if a.date is not None]
    components = []
    truncated = len(dated) > cap
    if truncated:
        keep = sorted(dated, key=lambda a: (abs((a.date - today).days), a.date))[: cap - 1]
        keep.sort(key=lambda a: a.sort_key)
        stamp = max(
            (a.milestone.updated_at for a in dated), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        )
        components.append(truncation_notice(feed, len(keep), len(dated), today, stamp))
        dated = keep
    components.extend(anniversary_event(a, feed.base_url) for a in dated)
    text = ical.calendar(
        prodid=PRODID, name=feed.name, description=feed.description, components=components
    )
    return text.encode(), truncated
