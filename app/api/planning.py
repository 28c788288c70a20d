"""Planning a jubilee (issue 16): the jubilee horizon of a country or a pair, and whether a
date is free in up to five countries. The logic is in app/planning/."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from app import queries
from app.api.anniversaries import anniversary_public
from app.api.deps import parse_country, parse_pair
from app.auth import ViewerDep
from app.db import SessionDep
from app.filters import AnniversaryFilter
from app.models import CELEBRATED_KINDS
from app.planning import dates
from app.planning.check import check
from app.problems import invalid

router = APIRouter(prefix="/planning", tags=["planning"])

# The dates a check may ask about: the holidays package's calendars and a planning horizon.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


FROM_YEAR = "First year (default: this year)."
TO_YEAR = "Last year (default: nine years after `from_year`); at most 50 years in all."
DAYS = "How many days from `date` the event lasts (default 1)."
WINDOW = "Suggest start dates within this many days of `date` (default 14)."


def _this_year() -> int:
    return dt.datetime.now(dt.UTC).year


@router.get("/jubilees")
def jubilees(
    session: SessionDep,
    country: Annotated[
        str | None, Query(description="ISO code: its and its pairs' jubilees.")
    ] = None,
    pair: Annotated[str | None, Query(description="Two codes, order-insensitive: `CN-PE`.")] = None,
    from_year: Annotated[int | None, Query(ge=1, le=9999, description=FROM_YEAR)] = None,
    to_year: Annotated[int | None, Query(ge=1, le=9999, description=TO_YEAR)] = None,
) -> dict[str, Any]:
    """The jubilees (multiples of five years, of the celebrated kinds) of a country or a pair
    over at most 50 years, grouped by year; a year with two or more is marked `coincide`.
    An origin known only to the month or year has `date` null."""
    if bool(country) == bool(pair):
        raise invalid("country" if not pair else "pair", "give exactly one of country and pair")
    first = from_year or _this_year()
    last = to_year or min(first + 9, 9999)
    problem = dates.check_years(first, last)
    if problem:
        raise invalid("to_year", problem)
    code = parse_country(country) if country else None
    codes = parse_pair(pair) if pair else None
    where = AnniversaryFilter(code, codes, CELEBRATED_KINDS, jubilee_only=True)
    found = queries.anniversaries(session, dt.date(first, 1, 1), dt.date(last, 12, 31), where)
    years = dates.horizon(found, lambda a: a.year)
    return {
        "country": code,
        "pair": "-".join(codes) if codes else None,
        "from_year": first,
        "to_year": last,
        "coinciding_years": [y.year for y in years if y.coincide],
        "years": [
            {
                "year": y.year,
                "coincide": y.coincide,
                "jubilees": [anniversary_public(a) for a in y.jubilees],
            }
            for y in years
        ],
    }


def _countries(value: str) -> list[str]:
    codes = [parse_country(p.strip(), "countries") for p in value.split(",") if p.strip()]
    codes = list(dict.fromkeys(codes))
    if not 1 <= len(codes) <= dates.MAX_COUNTRIES:
        raise invalid("countries", f"give 1 to {dates.MAX_COUNTRIES} country codes, like CN,PE")
    return codes


@router.get("/check")
def check_date(
    session: SessionDep,
    viewer: ViewerDep,
    date: Annotated[dt.date, Query(description="The day wanted (the first, with `days`).")],
    countries: Annotated[str, Query(description="1 to 5 comma-separated ISO codes: `CN,PE`.")],
    days: Annotated[int, Query(ge=1, le=dates.MAX_DAYS, description=DAYS)] = 1,
    window: Annotated[
        int, Query(ge=0, le=dates.MAX_WINDOW, description=WINDOW)
    ] = dates.DEFAULT_WINDOW,
) -> dict[str, Any]:
    """Whether `date` (or `days` days from it) is free in every one of `countries`: their
    public holidays (the `holidays` package), weekends, national and independence days, other
    anniversaries and recorded events (private ones for a key that may see them); and
    `suggestions`, the nearest free start dates within ±`window` days, nearest first.
    A country the holidays package lacks is listed in `not_checked`, never reported free."""
    codes = _countries(countries)
    in_range = FIRST_DAY <= date <= LAST_DAY
    low, high = dates.surroundings(date, days, window) if in_range else (date, date)
    if low < FIRST_DAY or high > LAST_DAY:
        raise invalid("date", f"a check may look at days from {FIRST_DAY} to {LAST_DAY}")
    return check(session, codes, date, days, window, viewer)
