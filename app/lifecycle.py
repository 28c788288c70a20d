"""The lifecycle of a relationship, and national days as states keep them: pure functions,
no FastAPI and no database (like ``app.anniversaries``).

A pair's lifecycle is its milestones of four kinds in date order: ``diplomatic_relations``
(establishment) and ``relations_restored`` open a live run, ``relations_severed`` closes it,
``relations_upgraded`` (e.g. to ambassador level) changes the level, never the liveness.

Rules (issue 13):
- Relations are live from an establishment or restoration until the next severance; on the
  severance's own day they are severed.
- The celebrated series is the milestone flagged ``celebrated`` (the latest, if the data flags
  several), else the first establishment (Indonesia counts from 1950 despite 1967–1990).
- Anniversaries of establishment, restoration and upgrade count only in years when relations
  are live on the anniversary's day; other kinds (a severance's anniversary) are left alone.
- A milestone known only to the month or the year counts from the first day of that period,
  the day ``app.anniversaries`` uses for it too. For a break this is the conservative choice:
  a severance "in October 1989" ends the live run on 1 October, so no anniversary is shown on
  a day when relations may already have been broken. An undated anniversary (its origin known
  only to the month or year) counts only when relations are live for the whole month or year.
"""

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from app.anniversaries import (
    Anniversary,
    Precision,
    anniversaries_of,
    observed_date,
    ordinal,
)

ESTABLISHED = "diplomatic_relations"
RESTORED = "relations_restored"
SEVERED = "relations_severed"
UPGRADED = "relations_upgraded"

LIFECYCLE_KINDS = frozenset({ESTABLISHED, RESTORED, SEVERED, UPGRADED})
OPENS = frozenset({ESTABLISHED, RESTORED})
# Kinds whose anniversaries need live relations on their day.
NEEDS_LIVE = frozenset({ESTABLISHED, RESTORED, UPGRADED})
# Same-day order: a pair established and upgraded on one day is established first.
_RANK = {ESTABLISHED: 0, RESTORED: 1, UPGRADED: 2, SEVERED: 3}


class Step(Protocol):
    """What the lifecycle needs of a milestone (a model row or a seed record)."""

    @property
    def kind(self) -> str: ...

    @property
    def date(self) -> dt.date: ...  # first day of the period the milestone is known to

    @property
    def precision(self) -> str: ...

    @property
    def celebrated(self) -> bool: ...


S = TypeVar("S", bound=Step)


class Phase(StrEnum):
    live = "live"
    severed = "severed"
    none = "none"  # no relations yet, or no lifecycle milestone at all


@dataclass(frozen=True, slots=True)
class Interval:
    """A live run: from ``start`` (inclusive) to ``end`` (exclusive; None = still live)."""

    opened_by: Step
    closed_by: Step | None

    @property
    def start(self) -> dt.date:
        return self.opened_by.date

    @property
    def end(self) -> dt.date | None:
        return self.closed_by.date if self.closed_by is not None else None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class State:
    """The state of a pair on a day, and the milestone it has held since (None for ``none``)."""

    phase: Phase
    since: Step | None


def history(milestones: Iterable[S]) -> list[S]:
    """The lifecycle milestones in date order (other kinds dropped)."""
    steps = [m for m in milestones if m.kind in LIFECYCLE_KINDS]
    return sorted(steps, key=lambda m: (m.date, _RANK[m.kind]))


def intervals(milestones: Iterable[Step]) -> list[Interval]:
    """The live runs. A restoration while already live, or a severance while not live,
    changes nothing: the data may hold both sides' statements of one event."""
    runs: list[Interval] = []
    opened: Step | None = None
    for m in history(milestones):
        if m.kind in OPENS and opened is None:
            opened = m
        elif m.kind == SEVERED and opened is not None:
            runs.append(Interval(opened, m))
            opened = None
    if opened is not None:
        runs.append(Interval(opened, None))
    return runs


def state_on(milestones: Iterable[Step], day: dt.date) -> State:
    """``live`` since the opening of the current run, ``severed`` since the last break (even
    when the data lacks the establishment it ended), or ``none`` before any of them."""
    state = State(Phase.none, None)
    for m in history(milestones):
        if m.date > day:
            break
        if m.kind in OPENS and state.phase != Phase.live:
            state = State(Phase.live, m)
        elif m.kind == SEVERED and state.phase != Phase.severed:
            state = State(Phase.severed, m)
    return state


