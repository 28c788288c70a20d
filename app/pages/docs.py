"""``/docs`` and ``/redoc`` with their scripts and styles served by the service itself (FastAPI:
"Self-hosting JavaScript and CSS for docs"), so they work on a network without internet.

The files come from the ``fastapi-offline`` wheel, which bundles swagger-ui-dist and Redoc
(both MIT or Apache-2.0 licensed, as the wheel states).
"""

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = str(files("fastapi_offline") / "static")
PREFIX = "/static/api-docs"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
# A second line of defence, should a later Redoc load something else from elsewhere.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; font-src 'self' data:"
)


def _local_only(response: HTMLResponse) -> HTMLResponse:
    response.headers["Content-Security-Policy"] = CSP
    return response


def _redoc_script() -> bytes:
    """Redoc shows its maker's logo from their CDN; ours replaces it, so nothing is fetched."""
    script = (files("fastapi_offline") / "static" / "redoc.standalone.js").read_bytes()
    return script.replace(REDOC_LOGO, b"/static/favicon.svg")


def install(app: FastAPI) -> None:
    redoc_js = _redoc_script()

    @app.get(f"{PREFIX}/redoc.standalone.js", include_in_schema=False)
    async def redoc_script() -> Response:
        return Response(
            redoc_js,
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.mount(PREFIX, StaticFiles(directory=ASSETS), name="api-docs")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return _local_only(
            get_swagger_ui_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=f"{app.title}: API",
                swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
                swagger_css_url=f"{PREFIX}/swagger-ui.css",
                swagger_favicon_url="/static/favicon.svg",
                # The validator badge would call validator.swagger.io.
                swagger_ui_parameters={"validatorUrl": None},
            )
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return _local_only(
            get_redoc_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=f"{app.title}: API",
                redoc_js_url=f"{PREFIX}/redoc.standalone.js",
                redoc_favicon_url="/static/favicon.svg",
                with_google_fonts=False,
            )
        )
