"""The pages: home with search, a country, a pair, an event.

Each handler first checks its ETag on the event loop (one version read per scope, as a feed
poll does), so an unchanged page is a 304, or the page as rendered before
(``app.pages.render``), without a trip to the thread pool; only a page to render reads the
database through ``app.pages.queries``, in the thread pool.
"""

import uuid
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.countries import lookup
from app.feeds.catalogue import ALL, country_feed_of, pair_feed_of
from app.pages import i18n, queries, subscribe
from app.pages.errors import error_page
from app.pages.render import not_modified, page, page_etag, today

router = APIRouter(include_in_schema=False)


def _lang_or_error(request: Request) -> tuple[str, Response | None]:
    lang = i18n.negotiate(request)
    if lang is None:
        return "en", error_page(
            request, "en", 422, field="lang",
            detail=f"lang must be one of {', '.join(i18n.LANGUAGES)}.",
        )  # fmt: skip
    return lang, None


def _base(request: Request) -> str:
    base = request.app.state.settings.base_url
    return (base or str(request.base_url)).rstrip("/")


def _panel(request: Request, lang: str, feed_path: str, name: str) -> dict:
    options = subscribe.Options.from_query(request.query_params, lang)
    return {
        "options": options,
        "links": subscribe.links(_base(request) + feed_path, name, options),
    }


@router.get("/")
async def home(request: Request, q: str | None = None) -> Response:
    """Search, this year's jubilees, the next 30 days and this day in history."""
    lang, error = _lang_or_error(request)
    if error:
        return error
    matches = i18n.search_countries(q) if q else []
    if q and len(matches) == 1:
        return RedirectResponse(f"/countries/{matches[0]}", status_code=303)
    etag = page_etag(request, lang, ("all",))
    if (cached := not_modified(request, etag)) and not q:
        return cached

    def render() -> Response:
        with Session(request.app.state.engine) as session:
            data = queries.home(session, today())
        context = {
            **data,
            "q": q,
            "matches": matches,
            "today": today(),
            "title_of": partial(queries.title_of, lang=lang),
            "countries_of": queries.countries_of,
            **_panel(request, lang, "/feeds/all.ics", ALL.name_in(lang)),
        }
        return page(request, "home.html", context, lang=lang, etag=etag)

    return await run_in_threadpool(render)


@router.get("/countries/{code}")
async def country_page(request: Request, code: str) -> Response:
    """A country: its own days, its partners, what is coming, and its feed."""
    lang, error = _lang_or_error(request)
    if error:
        return error
    info = lookup(code)
    if info is None:
        return error_page(request, lang, 404, detail=f"No country has the code {code!r}.")
    if info.code != code:
        return RedirectResponse(f"/countries/{info.code}", status_code=308)
    etag = page_etag(request, lang, (code,))
    if cached := not_modified(request, etag):
        return cached

    def render() -> Response:
        with Session(request.app.state.engine) as session:
            view = queries.country(session, code, today())
        context = {
            "view": view,
            "info": info,
            "partners": sorted(view.partners, key=lambda p: i18n.country_name(p.code, lang)),
            "today": today(),
            "title_of": partial(queries.title_of, lang=lang),
            "milestone_title": partial(queries.milestone_title, lang=lang),
            "countries_of": queries.countries_of,
            **_panel(
                request, lang, f"/feeds/countries/{code}.ics", country_feed_of(code).name_in(lang)
            ),
        }
        return page(request, "country.html", context, lang=lang, etag=etag)

    return await run_in_threadpool(render)


@router.get("/pairs/{pair}")
async def pair_page(request: Request, pair: str) -> Response:
    """A pair's relationship: its timeline with sources, anniversaries and events."""
    lang, error = _lang_or_error(request)
    if error:
        return error
    parts = pair.split("-")
    infos = [lookup(p) for p in parts] if len(parts) == 2 else []
    if len(infos) != 2 or None in infos or infos[0].code == infos[1].code:  # type: ignore[union-attr]
        return error_page(
            request, lang, 404, detail="A pair is named by two country codes, like CN-PE."
        )
    a, b = sorted(i.code for i in infos)  # type: ignore[union-attr]
    if f"{a}-{b}" != pair:
        return RedirectResponse(f"/pairs/{a}-{b}", status_code=308)
    etag = page_etag(request, lang, (f"{a}-{b}",))
    if cached := not_modified(request, etag):
        return cached

    def render() -> Response:
        with Session(request.app.state.engine) as session:
            view = queries.pair(session, a, b, today())
        context = {
            "view": view,
            "today": today(),
            "title_of": partial(queries.title_of, lang=lang),
            "milestone_title": partial(queries.milestone_title, lang=lang),
            **_panel(request, lang, f"/feeds/pairs/{a}-{b}.ics", pair_feed_of(a, b).name_in(lang)),
        }
        return page(request, "pair.html", context, lang=lang, etag=etag)

    return await run_in_threadpool(render)


@router.get("/events/{event_id}")
def event_page(request: Request, event_id: str) -> Response:
    """An event: what, when, where, who, and what it celebrates."""
    lang, error = _lang_or_error(request)
    if error:
        return error
    try:
        parsed = uuid.UUID(event_id)
    except ValueError:
        parsed = None
    with Session(request.app.state.engine) as session:
        found = queries.event(session, parsed) if parsed else None
        if found is None:
            return error_page(request, lang, 404, detail="No public event has this address.")
        event, milestone = found
        scope = "-".join(sorted(queries.countries_of(event)))
        etag = page_etag(request, lang, (scope,))
        if cached := not_modified(request, etag):
            return cached
        context = {
            "event": event,
            "milestone": milestone,
            "milestone_title": partial(queries.milestone_title, lang=lang),
            "countries_of": queries.countries_of,
        }
        return page(request, "event.html", context, lang=lang, etag=etag)
