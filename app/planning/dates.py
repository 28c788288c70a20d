"""The date logic of planning, pure: grouping jubilees into a horizon, and ranking the free
dates around a wanted one. No database, no HTTP: app/planning/check.py and
app/api/planning.py feed it what they found."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

MAX_HORIZON_YEARS = 50
MAX_COUNTRIES = 5
MAX_DAYS = 31
DEFAULT_WINDOW = 14
MAX_WINDOW = 60
MAX_SUGGESTIONS = 10
ONE_DAY = dt.timedelta(days=1)

T = TypeVar("T")


@dataclass(frozen=True)
class YearOfJubilees(Generic[T]):
    """The jubilees of one year; two or more of them coincide and are planned together."""

    year: int
    jubilees: tuple[T, ...]

    @property
    def coincide(self) -> bool:
        return len(self.jubilees) >= 2


def horizon(found: Iterable[T], year_of: Callable[[T], int]) -> list[YearOfJubilees[T]]:
    """``found`` grouped by year, years in order, each keeping the order it was given in;
    years without a jubilee are left out."""
    years: dict[int, list[T]] = {}
    for item in found:
        years.setdefault(year_of(item), []).append(item)
    return [YearOfJubilees(y, tuple(years[y])) for y in sorted(years)]


def span(first: dt.date, days: int) -> list[dt.date]:
    """``days`` consecutive days from ``first``."""
    return [first + i * ONE_DAY for i in range(days)]


def surroundings(first: dt.date, days: int, window: int) -> tuple[dt.date, dt.date]:
    """The first and last day that any candidate range of ``days`` days starting within
    ``window`` days of ``first`` touches: what must be looked up, once."""
    return first - window * ONE_DAY, first + (window + days - 1) * ONE_DAY


def suggestions(
    first: dt.date,
    days: int,
    window: int,
    busy: Callable[[dt.date], bool],
    limit: int = MAX_SUGGESTIONS,
) -> list[dt.date]:
    """Start dates within ±``window`` days of ``first`` whose ``days`` days are all free,
    best first: nearest to ``first``, then the earlier of two equally near (so ``first``
    itself leads when it is free)."""
    starts = [first + k * ONE_DAY for k in range(-window, window + 1)]
    starts.sort(key=lambda d: (abs((d - first).days), d))
    found: list[dt.date] = []
    for start in starts:
        if not any(busy(d) for d in span(start, days)):
            found.append(start)
            if len(found) == limit:
                break
    return found


def check_years(from_year: int, to_year: int) -> str | None:
    """Why a horizon of these years is refused (a message naming ``to_year``), or None."""
    if to_year < from_year:
        return f"'to_year' ({to_year}) is before 'from_year' ({from_year})"
    if to_year - from_year + 1 > MAX_HORIZON_YEARS:
        return f"the horizon may span at most {MAX_HORIZON_YEARS} years"
    return None
