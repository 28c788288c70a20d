"""The FastAPI application: lifespan, routers, error handlers and health checks."""

import logging
from contextlib import asynccontextmanager

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from app import __version__, problems
from app.api import anniversaries, countries, discovery, events, feeds, milestones
from app.api.deps import get_and_head
from app.cache import FeedCache
from app.config import Settings, get_settings
from app.db import create_db_engine
from app.migrate import is_migrated
from app.versions import FeedVersions

log = logging.getLogger("diplocal")

DESCRIPTION = """
Anniversaries of relations between countries, and the events that celebrate them.

Reads are public. Writes need `Authorization: Bearer <key>` (create one with
`diplocal keys create`). Errors are `application/problem+json` documents (RFC 9457).
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = create_db_engine(
        settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )

    versions = FeedVersions(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        versions.close()
        engine.dispose()

    app = FastAPI(
        title="diplomatic-calendar",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.feed_cache = FeedCache(settings.feed_cache_bytes)
    app.state.feed_versions = versions
    app.state.feeds_building = {}  # feeds being built, by cache key and day
    problems.install(app)

    # Feeds first: routes are matched in order, and calendar apps poll feeds far more often
    # than anything else is called (each route tried before costs every poll a few µs).
    app.include_router(feeds.router)
    api = APIRouter(prefix="/api/v1")
    api.include_router(countries.router)
    api.include_router(milestones.router)
    api.include_router(anniversaries.router)
    api.include_router(events.router)
    api.include_router(discovery.router)
    app.include_router(api)

    @get_and_head(app.router, "/healthz", tags=["health"])
    def healthz():
        """The process is up."""
        return {"status": "ok"}

    @get_and_head(app.router, "/readyz", tags=["health"])
    def readyz(request: Request):
        """The database is reachable and fully migrated; 503 otherwise."""
        try:
            migrated = is_migrated(request.app.state.engine)
        except sa.exc.SQLAlchemyError as exc:
            log.warning("readiness check: database unreachable: %s", exc.__class__.__name__)
            return problems.problem(
                503, "The database is unreachable.", headers={"Retry-After": "5"}
            )
        if not migrated:
            return problems.problem(503, "The database is not migrated: run 'diplocal migrate'.")
        return JSONResponse({"status": "ready"})

    return app


app = create_app()
