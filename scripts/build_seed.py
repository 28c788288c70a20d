"""Build ``app/data/seed.json`` from the fact files in ``../shared/data`` (see its README).

Run by hand when the fact files change, from the repository root:

    .venv/bin/python -m scripts.build_seed [--data ../shared/data] [--out app/data/seed.json]

The output is an export document, so seeding is importing. Each milestone's id is a uuid5 of
its natural key (kind, countries, date), so a rebuild finds the same milestones; a fact that
two files share (US-China relations, 1979-01-01) becomes one milestone with both sources. A
row keeps its revision and timestamps from the previous build while its content is the same,
and gets the next revision when it changes, which is how ``diplocal seed`` tells a data set
update from a user's edit.
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
from typing import Any
from urllib.parse import urlsplit

from app.countries import lookup, name_of
from app.transfer.files import read_json, write
from app.transfer.milestones import MilestoneRecord

# Never change: the ids of every installed seed milestone derive from it.
NAMESPACE = uuid.UUID("ac97ad79-1cef-4d57-9286-b104bf3f6bcf")

ROOT = Path(__file__).resolve().parents[1]

US_SOURCE = "Office of the Historian, U.S. Department of State"
WIKIPEDIA_SOURCE = "Wikipedia, “List of national independence days” (via TidyTuesday)"
WIKIPEDIA_URL = "https://en.wikipedia.org/wiki/List_of_national_independence_days"

# The US file's historical entities with no ISO code, by the name it gives them. ISO 3166-3
# states keep their codes; older states have the "X" codes of app/countries.py.
HISTORICAL = {
    "Austrian Empire": "XAUE",
    "Baden": "XBAD",
    "Bavaria": "XBAV",
    "Brunswick and Lüneburg": "XBRU",
    "Central American Federation": "XCAF",
    "Czechoslovakia": "CS",
    "East Germany (German Democratic Republic)": "DD",
    "Federal Government of Germany (1848-49)": "XFGG",
    "Hanover": "XHAN",
    "Hanseatic Republics": "XHSE",
    "Hawaii": "XHAW",
    "Hesse": "XHES",
    "Kingdom of Serbia/Yugoslavia": "YU",
    "Korea (pre-1910 Joseon/Korean Empire)": "XKOR",
    "Lew Chew (Loochoo)": "XRYU",
    "Mecklenburg-Schwerin": "XMSC",
    "Mecklenburg-Strelitz": "XMST",
    "Nassau": "XNAS",
    # The Office of the Historian has an article under each name; both describe one state.
    "North German Confederation": "XNGC",
    "North German Union": "XNGC",
    "Oldenburg": "XOLD",
    "Orange Free State": "XOFS",
    "Papal States": "XPAP",
    "Piedmont-Sardinia": "XSAR",
    "Republic of Genoa": "XGEN",
    "Schaumburg-Lippe": "XSCL",
    "Soviet Union": "SU",
    "Texas": "XTEX",
    "The Congo Free State": "XCFS",
    "The Duchy of Parma": "XPAR",
    "The Grand Duchy of Tuscany": "XTUS",
    "Two Sicilies": "XTSI",
    "Württemberg": "XWUR",
    "Yugoslavia": "YU",
}

US_KINDS = {
    "diplomatic_relations_established": "diplomatic_relations",
    "diplomatic_relations_severed": "relations_severed",
    "diplomatic_relations_reestablished": "relations_restored",
    "us_recognition": "other",
}
NATIONAL_DAYS = {
    "national_day",
    "republic_day",
    "liberation_day",
    "statehood_day",
    "constitution_day",
    "other_commemoration",
}
# Rows the data README calls weak.
WEAK = {("HU", "1991-06-19"): "The compilers of the data set doubt this date."}
# The list gives the Statute of Westminster as South Africa's independence from the United
# Kingdom, under the holiday name "Not a holiday": as a national day it would be wrong.
NOT_A_HOLIDAY = "Not a holiday"

_URL = re.compile(r"https?://[^\s]+")


def first_url(text: str) -> str | None:
    m = _URL.search(text)
    if not m:
        return None
    url = m.group(0).rstrip(".,;")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def cite(text: str) -> str:
    """A source column as a readable citation: each URL shortened to its host."""

    def host(m: re.Match) -> str:
        url = first_url(m.group(0)) or m.group(0)
        return urlsplit(url).netloc + m.group(0)[len(url) :]

    return re.sub(r"\s+", " ", _URL.sub(host, text)).strip()


def sentence(text: str) -> str:
    """A note as a sentence; a note that ends in a URL gets no full stop glued to it."""
    text = text.strip()
    if _URL.match(text) is None:
        text = text[0].upper() + text[1:]
    if text.endswith((".", "!", "?")) or _URL.search(text.rsplit(" ", 1)[-1]):
        return text
    return text + "."


# ---------------------------------------------------------------- the three files


def from_us(row: dict[str, str]) -> dict[str, Any]:
    code = row["country_iso2"] or HISTORICAL[row["country_name"]]
    article = re.fullmatch(r"HistoryAtState/rdcr:articles/(.+)\.xml", row["source"])
    if article is None:
        raise ValueError(f"unexpected source {row['source']!r}")
    kind = US_KINDS[row["event"]]
    name, description = name_of(code), None
    if row["historical_entity"] == "1" and row["country_name"] != name:
        description = f"The Office of the Historian's name: {row['country_name']}."
        if not code.startswith("X"):  # "Kingdom of Serbia/Yugoslavia" was not yet YU in 1881
            name = row["country_name"]
    return {
        "kind": kind,
        "date": row["date"],
        "precision": row["precision"],
        "countries": sorted(["US", code]),
        "title": f"United States recognition of {name}" if kind == "other" else None,
        "description": description,
        "source": US_SOURCE,
        "source_url": f"https://history.state.gov/countries/{article.group(1)}",
        "confidence": "verified",
    }


def from_prc(row: dict[str, str]) -> dict[str, Any]:
    if row["event"] != "relations_established":
        raise ValueError(f"unexpected event {row['event']!r}")
    notes = []
    if int(row["n_sources_agreeing"] or 0) > 1:
        notes.append(f"Sources agreeing: {row['n_sources_agreeing']}.")
    if row["confidence"] == "medium":
        notes.append("The compilers' confidence is medium: one reputable source.")
    for label, column in (("Also", "second_source"), ("Conflicting", "conflicting")):
        if row[column]:
            notes.append(f"{label}: {row[column]}")
    if row["notes"]:
        notes.append(f"Notes: {row['notes']}")
    return {
        "kind": "diplomatic_relations",
        "date": row["date"],
        "precision": row["precision"],
        "countries": sorted(["CN", row["country_iso2"]]),
        "title": None,
        "description": "\n".join(notes) or None,
        "source": cite(row["source"]),
        "source_url": first_url(row["source"]),
        # high: two agreeing sources or the ministry's table; medium: one reputable source.
        "confidence": "unverified" if row["confidence"] == "low" else "verified",
    }


def crosschecks(text: str) -> str | None:
    """The independence file's cross-check codes in words."""
    found = []
    for source, verdict, detail in re.findall(r"(\w+):(\w+)(?:\(([^)]*)\))?", text):
        if (source, verdict) == ("britbot", "same"):
            found.append("a list of former British colonies gives the same date")
        elif (source, verdict) == ("britbot", "DIFFERS"):
            found.append(f"a list of former British colonies gives {detail}")
        elif source == "rdcr_us_recognition":
            found.append("the United States recognised it on the same day")
        elif verdict == "same_mmdd":
            found.append(f"the holidays package has “{detail}” on this day")
        elif verdict == "no_match_on_mmdd":
            found.append("the holidays package has no holiday on this day")
    return f"Cross-checks: {'; '.join(found)}." if found else None


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
    return {
        "kind": kind,
        "date": row["date"],
        "precision": row["precision"],
        "countries": [code],
        "title": title,
        "description": "\n".join(notes) or None,
        "source": WIKIPEDIA_SOURCE
        + (" (notes column)" if "[notes column]" in row["source"] else ""),
        "source_url": WIKIPEDIA_URL,
        "confidence": "unverified",
    }


