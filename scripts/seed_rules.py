"""The fact files' rules, as ``build_seed.py`` applies them: names and kinds of the US file,
the corrections, the UN member list, and how sources and confidence are read.

Separate from the converter so that each stays short; no FastAPI and no database here.
"""

import re
from typing import Any
from urllib.parse import urlsplit

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
    "Kingdom of Serbia": "YU",
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

# States of the re-extracted US file that app/countries.py has no code for yet: left out
# (with a line on stderr) until it has.
UNCODED = {"Mali Federation", "Peru-Bolivian Confederation", "Prussia",
           "United Arab Republic (Egypt and Syria, 1958-61)"}  # fmt: skip

US_KINDS = {
    "diplomatic_relations_established": "diplomatic_relations",
    "diplomatic_relations_severed": "relations_severed",
    "diplomatic_relations_reestablished": "relations_restored",
    "us_recognition": "other",
    "recognition_of_us": "other",
    "mutual_recognition": "other",
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


# The 193 UN member states, from country_converter 1.3.2's ``UNmember`` column (pycountry has
# no such flag); the coverage check below holds the data set to it.
UN_MEMBERS = frozenset(
    re.findall(
        r"[A-Z]{2}",
        """AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD
    CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA GB
    GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN
    KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX
    MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW SA SB SC SD SE
    SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TZ UA UG US UY UZ VC
    VE VN VU WS YE ZA ZM ZW""",
    )
)
NATIONAL_DAY_KINDS = ("independence", "national_day")

# corrections.csv states its corrected facts in prose; here they are as it states them, keyed
# by country and the wrong row. "replace": the row becomes this fact and keeps its id;
# "relabel": the row stays as kind ``other`` under this title; "add": a new milestone.
CORRECTIONS: dict[str, dict[str, Any]] = {
    "DO": {"old": ("independence", "1821-02-27"),
           "replace": {"kind": "independence", "date": "1844-02-27", "title": None,
                       "note": "Independence from Haiti."}},
    "IR": {"old": ("independence", "1979-04-01"),
           "replace": {"kind": "national_day", "date": "1979-02-11",
                       "title": "Anniversary of the Islamic Revolution (22 Bahman) (Iran)",
                       "note": "Kept on 22 Bahman of the Solar Hijri calendar, which can fall "
                               "on 10 February."}},
    "CU": {"old": ("independence", "1868-10-10"),
           "relabel": "Día del Inicio de las Guerras de Independencia (Cuba)",
           "add": {"kind": "national_day", "date": "1959-01-01",
                   "title": "Liberation Day / Triumph of the Revolution (Cuba)", "note": None}},
    "IE": {"old": ("independence", "1916-04-24"),
           "replace": {"kind": "national_day", "date": None, "observed": "03-17",
                       "title": "St Patrick's Day (Lá Fhéile Pádraig) (Ireland)",
                       "note": "No countable origin: the traditional death date of Saint "
                               "Patrick, in the latter half of the fifth century."}},
    "OM": {"old": ("national_day", "1650-11-18"),
           "replace": {"kind": "national_day", "date": None, "observed": "11-20",
                       "title": "National Day (Oman)",
                       "note": "Observed on 20 November (holiday 20–21 November) from 2025 by "
                               "royal decree of January 2025; until 2024 on 18 November. No "
                               "source ties the day to an origin year."}},
    "HU": {"old": ("national_day", "1991-06-19"),
           "relabel": "Day of Hungarian Freedom (Hungary)",
           "add": {"kind": "national_day", "date": "1083-08-20",
                   "title": "State Foundation Day / St Stephen's Day (Hungary)",
                   "note": "The origin is the canonisation of King Stephen."}},
}  # fmt: skip
# The second Thai row is, by its own note, not the national day: a king's birthday.
NOT_NATIONAL_DAY = {("TH", "1952-07-28")}

_GOVERNMENT = re.compile(
    r"[Gg]overnment|\bMFA\b|Ministry|外交部|[Ee]mbassy|[Cc]onsulate|\.gov\b|gov\.|gouv\.|fmprc"
)
GOVERNMENT_NOTE = re.compile(r"^Government|Government's own page|Government institution")
_AGREEING = re.compile(r"[Aa]greeing: (.+?)(?=\.\s+[A-Z]|\.?$)")


def source(title: str, url: str | None = None, quote: str | None = None, gov: bool = False):
    """One entry of a milestone's ``sources``; ``government`` marks a state's own record."""
    url = url or first_url(title)
    title = cite(title)
    government = gov or bool(_GOVERNMENT.search(f"{title} {url or ''}"))
    return {"title": title, "url": url, "quote": quote or None,
            "government": government}  # fmt: skip


def agreeing(text: str) -> list[dict[str, Any]]:
    """The further sources a note or source column names after "Agreeing:"."""
    found = []
    for clause in _AGREEING.findall(text):
        found += [source(part.strip()) for part in clause.split("; ") if part.strip()]
    return found


def confidence(level: str, sources: list[dict[str, Any]], agreeing_count: int = 0) -> str:
    """``verified`` only where two independent sources agree or one is the government's own;
    the data's ``high`` means exactly that, ``medium`` is one source or a disagreement."""
    enough = len(sources) >= 2 or agreeing_count >= 2 or any(s["government"] for s in sources)
    return "verified" if level == "high" and enough else "unverified"


def precision_of(date: str) -> str:
    return {4: "year", 7: "month", 10: "day"}[len(date)]


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def fact(kind, date, countries, title, notes, sources, level, **extra) -> dict[str, Any]:
    """A milestone of format version 2, before its id and history."""
    sources = list({(s["title"], s["url"]): s for s in sources}.values())
    return {
        "kind": kind,
        "date": date or None,
        "precision": precision_of(date) if date else None,
        "observed": extra.get("observed"),
        "none": extra.get("none", False),
        "celebrated": extra.get("celebrated", False),
        "countries": sorted(countries),
        "title": title,
        "description": "\n".join(n for n in notes if n) or None,
        "sources": sources,
        "confidence": confidence(level, sources, extra.get("agreeing", 0)),
    }


def crosschecks(text: str) -> str | None:
    """The independence file's cross-check codes in words."""
    found = []
    for src, verdict, detail in re.findall(r"(\w+):(\w+)(?:\(([^)]*)\))?", text):
        if (src, verdict) == ("britbot", "same"):
            found.append("a list of former British colonies gives the same date")
        elif (src, verdict) == ("britbot", "DIFFERS"):
            found.append(f"a list of former British colonies gives {detail}")
        elif src == "rdcr_us_recognition":
            found.append("the United States recognised it on the same day")
        elif verdict == "same_mmdd":
            found.append(f"the holidays package has “{detail}” on this day")
        elif verdict == "no_match_on_mmdd":
            found.append("the holidays package has no holiday on this day")
    return f"Cross-checks: {'; '.join(found)}." if found else None


def check_coverage(records: list[dict[str, Any]]) -> dict[str, int]:
    """Every UN member has a national day (an independence or national_day milestone) or an
    explicit none; raises otherwise. Returns the counts the README reports."""
    covered = {r["countries"][0] for r in records if r["kind"] in NATIONAL_DAY_KINDS}
    missing = UN_MEMBERS - covered
    if missing:
        raise SystemExit(f"UN members without a national day or a none: {sorted(missing)}")
    days = [r for r in records if r["kind"] in NATIONAL_DAY_KINDS and not r["none"]]
    return {
        "un_members_covered": len(UN_MEMBERS & covered),
        "none": sum(r["none"] for r in records),
        "observed_on_another_day": sum(r["observed"] is not None for r in days),
        "without_origin": sum(r["date"] is None for r in days),
    }
