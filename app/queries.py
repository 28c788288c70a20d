"""The read queries shared by the API and the feeds, so both select exactly the same rows.
Each takes an ``AnniversaryFilter`` (app/filters.py); the writes are in app/crud.py."""

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import sqlalchemy as sa
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from app import anniversaries as engine
from app import countries as country_data
from app import relations
from app.anniversaries import Anniversary
from app.filters import EVERYTHING, AnniversaryFilter
from app.lifecycle import national_days
from app.models import ApiKey, Event, Milestone, Scope, Visibility


def involving(where: AnniversaryFilter, model: type[Milestone] | type[Event] = Milestone) -> list:
    """WHERE clauses for items of ``where``'s place: one country (alone or in a pair), any of
    several countries (a private feed's), or exactly one pair."""
    country, pair = where.country, where.pair
    clauses = []
    if isinstance(country, tuple):
        codes = sorted(country)
        clauses.append(sa.or_(model.country_a.in_(codes), model.country_b.in_(codes)))  # type: ignore[attr-defined,union-attr]
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
        Milestone.title.icontains(needle, autoescape=True),  # type: ignore[union-attr]
        Milestone.description.icontains(needle, autoescape=True),  # type: ignore[union-attr]
        sa.cast(Milestone.sources, sa.Text).icontains(needle, autoescape=True),
        Milestone.country_a.in_(codes),  # type: ignore[attr-defined]
        Milestone.country_b.in_(codes),  # type: ignore[union-attr]
    )


def milestones_query(
    where: AnniversaryFilter = EVERYTHING, q: str | None = None
) -> SelectOfScalar[Milestone]:
    """The live milestones of ``where``'s place and kinds, matching ``q`` if given."""
    stmt = select(Milestone).where(Milestone.deleted_at.is_(None), *involving(where))  # type: ignore[union-attr]
    if where.kinds is not None:
        stmt = stmt.where(Milestone.kind.in_(where.sorted_kinds))  # type: ignore[attr-defined]
    if q and q.strip():
        stmt = stmt.where(text_match(q))
    return stmt


def _year_selects(
    year: int, start: dt.date, end: dt.date, f: AnniversaryFilter, skip: relations.Skip = ()
) -> list[sa.Select]:
    """The anniversaries that fall in ``year`` within ``start``..``end``, one row each, with
    the columns they sort by: one SELECT per precision of the origin.

    The same rules as ``app.anniversaries`` (which the tests hold it to), written so that the
    database reads one index instead of every milestone: the origin is before ``year``; a
    day-precision origin's (month, day) lies in the segment, where 29 February counts as
    28 February in common years; a month-precision origin's month overlaps it; a
    year-precision origin is in every year; a national day with an observed day recurs on it
    (``month`` and ``day`` hold it), and an origin without a date never counts. The
    lifecycle's ``skip`` ids of the year are left out (app/relations.py). ``month`` is NULL
    exactly for year precision and ``day`` exactly for month and year precision
    (``MilestoneCreate.fields``), so the index alone tells them apart. Over all milestones,
    three SELECTs joined by UNION ALL, not one with OR: the three are disjoint, and SQLite
    then reads three index ranges without merging row sets (a count over 10,000
    anniversaries: 2.4 ms instead of 7.3 ms).
    """
    first, last = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
    a, b = (first.month, first.day), (last.month, last.day)
    common = not engine.is_leap(year)
    if common and b == (2, 28):
        b = (2, 29)  # observed on 28 February
    m, d = Milestone.month, Milestone.day
    where = [
        Milestone.date < dt.date(year, 1, 1),
        Milestone.deleted_at.is_(None),  # type: ignore[union-attr]
        *involving(f),
    ]
    if f.kinds is not None:
        where.append(Milestone.kind.in_(f.sorted_kinds))  # type: ignore[attr-defined]
    if f.jubilee_only:
        where.append((year - sa.extract("year", Milestone.date)) % 5 == 0)
    skipped = relations.skipped_in(skip, year)
    if skipped:
        where.append(Milestone.id.not_in(sorted(skipped)))  # type: ignore[attr-defined]  # SQLModel: a column
    this_year = sa.literal(year, sa.Integer).label("year")
    zero, one = sa.literal(0, sa.Integer), sa.literal(1, sa.Integer)

    def keys(month_key, day_key, undated) -> sa.Select:
        return select(
            Milestone.id, this_year, month_key.label("month_key"), day_key.label("day_key"),
            undated.label("undated"),
        ).where(*where)  # fmt: skip

    day_key = sa.case((sa.and_(m == 2, d == 29), 28), else_=d) if common else d
    in_days: sa.ColumnElement[bool] = d.is_not(None)  # type: ignore[union-attr]
    if (a, b) != ((1, 1), (12, 31)):
        # Row values compare by their first differing member, so (4, NULL) is between (3, 1)
        # and (5, 1): the day test keeps month-precision origins out.
        in_days = sa.and_(in_days, sa.tuple_(m, d).between(sa.tuple_(*a), sa.tuple_(*b)))
    if f.dated_only:
        return [keys(m, day_key, zero).where(in_days)]
    in_months = sa.and_(d.is_(None), m.between(a[0], b[0]))  # type: ignore[union-attr]
    if f.country or f.pair:
        # A country's or a pair's milestones are few, and found once by their own index.
        undated = sa.case((d.is_(None), 1), else_=0)  # type: ignore[union-attr]
        either = keys(sa.func.coalesce(m, 1), sa.func.coalesce(day_key, 1), undated)
        return [either.where(sa.or_(in_days, in_months, m.is_(None)))]  # type: ignore[union-attr]
    return [
        keys(m, day_key, zero).where(in_days),
        keys(m, one, one).where(in_months),
        keys(one, one, one).where(m.is_(None)),  # type: ignore[union-attr]
    ]


