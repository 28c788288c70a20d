"""Templates, the language of each page, and conditional GET for pages.

A page's ETag hashes the versions of the feed scopes it shows (``app.feeds.versions.FeedVersions``,
the same rows the feeds' ETags come from), the URL, the language, the day (pages say "next
30 days") and the code and templates that render it; so reloading an unchanged page is a 304
that reads one row per scope and renders nothing.
"""

import datetime as dt
import gzip
import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app import __version__
from app.httputils import accepts_gzip, etag_matches, quote_etag
from app.i18n import catalog
from app.i18n.wording import kind_name
from app.pages import i18n, session

HERE = Path(__file__).parent
COOKIE_AGE = 365 * 24 * 3600


def _stamp() -> str:
    """Changes whenever a template, the stylesheet or the script does."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted((HERE / "templates").glob("*")) + sorted((HERE / "static").glob("*.*")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _environment(lang: str) -> Environment:
    """The templates in ``lang``: one environment per language, each with its own gettext
    catalogue (domain ``pages``, loaded like the feeds' catalogues, app/i18n/catalog.py), so
    that concurrent requests in different languages never share installed translations."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]  # added by the i18n extension
        catalog.translations(lang, catalog.PAGES), newstyle=True
    )
    env.globals.update(
        country_name=i18n.country_name,
        pair_name=i18n.pair_name,
        long_date=i18n.long_date,
        date_time=i18n.date_time,
        language_name=i18n.language_name,
        kind_name=kind_name,
        LANGUAGES=i18n.LANGUAGES,
    )
    return env


ENVIRONMENTS = {lang: _environment(lang) for lang in i18n.LANGUAGES}
env = ENVIRONMENTS["en"]
templates = Jinja2Templates(env=env)
STAMP = _stamp()
STATIC_VERSION = STAMP[:8]  # ?v= on the stylesheet and script, so a deploy reloads them


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def page_etag(request: Request, lang: str, scopes: tuple[str, ...]) -> str:
    """From the request's scope directly: building ``request.url`` costs more than the rest."""
    scope, versions = request.scope, request.app.state.feed_versions
    path = scope.get("root_path", "") + scope["path"]
    parts = [STAMP, lang, str(today()), path, scope["query_string"].decode("latin-1")]
    parts += [f"{s}={versions.read(s)[0]}" for s in scopes]
    parts.append(request.cookies.get(session.COOKIE, ""))  # signed in: other links
    return quote_etag("p-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32])


class Rendered:
    """Pages as rendered, by ETag, encoding and host: the ETag covers everything a page shows
    but the host in its subscribe links, so an unchanged page is rendered once, not on every
    load. One per application (``app.pages.install``), bounded in bytes, least recently used
    out first."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.used = max_bytes, 0
        self.pages: OrderedDict[tuple[str, bool, bytes], tuple[bytes, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[str, bool, bytes]) -> tuple[bytes, str] | None:
        """The body and its language."""
        with self.lock:
            found = self.pages.get(key)
            if found is not None:
                self.pages.move_to_end(key)
            return found

    def put(self, key: tuple[str, bool, bytes], body: bytes, lang: str) -> None:
        with self.lock:
            old = self.pages.pop(key, None)
            self.used += len(body) - (len(old[0]) if old is not None else 0)
            self.pages[key] = (body, lang)
            while self.used > self.max_bytes:
                self.used -= len(self.pages.popitem(last=False)[1][0])

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.used = 0


def _key(request: Request, etag: str) -> tuple[str, bool, bytes]:
    host = b""
    for name, value in request.scope["headers"]:
        if name == b"host":
            host = value
            break
    gzipped = accepts_gzip(request.headers.get("accept-encoding"))
    return etag, gzipped, request.scope.get("scheme", "http").encode() + b"://" + host


# Everything from this host; the QR code is inline SVG, the styles and script are files.
CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"


def headers(etag: str | None, *, gzipped: bool = False) -> dict[str, str]:
    result = {
        "Vary": "Accept-Language, Cookie, Accept-Encoding",
        "Cache-Control": "no-cache",
        "Content-Security-Policy": CSP,
    }
    if etag:
        result["ETag"] = etag
    if gzipped:
        result["Content-Encoding"] = "gzip"
    return result


def not_modified(request: Request, etag: str) -> Response | None:
    """A 304 when the client has this page; else the page as rendered before for the same
    ETag, encoding and host, when it is kept (``Rendered``); else None (render it)."""
    if etag_matches(request.headers.get("if-none-match"), [etag]):
        return Response(status_code=304, headers=headers(etag))
    key = _key(request, etag)
    found = request.app.state.rendered_pages.get(key)
    if found is None:
        return None
    return _response(request, found[0], lang=found[1], etag=etag, gzipped=key[1], status=200)


def switch_url(request: Request, lang: str) -> str:
    """This page in another language: the same query with ``lang`` replaced."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    params.append(("lang", lang))
    return request.url.path + "?" + "&".join(f"{k}={_q(v)}" for k, v in params)


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    lang: str,
    etag: str | None = None,
    status: int = 200,
) -> Response:
    """Render, gzip when the client accepts it, and remember a ``?lang=`` choice in a cookie."""
    html = (
        ENVIRONMENTS.get(lang, env)
        .get_template(template)
        .render(
            request=request,
            lang=lang,
            dir=i18n.direction(lang),
            switch_url=lambda code: switch_url(request, code),
            static_version=STATIC_VERSION,
            **{"editor": session.current(request), **context},
        )
    )
    body = html.encode()
    gzipped = accepts_gzip(request.headers.get("accept-encoding"))
    if gzipped:
        body = gzip.compress(body, compresslevel=6, mtime=0)
    if etag and status == 200:
        request.app.state.rendered_pages.put(_key(request, etag), body, lang)
    return _response(request, body, lang=lang, etag=etag, gzipped=gzipped, status=status)


def _response(
    request: Request, body: bytes, *, lang: str, etag: str | None, gzipped: bool, status: int
) -> Response:
    """Remembers a ``?lang=`` choice in a cookie."""
    response = HTMLResponse(body, status_code=status, headers=headers(etag, gzipped=gzipped))
    if b"lang=" in request.scope["query_string"] and request.query_params.get("lang") == lang:
        response.set_cookie(i18n.COOKIE, lang, max_age=COOKIE_AGE, samesite="lax")
    return response
