"""The write side: country sync and the feed-version bumps of every write. The read queries,
shared by the API and the feeds, are in app/queries.py."""

from collections.abc import Iterable

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from app import countries as country_data
from app.db import utcnow
from app.models import Country, Event, FeedVersion


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
