"""Pure ASGI middleware: request ids, security headers, body limits and access logs
(formatted and written by ``app.logs``).

Pure ASGI rather than ``BaseHTTPMiddleware`` so that a feed served from memory pays a few
microseconds here, not a task switch per layer.
"""

import itertools
import json
import os
import re
import time
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import logs
from app.problems import PROBLEM_JSON

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Secrets in paths never reach a log line (private feed tokens).
_SECRET_PATH = re.compile(r"(/feeds/private/)[^/]+?(\.ics)?$")


class _Ids:
    """New request ids: a random prefix per process and a counter, as unique as ``uuid4``
    without reading the kernel's random source on every request (that was a tenth of a
    warm feed poll's time in our code)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.prefix, self.counter = uuid.uuid4().hex[:16], itertools.count()

    def new(self) -> str:
        return f"{self.prefix}{next(self.counter):016x}"


_ids = _Ids()
os.register_at_fork(after_in_child=_ids.reset)  # a forked worker gets its own prefix


def redact(path: str) -> str:
    if "/feeds/private/" not in path:  # the common case, without a regex per request
        return path
    return _SECRET_PATH.sub(r"\1***\2", path)


# CORS (Fetch standard): any page may read the API and the feeds, no page may write. The
# answer is the same for every origin, so it needs no "Vary: Origin" and a CDN keeps one copy.
CORS_METHODS = b"GET, HEAD"
CORS_ALLOWED_HEADERS = frozenset({"if-none-match", "if-modified-since", "x-request-id"})
_CORS_RESPONSE_HEADERS = (
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Last-Modified, Location, X-Request-ID"),
)


class RequestContext:
    """Gives every request an id (the client's ``X-Request-ID`` when sane, else a new one),
    echoes it and ``X-Content-Type-Options: nosniff`` on every response, answers CORS (reads
    only), and logs one structured line per request without query strings or credentials.

    One layer for all four, because a feed poll pays for every layer it passes through.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = origin = preflight = None
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                given = value.decode("latin-1")
            elif key == b"origin":
                origin = value
            elif key == b"access-control-request-method":
                preflight = value
        request_id = given if given and _REQUEST_ID.fullmatch(given) else _ids.new()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        extra = [(b"x-request-id", request_id.encode()), (b"x-content-type-options", b"nosniff")]
        if origin is not None:
            extra += _CORS_RESPONSE_HEADERS

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        try:
            if scope["method"] == "OPTIONS" and origin is not None and preflight is not None:
                await _preflight(scope, preflight, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            # Query strings and headers (Authorization) are never logged; tokens in paths
            # are redacted.
            logs.access(request_id, scope["method"], redact(scope["path"]), status,
                        (time.perf_counter() - started) * 1000)  # fmt: skip


async def _preflight(scope: Scope, method: bytes, send: Send) -> None:
    """A CORS preflight: approved for reads only, so a browser never sends a cross-site write."""
    asked = b""
    for key, value in scope["headers"]:
        if key == b"access-control-request-headers":
            asked = value
    headers = {h.strip() for h in asked.decode("latin-1").lower().split(",") if h.strip()}
    allowed = method in (b"GET", b"HEAD") and headers <= CORS_ALLOWED_HEADERS
    response = [
        (b"access-control-allow-methods", CORS_METHODS),
        (b"access-control-allow-headers", b"If-None-Match, If-Modified-Since, X-Request-ID"),
        (b"access-control-max-age", b"86400"),
        (b"content-length", b"0"),
    ]
    await send({"type": "http.response.start", "status": 204 if allowed else 403,
                "headers": response})  # fmt: skip
    await send({"type": "http.response.body", "body": b""})


class BodyLimit:
    """Refuses request bodies over a limit with 413, whether announced by Content-Length or
    streamed, before the application reads them into memory (RFC 9110 §15.5.14)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        received = 0
        refused = False

        async def guarded_send(message: Message) -> None:
            if not refused:  # after a 413, the application has nobody to answer
                await send(message)

        async def counting_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await _too_large(send, limit)
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Content Too Large",
            "status": 413,
            "detail": f"The request body is larger than {limit} bytes.",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None
