"""English wording of milestones and anniversaries, used by the JSON API and the feeds alike."""

from app.anniversaries import ordinal
from app.countries import name_of

# What a milestone of each kind is about, as a noun phrase after "anniversary of".
_ONE = {
    "diplomatic_relations": "diplomatic relations of {a}",
    "relations_severed": "the severing of diplomatic relations by {a}",
    "relations_restored": "the resumption of diplomatic relations by {a}",
    "relations_upgraded": "ambassadorial relations of {a}",
    "independence": "the independence of {a}",
    "national_day": "the national day of {a}",
    "treaty": "the treaty of {a}",
    "state_visit": "the state visit to {a}",
    "other": "a milestone of {a}",
}
_PAIR = {
    "diplomatic_relations": "diplomatic relations between {a} and {b}",
    "relations_severed": "the severing of diplomatic relations between {a} and {b}",
    "relations_restored": "the resumption of diplomatic relations between {a} and {b}",
    "relations_upgraded": "ambassadorial relations between {a} and {b}",
    "independence": "the independence of {a} and {b}",
    "national_day": "the national day of {a} and {b}",
    "treaty": "the treaty between {a} and {b}",
    "state_visit": "the state visit between {a} and {b}",
    "other": "a milestone of {a} and {b}",
}


def country_names(countries: list[str]) -> list[str]:
    return [name_of(c) for c in countries]


def subject(kind: str, countries: list[str]) -> str:
    """``diplomatic relations between China and Peru``."""
    names = country_names(countries)
    template = (_PAIR if len(names) == 2 else _ONE).get(kind, "a milestone of {a}")
    return template.format(a=names[0], b=names[-1])


def default_title(kind: str, countries: list[str], *, none: bool = False) -> str:
    """A title for a milestone given none: ``Diplomatic relations between China and Peru``;
    ``No official national day (United Kingdom)`` for a state without one."""
    if none:
        return f"No official national day ({', '.join(country_names(countries))})"
    text = subject(kind, countries)
    text = text.removeprefix("the ").removeprefix("a ")
    return text[0].upper() + text[1:]


def anniversary_title(years: int | None, kind: str, countries: list[str], title: str | None) -> str:
    """``50th anniversary of diplomatic relations between China and Peru``; a milestone with its
    own title keeps it: ``45th anniversary: Treaty of Lima``."""
    if years is None:  # a national day without a countable origin: the day, no ordinal
        return title or subject(kind, countries)[0].upper() + subject(kind, countries)[1:]
    if title:
        return f"{ordinal(years)} anniversary: {title}"
    return f"{ordinal(years)} anniversary of {subject(kind, countries)}"


def pair_label(countries: list[str]) -> str:
    """``China–Peru`` (en dash), the name of a pair's calendar."""
    return "–".join(country_names(countries))
