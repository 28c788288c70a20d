"""Events in an export file: what a row holds, and how an import checks and stores it.

``app.transfer.files`` reads and writes the file; this module knows events. A row holds an event's
id and UID (its identity in every calendar that subscribed), its days or its local wall times
with their zone, and its history, so that an import reproduces it exactly. Rows are checked
as ``POST /events`` checks them, with the same messages, and against the milestones of the
database and of the same file.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from pydantic import AwareDatetime, model_validator
from sqlmodel import Field, Session, col, func, select

from app.audit import Actor, record_many
from app.crud import advance_history, bump_event_states, snapshot
from app.db import utcnow
from app.feeds.render import event_uid_for
from app.models import Event, EventCreate, EventPublic, Line, Milestone, anniversary_problem
from app.progress import Progress
from app.transfer.rows import (
    Counts,
    RowError,
    columns_of,
    fetch,
    history,
    new_history,
    parse_rows,
    row_of,
)


class EventRecord(EventCreate):
    """One event of an import file: what ``POST /events`` accepts, plus identity and history.
    Those are optional, so a hand-written file of new events imports too; given, they are
    restored exactly."""

    id: uuid.UUID | None = None
    uid: Line | None = Field(default=None, min_length=1, max_length=255)
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    revision: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _history(self) -> "EventRecord":
        if self.created_at and self.updated_at and self.updated_at < self.created_at:
            raise ValueError("updated_at is before created_at")
        return self


# The API's event, less what an import cannot restore (``all_day`` follows from the times).
COLUMNS = columns_of(EventPublic, EventRecord)


# ---------------------------------------------------------------- export


def record_of(e: Event, *, linked: bool = True) -> dict[str, Any]:
    """An event as an export row: days for an all-day event, else local wall times (no
    offset) in its zone, as ``POST /events`` takes them. ``linked=False`` leaves out the
    anniversary it celebrates (its milestone is deleted, so not in the file)."""
    timing = {
        "start_date": e.start_date if e.all_day else None,
        "end_date": e.end_date if e.all_day else None,
        "starts_at": None if e.all_day else e.starts_at.isoformat(),  # type: ignore[union-attr]
        "ends_at": None if e.all_day else e.ends_at.isoformat(),  # type: ignore[union-attr]
    }
    link = {} if linked else {"milestone_id": None, "year": None}
    return row_of(e, COLUMNS, **timing, **link)


_LIVE = Event.deleted_at.is_(None)  # type: ignore[union-attr]
_DELETED_MILESTONES = select(Milestone.id).where(Milestone.deleted_at.is_not(None))  # type: ignore[union-attr]


def export_rows(session: Session) -> Iterator[dict[str, Any]]:
    """Every event but deleted ones (private ones too), by day, all-day first, then by time."""
    deleted = set(session.exec(_DELETED_MILESTONES))
    stmt = (
        select(Event)
        .where(_LIVE)
        .order_by(col(Event.start_date), sa.nulls_first(col(Event.starts_at)), col(Event.id))
    )
    for e in session.exec(stmt.execution_options(yield_per=500)):
        yield record_of(e, linked=e.milestone_id not in deleted)


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Event).where(_LIVE)).one()


def count_unlinked(session: Session) -> int:
    """Events that celebrate a deleted milestone: exported without that link."""
    stmt = (
        select(func.count())
        .select_from(Event)
        .where(
            _LIVE,
            Event.milestone_id.in_(_DELETED_MILESTONES),  # type: ignore[union-attr]
        )
    )
    return session.exec(stmt).one()


# ---------------------------------------------------------------- import


def validate(
    session: Session,
    raw: Iterable[tuple[int, Any]],
    milestones_in_file: dict[uuid.UUID, dt.date | None],
) -> tuple[list[tuple[int, EventRecord]], list[RowError]]:
    """The valid rows, each with its id, uid and year settled, and every error of the others.
    ``milestones_in_file`` holds the date of each valid milestone row of the same file."""
    parsed, errors = parse_rows(raw, EventRecord, "event")
    stored = {e.id: e for e in fetch(session, Event, Event.id, (r.id for _, r in parsed if r.id))}
    problems = [_settle_identity(rec, stored) for _, rec in parsed]
    uids = (r.uid for _, r in parsed if r.uid)
    holders = {e.uid: e for e in fetch(session, Event, Event.uid, uids)}
    wanted = {r.milestone_id for _, r in parsed} - milestones_in_file.keys() - {None}
    origins = {m.id: m.date for m in fetch(session, Milestone, Milestone.id, wanted)}
    origins.update(milestones_in_file)
    good: list[tuple[int, EventRecord]] = []
    uid_lines: dict[str, int] = {}
    for (line, rec), identity_problem in zip(parsed, problems, strict=True):
        problem = (
            identity_problem
            or _uid_problem(rec, holders, uid_lines)
            or _anniversary_problem(rec, origins)
        )
        if problem:
            errors.append(RowError(line, *problem))
            continue
        uid_lines[rec.uid] = line  # type: ignore[index]
        good.append((line, rec))
    return good, errors


def _settle_identity(rec: EventRecord, stored: dict[uuid.UUID, Event]) -> tuple[str, str] | None:
    """Give a new row an id, and a row without a uid the one it has or would get by the API."""
    current = stored.get(rec.id) if rec.id else None
    if current is not None and current.deleted_at is not None:
        restore = f"POST /api/v1/events/{rec.id}/restore"
        return "id", f"this event was deleted; restore it first ({restore})"
    rec.id = rec.id or uuid.uuid4()
    rec.uid = rec.uid or (current.uid if current else event_uid_for(rec.id))
    return None


def _uid_problem(
    rec: EventRecord, holders: dict[str, Event], uid_lines: dict[str, int]
) -> tuple[str, str] | None:
    """A UID names one event: in the database, and in the file."""
    holder = holders.get(rec.uid)  # type: ignore[arg-type]
    if holder is not None and holder.id != rec.id:
        deleted = " (deleted)" if holder.deleted_at is not None else ""
        return "uid", f"event {holder.id}{deleted} has this uid already"
    if rec.uid in uid_lines:
        return "uid", f"the same uid as line {uid_lines[rec.uid]}"
    return None


def _anniversary_problem(
    rec: EventRecord, origins: dict[uuid.UUID, dt.date | None]
) -> tuple[str, str] | None:
    """As ``POST /events``: the milestone exists and the year is an anniversary near the
    event; without a year, the event's own year."""
    if rec.milestone_id is None:
        return None
    origin = origins.get(rec.milestone_id)
    if origin is None:
        return "milestone_id", (
            f"no milestone has the id {rec.milestone_id}, in the database or among this "
            "file's valid milestones"
        )
    year = rec.year or rec.first_day.year
    if reason := anniversary_problem(origin, year, rec.first_day):
        return "year", reason
    rec.year = year
    return None


