"""Milestones in an export file: what a row holds, how an export writes them and how an
import or a seed stores them.

A row holds a milestone's identity and history (id, revision, timestamps), so that importing
an export into an empty database and exporting again gives the same bytes, and feeds keep
their UIDs and SEQUENCE numbers across a move. Its columns are the API's milestone, less what
an import cannot restore: a new field of the models needs no edit here.
"""

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from pydantic import AwareDatetime, field_validator, model_validator
from sqlmodel import Field, Session, col, func, select

from app.audit import Actor, record_many
from app.crud import CELEBRATED_AS, advance_history, bump_celebrating_feeds, bump_feed_versions
from app.db import utcnow
from app.models import Milestone, MilestoneCreate, MilestonePublic, format_partial_date
from app.progress import Progress
from app.transfer.rows import (
    Counts,
    columns_of,
    fetch,
    history,
    new_history,
    row_of,
)


class MilestoneRecord(MilestoneCreate):
    """One milestone of an import file: what ``POST /milestones`` accepts, so errors read the
    same, plus identity and history. Those are optional, so a hand-written file of new
    milestones imports too; given, they are restored exactly."""

    id: uuid.UUID | None = None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    revision: int | None = Field(default=None, ge=1)
    title_generated: bool | None = None

    @field_validator("countries", mode="before")
    @classmethod
    def _split_countries(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [c for c in re.split(r"[\s;,]+", value) if c]
        return value

    @field_validator("title_i18n", "description_i18n", mode="before")
    @classmethod
    def _json_cell(cls, value: Any) -> Any:
        """A CSV cell holds a language's texts as a JSON object."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ValueError('expected a JSON object like {"zh": "..."}') from None
        return value

    @model_validator(mode="before")
    @classmethod
    def _undated(cls, data: Any) -> Any:
        """A CSV row leaves an empty cell out: no date is a null date when the row says why
        (an observed day, or no national day)."""
        if (
            isinstance(data, dict)
            and "date" not in data
            and (data.get("observed") or data.get("none"))
        ):
            return {**data, "date": None}
        return data

    @field_validator("sources", mode="before")
    @classmethod
    def _sources_text(cls, value: Any) -> Any:
        if isinstance(value, str):  # a CSV cell holds the list as JSON text
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise ValueError("expected a JSON list of sources") from None
        return value

    @model_validator(mode="after")
    def _history(self) -> "MilestoneRecord":
        if self.title_generated:
            self.title = None  # a generated title follows its countries' names; never freeze it
        if self.created_at and self.updated_at and self.updated_at < self.created_at:
            raise ValueError("updated_at is before created_at")
        return self


# Accepted on import (an item of the API's milestone list imports as it is; a version-1
# file's single source becomes the first of ``sources``), never written.
READ_ONLY_COLUMNS = ("title_generated", "source", "source_url")
COLUMNS = columns_of(MilestonePublic, MilestoneRecord, besides=READ_ONLY_COLUMNS)
REQUIRED_COLUMNS = tuple(f for f, i in MilestoneCreate.model_fields.items() if i.is_required())


def record_of(m: Milestone) -> dict[str, Any]:
    """A milestone as an export row; ``title`` is null when generated, as stored."""
    date = format_partial_date(m.date, m.precision) if m.date else None
    return row_of(m, COLUMNS, date=date)


# ---------------------------------------------------------------- export

_LIVE = select(Milestone).where(Milestone.deleted_at.is_(None))  # type: ignore[union-attr]


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(_LIVE.subquery())).one()


def export_rows(session: Session) -> Iterator[dict[str, Any]]:
    """Every milestone but deleted ones, in date order."""
    rows = session.exec(
        _LIVE.order_by(col(Milestone.date), col(Milestone.id)).execution_options(yield_per=500)
    )
    return (record_of(m) for m in rows)


# ---------------------------------------------------------------- import


def _existing(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Milestone]:
    return {m.id: m for m in fetch(session, Milestone, Milestone.id, ids)}


def _label(m: Milestone) -> str:
    date = format_partial_date(m.date, m.precision) if m.date else "undated"
    return f"{date} {m.display_title} ({m.id})"


def _seed_is_newer(m: Milestone, restored: dict) -> bool:
    """The data set's row is newer than the milestone and nobody edited it since: a user's
    edit raises the revision past the data set's, or dates it after the data set's row."""
    return restored["revision"] > m.revision and restored["updated_at"] >= m.updated_at


def apply(
    session: Session,
    rows: list[tuple[int, MilestoneRecord]],
    *,
    seed: bool = False,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> tuple[Counts, list[str]]:
    """Create or update each row by id, in the session's transaction (the caller commits).
    Returns the counts and, when seeding, the milestones whose edit was kept.

    An import restores each row as it is in the file, history included. Seeding differs for a
    milestone whose content differs from the data set's: it takes the data set's version only
    while nobody has edited the milestone since an earlier data set made it (its revision and
    time are older than the row's); otherwise it keeps the edit and reports it.
    """
    counts, kept = Counts(), []
    existing = _existing(session, [r.id for _, r in rows if r.id is not None])
    touched: list[list[str]] = []
    celebrated: list[uuid.UUID] = []  # changed milestones, whose celebrating events change
    new: list[dict[str, Any]] = []  # inserted in bulk: a seed creates a thousand at once
    changes: list[dict[str, Any]] = []  # for the audit trail
    now = utcnow()
    for _line, rec in rows:
        fields = rec.fields()
        m = existing.get(rec.id) if rec.id is not None else None
        if m is None:
            new.append({**fields, "id": rec.id or uuid.uuid4(), **new_history(rec, now)})
            changes.append(
                {"action": "create", "entity": "milestone", "entity_id": new[-1]["id"],
                 "after": _jsonable(new[-1])}
            )  # fmt: skip
            touched.append(rec.countries)
            counts.created += 1
        else:
            changed = any(getattr(m, k) != v for k, v in fields.items())
            restored = history(m, rec, changed, now)
            if seed and changed and not _seed_is_newer(m, restored):
                kept.append(_label(m))
            elif changed or (not seed and any(getattr(m, k) != v for k, v in restored.items())):
                named = any(getattr(m, k) != fields[k] for k in CELEBRATED_AS if k in fields)
                before = record_of(m)
                if changed:
                    restored = advance_history(m, restored, now)
                m.sqlmodel_update({**fields, **restored})
                session.add(m)
                touched += [before["countries"], m.countries]
                if named:
                    celebrated.append(m.id)
                changes.append(
                    {"action": "update", "entity": "milestone", "entity_id": m.id,
                     "before": before, "after": record_of(m)}
                )  # fmt: skip
                counts.updated += 1
            else:
                counts.unchanged += 1
        if progress:
            progress.update(**counts.progress("milestones"))
    if new:
        session.exec(sa.insert(Milestone), params=new)
    if touched:
        bump_feed_versions(session, *touched)
    for milestone_id in celebrated:  # events elsewhere that name it change too
        bump_celebrating_feeds(session, milestone_id)
    if actor is not None:
        record_many(session, actor, changes)
    return counts, kept


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | list | None) else str(v) for k, v in values.items()}
