"""Query parameters shared by the list endpoints, parsed once with the same error messages."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from app import countries as country_data
from app.anniversaries import MAX_WINDOW_YEARS, window_too_long
from app.filters import AnniversaryFilter
from app.i18n.languages import LANGUAGES, negotiate, parse_lang
from app.models import MilestoneKind
from app.models.common import calendar_year_problem
from app.problems import invalid

MAX_LIMIT = 500


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Items to skip.")] = 0,
) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(paging)]


def parse_country(value: str, field: str = "country") -> str:
    info = country_data.lookup(value)
    if info is None:
        raise invalid(field, f"unknown country code {value!r}")
    return info.code


def parse_pair(value: str, field: str = "pair") -> tuple[str, str]:
    """``CN-PE`` or ``pe-cn`` -> ``("CN", "PE")``: a pair is unordered."""
    parts = value.split("-")
    if len(parts) != 2 or not all(parts):
        raise invalid(field, "expected two country codes joined by '-', like CN-PE")
    a, b = sorted(parse_country(p, field) for p in parts)
    if a == b:
        raise invalid(field, "a pair needs two different countries")
    return a, b


def parse_kinds(
    value: str | None, vocabulary: type[StrEnum] = MilestoneKind, field: str = "kind"
) -> frozenset[str] | None:
    if value is None or not value.strip():
        return None
    kinds = set()
    for part in value.split(","):
        part = part.strip()
        if part not in vocabulary.__members__:
            raise invalid(field, f"unknown kind {part!r}; expected any of {', '.join(vocabulary)}")
        kinds.add(part)
    return frozenset(kinds)


def place_filter(
    country: Annotated[str | None, Query(description="ISO code: items involving it.")] = None,
    pair: Annotated[str | None, Query(description="Two codes, order-insensitive: `CN-PE`.")] = None,
    kind: Annotated[str | None, Query(description="Comma-separated kinds.")] = None,
) -> AnniversaryFilter:
    """The place and kinds of a list; the router adds what else it selects by."""
    return AnniversaryFilter(
        parse_country(country) if country else None,
        parse_pair(pair) if pair else None,
        parse_kinds(kind),
    )


PlaceFilterDep = Annotated[AnniversaryFilter, Depends(place_filter)]


def check_bounds(start: dt.date | None, end: dt.date | None) -> None:
    """``from`` and ``to`` as given, each in the calendar years: checked before a default
    bound is computed from the other, which past year 9999 would overflow."""
    for field, day in (("from", start), ("to", end)):
        if day is not None and (reason := calendar_year_problem(day)):
            raise invalid(field, reason)


def check_window(start: dt.date, end: dt.date) -> None:
    """A window of dates that calendars can show (``FIRST_YEAR`` to ``LAST_YEAR``), at most
    ``MAX_WINDOW_YEARS`` long."""
    for field, day in (("from", start), ("to", end)):
        if reason := calendar_year_problem(day):
            raise invalid(field, reason)
    if end < start:
        raise invalid("to", f"'to' ({end}) is before 'from' ({start})")
    if window_too_long(start, end):
        raise invalid("to", f"the window may span at most {MAX_WINDOW_YEARS} years")


async def raw_body(request: Request) -> bytes:
    """The request body as bytes, read in the event loop so that a sync handler need not."""
    return await request.body()


RawBodyDep = Annotated[bytes, Depends(raw_body)]


def get_and_head(router, path: str, **kwargs):
    """Register a handler for GET and HEAD: a plain ``@router.get`` answers HEAD with 405,
    which breaks clients that probe a URL before subscribing (RFC 9110 §9.3.2)."""

    def register(func):
        router.add_api_route(path, func, methods=["GET"], **kwargs)
        router.add_api_route(path, func, methods=["HEAD"], include_in_schema=False, **kwargs)
        return func

    return register


def public_url(request: Request, path: str) -> str:
    """An absolute URL for ``path``: from ``DIPLOCAL_BASE_URL`` when set, else from the request."""
    base = request.app.state.settings.base_url
    if base:
        return base.rstrip("/") + path
    return str(request.base_url).rstrip("/") + path


def language(
    request: Request,
    response: Response,
    lang: Annotated[
        str | None,
        Query(description=f"One of {', '.join(LANGUAGES)}; else `Accept-Language`, else en."),
    ] = None,
) -> str:
    """The language of a JSON answer: ``?lang=``, else ``Accept-Language``; an unsupported
    ``lang`` is a 422 listing the supported ones. Every /api/v1 route depends on it (once a
    request: FastAPI caches a dependency), so every answer says its language."""
    if lang is not None:
        try:
            chosen = parse_lang(lang)
        except ValueError as exc:
            raise invalid("lang", str(exc)) from None
    else:
        chosen = negotiate(request.headers.get("accept-language"))
    response.headers["Content-Language"] = chosen
    response.headers["Vary"] = "Accept-Language"
    return chosen


LangDep = Annotated[str, Depends(language)]
