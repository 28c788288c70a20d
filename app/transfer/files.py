"""The file format of an export: reading and writing its JSON and CSV, whatever it holds.

JSON is a top-level object, ``{"format": "diplocal-export", "version": 2, "milestones": [...],
"events": [...]}``, written one item per line for readable diffs. Collections join it as new
keys without a new version: a reader ignores keys it does not know, and a file without
``events`` (an older export, the seed data set) imports as it always did. CSV holds the
milestones alone, one per row under a header, with the countries space-separated (``CN PE``):
one table per file. Errors name the line, so a user finds the row in an editor.
"""

import csv
import io
import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from app.progress import Progress
from app.transfer.rows import Format, RowError

FORMAT = "diplocal-export"
# Version 2 (issue 13): ``sources`` (a list) instead of ``source``/``source_url``, and
# ``celebrated``, ``observed``, ``none``; version 1 files still import, their single source
# becoming the first of ``sources``.
VERSION = 2
READABLE = (1, 2)
# The arrays of a JSON export, in the order they are written and loaded: an event may
# celebrate a milestone of the same file.
COLLECTIONS = ("milestones", "events")

Rows = dict[str, list[tuple[int, Any]]]


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


# ---------------------------------------------------------------- writing


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


def write_csv(
    records: Iterable[dict[str, Any]], out: IO[str], columns: Sequence[str]
) -> Iterator[str]:
    """Writes a header and a row per milestone, yielding after each row like ``write_json``."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        row = {**record, "countries": " ".join(record["countries"])}
        writer.writerow([_cell(row[c]) for c in columns])
        yield "milestones"


def _cell(value: Any) -> Any:
    """A CSV cell: a dict (``title_i18n``) or a list (``sources``) as compact JSON, empty
    when it is empty or null."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""
    return "" if value is None else value


def write(
    records: Iterable[dict[str, Any]],
    out: IO[str],
    fmt: Format = "json",
    progress: Progress | None = None,
    events: Iterable[dict[str, Any]] | None = None,
    *,
    columns: Sequence[str] = (),
) -> Counter[str]:
    """Write milestone rows (and, in JSON, event rows) in ``fmt``, CSV under ``columns``;
    returns how many of each collection."""
    written: Counter[str] = Counter()
    rows = write_json(records, out, events) if fmt == "json" else write_csv(records, out, columns)
    for collection in rows:
        written[collection] += 1
        if progress:
            progress.update()
    return written


# ---------------------------------------------------------------- reading


def read_csv(
    text: str, columns: Sequence[str], *, accepted: Sequence[str] = (), required: Sequence[str] = ()
) -> list[tuple[int, dict[str, Any]]]:
    """Rows with the line each starts on (the header is line 1); empty cells are omitted.
    The header holds some of ``columns`` (all of ``required``) and of ``accepted``."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileError(1, "header", "the file is empty; expected a header row") from None
    except csv.Error as exc:
        raise FileError(1, "header", f"not valid CSV: {exc}") from None
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in columns and h not in accepted]
    missing = [c for c in required if c not in header]
    if unknown or missing:
        problems = [f"unknown column {h!r}" for h in unknown]
        problems += [f"missing column {c!r}" for c in missing]
        raise FileError(1, "header", f"{'; '.join(problems)}; the columns are {', '.join(columns)}")
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
        return _WS.match(text, pos).end()  # type: ignore[union-attr]

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


# An export nests four levels deep (document, collection, item, organiser); json.loads recurses
# once per level, so a file nested a thousand deep would exhaust the stack (a RecursionError).
MAX_DEPTH = 32
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when arrays and objects nest more than ``limit`` deep, found by a scan that does
    not recurse (strings are skipped whole, so brackets in text do not count)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


def read_json(text: str) -> Rows:
    """The items of each collection of an export document (a bare array is milestones),
    each with the line it starts on."""
    text = text.removeprefix("\ufeff")
    if too_deep(text):
        raise FileError(1, "file", f"arrays and objects nest more than {MAX_DEPTH} deep")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(exc.lineno, "file", f"not valid JSON: {exc.msg}") from None
    if isinstance(doc, dict):
        if doc.get("format") != FORMAT:
            raise FileError(1, "format", f'expected "format": "{FORMAT}"')
        if doc.get("version") not in READABLE:
            raise FileError(1, "version", f"this service reads versions 1 and {VERSION}")
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
