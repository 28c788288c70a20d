"""Queries shared by the API and the feeds, so both select exactly the same rows."""

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from app import anniversaries as engine
from app import countries as country_data
from app.anniversaries import Anniversary
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
    country: str | tuple[str, ...] | None = None,
    pair: tuple[str, str] | None = None,
    model: type[Milestone] | type[Event] = Milestone,
) -> list:
    """WHERE clauses for items of one country (alone or in a pair), of any of several
    countries (a private feed's), or of exactly one pair."""
    clauses = []
    if isinstance(country, tuple):
        codes = sorted(country)
        clauses.append(sa.or_(model.country_a.in_(codes), model.country_b.in_(codes)))  # type: ignore[attr-defined,union-attr]  # SQLModel: a column at class level
    elif country:
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
        Milestone.title.icontains(needle, autoescape=True),  # type: ignore[union-attr]  # SQLModel: a column at class level
        Milestone.description.icontains(needle, autoescape=True),  # type: ignore[union-attr]  # SQLModel: a column at class level
        Milestone.source.icontains(needle, autoescape=True),  # type: ignore[union-attr]  # SQLModel: a column at class level
        Milestone.country_a.in_(codes),  # type: ignore[attr-defined]  # SQLModel: a column at class level
        Milestone.country_b.in_(codes),  # type: ignore[union-attr]  # SQLModel: a column at class level
    )


def milestones_query(
    *,
    country: str | None = None,
    pair: tuple[str, str] | None = None,
    kinds: Iterable[str] | None = None,
    q: str | None = None,
) -> SelectOfScalar[Milestone]:
    stmt = select(Milestone).where(Milestone.deleted_at.is_(None), *involving(country, pair))  # type: ignore[union-attr]  # SQLModel: a column at class level
    if kinds is not None:
        stmt = stmt.where(Milestone.kind.in_(sorted(kinds)))  # type: ignore[attr-defined]  # SQLModel: a column at class level
    if q and q.strip():
        stmt = stmt.where(text_match(q))
    return stmt


def _year_selects(
    year: int,
    start: dt.date,
    end: dt.date,
    *,
    country: str | None,
    pair: tuple[str, str] | None,
    kinds: Iterable[str] | None,
    jubilee_only: bool,
    dated_only: bool,
) -> list[sa.Select]:
    """The anniversaries that fall in ``year`` within ``start``..``end``, one row each, with
    the columns they sort by: one SELECT per precision of the origin.

    The same rules as ``app.anniversaries`` (which the tests hold it to), written so that the
    database reads one index instead of every milestone: the origin is before ``year``; a
    day-precision origin's (month, day) lies in the segment, where 29 February counts as
    28 February in common years; a month-precision origin's month overlaps it; a
    year-precision origin is in every year. ``month`` is NULL exactly for year precision and
    ``day`` exactly for month and year precision (``MilestoneCreate.fields``), so the index
    alone tells them apart. Over all milestones, three SELECTs joined by UNION ALL, not one
    with OR: the three are disjoint, and SQLite then reads three index ranges without merging
    row sets (a count over 10,000 anniversaries: 2.4 ms instead of 7.3 ms).
    """
    first, last = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
    a, b = (first.month, first.day), (last.month, last.day)
    common = not engine.is_leap(year)
    if common and b == (2, 28):
        b = (2, 29)  # observed on 28 February
    m, d = Milestone.month, Milestone.day
    where = [
        Milestone.date < dt.date(year, 1, 1),
        Milestone.deleted_at.is_(None),  # type: ignore[union-attr]  # SQLModel: a column at class level
        *involving(country, pair),
    ]
    if kinds is not None:
        where.append(Milestone.kind.in_(sorted(kinds)))  # type: ignore[attr-defined]  # SQLModel: a column at class level
    if jubilee_only:
        where.append((year - sa.extract("year", Milestone.date)) % 5 == 0)
    this_year = sa.literal(year, sa.Integer).label("year")
    zero, one = sa.literal(0, sa.Integer), sa.literal(1, sa.Integer)

    def keys(month_key, day_key, undated) -> sa.Select:
        return select(
            Milestone.id, this_year, month_key.label("month_key"), day_key.label("day_key"),
            undated.label("undated"),
        ).where(*where)  # fmt: skip

    day_key = sa.case((sa.and_(m == 2, d == 29), 28), else_=d) if common else d
    in_days: sa.ColumnElement[bool] = d.is_not(None)  # type: ignore[union-attr]  # SQLModel: a column at class level
    if (a, b) != ((1, 1), (12, 31)):
        # Row values compare by their first differing member, so (4, NULL) is between (3, 1)
        # and (5, 1): the day test keeps month-precision origins out.
        in_days = sa.and_(in_days, sa.tuple_(m, d).between(sa.tuple_(*a), sa.tuple_(*b)))
    if dated_only:
        return [keys(m, day_key, zero).where(in_days)]
    in_months = sa.and_(d.is_(None), m.between(a[0], b[0]))  # type: ignore[union-attr]  # SQLModel: a column at class level
    if country or pair:
        # A country's or a pair's milestones are few, and found once by their own index.
        undated = sa.case((d.is_(None), 1), else_=0)  # type: ignore[union-attr]  # SQLModel: a column at class level
        either = keys(sa.func.coalesce(m, 1), sa.func.coalesce(day_key, 1), undated)
        return [either.where(sa.or_(in_days, in_months, m.is_(None)))]  # type: ignore[union-attr]  # SQLModel: a column at class level
    return [
        keys(m, day_key, zero).where(in_days),
        keys(m, one, one).where(in_months),
        keys(one, one, one).where(m.is_(None)),  # type: ignore[union-attr]  # SQLModel: a column at class level
    ]


