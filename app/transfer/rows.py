"""What every collection of an export file shares: row errors, restored history, counts.

``app.transfer.milestones`` and ``app.transfer.events`` both build on these, so a milestone
row and an event row are checked, dated, counted and laid out alike.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from enum import Enum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, select

from app.problems import validation_errors

Format = Literal["json", "csv"]

# Every item's history in a file: restored exactly by an import.
HISTORY = ("created_at", "updated_at", "revision")


def columns_of(public: type[BaseModel], record: type[BaseModel], *, besides=()) -> tuple[str, ...]:
    """An export's columns: the API's shape of an item, in its order, less what an import
    cannot restore (``besides``: read-only fields the record accepts but ignores). Derived, so
    a new field of the models is exported without an edit here. The order is that of the
    public class's own declarations (which lead with the identity: id, kind, date), then the
    fields it inherits, since pydantic lists inherited fields first."""
    declared = [f for f in public.__annotations__ if f in public.model_fields]
    ordered = dict.fromkeys([*declared, *public.model_fields])
    return tuple(f for f in ordered if f in record.model_fields and f not in besides)


class RowError(BaseModel):
    model_config = ConfigDict(frozen=True)

    line: int = Field(
        description="CSV: the line the row starts on, the header being line 1. "
        "JSON: the line the milestone or event starts on."
    )
    field: str
    message: str

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(line=line, field=field, message=message)

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


class Counts(BaseModel):
    """How many rows of one collection (milestones, events) were created, updated, left
    unchanged or skipped."""

    # The one tally of export, import and seed. The import endpoints answer with it;
    # ``exported`` is the export's alone, so it stays out of that answer.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = Field(
        default=0,
        description="Invalid rows left out (`skip_invalid=true`).",
    )
    exported: int = Field(default=0, exclude=True)

    def __str__(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.model_dump().items())

    def progress(self, noun: str) -> dict[str, int]:
        """For a progress bar's postfix: ``milestones created=3, updated=0, unchanged=1``."""
        return {f"{noun} created": self.created, "updated": self.updated,
                "unchanged": self.unchanged}  # fmt: skip


class Report(BaseModel):
    """What one export, import or seed did: the one result type of ``app.transfer``, which
    the command line prints and the import endpoint answers with (``as_response``)."""

    operation: Literal["export", "import", "seed"]
    fmt: Format = "json"
    milestones: Counts = Field(default_factory=Counts)
    events: Counts = Field(default_factory=Counts)
    errors: list[RowError] = Field(default_factory=list)
    # Seeding only: milestones a user edited, left as they are.
    kept: list[str] = Field(default_factory=list)
    # An atomic import with errors: nothing was written; ``reason`` says why in a few words.
    rejected: bool = False
    reason: str = ""
    # Export only: events that celebrate a deleted milestone, written without that link.
    unlinked: int = 0

    def summary(self) -> str:
        if self.operation == "export":
            events = f" and {self.events.exported} events" if self.fmt == "json" else ""
            return f"exported {self.milestones.exported} milestones{events} as {self.fmt}"
        if self.operation == "seed":  # the data set holds milestones alone
            return f"{self.milestones}, kept edits {len(self.kept)}"
        return f"milestones: {self.milestones}; events: {self.events}"

    def notes(self) -> list[str]:
        """What an export could not write as it is, for the command line to warn about."""
        notes = []
        if self.operation == "export" and self.events.skipped:
            notes.append(
                f"note: CSV holds milestones only; the {self.events.skipped} events are not in "
                "this file (use --format json for a complete export)"
            )
        if self.unlinked:
            notes.append(
                f"note: {self.unlinked} events celebrate a deleted milestone, which is not "
                "exported; they are written without milestone_id and year (restore the "
                "milestone before exporting to keep the link)"
            )
        return notes

    def as_response(self) -> "ImportReport":
        return ImportReport(**self.milestones.model_dump(), events=self.events, errors=self.errors)


class ImportReport(Counts):
    """The import endpoint's answer: the milestones' counts, the events' counts (JSON only;
    zero for CSV), and every bad row of either."""

    events: Counts
    errors: list[RowError]


def timestamp(value: dt.datetime) -> str:
    """ISO 8601 in UTC with ``Z``, to the microsecond the database keeps."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


RecordT = TypeVar("RecordT", bound=BaseModel)


def parse_rows(
    rows: Iterable[tuple[int, Any]], model: type[RecordT], noun: str
) -> tuple[list[tuple[int, RecordT]], list[RowError]]:
    """The rows that are valid ``model`` records, and every error of the others; an id given
    twice is an error on its second line."""
    good: list[tuple[int, RecordT]] = []
    errors: list[RowError] = []
    seen: dict[uuid.UUID, int] = {}
    for line, raw in rows:
        if not isinstance(raw, dict):
            errors.append(RowError(line, "row", f"expected an object of {noun} fields"))
            continue
        if "" in raw:  # read_csv's mark for a row with more cells than columns
            errors.append(RowError(line, "row", raw[""]))
            continue
        try:
            record = model.model_validate(raw)
        except ValidationError as exc:
            for e in validation_errors(exc.errors(include_url=False)):
                errors.append(
                    RowError(line, "row" if e["field"] == "body" else e["field"], e["message"])
                )
            continue
        record_id = getattr(record, "id", None)
        if record_id is not None:
            if record_id in seen:
                errors.append(RowError(line, "id", f"the same id as line {seen[record_id]}"))
                continue
            seen[record_id] = line
        good.append((line, record))
    return good, errors


def fetch(session: Session, model: Any, column: Any, values: Iterable[Any]) -> list[Any]:
    """The rows of ``model`` whose ``column`` is one of ``values``, as stored now (not as the
    session last saw them), in chunks that stay under SQLite's cap on the parameters of one
    statement."""
    wanted = list(dict.fromkeys(values))
    found: list[Any] = []
    for i in range(0, len(wanted), 500):
        stmt = select(model).where(column.in_(wanted[i : i + 500]))
        found += session.exec(stmt.execution_options(populate_existing=True)).all()
    return found


def new_history(rec: Any, now: dt.datetime) -> dict[str, Any]:
    """A new item's history: the file's when it has one; else what a create would give."""
    created_at = rec.created_at or rec.updated_at or now
    return {
        "created_at": created_at,
        "updated_at": rec.updated_at or created_at,
        "revision": rec.revision or 1,
    }


def history(item: Any, rec: Any, changed: bool, now: dt.datetime) -> dict[str, Any]:
    """An existing item's history: the file's when it has one; else what a PATCH would leave."""
    return {
        "created_at": rec.created_at or item.created_at,
        "updated_at": rec.updated_at or (now if changed else item.updated_at),
        "revision": rec.revision or (item.revision + 1 if changed else item.revision),
    }


def cell(value: Any) -> Any:
    """A column's value as JSON has it: timestamps in UTC, days in ISO 8601, ids as text."""
    if isinstance(value, dt.datetime):
        return timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def row_of(item: Any, columns: Iterable[str], **overrides: Any) -> dict[str, Any]:
    """An item of a table as an export row: each column read from the item by name, but
    those ``overrides`` gives, whose export differs from what the table stores."""
    return {c: cell(overrides[c] if c in overrides else getattr(item, c)) for c in columns}
