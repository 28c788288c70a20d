"""Export, import and the bundled seed data set, all in one file format.

An export holds every milestone and event with its identity and history (id, revision,
timestamps), so that importing it into an empty database and exporting again gives the same
bytes, and feeds keep their UIDs and SEQUENCE numbers across a move. The seed data set ships
in the same format: seeding is an import that never overwrites a user's edit.

JSON is a top-level object, ``{"format": "diplocal-export", "version": 1, "milestones": [...],
"events": [...]}``, written one item per line for readable diffs. Collections join it as new
keys without a new version: a reader ignores keys it does not know, and a file without
``events`` (an older export, the seed data set) imports as it always did. CSV holds the
milestones alone, one per row under a header, with the countries space-separated (``CN PE``):
one table per file. Events have their own module, ``app.transfer_events``. No FastAPI here:
the command line and the import endpoint call these functions with a session and commit
themselves.
"""

import csv
import io
import json
import re
import uuid
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from typing import IO, Any, Literal

import sqlalchemy as sa
from pydantic import AwareDatetime, BaseModel, field_validator, model_validator
from sqlmodel import Field, Session, func, select

from app import transfer_events
from app.audit import Actor, record_many
from app.crud import bump_feed_versions
from app.db import utcnow
from app.models import Milestone, MilestoneCreate, format_partial_date, parse_partial_date
from app.progress import Progress
from app.transfer_rows import (
    Counts,
    RowError,
    fetch,
    history,
    new_history,
    parse_rows,
    timestamp,
)

FORMAT = "diplocal-export"
VERSION = 1
COLUMNS = (
    "id",
    "kind",
    "date",
    "precision",
    "countries",
    "title",
    "description",
    "source",
    "source_url",
    "confidence",
    "created_at",
    "updated_at",
    "revision",
)
# Accepted on import (an item of the API's milestone list imports as it is), never written.
_READ_ONLY_COLUMNS = ("title_generated",)
_REQUIRED_COLUMNS = ("kind", "date", "countries")

# The arrays of a JSON export, in the order they are written and loaded: an event may
# celebrate a milestone of the same file.
COLLECTIONS = ("milestones", "events")

Format = Literal["json", "csv"]


def seed_path():
    """The bundled data set (built by ``app/data/build_seed.py``)."""
    return files("app") / "data" / "seed.json"


# ---------------------------------------------------------------- rows


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

    @model_validator(mode="after")
    def _history(self) -> "MilestoneRecord":
        if self.title_generated:
            self.title = None  # a generated title follows its countries' names; never freeze it
        if self.created_at and self.updated_at and self.updated_at < self.created_at:
            raise ValueError("updated_at is before created_at")
        return self


def record_of(m: Milestone) -> dict[str, Any]:
    """A milestone as an export row; ``title`` is null when generated."""
    return {
        "id": str(m.id),
        "kind": m.kind,
        "date": format_partial_date(m.date, m.precision),
        "precision": m.precision,
        "countries": m.countries,
        "title": m.title,
        "description": m.description,
        "source": m.source,
        "source_url": m.source_url,
        "confidence": m.confidence,
        "created_at": timestamp(m.created_at),
        "updated_at": timestamp(m.updated_at),
        "revision": m.revision,
    }


# ---------------------------------------------------------------- export


def _json_array(records: Iterable[dict[str, Any]], out: IO[str]) -> Iterator[None]:
    separator = "\n"
    for record in records:
        out.write(separator + json.dumps(record, ensure_ascii=False))
        separator = ",\n"
        yield
    out.write("\n]")


