"""Public holidays and weekends from the ``holidays`` package, cached per (country, year).

Each country's national calendar without a subdivision: the holidays of the whole country,
which is what a date chosen for two capitals must avoid. A country the package does not
cover, and every former state (whose calendar was not the successor's), is *not checked*:
the caller says so instead of reporting the day free.
"""

import datetime as dt
from functools import lru_cache
from typing import Any

import holidays

from app.countries import lookup

VERSION: str = holidays.__version__


@lru_cache(maxsize=1)
def _supported() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


def covered(code: str) -> bool:
    """Whether the package has a calendar for this (current) country."""
    info = lookup(code)
    return info is not None and not info.former and code in _supported()


@lru_cache(maxsize=64)
def _calendar(code: str) -> Any:
    cls = holidays.country_holidays(code).__class__
    language = "en_US" if "en_US" in (getattr(cls, "supported_languages", ()) or ()) else None
    return cls, language


@lru_cache(maxsize=2048)
def of_year(code: str, year: int) -> dict[dt.date, tuple[str, ...]]:
    """The public holidays of ``code`` in ``year``: day -> names (English where the package
    has them). Empty for a country the package does not cover."""
    if not covered(code) or not 1 <= year <= 9999:
        return {}
    cls, language = _calendar(code)
    calendar = cls(years=year, language=language)
    return {day: tuple(calendar.get_list(day)) for day in sorted(calendar)}


def on(code: str, day: dt.date) -> tuple[str, ...]:
    return of_year(code, day.year).get(day, ())


@lru_cache(maxsize=512)
def weekend(code: str) -> frozenset[int]:
    """The weekdays (Monday 0) that are the weekend in ``code``; empty when not covered."""
    if not covered(code):
        return frozenset()
    return frozenset(holidays.country_holidays(code).weekend)


def between(code: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """(day, name) of every public holiday in ``start``..``end``, by day."""
    return [
        (day, name)
        for year in range(start.year, end.year + 1)
        for day, names in of_year(code, year).items()
        if start <= day <= end
        for name in names
    ]


def is_former(code: str) -> bool:
    info = lookup(code)
    return info is not None and info.former