def _anniversary_rows(
    start: dt.date,
    end: dt.date,
    *,
    country: str | None,
    pair: tuple[str, str] | None,
    kinds: Iterable[str] | None,
    jubilee_only: bool,
    dated_only: bool,
) -> sa.Subquery | None:
    """One row per anniversary in the window: (id, year, month_key, day_key, undated)."""
    if end < start:
        return None
    wanted = tuple(sorted(kinds)) if kinds is not None else None
    return _rows(start, end, country, pair, wanted, jubilee_only, dated_only)


@lru_cache(maxsize=256)
def _rows(start, end, country, pair, kinds, jubilee_only, dated_only) -> sa.Subquery:
    # Building the statement costs about as much as counting a thousand rows, and a count
    # and a page, or the same window polled again, need the same one: it is immutable.
    filters = {"country": country, "pair": pair, "kinds": kinds, "jubilee_only": jubilee_only}
    selects = [
        part
        for y in range(start.year, end.year + 1)
        for part in _year_selects(y, start, end, dated_only=dated_only, **filters)
    ]
    return sa.union_all(*selects).subquery("anniversary")


def count_anniversaries(
    session: Session,
    start: dt.date,
    end: dt.date,
    *,
    country: str | None = None,
    pair: tuple[str, str] | None = None,
    kinds: Iterable[str] | None = None,
    jubilee_only: bool = False,
    dated_only: bool = False,
) -> int:
    """How many anniversaries ``anniversaries`` would return, counted by the database.

    In a year the window covers whole, every matching origin from an earlier year has one
    anniversary (29 February is observed on the 28th; a month or a year is in it), so those
    years are counted from one histogram of origin years instead of one pass over the index
    each: the seven years of a default feed over 100,000 milestones cost one pass, not seven.
    """
    if end < start:
        return 0
    years = range(start.year, end.year + 1)
    whole = [y for y in years if start <= dt.date(y, 1, 1) and dt.date(y, 12, 31) <= end]
    filters = {"country": country, "pair": pair, "kinds": kinds, "jubilee_only": jubilee_only}
    total = 0
    parts = [
        part
        for y in years
        if y not in whole
        for part in _year_selects(y, start, end, dated_only=dated_only, **filters)
    ]
    if parts:
        rows = sa.union_all(*parts).subquery()
        total += session.execute(select(sa.func.count()).select_from(rows)).scalar_one()
    if whole:
        origin = sa.extract("year", Milestone.date)
        stmt = (
            select(origin, sa.func.count())
            .where(
                Milestone.date < dt.date(whole[-1], 1, 1),
                Milestone.deleted_at.is_(None),  # type: ignore[union-attr]  # SQLModel: a column at class level
                *involving(country, pair),
            )
            .group_by(origin)
        )
        if kinds is not None:
            stmt = stmt.where(Milestone.kind.in_(sorted(kinds)))  # type: ignore[attr-defined]  # SQLModel: a column at class level
        if dated_only:
            stmt = stmt.where(Milestone.day.is_not(None))  # type: ignore[union-attr]  # SQLModel: a column at class level
        histogram = session.execute(stmt).all()
        for y in whole:
            total += sum(
                n for y0, n in histogram if y0 < y and (not jubilee_only or (y - y0) % 5 == 0)
            )
    return total


