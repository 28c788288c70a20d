"""Logging for people and for machines, and an access log that costs little per request.

On a terminal the service prints readable lines; piped (or ``DIPLOCAL_LOG_FORMAT=json``) it
prints one JSON object per line. The access log skips the ``logging`` machinery (a
``LogRecord``, its ``extra`` dictionary, a formatter walking its attributes, a write and a
flush per line): each request formats one string and appends it to a buffer that is written
at most a few times a second, and before any other log line so the order holds.
"""

import asyncio
import atexit
import json
import logging
import re
import sys
import time
from typing import TextIO

access_log = logging.getLogger("diplocal.access")

# uvicorn puts ANSI-coloured copies of its messages in ``extra={"color_message": ...}``.
_NOT_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"color_message", "message"}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_quote = json.encoder.encode_basestring  # C-accelerated, not in the public API


def _plain(value: object) -> object:
    return _ANSI.sub("", value) if isinstance(value, str) else value


class _Clock:
    """The timestamp prefix, formatted once per second rather than once per line."""

    def __init__(self, fmt: str) -> None:
        self.fmt, self.second, self.prefix = fmt, -1, ""

    def stamp(self, now: float) -> str:
        second = int(now)
        if second != self.second:
            self.second, self.prefix = second, time.strftime(self.fmt, time.gmtime(second))
        return f"{self.prefix}.{int((now - second) * 1000):03d}Z"


class Sink:
    """One stream for every log line; access lines are buffered and written in batches."""

    FLUSH_AFTER = 0.25  # seconds a line may wait in the buffer
    MAX_LINES = 512

    def __init__(self, stream: TextIO, fmt: str) -> None:
        self.stream, self.json = stream, fmt == "json"
        self.lines: list[str] = []
        self.flush_scheduled = False
        self.clock = _Clock("%Y-%m-%dT%H:%M:%S" if self.json else "%H:%M:%S")

    def access(self, request_id: str, method: str, path: str, status: int, ms: float) -> None:
        now = time.time()
        if self.json:
            # request_id is safe as it is (app.middleware accepts only [A-Za-z0-9._:-]).
            self.lines.append(
                f'{{"ts": "{self.clock.stamp(now)}", "level": "info", "logger": '
                f'"diplocal.access", "msg": "request", "request_id": "{request_id}", '
                f'"method": {_quote(method)}, "path": {_quote(path)}, "status": {status}, '
                f'"duration_ms": {ms:.2f}}}\n'
            )
        else:
            stamp = self.clock.stamp(now)[:-5]
            self.lines.append(f"{stamp} {status} {method} {path} {ms:.1f} ms\n")
        if len(self.lines) >= self.MAX_LINES:
            self.flush()
        elif not self.flush_scheduled:
            try:
                asyncio.get_running_loop().call_later(self.FLUSH_AFTER, self.flush)
                self.flush_scheduled = True
            except RuntimeError:  # no event loop (a synchronous caller): write now
                self.flush()

    def write(self, line: str) -> None:
        self.lines.append(line + "\n")
        self.flush()

    def flush(self) -> None:
        self.flush_scheduled = False
        if self.lines:
            text, self.lines = "".join(self.lines), []
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError):  # a closed pipe must not fail a request
                pass


class _Handler(logging.Handler):
    def __init__(self, sink: Sink) -> None:
        super().__init__()
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.sink.write(self.format(record))
        except Exception:  # logging must never raise
            self.handleError(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors; fields from ``extra`` included, without
    terminal escape codes."""

    clock = _Clock("%Y-%m-%dT%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.clock.stamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": _plain(record.getMessage()),
        }
        entry.update({k: _plain(v) for k, v in vars(record).items() if k not in _NOT_FIELDS})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``12:00:01 INFO    message``: for a person at a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(message)s", "%H:%M:%S")


SINK: Sink | None = None


def access(request_id: str, method: str, path: str, status: int, ms: float) -> None:
    """Log one request: through the buffered sink when ``configure_logging`` set it up, else
    through the ``diplocal.access`` logger (an embedding application's own logging)."""
    if SINK is not None:
        SINK.access(request_id, method, path, status, ms)
    elif access_log.isEnabledFor(logging.INFO):
        access_log.info("request", extra={"request_id": request_id, "method": method,
                                          "path": path, "status": status,
                                          "duration_ms": round(ms, 2)})  # fmt: skip


def resolve_format(fmt: str, stream: TextIO) -> str:
    """``auto``: text on a terminal, JSON when piped to a collector or a file."""
    if fmt != "auto":
        return fmt
    isatty = getattr(stream, "isatty", None)
    return "text" if isatty and isatty() else "json"


def configure_logging(level: str, fmt: str, stream: TextIO | None = None) -> None:
    """Log to stderr once per process (uvicorn's workers are fresh interpreters, so each
    configures itself when it builds the app). Leaves logging alone when something else
    (a test runner, an embedding application) configured it already."""
    global SINK
    root = logging.getLogger()
    if getattr(root, "_diplocal_configured", False) or root.handlers:
        return
    stream = stream or sys.stderr
    fmt = resolve_format(fmt, stream)
    sink = Sink(stream, fmt)
    handler = _Handler(sink)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    root._diplocal_configured = True  # type: ignore[attr-defined]
    # The access log is INFO: a higher level turns it off, as it did through ``logging``.
    SINK = sink if access_log.isEnabledFor(logging.INFO) else None
    atexit.register(sink.flush)
