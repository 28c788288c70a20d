"""Error pages for people: a browser that asks for HTML gets a page, an API client (and every
``/api/`` and ``/feeds/`` path) keeps its ``application/problem+json`` document."""

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.pages import i18n

MACHINE_PATHS = ("/api/", "/feeds/", "/openapi.json", "/healthz", "/readyz", "/static/")


def wants_html(request: Request) -> bool:
    if request.url.path.startswith(MACHINE_PATHS):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_page(
    request: Request, lang: str, status: int, *, detail: str, field: str | None = None
) -> Response:
    from app.pages.render import page

    context = {"status": status, "detail": detail, "field": field}
    return page(request, "error.html", context, lang=lang, status=status)


def install(app: FastAPI) -> None:
    """Wraps the problem handler of ``app.problems``: same status, a page instead."""
    problem_handler = app.exception_handlers[StarletteHTTPException]

    async def handler(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404 and wants_html(request):
            lang = i18n.negotiate(request) or "en"
            return error_page(request, lang, 404, detail=f"Nothing is at {request.url.path}.")
        return await problem_handler(request, exc)

    app.add_exception_handler(StarletteHTTPException, handler)