def anniversary_keys(
    session: Session,
    start: dt.date,
    end: dt.date,
    *,
    country: str | None = None,
    pair: tuple[str, str] | None = None,
    kinds: Iterable[str] | None = None,
    jubilee_only: bool = False,
    dated_only: bool = False,
    limit: int | None = None,
    offset: int = 0,
    descending: bool = False,
) -> list[tuple[object, int]]:
    """(milestone id, year) of the anniversaries ``anniversaries`` returns, in its order,
    without loading a milestone."""
    rows = _anniversary_rows(
        start, end, country=country, pair=pair, kinds=kinds, jubilee_only=jubilee_only,
        dated_only=dated_only,
    )  # fmt: skip
    if rows is None or limit == 0:
        return []
    keys = [rows.c.year, rows.c.month_key, rows.c.day_key, rows.c.undated]
    order = [k.desc() for k in keys] if descending else keys
    stmt = select(rows.c.id, rows.c.year).order_by(*order, rows.c.id)
    if limit is not None or offset:
        stmt = stmt.limit(limit).offset(offset)
    return [(milestone_id, year) for milestone_id, year in session.execute(stmt)]


def load_anniversaries(
    session: Session, keys: list[tuple[object, int]], start: dt.date, end: dt.date
) -> list[Anniversary[Milestone]]:
    """The anniversaries of ``keys`` (from ``anniversary_keys`` over a window inside
    ``start``..``end``), in that order: the milestones are loaded once each."""
    by_id: dict[object, Milestone] = {}
    ids = list({milestone_id for milestone_id, _ in keys})
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        by_id |= {m.id: m for m in session.exec(select(Milestone).where(Milestone.id.in_(chunk)))}  # type: ignore[attr-defined]  # SQLModel: a column at class level
    result = []
    for milestone_id, year in keys:
        first = max(start, dt.date(year, 1, 1))
        last = min(end, dt.date(year, 12, 31))
        result += engine.anniversaries_of(by_id[milestone_id], first, last)
    return result


def anniversaries(
    session: Session,
    start: dt.date,
    end: dt.date,
    *,
    limit: int | None = None,
    offset: int = 0,
    descending: bool = False,
    **filters,
) -> list[Anniversary[Milestone]]:
    """The anniversaries in ``start``..``end`` of the milestones that match (``country``,
    ``pair``, ``kinds``, ``jubilee_only``), in date order (ties by milestone id; undated ones
    at the start of their month or year, after the dated).

    The database orders them and cuts the page (``limit``, ``offset``; ``descending`` from the
    last day, ties still by id), so only the milestones on the page are loaded.
    ``dated_only`` leaves out origins known only to the month or year, which have no day to
    put in a calendar.
    """
    keys = anniversary_keys(
        session, start, end, limit=limit, offset=offset, descending=descending, **filters
    )
    return load_anniversaries(session, keys, start, end)


