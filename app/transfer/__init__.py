"""Export, import and the bundled seed data set, all in one file format.

``export`` writes every milestone and event to a file, ``load`` imports one, ``seed`` loads
the bundled data set; each answers with a ``Report`` of ``Counts``. Inside: ``files`` (the
JSON and CSV format), ``milestones`` and ``events`` (each collection's rows), ``rows`` (what
they share), ``ics`` (events from iCalendar files) and ``seed``. No FastAPI here: the command
line and the import endpoints call these functions with a session and commit themselves.
"""

from typing import IO

from sqlmodel import Session

from app.audit import Actor
from app.models import parse_partial_date
from app.progress import Progress
from app.transfer import events, milestones
from app.transfer.files import FileError, guess_format, read_csv, read_json, write
from app.transfer.rows import Counts, Format, ImportReport, Report, RowError, parse_rows
from app.transfer.seed import is_empty, seed, seed_path

__all__ = [
    "Counts",
    "FileError",
    "Format",
    "ImportReport",
    "Report",
    "RowError",
    "export",
    "guess_format",
    "is_empty",
    "load",
    "seed",
    "seed_path",
]


def export(
    session: Session, out: IO[str], fmt: Format = "json", progress: Progress | None = None
) -> Report:
    """Every milestone and, in JSON, every event (but deleted ones), in date order. A CSV
    file holds milestones alone: the events it leaves out count as skipped."""
    report = Report(operation="export", fmt=fmt)
    total = milestones.count(session)
    event_rows = None
    if fmt == "json":
        event_rows = events.export_rows(session)
        total += events.count(session)
        report.unlinked = events.count_unlinked(session)
    else:
        report.events.skipped = events.count(session)
    if progress:
        progress.set_total(total)
    written = write(
        milestones.export_rows(session), out, fmt, progress, event_rows, columns=milestones.COLUMNS
    )
    report.milestones.exported, report.events.exported = written["milestones"], written["events"]
    return report


def _read(text: str, fmt: Format) -> dict[str, list]:
    if fmt == "json":
        return read_json(text)
    rows = read_csv(
        text,
        milestones.COLUMNS,
        accepted=milestones.READ_ONLY_COLUMNS,
        required=milestones.REQUIRED_COLUMNS,
    )
    return {"milestones": rows, "events": []}


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
    report = Report(operation="seed" if seed else "import", fmt=fmt)
    try:
        raw = _read(text, fmt)
    except FileError as exc:
        report.errors, report.rejected, report.reason = [exc.error], True, "the file cannot be read"
        return report
    good, errors = parse_rows(raw["milestones"], milestones.MilestoneRecord, "milestone")
    in_file = {
        r.id: parse_partial_date(r.date)[0] if r.date else None for _, r in good if r.id is not None
    }
    good_events, event_errors = events.validate(session, raw["events"], in_file)
    report.errors = sorted(errors + event_errors, key=lambda e: e.line)
    skipped = len(raw["milestones"]) - len(good), len(raw["events"]) - len(good_events)
    if report.errors and not skip_invalid:
        rows = len(raw["milestones"]) + len(raw["events"])
        report.rejected, report.reason = True, f"bad rows: {sum(skipped)} of {rows}"
        report.milestones.skipped = len(raw["milestones"])
        report.events.skipped = len(raw["events"])
        return report
    if progress:
        progress.set_total(len(good) + len(good_events))
    report.milestones, report.kept = milestones.apply(
        session, good, seed=seed, progress=progress, actor=actor
    )
    report.events = events.apply(session, good_events, progress=progress, actor=actor)
    report.milestones.skipped, report.events.skipped = skipped
    return report
