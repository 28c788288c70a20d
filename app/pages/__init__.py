"""Pages for people: server-rendered HTML over the same data as the feeds and the API.

``install(app)`` is the one place the application wires them in: the static files, the page
routes, self-hosted API docs and the HTML 404 page. Everything the pages read from the rest of
the service goes through ``app.pages.queries``.
"""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.pages import docs, edit_events, edit_milestones, errors, router, signin
from app.pages.render import HERE

STATIC = HERE / "static"


def install(app: FastAPI) -> None:
    """Call after the API routers; the app must be created with ``docs_url=None`` and
    ``redoc_url=None`` so that ``/docs`` and ``/redoc`` are ours."""
    docs.install(app)  # first: its /static/api-docs mount must win over /static
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Editing first: /events/new and /events/{id}/edit must win over /events/{id}.
    for editing in (signin.router, edit_events.router, edit_milestones.router):
        app.include_router(editing)
    app.include_router(router.router)
    errors.install(app)
