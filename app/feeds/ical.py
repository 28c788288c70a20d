"""iCalendar (RFC 5545) serialisation by direct string building: pure, stdlib only.

The icalendar object model costs ~0.2 ms per event; these functions cost a few µs, which is
what lets a feed of thousands of events be rendered per request (GUIDE.md, "Performance").

Every function returns text whose physical lines end with CRLF and are folded at 75 octets
(RFC 5545 §3.1); TEXT values are escaped (§3.3.11) so that no input can end a content line.
"""

import datetime as dt
import re
from collections.abc import Iterable

__all__ = [
    "all_day_event",
    "calendar",
    "escape_text",
    "fold",
    "format_date",
    "format_local",
    "format_utc",
    "prop",
    "text",
    "timed_event",
    "unescape_text",
]

# Category Cc is U+0000-U+001F and U+007F-U+009F. TEXT keeps TAB (RFC 5545 §3.3.11); a URI or
# parameter value has no use for it (RFC 3986; RFC 5545 §3.1 SAFE-CHAR).
_TEXT_DROP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_PARAM_DROP = re.compile('["\x00-\x1f\x7f-\x9f]')
_NEEDS_QUOTES = re.compile("[:;,]")

# RFC 5545 §3.3.6 dur-value, without the sign: a feed's refresh interval cannot be negative.
_TIME = r"T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?"
_DURATION = re.compile(rf"P(?:\d+W|\d+D(?:{_TIME})?|{_TIME})")

