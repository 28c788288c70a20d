"""HTML forms to and from the API's input shapes, so that the forms go through the very
models (``EventCreate``, ``MilestoneCreate``) and messages the JSON API uses.

A form is a flat ``dict[str, str]`` (what the browser sent, kept as typed so that a form
coming back with errors loses nothing); ``event_input``/``milestone_input`` turn it into the
dict the API would receive, and ``field_errors`` maps the API's error fields back to inputs.
"""

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Iterable
from enum import Enum
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session

from app import countries as country_data
from app import queries
from app.anniversaries import ordinal
from app.filters import AnniversaryFilter
from app.i18n.languages import LANGUAGES
from app.models import CELEBRATED_KINDS, Event, EventPublic, Milestone, MilestonePublic
from app.models.common import DescriptionI18n, TitleI18n
from app.wording import default_title

# The languages a title and description are given in beside English, with each one's own name
# (a reader looks for their language under its name in that language).
OTHER_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != "en")
AUTONYMS = {"zh": "中文", "es": "Español", "fr": "Français", "ru": "Русский", "ar": "العربية"}
_I18N_CHECKS = {
    "title_i18n": TypeAdapter(TitleI18n),
    "description_i18n": TypeAdapter(DescriptionI18n),
}
ORGANIZER_ROWS = 4  # blank rows offered beyond those filled: repeated rows without JS
Form = dict[str, str]


