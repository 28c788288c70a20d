"""Build the bundled data set from the fact files in ``../shared/data`` (see its README).

Run by hand when the fact files change, from the repository root:

    .venv/bin/python -m scripts.build_seed [--data ../shared/data] [--out app/data]

It writes one document, ``seed.json`` (export format version 2): lifecycle milestones
(severances, restorations, upgrades, ``celebrated``), national days with an ``observed``
month-day or no origin, explicit "no national day" records, and a list of sources per
milestone. The first build over a version 1 ``seed.json`` (with the first pass's
``seed_v2.json`` beside it) gives every row the version 1 file held the next revision: a
database seeded from version 1 stored its sources joined in one field, and the next revision
is how ``diplocal seed`` knows to replace them unless a user edited the row.

A new milestone's id is a uuid5 of its natural key (kind, countries, date); a milestone keeps
its id for good, even when a correction changes its date or kind, so that seeding an existing
database updates the row instead of adding a second one. A fact that two files share (US-China
relations, 1979-01-01) is one milestone with both sources. A row keeps its revision and
timestamps while its content is the same, and gets the next revision when it changes, which
is how ``diplocal seed`` tells a data set update from a user's edit.
"""

import argparse
import csv
import datetime as dt
import json
import re
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import IO, Any

from app.countries import lookup, name_of
from app.transfer.milestones import MilestoneRecord
from scripts.seed_rules import (
    CORRECTIONS,
    GOVERNMENT_NOTE,
    HISTORICAL,
    NATIONAL_DAYS,
    NOT_A_HOLIDAY,
    NOT_NATIONAL_DAY,
    UNCODED,
    US_KINDS,
    US_SOURCE,
    WEAK,
    WIKIPEDIA_SOURCE,
    WIKIPEDIA_URL,
    agreeing,
    check_coverage,
    crosschecks,
    fact,
    possessive,
    precision_of,
    sentence,
    source,
)

# Never change: the ids of every installed seed milestone derive from it.
NAMESPACE = uuid.UUID("ac97ad79-1cef-4d57-9286-b104bf3f6bcf")

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- the files


def from_us(row: dict[str, str]) -> dict[str, Any]:
    code = row["country_iso2"] or HISTORICAL[row["country_name"]]
    article = re.fullmatch(r"HistoryAtState/rdcr:articles/(.+)\.xml", row["source"])
    if article is None:
        raise ValueError(f"unexpected source {row['source']!r}")
    name, description = name_of(code), None
    if row["historical_entity"] == "1" and row["country_name"] != name:
        description = f"The Office of the Historian's name: {row['country_name']}."
        if not code.startswith("X"):  # "Kingdom of Serbia/Yugoslavia" was not yet YU in 1881
            name = row["country_name"]
    title = {
        "us_recognition": f"United States' recognition of {name}",
        "recognition_of_us": f"{possessive(name)} recognition of the United States",
        "mutual_recognition": f"Mutual recognition of {name} and the United States",
    }.get(row["event"])
    url = f"https://history.state.gov/countries/{article.group(1)}"
    sources = [source(US_SOURCE, url, row["quote"], gov=True)]
    return fact(US_KINDS[row["event"]], row["date"], ["US", code], title, [description],
                sources, "high")  # fmt: skip


def from_prc(row: dict[str, str]) -> dict[str, Any]:
    if row["event"] != "relations_established":
        raise ValueError(f"unexpected event {row['event']!r}")
    notes = []
    if int(row["n_sources_agreeing"] or 0) > 1:
        notes.append(f"Sources agreeing: {row['n_sources_agreeing']}.")
    if row["conflicting"]:
        notes.append(f"Conflicting: {row['conflicting']}")
    if row["notes"]:
        notes.append(f"Notes: {row['notes']}")
    sources = [source(row["source"])]
    if row["second_source"]:
        sources.append(source(row["second_source"]))
    n = int(row["n_sources_agreeing"] or 0)
    pair = ["CN", row["country_iso2"]]
    return fact(
        "diplomatic_relations",
        row["date"],
        pair,
        None,
        notes,
        sources,
        row["confidence"],
        agreeing=n,
    )