_VEVENT_STATUSES = frozenset({"TENTATIVE", "CONFIRMED", "CANCELLED"})
_ONE_DAY = dt.timedelta(days=1)
_UTC = dt.UTC


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11).

    ``\\`` ``;`` ``,`` are backslash-escaped; LF, CRLF, lone CR, U+2028 and U+2029 each become
    ``\\n``; every other control character (Unicode category Cc) except TAB is dropped.
    """
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    # isprintable() is a fast C scan; it is False for every character handled below (and for
    # harmless ones such as TAB or U+200F), so the regex only runs on the rare value that needs it.
    if not value.isprintable():
        value = _TEXT_DROP.sub("", value)
        # LINE and PARAGRAPH SEPARATOR end a line for str.splitlines() and parsers built on it
        # (icalendar until 2017; the ical-clients harness): left raw, they could split a line.
        value = value.replace("\u2028", "\\n").replace("\u2029", "\\n")
    return value


_ESCAPED = re.compile(r"\\([\\;,nN])")


def unescape_text(value: str) -> str:
    """The inverse of ``escape_text`` for a raw TEXT value (RFC 5545 §3.3.11)."""
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def fold(line: str) -> str:
    """Fold one content line at 75 octets and terminate every physical line with CRLF.

    RFC 5545 §3.1: a continuation line starts with one space, which counts toward its 75
    octets; a fold never splits a UTF-8 multi-byte sequence.
    """
    if line.isascii():
        if len(line) <= 75:
            return line + "\r\n"
        chunks = [line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))]
        return "\r\n ".join(chunks) + "\r\n"
    raw = line.encode()
    size = len(raw)
    if size <= 75:
        return line + "\r\n"
    parts = []
    start, limit = 0, 75
    while size - start > limit:
        end = start + limit
        # A byte 10xxxxxx continues a character: cut before that character's lead byte.
        while raw[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(raw[start:end])
        start, limit = end, 74
    parts.append(raw[start:])
    return b"\r\n ".join(parts).decode() + "\r\n"


def _param_value(value: str) -> str:
    """A parameter value (RFC 5545 §3.2): no DQUOTE or controls; quoted if it has ``:;,``."""
    if not value.isprintable() or '"' in value:
        value = _PARAM_DROP.sub("", value)
    if _NEEDS_QUOTES.search(value) is not None:
        return f'"{value}"'
    return value


def prop(name: str, value: str, params: dict[str, str] | None = None) -> str:
    """One folded content line ``NAME;PARAM=value:value`` (RFC 5545 §3.1).

    ``value`` is inserted as is: callers escape TEXT with :func:`text` or :func:`escape_text`.
    """
    if params:
        name += "".join(f";{key}={_param_value(val)}" for key, val in params.items())
    return fold(f"{name}:{value}")


def text(name: str, value: str, params: dict[str, str] | None = None) -> str:
    """A TEXT property (RFC 5545 §3.3.11): :func:`prop` with the value escaped."""
    return prop(name, escape_text(value), params)


def format_date(d: dt.date) -> str:
    """DATE value ``YYYYMMDD`` (RFC 5545 §3.3.4), years zero-padded to 4 digits.

    A datetime is refused: passing one through a date is how all-day events end up a day off.
    """
    if isinstance(d, dt.datetime):
        raise TypeError("format_date() needs a date, not a datetime")
    # isoformat() zero-pads the year to 4 digits (strftime("%Y") does not on glibc).
    return d.isoformat().replace("-", "")


def format_utc(value: dt.datetime) -> str:
    """DATE-TIME in UTC, ``YYYYMMDDTHHMMSSZ`` (RFC 5545 §3.3.5, form #2).

    Aware datetimes are converted to UTC; naive ones are refused, since a naive time is
    "floating" (form #1) and would move with every viewer's zone. Microseconds are dropped.
    """
    if value.tzinfo is not _UTC:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("format_utc() needs an aware datetime")
        value = value.astimezone(_UTC)
    # %-formatting is about twice as fast as an f-string with format specs here.
    return "%04d%02d%02dT%02d%02d%02dZ" % (  # noqa: UP031
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
    )


def format_local(value: dt.datetime) -> str:
    """DATE-TIME ``YYYYMMDDTHHMMSS`` for use with a TZID parameter (RFC 5545 §3.3.5, form #3).

    tzinfo is ignored: the caller names the zone in TZID and emits its VTIMEZONE.
    """
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
    )


def all_day_event(
    *,
    uid: str,
    day: dt.date,
    summary: str,
    dtstamp: dt.datetime,
    sequence: int,
    last_day: dt.date | None = None,
    transparent: bool = True,
    **optional: object,
) -> str:
    """An all-day ``VEVENT`` (RFC 5545 §3.6.1): ``DTSTART;VALUE=DATE`` and an exclusive DTEND.

    ``last_day`` is the inclusive last day of a multi-day event (default: ``day``). DTEND is
    omitted for 9999-12-31, which has no next day; §3.6.1 gives a DATE DTSTART without DTEND
    a duration of one day. ``optional`` takes the keywords of ``_vevent``.
    """
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise TypeError("an all-day event takes a date, not a datetime")
    last = last_day or day
    if last < day:
        raise ValueError("last_day is before day")
    timing = ["DTSTART;VALUE=DATE:", format_date(day), "\r\n"]
    if last != dt.date.max:
        timing += ("DTEND;VALUE=DATE:", format_date(last + _ONE_DAY), "\r\n")
    return _vevent(uid, dtstamp, timing, summary, sequence, transparent, **optional)  # type: ignore[arg-type]  # optional holds each keyword's own type


def timed_event(
    *,
    uid: str,
    start: dt.datetime,
    end: dt.datetime,
    tzid: str,
    summary: str,
    dtstamp: dt.datetime,
    sequence: int,
    transparent: bool = False,
    **optional: object,
) -> str:
    """A ``VEVENT`` at a local time in an IANA zone: ``DTSTART;TZID=America/Lima:...``.

    Never floating time and never UTC alone: a TZID keeps the wall time right across DST
    rules, and the feed must carry a matching VTIMEZONE (RFC 5545 §3.2.19, §3.6.5), or
    Outlook shifts the event.
    """
    zone = _param_value(tzid)
    timing = [
        f"DTSTART;TZID={zone}:",
        format_local(start),
        "\r\n",
        f"DTEND;TZID={zone}:",
        format_local(end),
        "\r\n",
    ]
    return _vevent(uid, dtstamp, timing, summary, sequence, transparent, **optional)  # type: ignore[arg-type]  # optional holds each keyword's own type


def _vevent(
    uid: str,
    dtstamp: dt.datetime,
    timing: list[str],
    summary: str,
    sequence: int,
    transparent: bool,
    *,
    last_modified: dt.datetime | None = None,
    description: str | None = None,
    location: str | None = None,
    categories: Iterable[str] = (),
    url: str | None = None,
    conference: str | None = None,
    status: str | None = None,
    related_to: str | None = None,
    extra: str = "",
) -> str:
    """The VEVENT around ``timing`` lines, in one fixed property order. Empty optional
    values are left out; ``extra`` holds already-serialised content lines."""
    if sequence < 0:
        raise ValueError("SEQUENCE must not be negative (RFC 5545 §3.8.7.4)")
    if extra and not extra.endswith("\r\n"):
        raise ValueError("extra must be complete content lines ending with CRLF")
    stamp = format_utc(dtstamp)
    lines = [
        "BEGIN:VEVENT\r\n",
        fold("UID:" + escape_text(uid)),
        "DTSTAMP:",
        stamp,
        "\r\n",
        *timing,
        fold("SUMMARY:" + escape_text(summary)),
    ]
    if description:
        lines.append(fold("DESCRIPTION:" + escape_text(description)))
    if location:
        lines.append(fold("LOCATION:" + escape_text(location)))
    if categories:
        escaped = [escape_text(c) for c in categories]
        joined = ",".join(c for c in escaped if c)
        if joined:
            lines.append(fold("CATEGORIES:" + joined))
    if url and (url := _uri(url)):
        lines.append(fold("URL;VALUE=URI:" + url))
    if conference and (conference := _uri(conference)):
        # RFC 7986 §5.11: a way to join; clients that know it show a "join" button.
        lines.append(fold("CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Join online:" + conference))
    lines += (
        "TRANSP:TRANSPARENT\r\n" if transparent else "TRANSP:OPAQUE\r\n",
        f"SEQUENCE:{int(sequence)}\r\n",
    )
    if last_modified is not None:
        # Feeds usually derive both from updated_at (GUIDE.md, "Feeds"): format it once.
        modified = stamp if last_modified == dtstamp else format_utc(last_modified)
        lines += ("LAST-MODIFIED:", modified, "\r\n")
    if status:
        if status not in _VEVENT_STATUSES:
            raise ValueError(f"VEVENT STATUS must be one of {sorted(_VEVENT_STATUSES)}")
        lines += ("STATUS:", status, "\r\n")
    if related_to:
        lines.append(fold("RELATED-TO:" + escape_text(related_to)))
    lines += (extra, "END:VEVENT\r\n")
    return "".join(lines)


def _uri(value: str) -> str:
    """A URI value with control characters removed, so it cannot end its content line."""
    return value if value.isprintable() else _CONTROL.sub("", value)


def calendar(
    *,
    prodid: str,
    name: str,
    description: str | None,
    components: Iterable[str],
    refresh: str = "P1D",
    timezones: Iterable[str] = (),
) -> str:
    """A complete ``VCALENDAR`` (RFC 5545 §3.4, §3.6) for a subscription feed.

    NAME, DESCRIPTION and REFRESH-INTERVAL come from RFC 7986; X-WR-CALNAME, X-WR-CALDESC and
    X-PUBLISHED-TTL are their older equivalents, still the only ones some clients read. No
    METHOD: with ``METHOD:PUBLISH`` libical requires ORGANIZER on every event (RFC 5546).
    """
    if _DURATION.fullmatch(refresh) is None:
        raise ValueError(f"refresh must be an RFC 5545 §3.3.6 duration such as P1D: {refresh!r}")
    head = [
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
        text("PRODID", prodid),
        "CALSCALE:GREGORIAN\r\n",
        text("NAME", name),
        text("X-WR-CALNAME", name),
    ]
    if description:
        head += (text("DESCRIPTION", description), text("X-WR-CALDESC", description))
    head += (
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}\r\n",
        f"X-PUBLISHED-TTL:{refresh}\r\n",
    )
    return "".join([*head, *timezones, *components, "END:VCALENDAR\r\n"])