def parse_form(body: bytes) -> Form:
    """An ``application/x-www-form-urlencoded`` body; the last value of a name wins."""
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _opt(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def countries_of(form: Form) -> list[str]:
    return [c for c in (_opt(form.get("country_a")), _opt(form.get("country_b"))) if c]


def organizer_rows(form: Form) -> list[int]:
    """The indices of the organiser rows that were filled in, in order."""
    names = sorted(int(k[9:]) for k in form if k.startswith("org_name_") and k[9:].isdigit())
    return [i for i in names if _opt(form.get(f"org_name_{i}"))]


def _i18n(form: Form, prefix: str) -> dict[str, str]:
    """``title_zh``, ``title_es``… as ``{"zh": ..., "es": ...}``; empty inputs are left out."""
    return {
        lang: text for lang in OTHER_LANGUAGES if (text := form.get(f"{prefix}_{lang}", "")).strip()
    }


def _i18n_form(data: dict[str, Any]) -> Form:
    return {
        f"{prefix}_{lang}": text
        for prefix in ("title", "description")
        for lang, text in (data.get(f"{prefix}_i18n") or {}).items()
    }


def event_input(form: Form) -> dict[str, Any]:
    """What the API's ``POST /events`` would receive for this form."""
    data: dict[str, Any] = {
        "title": form.get("title", "").strip(),
        "description": _opt(form.get("description")),
        "title_i18n": _i18n(form, "title"),
        "description_i18n": _i18n(form, "description"),
        "kind": form.get("kind", ""),
        "countries": countries_of(form),
        "mode": form.get("mode", "in_person"),
        "online_url": _opt(form.get("online_url")),
        "venue": _opt(form.get("venue")),
        "city": _opt(form.get("city")),
        "venue_country": _opt(form.get("venue_country")),
        "status": form.get("status", "confirmed"),
        "visibility": form.get("visibility", "public"),
        "organizers": [
            {"name": form[f"org_name_{i}"].strip(), "role": form.get(f"org_role_{i}") or "other"}
            for i in organizer_rows(form)
        ],
    }
    if form.get("timing") == "all_day":
        data["start_date"] = _opt(form.get("start_date"))
        data["end_date"] = _opt(form.get("end_date"))
    else:
        data["starts_at"] = _opt(form.get("starts_at"))
        data["ends_at"] = _opt(form.get("ends_at"))
        data["timezone"] = _opt(form.get("timezone"))
    milestone_id, _sep, year = form.get("anniversary", "").partition(":")
    if milestone_id:
        data["milestone_id"] = milestone_id
        data["year"] = year or None
    return data


def event_form(event: Event) -> Form:
    """The form of a stored event, as the edit page first shows it."""
    data = EventPublic.model_validate(event).as_input()
    countries = data["countries"]
    form = {
        k: "" if data.get(k) is None else str(data[k])
        for k in ("title", "description", "kind", "mode", "online_url", "venue", "city",
                  "status", "visibility", "start_date", "end_date", "timezone", "venue_country")
    }  # fmt: skip
    form.update(_i18n_form(data))
    form.update(
        country_a=countries[0],
        country_b=countries[1] if len(countries) > 1 else "",
        timing="all_day" if event.all_day else "timed",
        starts_at=(data["starts_at"] or "")[:16],
        ends_at=(data["ends_at"] or "")[:16],
        anniversary=f"{event.milestone_id}:{event.year}" if event.milestone_id else "",
        revision=str(event.revision),
    )
    if event.all_day and data["end_date"] == data["start_date"]:
        form["end_date"] = ""
    for i, organizer in enumerate(data["organizers"]):
        form[f"org_name_{i}"] = organizer["name"]
        form[f"org_role_{i}"] = organizer["role"]
    return form


def options(values: Iterable[Enum]) -> list[tuple[str, str]]:
    """A select's (value, label) pairs for the members of an enum."""
    return [(v.value, v.value.replace("_", " ")) for v in values]


def milestone_input(form: Form) -> dict[str, Any]:
    """What the API's ``POST /milestones`` would receive for this form."""
    return {
        "kind": form.get("kind", ""),
        "date": form.get("date", "").strip(),
        "countries": countries_of(form),
        "title": _opt(form.get("title")),
        "description": _opt(form.get("description")),
        "title_i18n": _i18n(form, "title"),
        "description_i18n": _i18n(form, "description"),
        "source": _opt(form.get("source")),
        "source_url": _opt(form.get("source_url")),
        "confidence": form.get("confidence", "unverified"),
    }


def milestone_form(milestone: Milestone) -> Form:
    public = MilestonePublic.model_validate(milestone)
    # The form edits the first source; ``source``/``source_url`` map onto it (the rest stay).
    data = {**public.as_input(), "source": public.source, "source_url": public.source_url}
    countries = data["countries"]
    plain = (k for k in milestone_input({}) if not k.endswith("_i18n"))
    form = {k: "" if data.get(k) is None else str(data[k]) for k in plain}
    form.update(_i18n_form(data))
    form.update(
        country_a=countries[0],
        country_b=countries[1] if len(countries) > 1 else "",
        revision=str(milestone.revision),
    )
    return form


def field_errors(errors: list[dict[str, str]], form: Form) -> dict[str, list[str]]:
    """The API's ``errors`` (``{"field", "message"}``) by form input; errors about the whole
    body go under ``""`` and show in the summary only."""
    rows = organizer_rows(form)
    result: dict[str, list[str]] = {}
    for error in errors:
        field = error["field"]
        if field.startswith("countries"):
            name = "country_a"
        elif field.startswith("organizers["):
            index = int(field[11 : field.index("]")])
            row = rows[index] if index < len(rows) else 0
            name = f"org_{'role' if field.endswith('.role') else 'name'}_{row}"
        elif field in ("milestone_id", "year"):
            name = "anniversary"
        elif field == "body":
            name = ""
        elif field.split(".")[0].split("[")[0] in _I18N_CHECKS:
            for name in _i18n_inputs(field, form):
                result.setdefault(name, []).append(error["message"])
            continue
        else:
            name = field
        result.setdefault(name, []).append(error["message"])
    return result


def _i18n_inputs(field: str, form: Form) -> list[str]:
    """The inputs behind an error on ``title_i18n`` (or ``title_i18n.zh``): the API checks
    the languages together, so each filled language is checked alone to find the culprit."""
    key = field.split(".")[0].split("[")[0]
    prefix = key.removesuffix("_i18n")
    named = field[len(key) :].strip(".[]'\"")
    if named in OTHER_LANGUAGES:
        return [f"{prefix}_{named}"]
    bad = []
    for lang, text in _i18n(form, prefix).items():
        try:
            _I18N_CHECKS[key].validate_python({lang: text})
        except ValidationError:
            bad.append(f"{prefix}_{lang}")
    return bad or [f"{prefix}_{OTHER_LANGUAGES[0]}"]


# ---------------------------------------------------------------- choices


def country_choices(allowed: frozenset[str] | None) -> list[tuple[str, str]]:
    """``(code, name)`` for the country pickers: an editor's own countries, else all."""
    every = country_data.all_countries()
    return [(c.code, c.name) for c in every if allowed is None or c.code in allowed]


def _tab_file(name: str) -> str:
    try:
        return (files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path("/usr/share/zoneinfo") / name).read_text(encoding="utf-8")


@cache
def zones_by_country() -> dict[str, tuple[str, ...]]:
    """Each country's IANA zones, from the tz database's ``zone.tab`` (shipped by tzdata)."""
    result: dict[str, list[str]] = {}
    for line in _tab_file("zone.tab").splitlines():
        if line and not line.startswith("#"):
            cols = line.split("\t")
            result.setdefault(cols[0], []).append(cols[2])
    return {code: tuple(zones) for code, zones in result.items()}


@cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"))


def venue_choices(countries: list[str]) -> list[tuple[str, str]]:
    """``(code, name)`` of every country, the event's own first: a venue may be anywhere
    (an embassy's reception abroad), but it is mostly in one of the event's countries."""
    every = [(c.code, c.name) for c in country_data.all_countries()]
    return sorted(every, key=lambda c: c[0] not in countries)


def suggested_zones(countries: list[str], venue_country: str = "") -> tuple[list[str], list[str]]:
    """The venue country's zones (the venue is in one of them), then the other zones of the
    event's countries; the venue's come first and alone when it is known."""
    venue = list(zones_by_country().get(venue_country, ())) if venue_country else []
    zones = [z for c in countries for z in zones_by_country().get(c, ()) if z not in venue]
    return venue, list(dict.fromkeys(zones))


def anniversary_choices(
    session: Session, countries: list[str], today: dt.date, current: str = ""
) -> list[tuple[str, str]]:
    """``("<milestone id>:<year>", label)``: the anniversaries of the place's celebrated,
    dated milestones from six years back (programmes are recorded after the fact too) to
    six ahead, nearest first; the stored choice stays offered even when it is older."""
    if not countries:
        return []
    place = (
        AnniversaryFilter(pair=(countries[0], countries[1]))
        if len(countries) == 2
        else AnniversaryFilter(country=countries[0])
    )
    choices: list[tuple[int, str, str]] = []
    for m in session.exec(queries.milestones_query(AnniversaryFilter(
        country=place.country, pair=place.pair, kinds=CELEBRATED_KINDS
    ))):  # fmt: skip
        if m.precision != "day":
            continue
        title = m.title or default_title(m.kind, m.countries)
        for year in range(today.year - 6, today.year + 7):
            years = year - m.date.year
            if years > 0:
                label = f"{year}: {ordinal(years)} anniversary · {title}"
                choices.append((abs(year - today.year), f"{m.id}:{year}", label))
    choices.sort()
    result = [(value, label) for _, value, label in choices]
    if current and current not in {v for v, _ in result}:
        result.insert(0, (current, _stored_label(session, current)))
    return result


def _stored_label(session: Session, value: str) -> str:
    milestone_id, _sep, year = value.partition(":")
    try:
        milestone = session.get(Milestone, uuid.UUID(milestone_id))
    except ValueError:
        milestone = None
    if milestone is None:
        return value
    years = int(year) - milestone.date.year if year.isdigit() else 0
    name = milestone.title or default_title(milestone.kind, milestone.countries)
    return f"{year}: {ordinal(years) if years > 0 else ''} anniversary · {name}"
