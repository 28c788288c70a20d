"""The FastAPI application: lifespan, routers, error handlers and health checks."""

import logging
from contextlib import asynccontextmanager

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from app import __version__, pages, problems
from app.api import (
    anniversaries,
    audit,
    countries,
    discovery,
    events,
    feed_tokens,
    feeds,
    milestones,
    pairs,
    planning,
)
from app.api.deps import get_and_head, language
from app.config import Settings, get_settings
from app.db import engine_for
from app.feeds.cache import FeedCache
from app.feeds.versions import FeedVersions
from app.logs import configure_logging
from app.middleware import BodyLimit, RequestContext
from app.migrate import is_migrated
from app.pages.render import Rendered

log = logging.getLogger("diplocal")

DESCRIPTION = """
Anniversaries of relations between countries, and the events that celebrate them.

Reads are public. Writes need `Authorization: Bearer <key>` (create one with
`diplocal keys create`). Errors are `application/problem+json` documents (RFC 9457).

**Data.** A new database starts with a bundled data set; every milestone names its source.
Relations and recognitions of the United States: US Department of State, Office of the
Historian, [history.state.gov/countries](https://history.state.gov/countries) (public domain).
Establishment dates of the People's Republic of China: the PRC Ministry of Foreign Affairs'
table, embassy and partner-government pages, Xinhua, CGTN and Wikipedia, as each milestone
cites. Independence and national days: Wikipedia,
["List of national independence days"](https://en.wikipedia.org/wiki/List_of_national_independence_days)
(CC BY-SA 4.0), via the TidyTuesday project.
"""


def bind(app: FastAPI, settings: Settings) -> None:
    """Points ``app`` at the database and limits of ``settings``, with empty feed caches.
    Everything per request reads these from ``app.state``, so the test suite can reuse one
    app for every test's database (building an app's routes costs a fifth of a second)."""
    engine = engine_for(settings)
    app.state.settings = settings
    app.state.engine = engine
    app.state.feed_cache = FeedCache(settings.feed_cache_bytes)
    app.state.feed_versions = FeedVersions(engine)
    app.state.feeds_building = {}  # feeds being built, by cache key and day
    app.state.feed_latest = {}  # the cache key a feed was last served from, for outages
    app.state.rendered_pages = Rendered(8 * 2**20)  # unchanged pages, rendered once
    app.state.session_secret = None  # read from the settings or this database on first use


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.feed_versions.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="diplomatic-calendar",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # app.pages serves /docs and /redoc with local assets
        redoc_url=None,
        responses=problems.PROBLEM_RESPONSES,
    )
    bind(app, settings)
    app.add_middleware(
        BodyLimit,
        limit_for=lambda path: (
            app.state.settings.max_import_bytes
            if path.endswith("/import")
            else app.state.settings.max_body_bytes
        ),
    )
    # Request ids, nosniff, read-only CORS and access logs (app/middleware.py).
    app.add_middleware(RequestContext)
    problems.install(app)

    # Feeds first: routes are matched in order, and calendar apps poll feeds far more often
    # than anything else is called (each route tried before costs every poll a few µs).
    app.include_router(feeds.router)
    # Then the pages (people reload them), before the API's forty routes, which each page
    # load would otherwise be matched against first.
    pages.install(app)  # pages for people, self-hosted API docs, the HTML 404 page
    api = APIRouter(prefix="/api/v1", dependencies=[Depends(language)])
    api.include_router(countries.router)
    api.include_router(pairs.router)
    api.include_router(milestones.router)
    api.include_router(anniversaries.router)
    api.include_router(events.router)
    api.include_router(discovery.router)
    api.include_router(feed_tokens.router)
    api.include_router(audit.router)
    api.include_router(planning.router)
    app.include_router(api)

    @get_and_head(app.router, "/healthz", tags=["health"])
    def healthz():
        """The process is up."""
        return {"status": "ok"}

    @get_and_head(app.router, "/readyz", tags=["health"])
    def readyz(request: Request):
        """The database is reachable and fully migrated; 503 otherwise."""
        retry_after = request.app.state.settings.db_retry_after
        try:
            migrated = is_migrated(request.app.state.engine)
        except sa.exc.SQLAlchemyError as exc:
            log.warning("readiness check: database unreachable: %s", exc.__class__.__name__)
            return problems.unavailable(retry_after, "The database is unreachable.")
        if not migrated:
            return problems.unavailable(
                retry_after, "The database is not migrated: run 'diplocal migrate'."
            )
        return JSONResponse({"status": "ready"}, headers={"Cache-Control": "no-store"})

    return app


app = create_app()
