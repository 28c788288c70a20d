"""Anniversary arithmetic: pure functions, no FastAPI and no database.

Rules (GUIDE.md, "Anniversaries"):
- ``years = year - origin year``; the 0th is the origin itself and is not an anniversary.
- A jubilee is a multiple of 5 years; some have a tier name (50 golden, 200 bicentennial).
- An origin on 29 February is observed on 28 February in common years (``observed``).
- An origin known only to the month or the year has no dated anniversary: it is listed with
  ``date=None`` in every year whose month (or year) overlaps the window. No day is invented.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, Protocol, TypeVar


class Precision(StrEnum):
    day = "day"
    month = "month"
    year = "year"


TIERS: dict[int, str] = {
    25: "silver",
    40: "ruby",
    50: "golden",
    60: "diamond",
    70: "platinum",
    100: "centennial",
    150: "sesquicentennial",
    200: "bicentennial",
    250: "semiquincentennial",
    300: "tercentennial",
}

MAX_WINDOW_YEARS = 20


def ordinal(n: int) -> str:
    """English ordinal: 1st 2nd 3rd 4th 11th 12th 13th 21st 101st 111th 112th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def is_jubilee(years: int) -> bool:
    return years > 0 and years % 5 == 0


def tier(years: int) -> str | None:
    """The jubilee's name (``golden`` for 50), or None for unnamed years such as 75 or 3."""
    return TIERS.get(years)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def observed_date(year: int, month: int, day: int) -> tuple[dt.date, bool]:
    """The date an anniversary of ``month``/``day`` falls on in ``year``, and whether it moved.

    29 February is observed on 28 February in common years: the day before, never 1 March,
    so that the anniversary stays in its month.
    """
    if month == 2 and day == 29 and not is_leap(year):
        return dt.date(year, 2, 28), True
    return dt.date(year, month, day), False


def add_years(d: dt.date, years: int) -> dt.date:
    return observed_date(d.year + years, d.month, d.day)[0]


def window_too_long(start: dt.date, end: dt.date) -> bool:
    """True when the window spans more than ``MAX_WINDOW_YEARS`` years."""
    if start.year + MAX_WINDOW_YEARS > dt.MAXYEAR:
        return False  # no date lies that far after start
    return end > add_years(start, MAX_WINDOW_YEARS)


class Origin(Protocol):
    """What the engine needs of a milestone. A milestone without a date (a national day whose
    origin cannot be counted, or a "no national day" row) has no anniversary."""

    @property
    def date(self) -> dt.date | None: ...  # first day of the period the origin is known to

    @property
    def precision(self) -> str | None: ...


T = TypeVar("T", bound=Origin)


@dataclass(frozen=True, slots=True)
class Anniversary(Generic[T]):
    milestone: T
    year: int
    years: int
    date: dt.date | None
    observed: bool

    @property
    def ordinal(self) -> str:
        return ordinal(self.years)

    @property
    def jubilee(self) -> bool:
        return is_jubilee(self.years)

    @property
    def tier(self) -> str | None:
        return tier(self.years)

    @property
    def sort_key(self) -> tuple[dt.date, int]:
        """Dated anniversaries by date; undated ones at the start of their month or year."""
        if self.date is not None:
            return (self.date, 0)
        origin = self.milestone.date
        month = origin.month if origin and self.milestone.precision == Precision.month else 1
        return (dt.date(self.year, month, 1), 1)


def _last_day_of_month(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def anniversaries_of(origin: T, start: dt.date, end: dt.date) -> list[Anniversary[T]]:
    """The anniversaries of one milestone that fall in ``start``..``end`` (inclusive)."""
    o = origin.date
    result: list[Anniversary[T]] = []
    if o is None:
        return result
    for year in range(max(start.year, o.year + 1), end.year + 1):
        if origin.precision == Precision.day:
            when, observed = observed_date(year, o.month, o.day)
            if start <= when <= end:
                result.append(Anniversary(origin, year, year - o.year, when, observed))
        else:
            if origin.precision == Precision.month:
                first, last = dt.date(year, o.month, 1), _last_day_of_month(year, o.month)
            else:
                first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            if first <= end and last >= start:
                result.append(Anniversary(origin, year, year - o.year, None, False))
    return result


def anniversaries(
    origins: Iterable[T], start: dt.date, end: dt.date, *, jubilee_only: bool = False
) -> list[Anniversary[T]]:
    """All anniversaries of ``origins`` in ``start``..``end``, in date order."""
    result = [
        a
        for origin in origins
        for a in anniversaries_of(origin, start, end)
        if a.jubilee or not jubilee_only
    ]
    result.sort(key=lambda a: a.sort_key)
    return result