def from_lifecycle(row: dict[str, str]) -> dict[str, Any]:
    """A severance, restoration or upgrade (or Niue's establishment) of relations with China."""
    gov = bool(GOVERNMENT_NOTE.search(row["note"]))
    sources = [source(row["source"], row["source_url"], row["quote"], gov), *agreeing(row["note"])]
    return fact(row["kind"], row["date"], ["CN", row["country_code"]], None,
                [sentence(row["note"])] if row["note"] else [], sources, row["confidence"],
                celebrated=row["celebrated"] == "yes")  # fmt: skip


def from_national_day(row: dict[str, str]) -> dict[str, Any]:
    code, date, observed = row["country_code"], row["date"], row["observed_month_day"] or None
    if row["kind"] != "national_day":
        raise ValueError(f"unexpected kind {row['kind']!r}")
    none = not date and not observed
    if date and precision_of(date) == "day" and observed == date[5:]:
        observed = None  # kept on its origin's day
    kind = "other" if (code, date) in NOT_NATIONAL_DAY else "national_day"
    name = name_of(code)
    title = f"No official national day ({name})" if none else f"{row['name']} ({name})"
    gov = bool(GOVERNMENT_NOTE.search(row["note"]))
    sources = [source(row["source"], row["source_url"], row["quote"], gov), *agreeing(row["note"])]
    return fact(kind, date, [code], title, [sentence(row["note"])], sources, row["confidence"],
                observed=observed, none=none)  # fmt: skip


def from_independence(row: dict[str, str]) -> dict[str, Any]:
    code, event, holiday = row["country_iso2"], row["event"], row["holiday_name"].strip()
    name = name_of(code)
    notes = []
    if holiday == NOT_A_HOLIDAY:
        event, holiday = "independence", ""
        notes.append("Not a public holiday.")
    origin = row["from_country"] or " and ".join(
        name_of(c) for c in row["from_country_iso2"].split(";") if c
    )
    if event == "independence":
        kind = "independence"
        title = None  # "Independence of Peru" says more in a feed than "Fiestas Patrias"
        if holiday and holiday != "Independence Day":
            notes.append(f"Celebrated as “{holiday}”.")
        if origin:
            notes.append(f"Independence from {origin}.")
    elif event == "restoration_of_independence":
        kind = "independence"
        title = f"{holiday} ({name})" if holiday else f"Restoration of the independence of {name}"
        if origin:
            notes.append(f"Independence from {origin}.")
    elif event in NATIONAL_DAYS:
        kind = "national_day"
        title = f"{holiday} ({name})" if holiday else None
        if origin:
            notes.append(f"Listed as independence from {origin}.")
    else:
        raise ValueError(f"unexpected event {event!r}")
    if row["note"]:
        notes.append(sentence(row["note"]))
    if weak := WEAK.get((code, row["date"])):
        notes.append(weak)
    if checks := crosschecks(row["crosscheck"]):
        notes.append(checks)
    wiki = WIKIPEDIA_SOURCE + (" (notes column)" if "[notes column]" in row["source"] else "")
    # One Wikipedia list: never verified on its own.
    return fact(kind, row["date"], [code], title, notes, [source(wiki, WIKIPEDIA_URL)], "one")