def event_text_match(q: str) -> sa.ColumnElement[bool]:
    """Matches ``q`` in an event's text, its organisers or the names of its countries."""
    needle = q.strip().casefold()
    codes = [c.code for c in country_data.all_countries() if needle in c.name.casefold()]
    columns = (Event.title, Event.description, Event.venue, Event.city)
    return sa.or_(
        *(col.icontains(needle, autoescape=True) for col in columns),  # type: ignore[union-attr]  # SQLModel: a column at class level
        sa.cast(Event.organizers, sa.Text).icontains(needle, autoescape=True),
        Event.country_a.in_(codes),  # type: ignore[attr-defined]  # SQLModel: a column at class level
        Event.country_b.in_(codes),  # type: ignore[union-attr]  # SQLModel: a column at class level
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
    stmt = select(Event).where(Event.deleted_at.is_(None), *involving(country, pair, Event))  # type: ignore[union-attr]  # SQLModel: a column at class level
    if kinds is not None:
        stmt = stmt.where(Event.kind.in_(sorted(kinds)))  # type: ignore[attr-defined]  # SQLModel: a column at class level
    if start is not None:
        stmt = stmt.where(Event.end_date >= start)
    if end is not None:
        stmt = stmt.where(Event.start_date <= end)
    # All-day events (no ``starts_at``) first on their day. Explicit, because SQLite sorts
    # NULLs first and PostgreSQL last.
    return stmt.order_by(Event.start_date, Event.starts_at.nulls_first(), Event.id)  # type: ignore[union-attr]  # SQLModel: a column at class level


def visible_events(key: ApiKey | None) -> sa.ColumnElement[bool]:
    """Public events for everyone; private ones for admins, and for editors and readers
    when all of the event's countries are theirs."""
    if key is None:
        return private_events_of(None)
    return private_events_of(() if key.scope == Scope.admin else tuple(key.country_set))


def private_events_of(countries: tuple[str, ...] | None) -> sa.ColumnElement[bool]:
    """Public events, and the private ones of ``countries`` (all of an event's countries
    among them); ``()`` means every country, ``None`` none."""
    public = Event.visibility == Visibility.public.value
    if countries is None:
        return public
    if not countries:
        return sa.true()
    own = sorted(countries)
    return sa.or_(
        public,
        sa.and_(
            Event.country_a.in_(own),  # type: ignore[attr-defined]  # SQLModel: a column at class level
            sa.or_(Event.country_b.is_(None), Event.country_b.in_(own)),  # type: ignore[union-attr]  # SQLModel: a column at class level
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
            Event.milestone_id.in_({k[0] for k in keys}),  # type: ignore[union-attr]  # SQLModel: a column at class level
            Event.deleted_at.is_(None),  # type: ignore[union-attr]  # SQLModel: a column at class level
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


def celebrating_countries(session: Session, milestone_id: object) -> list[list[str]]:
    """The countries of the events that celebrate a milestone: their VEVENTs name it
    ("Celebrates: ...", RELATED-TO), and they may be in other feeds than the milestone."""
    rows = session.exec(
        select(Event.country_a, Event.country_b)
        .where(Event.milestone_id == milestone_id)
        .distinct()
    )
    return [[a] if b is None else [a, b] for a, b in rows]


def bump_celebrating_feeds(session: Session, milestone_id: object) -> None:
    """Bump the feeds of the events (public and private) that celebrate a milestone, when
    what their VEVENTs say of it changes."""
    celebrating = celebrating_countries(session, milestone_id)
    if celebrating:
        bump_feed_versions(session, *celebrating)
        bump_feed_versions(session, *celebrating, prefix="private:")


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