def _anniversary_rows(
    session: Session, start: dt.date, end: dt.date, where: AnniversaryFilter
) -> sa.Subquery | None:
    """One row per anniversary in the window: (id, year, month_key, day_key, undated)."""
    if end < start:
        return None
    skip = relations.skip_for(session, start, end, where)
    return _rows(start, end, where, skip)


@lru_cache(maxsize=256)
def _rows(
    start: dt.date, end: dt.date, where: AnniversaryFilter, skip: relations.Skip
) -> sa.Subquery:
    # Building the statement costs about as much as counting a thousand rows, and a count
    # and a page, or the same window polled again, need the same one: it is immutable.
    selects = [
        part
        for y in range(start.year, end.year + 1)
        for part in _year_selects(y, start, end, where, skip)
    ]
    return sa.union_all(*selects).subquery("anniversary")


def count_anniversaries(
    session: Session, start: dt.date, end: dt.date, where: AnniversaryFilter = EVERYTHING
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
    skip = relations.skip_for(session, start, end, where)
    total = -relations.skipped_count(session, skip, whole, where)
    parts = [
        part for y in years if y not in whole for part in _year_selects(y, start, end, where, skip)
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
                Milestone.deleted_at.is_(None),  # type: ignore[union-attr]
                *involving(where),
            )
            .group_by(origin)
        )
        if where.kinds is not None:
            stmt = stmt.where(Milestone.kind.in_(where.sorted_kinds))  # type: ignore[attr-defined]
        if where.dated_only:
            stmt = stmt.where(Milestone.day.is_not(None))  # type: ignore[union-attr]
        histogram = session.execute(stmt).all()
        for y in whole:
            total += sum(
                n for y0, n in histogram if y0 < y and (not where.jubilee_only or (y - y0) % 5 == 0)
            )
    return total


def anniversary_keys(
    session: Session,
    start: dt.date,
    end: dt.date,
    where: AnniversaryFilter = EVERYTHING,
    *,
    limit: int | None = None,
    offset: int = 0,
    descending: bool = False,
) -> list[tuple[object, int]]:
    """(milestone id, year) of the anniversaries ``anniversaries`` returns, in its order,
    without loading a milestone."""
    rows = _anniversary_rows(session, start, end, where)
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
        by_id |= {m.id: m for m in session.exec(select(Milestone).where(Milestone.id.in_(chunk)))}  # type: ignore[attr-defined]
    result = []
    for milestone_id, year in keys:
        first = max(start, dt.date(year, 1, 1))
        last = min(end, dt.date(year, 12, 31))
        result += occurrences(by_id[milestone_id], first, last)
    return result


def occurrences(m: Milestone, start: dt.date, end: dt.date) -> list[Anniversary[Milestone]]:
    """A dated milestone's anniversaries in ``start``..``end``: on its observed day when it
    has one (a national day kept on another day than its origin's), else on the origin's."""
    if m.date is None:
        return []
    if m.observed is None:
        return engine.anniversaries_of(m, start, end)
    days = national_days(m.observed, m.date, m.precision, start, end)
    return [Anniversary(m, d.year, d.years or 0, d.date, d.observed) for d in days]


def anniversaries(
    session: Session,
    start: dt.date,
    end: dt.date,
    where: AnniversaryFilter = EVERYTHING,
    *,
    limit: int | None = None,
    offset: int = 0,
    descending: bool = False,
) -> list[Anniversary[Milestone]]:
    """The anniversaries in ``start``..``end`` of the milestones that ``where`` selects, in
    date order (ties by milestone id; undated ones
    at the start of their month or year, after the dated).

    The database orders them and cuts the page (``limit``, ``offset``; ``descending`` from the
    last day, ties still by id), so only the milestones on the page are loaded.
    ``dated_only`` leaves out origins known only to the month or year, which have no day to
    put in a calendar.
    """
    keys = anniversary_keys(
        session, start, end, where, limit=limit, offset=offset, descending=descending
    )
    return load_anniversaries(session, keys, start, end)


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
    where: AnniversaryFilter = EVERYTHING,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> SelectOfScalar[Event]:
    """Events of ``where``'s place and (event) kinds that overlap ``start``..``end``, in start
    order; deleted events never, private ones only where the caller adds ``visible_events``."""
    stmt = select(Event).where(Event.deleted_at.is_(None), *involving(where, Event))  # type: ignore[union-attr]
    if where.kinds is not None:
        stmt = stmt.where(Event.kind.in_(where.sorted_kinds))  # type: ignore[attr-defined]
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
