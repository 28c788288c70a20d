"""English wording for callers that have no language (a milestone's stored default title,
log lines): thin wrappers over app/i18n, the one source of wording in every language,
English included."""

from app.i18n import wording
from app.i18n.languages import DEFAULT
from app.i18n.names import country_name
from app.i18n.names import pair_label as _pair_label


def country_names(countries: list[str]) -> list[str]:
    return [country_name(c, DEFAULT) for c in countries]


def default_title(kind: str, countries: list[str], *, none: bool = False) -> str:
    """A title for a milestone given none: ``China – Peru: Diplomatic relations``;
    ``No official national day (United Kingdom)`` for a state without one."""
    if none:
        return f"No official national day ({', '.join(country_names(countries))})"
    return wording.default_title(kind, countries, DEFAULT)


def anniversary_title(years: int | None, kind: str, countries: list[str], title: str | None) -> str:
    """``China – Peru: 50th anniversary of diplomatic relations``; for a national day without
    a countable origin (``years`` None) the day itself, with no ordinal."""
    if years is None:
        return title or wording.default_title(kind, countries, DEFAULT)
    return wording.anniversary_title(years, kind, countries, DEFAULT, title)


def pair_label(countries: list[str]) -> str:
    """``China – Peru``, the name of a pair's calendar."""
    return _pair_label(countries, DEFAULT)
