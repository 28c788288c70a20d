"""Pure ASGI middleware: request ids, security headers, body limits and access logs.

Pure ASGI rather than ``BaseHTTPMiddleware`` so that a feed served from memory pays a few
microseconds here, not a task switch per layer.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.problems import PROBLEM_JSON

access_log = logging.getLogger("diplocal.access")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Secrets in paths never reach a log line (private feed tokens).
_SECRET_PATH = re.compile(r"(/feeds/private/)[^/]+?(\.ics)?$")


def redact(path: str) -> str:
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
        request_id = given if given and _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
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
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": redact(scope["path"]),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )


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


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors; fields from ``extra`` included."""

    _SKIP = frozenset(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self._SKIP})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime


def configure_logging(level: str, fmt: str) -> None:
    """Log to stderr as JSON lines (or plain text), once per process: uvicorn's workers are
    fresh interpreters, so each configures itself when it builds the app."""
    root = logging.getLogger()
    if getattr(root, "_diplocal_configured", False) or root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(levelname)s %(name)s %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level.upper())
    root._diplocal_configured = True  # type: ignore[attr-defined]  # a marker attribute on the root logger