def write_json(
    records: Iterable[dict[str, Any]],
    out: IO[str],
    events: Iterable[dict[str, Any]] | None = None,
) -> Iterator[str]:
    """Writes the document, yielding each row's collection so that ``write`` can count and
    show progress. Without ``events`` (the seed data set) the key is left out."""
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "milestones": [')
    for _ in _json_array(records, out):
        yield "milestones"
    if events is not None:
        out.write(', "events": [')
        for _ in _json_array(events, out):
            yield "events"
    out.write("}\n")


def write_csv(records: Iterable[dict[str, Any]], out: IO[str]) -> Iterator[str]:
    """Writes a header and a row per milestone, yielding after each row like ``write_json``."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        row = {**record, "countries": " ".join(record["countries"])}
        writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
        yield "milestones"


def write(
    records: Iterable[dict[str, Any]],
    out: IO[str],
    fmt: Format = "json",
    progress: Progress | None = None,
    events: Iterable[dict[str, Any]] | None = None,
) -> Counter[str]:
    """Write milestone rows (and, in JSON, event rows) in ``fmt``; returns how many of each."""
    written: Counter[str] = Counter()
    rows = write_json(records, out, events) if fmt == "json" else write_csv(records, out)
    for collection in rows:
        written[collection] += 1
        if progress:
            progress.update()
    return written


@dataclass
class Exported:
    milestones: int = 0
    events: int = 0
    # CSV: the events a CSV file cannot hold.
    left_out: int = 0
    # Events that celebrate a deleted milestone, written without that link.
    unlinked: int = 0

    def summary(self, fmt: Format) -> str:
        events = f" and {self.events} events" if fmt == "json" else ""
        return f"exported {self.milestones} milestones{events} as {fmt}"

    def notes(self) -> list[str]:
        notes = []
        if self.left_out:
            notes.append(
                f"note: CSV holds milestones only; the {self.left_out} events are not in this "
                "file (use --format json for a complete export)"
            )
        if self.unlinked:
            notes.append(
                f"note: {self.unlinked} events celebrate a deleted milestone, which is not "
                "exported; they are written without milestone_id and year (restore the "
                "milestone before exporting to keep the link)"
            )
        return notes


def export(
    session: Session, out: IO[str], fmt: Format = "json", progress: Progress | None = None
) -> Exported:
    """Every milestone and, in JSON, every event (but deleted ones), in date order."""
    live = select(Milestone).where(Milestone.deleted_at.is_(None))  # type: ignore[union-attr]  # SQLModel: a column at class level
    total = session.exec(select(func.count()).select_from(live.subquery())).one()
    exported = Exported()
    events = None
    if fmt == "json":
        events = transfer_events.export_rows(session)
        total += transfer_events.count(session)
        exported.unlinked = transfer_events.count_unlinked(session)
    else:
        exported.left_out = transfer_events.count(session)
    if progress:
        progress.set_total(total)
    rows = session.exec(
        live.order_by(Milestone.date, Milestone.id).execution_options(yield_per=500)
    )
    written = write((record_of(m) for m in rows), out, fmt, progress, events)
    exported.milestones, exported.events = written["milestones"], written["events"]
    return exported


# ---------------------------------------------------------------- reading


class FileError(Exception):
    """The file as a whole cannot be read (not JSON, no header, ...): no row can load."""

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(message)
        self.error = RowError(line, field, message)


def guess_format(name: str | None, text: str) -> Format:
    """By extension, else by the first character: JSON starts with ``{`` or ``[``."""
    if name:
        lowered = name.lower()
        if lowered.endswith(".json"):
            return "json"
        if lowered.endswith(".csv"):
            return "csv"
    return "json" if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[") else "csv"


def read_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows with the line each starts on (the header is line 1); empty cells are omitted."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileError(1, "header", "the file is empty; expected a header row") from None
    except csv.Error as exc:
        raise FileError(1, "header", f"not valid CSV: {exc}") from None
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in COLUMNS and h not in _READ_ONLY_COLUMNS]
    missing = [c for c in _REQUIRED_COLUMNS if c not in header]
    if unknown or missing:
        problems = [f"unknown column {h!r}" for h in unknown]
        problems += [f"missing column {c!r}" for c in missing]
        raise FileError(1, "header", f"{'; '.join(problems)}; the columns are {', '.join(COLUMNS)}")
    rows = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FileError(line, "row", f"not valid CSV: {exc}") from None
        if any(c.strip() for c in cells):
            if len(cells) > len(header):
                rows.append((line, {"": f"{len(cells)} cells for {len(header)} columns"}))
            else:
                rows.append((line, {h: c for h, c in zip(header, cells, strict=False) if c != ""}))
        line = reader.line_num + 1
    return rows


_WS = re.compile(r"[ \t\n\r]*")


def _item_offsets(text: str) -> dict[str, list[int]]:
    """Where each item of each collection of a valid JSON document starts, to report lines,
    not indexes; a bare array is milestones."""
    decoder = json.JSONDecoder()

    def ws(pos: int) -> int:
        return _WS.match(text, pos).end()  # type: ignore[union-attr]  # the pattern matches the empty string

    def array(pos: int) -> list[int]:
        offsets, pos = [], ws(pos + 1)
        while text[pos] != "]":
            offsets.append(pos)
            pos = ws(decoder.raw_decode(text, pos)[1])
            if text[pos] == ",":
                pos = ws(pos + 1)
        return offsets

    pos = ws(0)
    if text[pos] == "[":
        return {"milestones": array(pos)}
    offsets: dict[str, list[int]] = {}
    pos = ws(pos + 1)
    while text[pos] != "}":
        key, pos = decoder.raw_decode(text, pos)
        pos = ws(ws(pos) + 1)  # past the colon
        if key in COLLECTIONS and text[pos] == "[":
            offsets[key] = array(pos)
        pos = ws(decoder.raw_decode(text, pos)[1])
        if text[pos] == ",":
            pos = ws(pos + 1)
    return offsets


Rows = dict[str, list[tuple[int, Any]]]


def read_json(text: str) -> Rows:
    """The items of each collection of an export document (a bare array is milestones),
    each with the line it starts on."""
    text = text.removeprefix("\ufeff")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(exc.lineno, "file", f"not valid JSON: {exc.msg}") from None
    if isinstance(doc, dict):
        if doc.get("format") != FORMAT:
            raise FileError(1, "format", f'expected "format": "{FORMAT}"')
        if doc.get("version") != VERSION:
            raise FileError(1, "version", f"this service reads version {VERSION}")
        collections = {key: doc.get(key, []) for key in COLLECTIONS}
        for key, items in collections.items():
            if not isinstance(items, list):
                raise FileError(1, key, "expected an array")
    elif isinstance(doc, list):
        collections = {"milestones": doc, "events": []}
    else:
        raise FileError(1, "file", "expected an export object or an array of milestones")
    newlines = [m.start() for m in re.finditer("\n", text)]
    offsets = _item_offsets(text)
    rows: Rows = {}
    for key, items in collections.items():
        lines = [bisect_right(newlines, offset) + 1 for offset in offsets.get(key, [])]
        if len(lines) != len(items):  # cannot happen for valid JSON; never fail over a line
            lines = list(range(1, len(items) + 1))
        rows[key] = list(zip(lines, items, strict=True))
    return rows


# ---------------------------------------------------------------- loading


class ImportRowError(BaseModel):
    line: int = Field(
        description="CSV: the line the row starts on, the header being line 1. "
        "JSON: the line the milestone or event starts on."
    )
    field: str
    message: str


class ImportCounts(BaseModel):
    created: int
    updated: int
    unchanged: int
    skipped: int = Field(description="Invalid rows left out (`skip_invalid=true`).")


class ImportReport(ImportCounts):
    """The milestones' counts, the events' counts (JSON only; zero for CSV), and every bad
    row of either."""

    events: ImportCounts
    errors: list[ImportRowError]


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    # The milestones' counts are the fields above; the events' are here.
    events: Counts = field(default_factory=Counts)
    errors: list[RowError] = field(default_factory=list)
    # Seeding only: milestones a user edited, left as they are.
    kept: list[str] = field(default_factory=list)
    # An atomic import with errors: nothing was written.
    rejected: bool = False
    # Why, in a few words.
    reason: str = ""

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }

    def summary(self, *, seed: bool = False) -> str:
        milestones = ", ".join(f"{k} {v}" for k, v in self.counts().items())
        if seed:  # the data set holds milestones alone
            return f"{milestones}, kept edits {len(self.kept)}"
        return f"milestones: {milestones}; events: {self.events}"

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts(),
            "events": self.events.as_dict(),
            "errors": [e.as_dict() for e in self.errors],
        }


def _existing(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Milestone]:
    return {m.id: m for m in fetch(session, Milestone, Milestone.id, ids)}


def _label(m: Milestone) -> str:
    return f"{format_partial_date(m.date, m.precision)} {m.display_title} ({m.id})"


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
) -> Report:
    """Create or update each row by id, in the session's transaction (the caller commits).

    An import restores each row as it is in the file, history included. Seeding differs for a
    milestone whose content differs from the data set's: it takes the data set's version only
    while nobody has edited the milestone since an earlier data set made it (its revision and
    time are older than the row's); otherwise it keeps the edit and reports it.
    """
    report = Report()
    existing = _existing(session, [r.id for _, r in rows if r.id is not None])
    touched: list[list[str]] = []
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
            report.created += 1
        else:
            changed = any(getattr(m, k) != v for k, v in fields.items())
            restored = history(m, rec, changed, now)
            if seed and changed and not _seed_is_newer(m, restored):
                report.kept.append(_label(m))
            elif changed or (not seed and any(getattr(m, k) != v for k, v in restored.items())):
                before = record_of(m)
                m.sqlmodel_update({**fields, **restored})
                session.add(m)
                touched += [before["countries"], m.countries]
                changes.append(
                    {"action": "update", "entity": "milestone", "entity_id": m.id,
                     "before": before, "after": record_of(m)}
                )  # fmt: skip
                report.updated += 1
            else:
                report.unchanged += 1
        if progress:
            counts = Counts(report.created, report.updated, report.unchanged)
            progress.update(**counts.progress("milestones"))
    if new:
        session.exec(sa.insert(Milestone), params=new)  # type: ignore[call-overload]  # SQLModel's exec is typed for select()
    if touched:
        bump_feed_versions(session, *touched)
    if actor is not None:
        record_many(session, actor, changes)
    return report


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | None) else str(v) for k, v in values.items()}


def load(
    session: Session,
    text: str,
    fmt: Format,
    *,
    skip_invalid: bool = False,
    seed: bool = False,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> Report:
    """Import a file's text: its milestones, then its events (which may celebrate those
    milestones). Atomic unless ``skip_invalid``: any bad row rejects the file, with every bad
    row reported. Nothing is committed here."""
    try:
        raw = read_json(text) if fmt == "json" else {"milestones": read_csv(text), "events": []}
    except FileError as exc:
        return Report(errors=[exc.error], rejected=True, reason="the file cannot be read")
    milestones, errors = parse_rows(raw["milestones"], MilestoneRecord, "milestone")
    in_file = {r.id: parse_partial_date(r.date)[0] for _, r in milestones if r.id is not None}
    events, event_errors = transfer_events.validate(session, raw["events"], in_file)
    errors = sorted(errors + event_errors, key=lambda e: e.line)
    skipped = len(raw["milestones"]) - len(milestones), len(raw["events"]) - len(events)
    if errors and not skip_invalid:
        reason = f"bad rows: {sum(skipped)} of {len(raw['milestones']) + len(raw['events'])}"
        return Report(
            skipped=len(raw["milestones"]),
            events=Counts(skipped=len(raw["events"])),
            errors=errors,
            rejected=True,
            reason=reason,
        )
    if progress:
        progress.set_total(len(milestones) + len(events))
    report = apply(session, milestones, seed=seed, progress=progress, actor=actor)
    report.events = transfer_events.apply(session, events, progress=progress, actor=actor)
    report.errors = errors
    report.skipped, report.events.skipped = skipped
    return report


def is_empty(session: Session) -> bool:
    return session.exec(select(Milestone.id).limit(1)).first() is None


def seed(session: Session, progress: Progress | None = None, path=None) -> Report:
    """Load or refresh the bundled data set; running it twice changes nothing."""
    text = (path or seed_path()).read_text(encoding="utf-8")
    report = load(session, text, "json", seed=True, progress=progress, actor=Actor("seed"))
    if report.errors:  # the data set is part of the code: a bad row is a bug, not input
        raise ValueError(f"the seed data set is not valid: {report.errors[0]}")
    return report
