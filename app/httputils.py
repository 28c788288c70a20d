"""HTTP conditional requests and content coding (RFC 9110 §8.8, §13; RFC 9110 §12.5.3)."""

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime


def quote_etag(opaque: str) -> str:
    return f'"{opaque}"'


# The most entity tags one If-None-Match examines, and header lines one request may repeat it
# in. A client caches a handful of tags per URL; a request with thousands only costs the
# worker time that other requests wait for (its event loop), so the rest is not looked at.
MAX_ETAGS = 64
MAX_ETAG_LINES = 16


class TooManyEtags(ValueError):
    """More If-None-Match header lines than ``MAX_ETAG_LINES``: answered with a 431."""


def if_none_match(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The If-None-Match lines of ASGI ``headers``, joined as one list (RFC 9110 §5.3), in
    linear time. Raises ``TooManyEtags`` past ``MAX_ETAG_LINES`` lines."""
    values = [v for k, v in headers if k == b"if-none-match"]
    if not values:
        return None
    if len(values) > MAX_ETAG_LINES:
        raise TooManyEtags(f"at most {MAX_ETAG_LINES} If-None-Match header lines")
    return b", ".join(values).decode("latin-1")


def etag_matches(header: str | None, etags: list[str]) -> bool:
    """If-None-Match uses the weak comparison: ``W/"x"`` matches ``"x"`` (RFC 9110 §13.1.2).

    ``header`` may list several tags, or be ``*`` (any current representation). Only its
    first ``MAX_ETAGS`` tags are examined: past them, no match (a full answer, never a
    wrong 304).
    """
    if header is None:
        return False
    header = header.strip()
    if header == "*":
        return True
    wanted = {t.removeprefix("W/") for t in etags}
    parts = header.split(",", MAX_ETAGS)[:MAX_ETAGS]
    return any(part.strip().removeprefix("W/") in wanted for part in parts)


def http_date(value: dt.datetime) -> str:
    return format_datetime(value.astimezone(dt.UTC).replace(microsecond=0), usegmt=True)


def last_modified_second(changed: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The whole second to send as ``Last-Modified`` for a change at ``changed``: the end of
    its second once that second is over, so that a client naming it gets a 304 until the
    next change (``not_modified_since`` compares exactly). Within that second, its start
    (RFC 9110 §8.8.2.1: never a date after the response's): the client then gets the feed
    once more, as another write may still fall in that second."""
    start = changed.replace(microsecond=0)
    if start == changed:
        return changed
    end = start + dt.timedelta(seconds=1)
    return end if now >= end else start


def not_modified_since(header: str | None, last_modified: dt.datetime) -> bool:
    """If-Modified-Since: true when nothing changed after the given date (RFC 9110 §13.1.3).
    An unparseable date is ignored, as the RFC requires.

    ``Last-Modified`` has whole seconds, but two writes can fall within one: a client that
    saw the first names that second, and the second write is not older than it. So the
    exact time of the last change is compared, and a change within the named second is
    never a 304 (such a client gets the full feed; ETags stay the exact validator)."""
    if not header:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since is None or since.tzinfo is None:
        return False
    return last_modified <= since


def accepts_gzip(header: str | None) -> bool:
    """True when Accept-Encoding allows gzip (``q=0`` refuses it)."""
    if not header:
        return False
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        return q > 0
    return False