FILES = (
    ("us_diplomatic_relations.csv", from_us),
    ("prc_diplomatic_relations.csv", from_prc),
    ("independence_days.csv", from_independence),
)


# ---------------------------------------------------------------- building


def merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    """One fact from two rows: both sources, every note, verified if either is."""
    if other["source"] not in into["source"].split("; "):
        into["source"] += "; " + other["source"]
    notes = [n for n in (into["description"], other["description"]) if n]
    if other["source_url"] != into["source_url"]:
        notes.append(f"Also at {other['source_url']}")
    into["description"] = "\n".join(dict.fromkeys(notes)) or None
    into["title"] = into["title"] or other["title"]
    if other["confidence"] == "verified":
        into["confidence"] = "verified"


def natural_id(m: dict[str, Any]) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{m['kind']} {' '.join(m['countries'])} {m['date']}"))


def build(data: Path, previous: dict[str, dict[str, Any]], now: str) -> list[dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = {}
    for filename, convert in FILES:
        with (data / filename).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        merged = 0
        for row in rows:
            fact = convert(row)
            MilestoneRecord.model_validate(fact)  # fail here, not on a user's first run
            key = natural_id(fact)
            if key in facts:
                merge(facts[key], fact)
                merged += 1
            else:
                facts[key] = fact
        print(f"{filename}: {len(rows)} rows, {merged} merged into others", file=sys.stderr)
    records = []
    for key, fact in facts.items():
        content = {"id": key, **fact}
        old = previous.get(key)
        if old is not None and {k: old[k] for k in content} == content:
            history = {k: old[k] for k in ("created_at", "updated_at", "revision")}
        elif old is not None:
            history = {"created_at": old["created_at"], "updated_at": now}
            history["revision"] = old["revision"] + 1
        else:
            history = {"created_at": now, "updated_at": now, "revision": 1}
        records.append({**content, **history})
    first_day = {r["id"]: MilestoneRecord.model_validate(r).fields()["date"] for r in records}
    records.sort(key=lambda r: (first_day[r["id"]], r["id"]))
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "app" / "data" / "seed.json")
    args = parser.parse_args()
    previous = {}
    if args.out.exists():
        rows = read_json(args.out.read_text("utf-8"))["milestones"]
        previous = {item["id"]: item for _, item in rows}
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    records = build(args.data, previous, now)
    unknown = {c for r in records for c in r["countries"] if lookup(c) is None}
    if unknown:
        raise SystemExit(f"unknown country codes: {sorted(unknown)}")
    changed = sum(1 for r in records if r["updated_at"] == now)
    with args.out.open("w", encoding="utf-8", newline="\n") as out:
        write(records, out, "json")
    kinds = Counter(r["kind"] for r in records)
    print(f"{args.out}: {len(records)} milestones, {changed} new or changed", file=sys.stderr)
    print(json.dumps(dict(sorted(kinds.items()))), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
