"""Queries shared by the API and the feeds, so both select exactly the same rows."""

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from app import anniversaries as engine
from app import countries as country_data
from app.anniversaries import Anniversary, Precision
from app.db import utcnow
from app.models import ApiKey, Country, Event, FeedVersion, Milestone, Scope, Visibility


def sync_countries(session: Session) -> int:
    """Make the country table match ``app.countries``; returns how many rows changed."""
    existing = {c.code: c for c in session.exec(select(Country))}
    changed = 0
    for info in country_data.all_countries():
        values = {
            "name": info.name,
            "official_name": info.official_name,
            "alpha_3": info.alpha_3,
            "former": info.former,
            "ended": info.ended,
        }
        row = existing.get(info.code)
        if row is None:
            session.add(Country(code=info.code, **values))
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            row.sqlmodel_update(values)
            session.add(row)
            changed += 1
    session.commit()
    return changed


def involving(
    country: str | None = None,
    pair: tuple[str, str] | None = None,
    model: type[Milestone] | type[Event] = Milestone,
) -> list:
    """WHERE clauses for items of one country (alone or in a pair) or of exactly one pair."""
    clauses = []
    if country:
        clauses.append(sa.or_(model.country_a == country, model.country_b == country))
    if pair:
        clauses.append(sa.and_(model.country_a == pair[0], model.country_b == pair[1]))
    return clauses


def text_match(q: str) -> sa.ColumnElement[bool]:
    """Matches ``q`` in a milestone's own text or in the names of its countries."""
    needle = q.strip().casefold()
    codes = [
        c.code
        for c in country_data.all_countries()
        if needle in c.name.casefold() or needle == c.code.casefold()
    ]
    return sa.or_(
        Milestone.title.icontains(needle, autoescape=True),  # type: ignore[union-attr]
        Milestone.description.icontains(needle, autoescape=True),  # type: ignore[union-attr]
        Milestone.source.icontains(needle, autoescape=True),  # type: ignore[union-attr]
        Milestone.country_a.in_(codes),  # type: ignore[attr-defined]
        Milestone.country_b.in_(codes),  # type: ignore[union-attr]
    )


def milestones_query(
    *,
    country: str | None = None,
    pair: tuple[str, str] | None = None,
    kinds: Iterable[str] | None = None,
    q: str | None = None,
) -> SelectOfScalar[Milestone]:
    stmt = select(Milestone).where(Milestone.deleted_at.is_(None), *involving(country, pair))  # type: ignore[union-attr]
    if kinds is not None:
        stmt = stmt.where(Milestone.kind.in_(sorted(kinds)))  # type: ignore[attr-defined]
    if q and q.strip():
        stmt = stmt.where(text_match(q))
    return stmt


def _window_clause(start: dt.date, end: dt.date) -> sa.ColumnElement[bool] | None:
    """Narrows milestones to those that can have an anniversary in the window, using the
    (month, day) index instead of reading every milestone; None when all can."""
    ranges = engine.month_day_ranges(start, end)
    if ranges is None:
        return None
    md = sa.tuple_(Milestone.month, Milestone.day)
    day_clauses = [md.between(sa.tuple_(*a), sa.tuple_(*b)) for a, b in ranges]
    months = sorted({m for a, b in ranges for m in range(a[0], b[0] + 1)})
    return sa.or_(
        sa.and_(Milestone.precision == Precision.day.value, sa.or_(*day_clauses)),
        sa.and_(Milestone.precision == Precision.month.value, Milestone.month.in_(months)),  # type: ignore[union-attr]
        Milestone.precision == Precision.year.value,
    )


def anniversaries(
    session: Session,
    start: dt.date,
    end: dt.date,
    *,
    country: str | None = None,
    pair: tuple[str, str] | None = None,
    kinds: Iterable[str] | None = None,
    jubilee_only: bool = False,
) -> list[Anniversary[Milestone]]:
    """The anniversaries in ``start``..``end`` of the milestones that match, in date order."""
    stmt = milestones_query(country=country, pair=pair, kinds=kinds).where(
        Milestone.date < dt.date(end.year, 1, 1)  # no anniversary before the first year
    )
    window = _window_clause(start, end)
    if window is not None:
        stmt = stmt.where(window)
    rows = session.exec(stmt.order_by(Milestone.id)).all()
    return engine.anniversaries(rows, start, end, jubilee_only=jubilee_only)


def event_text_match(q: str) -> sa.ColumnElement[bool]:
    """Matches ``q`` in an event's text, its organisers or the names of its countries."""
    needle = q.strip().casefold()
    codes = [c.code for c in country_data.all_countries() if needle in c.name.casefold()]
    columns = (Event.title, Event.description, Event.venue, Event.city)
    return sa.or_(
        *(col.icontains(needle, autoescape=True) for col in columns),  # type: ignore[union-attr]
        sa.cast(Event.organizers, sa.Text).icontains(needle, autoescape=True),
        Event.country_a.in_(codes),  # type: ignore[attr-defined]
        Event.country_b.in_(codes),  # type: ignore[union-attr]
    )


