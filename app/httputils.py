"""HTTP conditional requests and content coding (RFC 9110 §8.8, §13; RFC 9110 §12.5.3)."""

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime


def quote_etag(opaque: str) -> str:
    return f'"{opaque}"'


def etag_matches(header: str | None, etags: list[str]) -> bool:
    """If-None-Match uses the weak comparison: ``W/"x"`` matches ``"x"`` (RFC 9110 §13.1.2).

    ``header`` may list several tags, or be ``*`` (any current representation).
    """
    if header is None:
        return False
    header = header.strip()
    if header == "*":
        return True
    wanted = {t.removeprefix("W/") for t in etags}
    return any(part.strip().removeprefix("W/") in wanted for part in header.split(","))


def http_date(value: dt.datetime) -> str:
    return format_datetime(value.astimezone(dt.UTC).replace(microsecond=0), usegmt=True)


def not_modified_since(header: str | None, last_modified: dt.datetime) -> bool:
    """If-Modified-Since: true when nothing changed after the given date (RFC 9110 §13.1.3).
    An unparseable date is ignored, as the RFC requires."""
    if not header:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since is None or since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since


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
