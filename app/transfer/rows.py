"""What every collection of an export file shares: row errors, restored history, counts.

``app.transfer`` (the file, and its milestones) and ``app.transfer_events`` (its events) both
build on these, so a milestone row and an event row are checked, dated and counted alike.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, select

from app.problems import validation_errors


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }

    def __str__(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.as_dict().items())

    def progress(self, noun: str) -> dict[str, int]:
        """For a progress bar's postfix: ``milestones created=3, updated=0, unchanged=1``."""
        return {f"{noun} created": self.created, "updated": self.updated,
                "unchanged": self.unchanged}  # fmt: skip


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