def events_query(
    *,
    country: str | None = None,
    pair: tuple[str, str] | None = None,
    kinds: Iterable[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> SelectOfScalar[Event]:
    """Events of a country or pair that overlap ``start``..``end``, in start order; deleted
    events never, private ones only where the caller adds ``visible_events``."""
    stmt = select(Event).where(Event.deleted_at.is_(None), *involving(country, pair, Event))  # type: ignore[union-attr]
    if kinds is not None:
        stmt = stmt.where(Event.kind.in_(sorted(kinds)))  # type: ignore[attr-defined]
    if start is not None:
        stmt = stmt.where(Event.end_date >= start)
    if end is not None:
        stmt = stmt.where(Event.start_date <= end)
    # All-day events (no ``starts_at``) first on their day. Explicit, because SQLite sorts
    # NULLs first and PostgreSQL last.
    return stmt.order_by(Event.start_date, Event.starts_at.nulls_first(), Event.id)  # type: ignore[union-attr]


def visible_events(key: ApiKey | None) -> sa.ColumnElement[bool]:
    """Public events for everyone; private ones for admins, and for editors and readers
    when all of the event's countries are theirs."""
    public = Event.visibility == Visibility.public.value
    if key is None:
        return public
    if key.scope == Scope.admin:
        return sa.true()
    own = sorted(key.country_set)
    return sa.or_(
        public,
        sa.and_(
            Event.country_a.in_(own),  # type: ignore[attr-defined]
            sa.or_(Event.country_b.is_(None), Event.country_b.in_(own)),  # type: ignore[union-attr]
        ),
    )


def celebrating_events(
    session: Session, found: Iterable[Anniversary[Milestone]], viewer: ApiKey | None = None
) -> dict[tuple[object, int], list[Event]]:
    """The events tied to each (milestone id, year) among ``found``, in one query."""
    keys = {(a.milestone.id, a.year) for a in found}
    if not keys:
        return {}
    rows = session.exec(
        select(Event)
        .where(
            Event.milestone_id.in_({k[0] for k in keys}),  # type: ignore[union-attr]
            Event.deleted_at.is_(None),  # type: ignore[union-attr]
            visible_events(viewer),
        )
        .order_by(Event.start_date, Event.id)
    )
    result: dict[tuple[object, int], list[Event]] = {}
    for event in rows:
        key = (event.milestone_id, event.year)
        if key in keys:
            result.setdefault(key, []).append(event)
    return result


def feed_scopes(countries: list[str]) -> set[str]:
    """The feeds an item of these countries appears in: all, each country's, and its pair's."""
    scopes = {"all", *countries}
    if len(countries) == 2:
        scopes.add("-".join(sorted(countries)))
    return scopes


def bump_event_feeds(
    session: Session, event: Event, was: tuple[list[str], bool] | None = None
) -> None:
    """Bump the feeds an event write touches: public scopes for a public event, ``private:``
    scopes for a private one (public feeds do not change), both when it changes sides."""
    states = [(event.countries, event.private)]
    if was is not None:
        states.append(was)
    bump_event_states(session, states)


def bump_event_states(session: Session, states: Iterable[tuple[list[str], bool]]) -> None:
    """``bump_event_feeds`` for many events at once (an import): each state is an event's
    countries and whether it is private, before or after a write."""
    states = list(states)
    public = [countries for countries, private in states if not private]
    private = [countries for countries, is_private in states if is_private]
    if public:
        bump_feed_versions(session, *public)
    if private:
        bump_feed_versions(session, *private, prefix="private:")


def bump_feed_versions(session: Session, *country_lists: list[str], prefix: str = "") -> None:
    """Mark the feeds that a write touches as changed, in the write's own transaction.

    Pass the countries before and after an update: a milestone moved from CN-PE to CN-CL
    leaves one pair feed and enters another. The increment is one atomic upsert, so two
    concurrent writers can never produce the same version.
    """
    scopes = {prefix + s for s in set().union(*(feed_scopes(c) for c in country_lists if c))}
    now = utcnow()
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    rows = [{"scope": scope, "version": 1, "changed_at": now} for scope in sorted(scopes)]
    # Sorted: one lock order for every writer. Chunked: an import touches hundreds of scopes,
    # and SQLite caps the parameters of one statement.
    for i in range(0, len(rows), 250):
        stmt = insert(FeedVersion).values(rows[i : i + 250])
        stmt = stmt.on_conflict_do_update(
            index_elements=["scope"],
            set_={"version": FeedVersion.version + 1, "changed_at": now},
        )
        session.exec(stmt)
