"""The one write path of milestones and events (create, update, delete, restore: revision,
timestamps, feed-version bumps, audit), the feed-version bumps themselves, and the country
sync. The read queries, shared by the API and the feeds, are in app/queries.py."""

import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from app import audit
from app import countries as country_data
from app.audit import Actor
from app.db import utcnow
from app.feeds.render import event_uid_for
from app.models import (
    Country,
    Event,
    EventPublic,
    FeedVersion,
    Milestone,
    MilestoneCreate,
    MilestonePublic,
)


def sync_countries(session: Session) -> int:
    """Make the country table match ``app.countries``; returns how many rows changed."""
    existing = {c.code: c for c in session.exec(select(Country))}
    changed = 0
    for info in country_data.all_countries():
        values: dict[str, Any] = {
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
    what their VEVENTs say of it changes, and those events' revisions.

    The revision is the VEVENT's SEQUENCE (RFC 5546 §2.1.4): a client may keep an event
    whose SEQUENCE did not rise, so a new "Celebrates:" line needs a new revision. A
    SEQUENCE summed from the event's and the milestone's revisions would fall when the link
    is removed or the milestone deleted; a bumped revision only rises."""
    celebrating = celebrating_countries(session, milestone_id)
    if celebrating:
        bump_feed_versions(session, *celebrating)
        bump_feed_versions(session, *celebrating, prefix="private:")
        session.exec(
            sa.update(Event)
            .where(Event.milestone_id == milestone_id)  # type: ignore[arg-type]
            .values(revision=Event.revision + 1, updated_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )


def advance_history(item: Milestone | Event, restored: dict[str, Any], now: Any) -> dict[str, Any]:
    """An import's history for a row whose content changes: the file's, but never a revision
    or a time that is not past the stored one. A file that keeps an edited row's revision
    would otherwise leave its SEQUENCE, and every cache keyed by revision, unchanged."""
    history = dict(restored)
    if history["revision"] <= item.revision:
        history["revision"] = item.revision + 1
    if history["updated_at"] <= item.updated_at:
        history["updated_at"] = now
    return history


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


# ---------------------------------------------------------------- writes
#
# Every create, update, soft delete and restore of a milestone or an event goes through one
# of these, which keep the revision, the timestamps, the feed versions and the audit trail
# in step (tests/test_write_routes.py holds every write route to it). Callers check
# permissions and If-Match before, and commit after: a write and its bookkeeping land in
# one transaction or not at all.

# The fields an event's VEVENT takes from the milestone it celebrates (app/feeds.py).
CELEBRATED_AS = ("kind", "date", "country_a", "country_b", "title")


def snapshot(item: Milestone | Event) -> dict[str, Any]:
    """What the audit trail keeps of an item: what the API answers for it."""
    public = MilestonePublic if isinstance(item, Milestone) else EventPublic
    return public.model_validate(item).model_dump(mode="json")


def _record(session: Session, actor: Actor, action: str, item: Milestone | Event, **values):
    entity = "milestone" if isinstance(item, Milestone) else "event"
    audit.record(
        session, actor=actor.name, request_id=actor.request_id, action=action, entity=entity,
        entity_id=item.id, **values,
    )  # fmt: skip


def create_milestone(session: Session, actor: Actor, body: MilestoneCreate) -> Milestone:
    now = utcnow()
    milestone = Milestone(**body.fields(), created_at=now, updated_at=now)
    session.add(milestone)
    bump_feed_versions(session, milestone.countries)
    _record(session, actor, "create", milestone, after=snapshot(milestone))
    return milestone


def update_milestone(
    session: Session, actor: Actor, milestone: Milestone, fields: dict[str, Any]
) -> bool:
    """Apply ``fields`` (``MilestoneCreate.fields()``); False when nothing changed, and then
    nothing is written. The feeds of the old and the new countries change, and those of the
    events that celebrate it when what they say of it changes."""
    if not any(getattr(milestone, k) != v for k, v in fields.items()):
        return False
    before = snapshot(milestone)
    named = any(getattr(milestone, k) != fields[k] for k in CELEBRATED_AS if k in fields)
    milestone.sqlmodel_update(fields)
    milestone.revision += 1
    milestone.updated_at = utcnow()
    session.add(milestone)
    bump_feed_versions(session, before["countries"], milestone.countries)
    if named:
        bump_celebrating_feeds(session, milestone.id)
    _record(session, actor, "update", milestone, before=before, after=snapshot(milestone))
    return True


def delete_milestone(session: Session, actor: Actor, milestone: Milestone) -> None:
    """Soft delete: it leaves lists, anniversaries and feeds; the events that celebrate it
    keep their link but lose their "Celebrates:" line."""
    milestone.deleted_at = utcnow()
    session.add(milestone)
    bump_feed_versions(session, milestone.countries)
    bump_celebrating_feeds(session, milestone.id)
    _record(session, actor, "delete", milestone, before=snapshot(milestone))


def restore_milestone(session: Session, actor: Actor, milestone: Milestone) -> bool:
    """Undo a soft delete; False (and nothing written) when it is not deleted."""
    if milestone.deleted_at is None:
        return False
    milestone.deleted_at = None
    session.add(milestone)
    bump_feed_versions(session, milestone.countries)
    bump_celebrating_feeds(session, milestone.id)
    _record(session, actor, "restore", milestone, after=snapshot(milestone))
    return True


def create_event(
    session: Session, actor: Actor, fields: dict[str, Any], uid: str | None = None
) -> Event:
    """A new event from ``EventCreate.fields()``; ``uid`` is an imported file's UID, else
    one is made from the id."""
    now = utcnow()
    event_id = uuid.uuid4()
    event = Event(
        id=event_id, uid=uid or event_uid_for(event_id), **fields, created_at=now, updated_at=now
    )
    session.add(event)
    bump_event_feeds(session, event)
    _record(session, actor, "create", event, after=snapshot(event))
    return event


def update_event(session: Session, actor: Actor, event: Event, fields: dict[str, Any]) -> bool:
    """Apply ``fields``; False when nothing changed. The feeds of both sides change when the
    countries or the visibility do."""
    if not any(getattr(event, k) != v for k, v in fields.items()):
        return False
    before = snapshot(event)
    was = (event.countries, event.private)
    event.sqlmodel_update(fields)
    event.revision += 1
    event.updated_at = utcnow()
    session.add(event)
    bump_event_feeds(session, event, was)
    _record(session, actor, "update", event, before=before, after=snapshot(event))
    return True


def delete_event(session: Session, actor: Actor, event: Event) -> None:
    event.deleted_at = utcnow()
    session.add(event)
    bump_event_feeds(session, event)
    _record(session, actor, "delete", event, before=snapshot(event))


def restore_event(session: Session, actor: Actor, event: Event) -> bool:
    """Undo a soft delete; False (and nothing written) when it is not deleted."""
    if event.deleted_at is None:
        return False
    event.deleted_at = None
    session.add(event)
    bump_event_feeds(session, event)
    _record(session, actor, "restore", event, after=snapshot(event))
    return True