def apply(
    session: Session,
    rows: list[tuple[int, EventRecord]],
    *,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> Counts:
    """Create or update each (validated) row by id, history included, in the session's
    transaction; the milestones they celebrate must be in the session already."""
    counts = Counts()
    stored = {e.id: e for e in fetch(session, Event, Event.id, (r.id for _, r in rows))}
    states: list[tuple[list[str], bool]] = []  # for the feeds: countries, private
    changes: list[dict[str, Any]] = []  # for the audit trail
    now = utcnow()
    for _line, rec in rows:
        event = stored.get(rec.id)  # type: ignore[arg-type]
        if event is None:
            event = Event(id=rec.id, uid=rec.uid, **rec.fields(), **new_history(rec, now))
            session.add(event)
            states.append((event.countries, event.private))
            changes.append({"action": "create", "entity": "event", "entity_id": event.id,
                            "after": snapshot(event)})  # fmt: skip
            counts.created += 1
        elif (before := _update(event, rec, now)) is not None:
            states += [(before["countries"], before["visibility"] == "private"),
                       (event.countries, event.private)]  # fmt: skip
            changes.append({"action": "update", "entity": "event", "entity_id": event.id,
                            "before": before, "after": snapshot(event)})  # fmt: skip
            counts.updated += 1
        else:
            counts.unchanged += 1
        if progress:
            progress.update(**counts.progress("events"))
    if states:
        bump_event_states(session, states)
    if actor is not None:
        record_many(session, actor, changes)
    return counts


def _update(event: Event, rec: EventRecord, now: dt.datetime) -> dict[str, Any] | None:
    """Make ``event`` what the row says; returns its snapshot from before, or None when the
    row and its history are what is stored already."""
    fields = {**rec.fields(), "uid": rec.uid}
    changed = any(getattr(event, k) != v for k, v in fields.items())
    restored = history(event, rec, changed, now)
    if not changed and all(getattr(event, k) == v for k, v in restored.items()):
        return None
    before = snapshot(event)
    if changed:
        restored = advance_history(event, restored, now)
    event.sqlmodel_update({**fields, **restored})
    return before
