"""What the pages show, gathered from the rest of the service in one place.

Every read the pages make goes through this module, so that the integrator can point it at
``app.queries`` (the read functions leaving ``app.crud``), the relationship lifecycle and the
language catalogues without touching a route or a template. It calls:

- ``app.queries.anniversaries`` (the same window query as the JSON API and the feeds),
- ``app.queries.milestones_query``, ``app.queries.events_query``, ``app.queries.visible_events``,
- ``app.anniversaries.anniversaries_of``, ``is_jubilee``, ``tier``,
- ``app.feeds.render.anniversary_summary`` and ``milestone_title`` (app/i18n wording, the
  feeds' titles in the page's language).
- ``app.pairs.partners`` (the relationship lifecycle: state, celebrated origin, next dates).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlmodel import Session, select

from app import pairs as pair_service
from app import queries
from app.anniversaries import Anniversary, anniversaries_of
from app.feeds import render
from app.filters import AnniversaryFilter
from app.i18n.languages import DEFAULT
from app.models import CELEBRATED_KINDS, Event, Milestone

UPCOMING_DAYS = 30
HOME_JUBILEES = 200  # the rest, if any, is one link away in the JSON API
ESTABLISHING = ("diplomatic_relations", "relations_restored")
RELATION_KINDS = (*ESTABLISHING, "relations_severed")
STATE_KINDS = ("independence", "national_day")


@dataclass
class Partner:
    code: str
    established: Milestone  # the celebrated origin (a resumption, an upgrade: issue 13)
    state: str  # "live", "severed" or "none" (app.lifecycle.Phase)
    next_anniversary: Anniversary[Milestone] | None
    next_jubilee: Anniversary[Milestone] | None


@dataclass
class CountryView:
    code: str
    own: list[Milestone]  # independence and national days
    partners: list[Partner]
    upcoming: list[Anniversary[Milestone]]
    events: list[Event]


@dataclass
class PairView:
    pair: tuple[str, str]
    timeline: list[Milestone]
    upcoming: list[Anniversary[Milestone]]
    events: list[Event]
    celebrates: dict[uuid.UUID, Milestone] = field(default_factory=dict)


def title_of(a: Anniversary[Milestone], lang: str = DEFAULT) -> str:
    """The anniversary's title in ``lang``, as its feed in that language says it."""
    return render.anniversary_summary(a, lang)


def milestone_title(m: Milestone, lang: str = DEFAULT) -> str:
    return render.milestone_title(m, lang)


def countries_of(item: Milestone | Event) -> list[str]:
    return [item.country_a] if item.country_b is None else [item.country_a, item.country_b]


def _public_events(stmt):
    return stmt.where(queries.visible_events(None))


def home(session: Session, today: dt.date) -> dict:
    """This year's jubilees, the next 30 days, and what happened on this day."""
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    soon = today + dt.timedelta(days=UPCOMING_DAYS)
    jubilee = AnniversaryFilter(
        kinds=CELEBRATED_KINDS, jubilee_only=True, dated_only=True, celebrated_only=True
    )
    celebrated = AnniversaryFilter(kinds=CELEBRATED_KINDS, dated_only=True, celebrated_only=True)
    jubilees = queries.anniversaries(session, year_start, year_end, jubilee, limit=HOME_JUBILEES)
    total = queries.count_anniversaries(session, year_start, year_end, jubilee)
    upcoming = queries.anniversaries(session, today, soon, celebrated, limit=100)
    events = session.exec(_public_events(queries.events_query(start=today, end=soon)).limit(50))
    on_this_day = queries.anniversaries(
        session, today, today, AnniversaryFilter(dated_only=True), limit=50
    )
    return {
        "jubilees": jubilees,
        "jubilee_total": total,
        "upcoming": upcoming,
        "events": list(events),
        "on_this_day": on_this_day,
    }


def _next(m: Milestone, today: dt.date, jubilee: bool) -> Anniversary[Milestone] | None:
    """The next anniversary (or jubilee) of ``m`` from today: within a year (five)."""
    if m.precision != "day":
        return None
    span = 5 * 366 if jubilee else 366
    for a in anniversaries_of(m, today, today + dt.timedelta(days=span)):
        if a.date is not None and (a.jubilee or not jubilee):
            return a
    return None


def partners(session: Session, code: str, today: dt.date) -> list[Partner]:
    """The country's partners with the true state of each relationship (app/pairs.py): the
    milestone its anniversaries count from, live or severed today, and what comes next."""
    result = []
    for s in pair_service.partners(session, code, today):
        origin = s.celebrated or s.since
        if origin is None:
            continue
        result.append(
            Partner(
                code=s.partner_of(code),
                established=origin,
                state=s.phase.value,
                next_anniversary=s.next_anniversary,
                next_jubilee=s.next_jubilee,
            )
        )
    return result


def country(session: Session, code: str, today: dt.date) -> CountryView:
    own = session.exec(
        queries.milestones_query(AnniversaryFilter(country=code, kinds=STATE_KINDS))
        .where(Milestone.country_b.is_(None))  # type: ignore[union-attr]
        .order_by(Milestone.kind, Milestone.date, Milestone.observed)
    )
    where = AnniversaryFilter(
        country=code, kinds=CELEBRATED_KINDS, dated_only=True, celebrated_only=True
    )
    upcoming = queries.anniversaries(
        session, today, today + dt.timedelta(days=365), where, limit=40
    )
    place = AnniversaryFilter(country=code)
    events = session.exec(_public_events(queries.events_query(place, start=today)).limit(30))
    return CountryView(code, list(own), partners(session, code, today), upcoming, list(events))


def pair(session: Session, a: str, b: str, today: dt.date) -> PairView:
    """The pair's whole timeline, its next anniversaries (five years, so the next jubilee
    shows), and all its public events, latest first."""
    place = AnniversaryFilter(pair=(a, b))
    timeline = list(session.exec(queries.milestones_query(place).order_by(Milestone.date)))
    where = AnniversaryFilter(
        pair=(a, b), kinds=CELEBRATED_KINDS, dated_only=True, celebrated_only=True
    )
    end = today + dt.timedelta(days=5 * 366)
    upcoming = queries.anniversaries(session, today, end, where, limit=12)
    events = list(session.exec(_public_events(queries.events_query(place)).limit(200)))
    events.reverse()
    by_id = {m.id: m for m in timeline}
    celebrates = {e.id: by_id[e.milestone_id] for e in events if e.milestone_id in by_id}
    return PairView((a, b), timeline, upcoming, events, celebrates)


def event(session: Session, event_id: uuid.UUID) -> tuple[Event, Milestone | None] | None:
    """A public, not deleted event, and the milestone whose anniversary it celebrates."""
    found = session.exec(
        _public_events(select(Event).where(Event.id == event_id, Event.deleted_at.is_(None)))  # type: ignore[union-attr]
    ).first()
    if found is None:
        return None
    milestone = session.get(Milestone, found.milestone_id) if found.milestone_id else None
    if milestone is not None and milestone.deleted_at is not None:
        milestone = None
    return found, milestone