def corrected(f: dict[str, Any], rows: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """An independence-file fact with ``corrections.csv`` applied: the corrected fact(s), the
    ones that take over a wrong row marked with its id (``_was``)."""
    code = f["countries"][0]
    fix = CORRECTIONS.get(code)
    if fix is None or (f["kind"], f["date"]) != fix["old"]:
        return [f]
    row, was = rows[code], natural_id(f)
    primary, _, rest = row["source"].partition("; agreeing: ")
    sources = [source(primary, row["source_url"], row["quote"]), *agreeing("Agreeing: " + rest)]
    out = []
    for action in ("replace", "add"):
        if new := fix.get(action):
            note = [new["note"], f"Corrects the row of {fix['old'][1]} ({fix['old'][0]})."]
            made = fact(new["kind"], new["date"], [code], new["title"], note, sources,
                        row["confidence"], observed=new.get("observed"))  # fmt: skip
            out.append({**made, "_was": was} if action == "replace" else made)
    if title := fix.get("relabel"):
        note = f"Not the national day or the independence of {name_of(code)}."
        out.append({**f, "kind": "other", "title": title, "_was": was,
                    "description": "\n".join(filter(None, [f["description"], note]))})  # fmt: skip
    return out


def read(data: Path, filename: str) -> list[dict[str, str]]:
    with (data / filename).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def facts_of(data: Path) -> list[dict[str, Any]]:
    """Every fact of every file, corrections applied, before merging."""
    fixes = {r["country_code"]: r for r in read(data, "corrections.csv")}
    if set(fixes) != set(CORRECTIONS):
        raise SystemExit(f"corrections.csv has {sorted(fixes)}, CORRECTIONS {sorted(CORRECTIONS)}")
    found: list[dict[str, Any]] = []
    for filename, convert in (
        ("us_diplomatic_relations.csv", from_us),
        ("prc_diplomatic_relations.csv", from_prc),
        ("prc_lifecycle.csv", from_lifecycle),
        ("independence_days.csv", from_independence),
        ("national_days_added.csv", from_national_day),
    ):
        rows = read(data, filename)
        for row in rows:
            if row.get("country_name") in UNCODED:
                print(f"left out, no code: {row['country_name']} {row['date']}", file=sys.stderr)
                continue
            made = convert(row)
            found += corrected(made, fixes) if filename == "independence_days.csv" else [made]
        print(f"{filename}: {len(rows)} rows", file=sys.stderr)
    return found


def merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    """One fact from two rows: both sources, every note, verified if either is."""
    into["sources"] += [s for s in other["sources"] if s not in into["sources"]]
    notes = [n for n in (into["description"], other["description"]) if n]
    into["description"] = "\n".join(dict.fromkeys(notes)) or None
    into["title"] = into["title"] or other["title"]
    into["celebrated"] = into["celebrated"] or other["celebrated"]
    if other["confidence"] == "verified":
        into["confidence"] = "verified"


def natural_key(m: dict[str, Any]) -> str:
    """kind, countries and date (as version 1 had it); the observed day or "none" when the
    origin is absent."""
    when = m["date"] or (f"observed {m['observed']}" if m.get("observed") else "none")
    return f"{m['kind']} {' '.join(m['countries'])} {when}"


def natural_id(m: dict[str, Any]) -> str:
    return str(uuid.uuid5(NAMESPACE, natural_key(m)))


def assign_ids(facts: list[dict[str, Any]], previous: dict[str, dict[str, Any]]) -> list[str]:
    """Each fact's id: the previous build's row with the same natural key, else the row a
    correction takes over, else an unclaimed previous row of the same kind and countries when
    both sides have as many (a re-extracted date), else the natural id."""
    by_key = {natural_key(p): pid for pid, p in previous.items()}
    ids: list[str | None] = []
    for f in facts:
        pid = by_key.get(natural_key(f)) or (f.get("_was") if f.get("_was") in previous else None)
        ids.append(pid if pid not in ids else None)
    taken = set(ids)
    orphans: dict[tuple, list[dict[str, Any]]] = {}
    for pid, p in previous.items():
        if pid not in taken:
            orphans.setdefault((p["kind"], *p["countries"]), []).append(p)
    pending: dict[tuple, list[int]] = {}
    for i, f in enumerate(facts):
        if ids[i] is None:
            pending.setdefault((f["kind"], *f["countries"]), []).append(i)
    for group, indices in pending.items():
        olds = orphans.get(group, [])
        if len(olds) == len(indices):
            olds.sort(key=lambda p: p["date"] or "")
            indices.sort(key=lambda i: facts[i]["date"] or "")
            for i, p in zip(indices, olds, strict=True):
                ids[i] = p["id"]
            continue
        for p in list(olds):  # otherwise the one fact of the same year
            same = [i for i in indices if (facts[i]["date"] or "")[:4] == (p["date"] or "")[:4]]
            if len(same) == 1 and ids[same[0]] is None:
                ids[same[0]] = p["id"]
                olds.remove(p)
        orphans[group] = olds
    for gone in orphans.values():
        for p in gone:
            print(f"dropped: {natural_key(p)} ({p['id']})", file=sys.stderr)
    return [pid or natural_id(f) for pid, f in zip(ids, facts, strict=True)]


def v1(record: dict[str, Any]) -> dict[str, Any] | None:
    """A version 2 record as version 1 holds it (None when it cannot): the sources' titles
    joined, the first source's address, the others' in the description."""
    if record["date"] is None or record["kind"] not in V1_KINDS:
        return None
    sources = record["sources"]
    urls = [s["url"] for s in sources if s["url"]]
    notes = [record["description"], *(f"Also at {u}" for u in dict.fromkeys(urls[1:]))]
    return {
        "id": record["id"],
        **{k: record[k] for k in ("kind", "date", "precision", "countries", "title")},
        "description": "\n".join(n for n in notes if n) or None,
        "source": "; ".join(dict.fromkeys(s["title"] for s in sources)),
        "source_url": urls[0] if urls else None,
        "confidence": record["confidence"],
        **{k: record[k] for k in HISTORY if k in record},
    }


HISTORY = ("created_at", "updated_at", "revision")
LIFECYCLE = (
    "diplomatic_relations",
    "relations_severed",
    "relations_restored",
    "relations_upgraded",
)
V1_KINDS = {"diplomatic_relations", "relations_severed", "relations_restored", "independence",
            "national_day", "treaty", "state_visit", "other"}  # fmt: skip


def build(data: Path, previous: dict[str, dict[str, Any]], now: str) -> list[dict[str, Any]]:
    """The version 2 records. ``previous`` holds the last build's rows by id, of version 2
    or (the first time) version 1, whose content is then compared in version 1's terms."""
    merged: dict[str, dict[str, Any]] = {}
    for f in facts_of(data):
        key = natural_key(f)
        if key in merged:
            merge(merged[key], f)
        else:
            merged[key] = f
    facts = list(merged.values())
    records = []
    for pid, f in zip(assign_ids(facts, previous), facts, strict=True):
        content = {"id": pid, **{k: v for k, v in f.items() if k != "_was"}}
        old = previous.get(pid)
        ours = content if old is None or "sources" in old else v1(content)
        if old is not None and ours is not None and {k: old.get(k) for k in ours} == ours:
            history = {k: old[k] for k in HISTORY}
        elif old is not None:
            history = {"created_at": old["created_at"], "updated_at": now}
            history["revision"] = old["revision"] + 1
        else:
            history = {"created_at": now, "updated_at": now, "revision": 1}
        records.append({**content, **history})
    records.sort(key=lambda r: (r["date"] is None, r["date"] or r["observed"] or "", r["id"]))
    return records


def write_v2(records: list[dict[str, Any]], out: IO[str]) -> None:
    """The version 2 document, one milestone a line like version 1."""
    out.write('{"format": "diplocal-export", "version": 2, "milestones": [')
    out.write(",".join("\n" + json.dumps(r, ensure_ascii=False) for r in records))
    out.write("]}\n")


def default_data() -> Path:
    """``shared/data`` beside the checkout (``../shared/data``), or beside a parent folder
    (a worktree in ``../wt/``)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--out", type=Path, default=ROOT / "app" / "data")
    args = parser.parse_args()
    path, first_pass = args.out / "seed.json", args.out / "seed_v2.json"
    current = json.loads(path.read_text("utf-8")) if path.exists() else None
    from_v1 = current is not None and current["version"] == 1
    previous_doc = json.loads(first_pass.read_text("utf-8")) if first_pass.exists() else current
    previous = {r["id"]: r for r in previous_doc["milestones"]} if previous_doc else {}
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    records = build(args.data, previous, now)
    if from_v1:
        shipped = {r["id"] for r in current["milestones"]}
        for r in records:
            if r["id"] in shipped and r["updated_at"] != now:
                r["revision"] += 1
                r["updated_at"] = now
    unknown = {c for r in records for c in r["countries"] if lookup(c) is None}
    if unknown:
        raise SystemExit(f"unknown country codes: {sorted(unknown)}")
    coverage = check_coverage(records)
    for row in records:
        MilestoneRecord.model_validate(row)  # fail here, not on a user's first run
    with path.open("w", encoding="utf-8", newline="\n") as out:
        write_v2(records, out)
    first_pass.unlink(missing_ok=True)
    changed = sum(1 for r in records if r["updated_at"] == now)
    print(f"{path}: {len(records)} milestones, {changed} new or changed", file=sys.stderr)
    kinds = Counter(r["kind"] for r in records)
    print(json.dumps({**dict(sorted(kinds.items())), **coverage}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
