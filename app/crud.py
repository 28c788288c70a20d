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
from app.models import Country, FeedVersion, Milestone


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


def involving(country: str | None = None, pair: tuple[str, str] | None = None) -> list:
    """WHERE clauses for items of one country (alone or in a pair) or of exactly one pair."""
    clauses = []
    if country:
        clauses.append(sa.or_(Milestone.country_a == country, Milestone.country_b == country))
    if pair:
        clauses.append(sa.and_(Milestone.country_a == pair[0], Milestone.country_b == pair[1]))
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
    stmt = select(Milestone).where(*involving(country, pair))
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


def feed_scopes(countries: list[str]) -> set[str]:
    """The feeds an item of these countries appears in: all, each country's, and its pair's."""
    scopes = {"all", *countries}
    if len(countries) == 2:
        scopes.add("-".join(sorted(countries)))
    return scopes


def bump_feed_versions(session: Session, *country_lists: list[str]) -> None:
    """Mark the feeds that a write touches as changed, in the write's own transaction.

    Pass the countries before and after an update: a milestone moved from CN-PE to CN-CL
    leaves one pair feed and enters another. The increment is one atomic upsert, so two
    concurrent writers can never produce the same version.
    """
    scopes = set().union(*(feed_scopes(c) for c in country_lists if c))
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
