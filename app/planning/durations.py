"""ISO 8601 durations for a feed's lead time (``remind=P30D``, ``prepare=P180D``): pure.

Only the units a lead time needs: weeks, days and hours (``P2W``, ``P30D``, ``PT12H``,
``P1DT6H``). Months and years are refused because their length varies, which would make the
same parameter mean a different alarm in different years. A duration is canonicalised
(``P1W`` is ``P7D``) so that equal lead times are one feed identity, one cache entry.
"""

import datetime as dt
import re

_DURATION = re.compile(r"P(?:(\d{1,5})W|(\d{1,5})D(?:T(\d{1,5})H)?|T(\d{1,5})H)")
MAX_LEAD = dt.timedelta(days=1096)  # three years: a round anniversary is planned a year ahead
MAX_REMINDERS = 3


def parse_duration(text: str, *, whole_days: bool = False) -> dt.timedelta:
    """A positive duration of at most ``MAX_LEAD``; ``whole_days`` refuses hours (an all-day
    event can only move by days). Raises ValueError with a message for the user."""
    found = _DURATION.fullmatch(text.strip().upper())
    if found is None:
        raise ValueError(
            f"{text!r} is not an ISO 8601 duration of weeks, days or hours, like P30D or PT12H"
        )
    weeks, days, hours, only_hours = (int(g) if g else 0 for g in found.groups())
    value = dt.timedelta(weeks=weeks, days=days, hours=hours + only_hours)
    if whole_days and value % dt.timedelta(days=1):
        raise ValueError(f"{text!r}: a whole number of days or weeks is needed, like P180D")
    if not dt.timedelta(0) < value <= MAX_LEAD:
        raise ValueError(f"{text!r}: a duration from PT1H to P{MAX_LEAD.days}D is needed")
    return value


def canonical(value: dt.timedelta) -> str:
    """The duration as RFC 5545 §3.3.6 writes it, in days and hours: ``P7D``, ``P1DT6H``."""
    hours = int(value.total_seconds()) // 3600
    days, hours = divmod(hours, 24)
    if not hours:
        return f"P{days}D"
    return f"P{days}DT{hours}H" if days else f"PT{hours}H"


def parse_reminders(text: str) -> tuple[str, ...]:
    """One to ``MAX_REMINDERS`` comma-separated durations, canonical, longest first, each once."""
    parts = [p for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError("expected one or more durations, comma-separated, like P30D,P7D")
    values = sorted({parse_duration(p) for p in parts}, reverse=True)
    if len(values) > MAX_REMINDERS:
        raise ValueError(f"at most {MAX_REMINDERS} reminders")
    return tuple(canonical(v) for v in values)


def parse_lead(text: str) -> str:
    """One duration in whole days, canonical: how long before a jubilee to prepare."""
    if "," in text:
        raise ValueError("one duration, like P180D")
    return canonical(parse_duration(text, whole_days=True))


def days_of(duration: str) -> int:
    """The whole days of a canonical duration from ``parse_lead``."""
    return int(duration[1:].split("D", 1)[0])