def is_live(milestones: Iterable[Step], day: dt.date) -> bool:
    return any(run.covers(day) for run in intervals(milestones))


def celebrated(milestones: Iterable[S]) -> S | None:
    """The milestone the pair's anniversaries count from: the flagged one, else the first
    establishment, else None (a pair without relations)."""
    steps = history(milestones)
    flagged = [m for m in steps if m.celebrated]
    if flagged:
        return flagged[-1]
    return next((m for m in steps if m.kind == ESTABLISHED), None)


def _period(a: Anniversary[Any]) -> tuple[dt.date, dt.date]:
    if a.date is not None:
        return a.date, a.date
    origin = a.milestone.date
    if a.milestone.precision == Precision.month:
        last = calendar.monthrange(a.year, origin.month)[1]
        return dt.date(a.year, origin.month, 1), dt.date(a.year, origin.month, last)
    return dt.date(a.year, 1, 1), dt.date(a.year, 12, 31)


def live_only(milestones: Iterable[Step], found: Iterable[Anniversary[S]]) -> list[Anniversary[S]]:
    """Keep an anniversary of an establishment, restoration or upgrade only when relations
    are live on its day (for an undated one: the whole month or year); keep others as they
    are."""
    runs = intervals(milestones)
    kept = []
    for a in found:
        if a.milestone.kind in NEEDS_LIVE:
            first, last = _period(a)
            if not any(run.covers(first) and run.covers(last) for run in runs):
                continue
        kept.append(a)
    return kept


def pair_anniversaries(
    milestones: Sequence[S], start: dt.date, end: dt.date, *, every_series: bool = False
) -> list[Anniversary[S]]:
    """A pair's anniversaries in ``start``..``end`` (inclusive), in date order, live ones only.

    By default only the celebrated series (what feeds and jubilee lists show); with
    ``every_series`` the anniversaries of every lifecycle milestone (what the JSON API lists).
    """
    if every_series:
        origins: list[S] = history(milestones)
    else:
        origins = [m for m in [celebrated(milestones)] if m is not None]
    found = [a for m in origins for a in anniversaries_of(m, start, end)]
    kept = live_only(milestones, found)
    kept.sort(key=lambda a: a.sort_key)
    return kept


# ---------------------------------------------------------------- national days

_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


def parse_month_day(text: str) -> tuple[int, int]:
    """``"06-23"`` as (6, 23); ValueError for anything that is no day of a leap year."""
    m = _MONTH_DAY.fullmatch(text)
    if m is None:
        raise ValueError(f"expected MM-DD, got {text!r}")
    month, day = int(m.group(1)), int(m.group(2))
    dt.date(2000, month, day)  # 2000 is a leap year: 02-29 is valid, 02-30 is not
    return month, day


@dataclass(frozen=True, slots=True)
class NationalDay:
    """One year's national day: on ``date`` (``observed`` when 29 February moved to the
    28th); ``years`` and ``ordinal`` count from the origin, None when it has none."""

    year: int
    date: dt.date
    observed: bool
    years: int | None

    @property
    def ordinal(self) -> str | None:
        return ordinal(self.years) if self.years is not None else None


def national_days(
    observed_on: str | None,
    origin: dt.date | None,
    origin_precision: str | None,
    start: dt.date,
    end: dt.date,
) -> list[NationalDay]:
    """A national day's yearly occurrences in ``start``..``end`` (inclusive).

    It recurs on ``observed_on`` (MM-DD) when given, else on the origin's own day (which
    then must be known to the day). With an origin, years count from its year and the
    occurrences start the year after it; without one, every year has the day and no
    ordinal. A state with no national day (neither) has no occurrence.
    """
    if observed_on is not None:
        month, day = parse_month_day(observed_on)
    elif origin is not None and origin_precision == Precision.day:
        month, day = origin.month, origin.day
    else:
        return []
    first_year = start.year if origin is None else max(start.year, origin.year + 1)
    result = []
    for year in range(first_year, end.year + 1):
        when, moved = observed_date(year, month, day)
        if start <= when <= end:
            years = year - origin.year if origin is not None else None
            result.append(NationalDay(year, when, moved, years))
    return result
