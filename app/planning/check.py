"""Is this date free? The answer of ``GET /api/v1/planning/check``, read from the database
once for the whole window around the date (one anniversary query, one event query) and from
the in-process holiday cache (app/planning/holidays.py)."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from app import queries
from app.anniversaries import Anniversary
from app.api.anniversaries import anniversary_public
from app.countries import name_of
from app.filters import AnniversaryFilter
from app.models import CELEBRATED_KINDS, ApiKey, Event, Milestone
from app.planning import dates, holidays

NATIONAL_KINDS = frozenset({"national_day", "independence"})


def check(
    session: Session,
    codes: Sequence[str],
    first: dt.date,
    days: int,
    window: int,
    viewer: ApiKey | None,
) -> dict[str, Any]:
    """For each day of ``first`` and the ``days - 1`` after it and each country: its public
    holidays, weekend, national and independence days, other anniversaries and events; and
    the nearest free start dates within ±``window`` days.

    A day is busy in a country on a public holiday, at its weekend, on an anniversary of the
    celebrated kinds (the celebrated series of app/queries.py) or during one of its events that
    is not cancelled. A country the holidays package lacks is checked for the rest only, and
    named in ``not_checked``.
    """
    low, high = dates.surroundings(first, days, window)
    where = AnniversaryFilter(country=tuple(codes), kinds=CELEBRATED_KINDS, dated_only=True)
    found = queries.anniversaries(session, low, high, where)
    stmt = queries.events_query(AnniversaryFilter(country=tuple(codes)), start=low, end=high)
    events = [
        e for e in session.exec(stmt.where(queries.visible_events(viewer)))
        if e.status != "cancelled"
    ]  # fmt: skip
    by_day: dict[tuple[str, dt.date], list[Anniversary[Milestone]]] = {}
    for a in found:
        assert a.date is not None  # dated_only
        for code in a.milestone.countries:
            by_day.setdefault((code, a.date), []).append(a)
    events_on: dict[tuple[str, dt.date], list[Event]] = {}
    for e in events:
        for day in dates.span(e.start_date, (e.end_date - e.start_date).days + 1):
            if low <= day <= high:
                for code in e.countries:
                    events_on.setdefault((code, day), []).append(e)
    checked = {code: holidays.covered(code) for code in codes}
    weekends = {code: holidays.weekend(code) for code in codes}

    def busy_in(code: str, day: dt.date) -> bool:
        return bool(
            day.weekday() in weekends[code]
            or holidays.on(code, day)
            or (code, day) in by_day
            or (code, day) in events_on
        )

    def busy(day: dt.date) -> bool:
        return any(busy_in(code, day) for code in codes)

    def country_on(code: str, day: dt.date) -> dict[str, Any]:
        anniversaries = by_day.get((code, day), [])
        return {
            "country": code,
            "name": name_of(code),
            "holidays_checked": checked[code],
            "weekend": day.weekday() in weekends[code] if checked[code] else None,
            "holidays": [{"name": n} for n in holidays.on(code, day)],
            "national_days": [
                anniversary_public(a) for a in anniversaries if a.milestone.kind in NATIONAL_KINDS
            ],
            "anniversaries": [
                anniversary_public(a)
                for a in anniversaries
                if a.milestone.kind not in NATIONAL_KINDS
            ],
            "events": [_event(e) for e in events_on.get((code, day), [])],
            "free": not busy_in(code, day),
        }

    wanted = dates.span(first, days)
    return {
        "date": first,
        "days": days,
        "window": window,
        "countries": list(codes),
        "free": not any(busy(d) for d in wanted),
        "dates": [
            {"date": d, "free": not busy(d), "countries": [country_on(c, d) for c in codes]}
            for d in wanted
        ],
        "not_checked": [
            {"country": c, "name": name_of(c), "reason": _why_not(c)}
            for c in codes
            if not checked[c]
        ],
        "suggestions": dates.suggestions(first, days, window, busy),
        "holidays_source": f"holidays {holidays.VERSION}",
    }


def _event(e: Event) -> dict[str, Any]:
    return {
        "id": e.id,
        "title": e.title,
        "kind": e.kind,
        "start_date": e.start_date,
        "end_date": e.end_date,
        "visibility": e.visibility,
    }


def _why_not(code: str) -> str:
    if holidays.is_former(code):
        return "a former state: the holidays package has no calendar for it"
    return "the holidays package has no calendar for this country"
