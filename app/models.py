"""Tables and the API's request and response shapes, one family per noun (SQLModel tutorial style).

Enumerations are stored as plain strings, never as database enum types, so that adding a kind
is a code change and not a migration on PostgreSQL.
"""

import datetime as dt
import re
import unicodedata
import uuid
import zoneinfo
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator, model_validator
from sqlmodel import Field, SQLModel

from app import countries as country_data
from app.anniversaries import Precision, ordinal
from app.db import UTCDateTime, utcnow
from app.problems import FieldError
from app.wording import default_title

# One naming convention, so that Alembic names constraints the same on every engine.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class MilestoneKind(StrEnum):
    diplomatic_relations = "diplomatic_relations"
    relations_severed = "relations_severed"
    relations_restored = "relations_restored"
    independence = "independence"
    national_day = "national_day"
    treaty = "treaty"
    state_visit = "state_visit"
    other = "other"


# Kinds that feeds and jubilee lists show unless ``kind=`` asks for others (GUIDE.md).
CELEBRATED_KINDS = frozenset(
    {
        MilestoneKind.diplomatic_relations,
        MilestoneKind.relations_restored,
        MilestoneKind.independence,
        MilestoneKind.national_day,
        MilestoneKind.treaty,
    }
)


class Confidence(StrEnum):
    verified = "verified"
    unverified = "unverified"


class Scope(StrEnum):
    admin = "admin"
    editor = "editor"
    reader = "reader"


# ---------------------------------------------------------------- validation helpers

_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_partial_date(value: str) -> tuple[dt.date, Precision]:
    """``1971-11-02`` (day), ``1971-11`` (month) or ``1971`` (year) to the period's first day."""
    m = _DATE_RE.fullmatch(value.strip())
    if not m:
        raise ValueError("expected YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(g) if g else None for g in m.groups())
    if year == 0:
        raise ValueError("year must be between 1 and 9999")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month} does not exist")
    try:
        first = dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"{value.strip()} does not exist: day is out of range for month") from None
    precision = Precision.day if day else Precision.month if month else Precision.year
    return first, precision


def format_partial_date(d: dt.date, precision: str) -> str:
    if precision == Precision.year:
        return f"{d.year:04d}"
    if precision == Precision.month:
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


def check_country(code: str) -> str:
    info = country_data.lookup(code)
    if info is None:
        raise ValueError(f"unknown country code {code!r}")
    return info.code


def _check_countries(codes: list[str]) -> list[str]:
    if not codes:
        raise ValueError("at least one country is required")
    if len(codes) > 2:
        raise ValueError("at most two countries: a milestone concerns one country or a pair")
    result = sorted(check_country(c) for c in codes)
    if len(result) == 2 and result[0] == result[1]:
        raise ValueError("a pair needs two different countries")
    return result


Countries = Annotated[list[str], AfterValidator(_check_countries)]


def _check_line(value: str | None) -> str | None:
    """Single-line text (a title, a source): no control characters but tab."""
    if value is None:
        return None
    for ch in value:
        if ch != "\t" and unicodedata.category(ch) == "Cc":
            raise ValueError(f"control character U+{ord(ch):04X} is not allowed here")
    return value


def _check_text(value: str | None) -> str | None:
    """Multi-line text: line endings become LF; tab is kept; other control characters fail."""
    if value is None:
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for ch in value:
        if ch not in "\n\t" and unicodedata.category(ch) == "Cc":
            raise ValueError(f"control character U+{ord(ch):04X} is not allowed here")
    return value


def _check_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError("expected an absolute http or https URL")
    return value


Line = Annotated[str, AfterValidator(_check_line)]
Text = Annotated[str, AfterValidator(_check_text)]
Url = Annotated[str, AfterValidator(_check_url)]

TITLE_MAX = 500
DESCRIPTION_MAX = 20_000
SOURCE_MAX = 2_000


# ---------------------------------------------------------------- countries


class Country(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=8)
    name: str = Field(max_length=200, index=True)
    official_name: str | None = Field(default=None, max_length=200)
    alpha_3: str | None = Field(default=None, max_length=3)
    former: bool = False
    ended: str | None = Field(default=None, max_length=10)


class CountryPublic(SQLModel):
    code: str
    name: str
    official_name: str | None
    alpha_3: str | None
    former: bool
    ended: str | None = Field(description="When a former state ended (ISO 3166-3 withdrawal).")


# ---------------------------------------------------------------- milestones


class MilestoneBase(SQLModel):
    title: Line | None = Field(default=None, max_length=TITLE_MAX)
    description: Text | None = Field(default=None, max_length=DESCRIPTION_MAX)
    source: Line | None = Field(default=None, max_length=SOURCE_MAX)
    source_url: Url | None = Field(default=None, max_length=SOURCE_MAX)


class Milestone(SQLModel, table=True):
    """A dated fact about one country or an unordered pair (stored sorted: ``country_a`` first)."""

    # Anniversary queries read only this index: (month, day) finds the origins that fall in a
    # window and the other columns decide the rest, so no table row is read (crud.py).
    # Covers the anniversary window query, so the database reads the index alone.
    __table_args__ = (
        sa.Index("ix_milestone_anniversary", "month", "day", "date", "kind", "deleted_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=32, index=True)
    country_a: str = Field(foreign_key="country.code", max_length=8, index=True)
    country_b: str | None = Field(
        default=None, foreign_key="country.code", max_length=8, index=True
    )
    # The first day of the period the date is known to; ``precision`` says how much is known.
    date: dt.date = Field(index=True)
    precision: str = Field(max_length=8)
    # Copies of the date's month and day where known, for the anniversary index.
    month: int | None = None
    day: int | None = None
    title: str | None = Field(default=None, max_length=TITLE_MAX)
    description: str | None = Field(default=None, sa_type=sa.Text)
    source: str | None = Field(default=None, max_length=SOURCE_MAX)
    source_url: str | None = Field(default=None, max_length=SOURCE_MAX)
    confidence: str = Field(default=Confidence.unverified.value, max_length=16)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = 1
    # Soft delete: an admin can restore it; until then it reads as 404 everywhere.
    deleted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def countries(self) -> list[str]:
        return [self.country_a] if self.country_b is None else [self.country_a, self.country_b]

    @property
    def display_title(self) -> str:
        return self.title or default_title(self.kind, self.countries)


class MilestoneCreate(MilestoneBase):
    model_config = ConfigDict(extra="forbid")

    kind: MilestoneKind
    date: str = Field(
        description="`YYYY-MM-DD`, or `YYYY-MM` / `YYYY` when only the month or year is known.",
        schema_extra={"examples": ["1971-11-02"]},
    )
    precision: Precision | None = Field(
        default=None, description="Optional; when given it must agree with `date`."
    )
    countries: Countries = Field(
        description="One country, or an unordered pair (ISO 3166 codes).",
        schema_extra={"examples": [["CN", "PE"]]},
    )
    confidence: Confidence = Confidence.unverified

    @field_validator("date")
    @classmethod
    def _date(cls, value: str) -> str:
        d, precision = parse_partial_date(value)
        return format_partial_date(d, precision)

    @model_validator(mode="after")
    def _precision_agrees(self) -> "MilestoneCreate":
        actual = parse_partial_date(self.date)[1]
        if self.precision is not None and self.precision != actual:
            raise ValueError(
                f"precision {self.precision.value!r} does not match date {self.date!r}"
                f" ({actual.value} precision)"
            )
        self.precision = actual
        return self

    def fields(self) -> dict[str, Any]:
        """The table columns this input sets."""
        d, precision = parse_partial_date(self.date)
        return {
            "kind": self.kind.value,
            "country_a": self.countries[0],
            "country_b": self.countries[1] if len(self.countries) == 2 else None,
            "date": d,
            "precision": precision.value,
            "month": d.month if precision != Precision.year else None,
            "day": d.day if precision == Precision.day else None,
            "title": self.title,
            "description": self.description,
            "source": self.source,
            "source_url": self.source_url,
            "confidence": self.confidence.value,
        }


class MilestoneUpdate(MilestoneBase):
    """A partial update: only the fields sent change; ``null`` clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    kind: MilestoneKind | None = None
    date: str | None = None
    precision: Precision | None = None
    countries: list[str] | None = None
    confidence: Confidence | None = None


class MilestonePublic(SQLModel):
    id: uuid.UUID
    kind: MilestoneKind
    date: str = Field(schema_extra={"examples": ["1971-11-02"]})
    precision: Precision
    countries: list[str]
    title: str = Field(description="The given title, or one generated from kind and countries.")
    title_generated: bool
    description: str | None
    source: str | None
    source_url: str | None
    confidence: Confidence
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int

    @classmethod
    def of(cls, m: Milestone) -> "MilestonePublic":
        return cls(
            id=m.id,
            kind=m.kind,
            date=format_partial_date(m.date, m.precision),
            precision=m.precision,
            countries=m.countries,
            title=m.display_title,
            title_generated=m.title is None,
            description=m.description,
            source=m.source,
            source_url=m.source_url,
            confidence=m.confidence,
            created_at=m.created_at,
            updated_at=m.updated_at,
            revision=m.revision,
        )

    def as_input(self) -> dict[str, Any]:
        """The fields a client would send to recreate this milestone."""
        return {
            "kind": self.kind,
            "date": self.date,
            "countries": self.countries,
            "title": None if self.title_generated else self.title,
            "description": self.description,
            "source": self.source,
            "source_url": self.source_url,
            "confidence": self.confidence,
        }


# ---------------------------------------------------------------- anniversaries


class AnniversaryPublic(BaseModel):
    milestone_id: uuid.UUID
    kind: MilestoneKind
    countries: list[str]
    year: int = Field(description="The calendar year of the anniversary.")
    date: dt.date | None = Field(
        description="The day it is observed; null when the origin is known only to the month "
        "or year."
    )
    month: int | None = Field(description="The month, when the origin's month is known.")
    years: int
    ordinal: str = Field(schema_extra={"examples": ["50th"]})
    jubilee: bool = Field(description="A multiple of five years.")
    tier: str | None = Field(schema_extra={"examples": ["golden"]})
    observed: bool = Field(description="True when 29 February is observed on 28 February.")
    title: str = Field(
        schema_extra={
            "examples": ["50th anniversary of diplomatic relations between China and Peru"]
        }
    )
    origin_date: str
    precision: Precision
    milestone_title: str
    event_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Events that celebrate this anniversary."
    )


# ---------------------------------------------------------------- events


class EventKind(StrEnum):
    reception = "reception"
    symposium = "symposium"
    seminar = "seminar"
    performance = "performance"
    exhibition = "exhibition"
    publication = "publication"
    stamp_issue = "stamp_issue"
    ceremony = "ceremony"
    visit = "visit"
    other = "other"


class EventMode(StrEnum):
    in_person = "in_person"
    online = "online"
    hybrid = "hybrid"


class EventStatus(StrEnum):
    tentative = "tentative"
    confirmed = "confirmed"
    cancelled = "cancelled"


class Visibility(StrEnum):
    public = "public"
    private = "private"


class OrganizerRole(StrEnum):
    embassy = "embassy"
    government = "government"
    enterprise = "enterprise"
    community = "community"
    other = "other"


class Organizer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Line, Field(min_length=1, max_length=300)]
    role: OrganizerRole = OrganizerRole.other


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_timezone(name: str) -> str:
    if name not in _zone_names():
        raise ValueError(f"unknown time zone {name!r}; expected an IANA name like America/Lima")
    return name


TimeZone = Annotated[str, AfterValidator(check_timezone)]


def local_time_exists(naive: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """False for a wall time skipped by a DST change (02:30 on a spring-forward night)."""
    there_and_back = naive.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return there_and_back.replace(tzinfo=None) == naive


def anniversary_problem(origin: dt.date, year: int, event_day: dt.date) -> str | None:
    """Why an event cannot celebrate the ``year`` anniversary of a milestone dated ``origin``,
    or None. Celebrations run through the anniversary year, so a kick-off late in the year
    before or a closing early in the year after still counts; further away does not."""
    if year <= origin.year:
        return f"the milestone is from {origin.year}: {year} is not one of its anniversary years"
    if abs(event_day.year - year) > 1:
        return (
            f"the event on {event_day.isoformat()} is not near the {ordinal(year - origin.year)} "
            f"anniversary in {year}"
        )
    return None


class EventBase(SQLModel):
    title: Line = Field(min_length=1, max_length=TITLE_MAX)
    description: Text | None = Field(default=None, max_length=DESCRIPTION_MAX)
    venue: Line | None = Field(default=None, max_length=SOURCE_MAX)
    city: Line | None = Field(default=None, max_length=200)
    online_url: Url | None = Field(default=None, max_length=SOURCE_MAX)


class Event(SQLModel, table=True):
    """A celebration: all-day (``start_date``..``end_date``, inclusive) or timed (local wall
    times in ``timezone``, so a rule change in the zone database keeps 19:00 at 19:00).

    ``start_date``/``end_date`` are set for timed events too (their local days), so that one
    indexed range serves every date filter.
    """

    __table_args__ = (sa.Index("ix_event_start_date_end_date", "start_date", "end_date"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    uid: str = Field(max_length=255, sa_column_kwargs={"unique": True})
    title: str = Field(max_length=TITLE_MAX)
    description: str | None = Field(default=None, sa_type=sa.Text)
    kind: str = Field(max_length=32, index=True)
    country_a: str = Field(foreign_key="country.code", max_length=8, index=True)
    country_b: str | None = Field(
        default=None, foreign_key="country.code", max_length=8, index=True
    )
    start_date: dt.date
    end_date: dt.date
    # Local wall times in ``timezone``, deliberately naive.
    starts_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=False))
    ends_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=False))
    timezone: str | None = Field(default=None, max_length=64)
    mode: str = Field(max_length=16)
    venue: str | None = Field(default=None, max_length=SOURCE_MAX)
    city: str | None = Field(default=None, max_length=200)
    online_url: str | None = Field(default=None, max_length=SOURCE_MAX)
    organizers: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    status: str = Field(max_length=16)
    milestone_id: uuid.UUID | None = Field(
        default=None, foreign_key="milestone.id", index=True, ondelete="SET NULL"
    )
    year: int | None = None
    visibility: str = Field(default="public", max_length=16)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = 1
    deleted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def countries(self) -> list[str]:
        return [self.country_a] if self.country_b is None else [self.country_a, self.country_b]

    @property
    def private(self) -> bool:
        return self.visibility == Visibility.private

    @property
    def all_day(self) -> bool:
        return self.starts_at is None


class EventCreate(EventBase):
    """Either ``start_date`` (and ``end_date``) for an all-day event, or ``starts_at``,
    ``ends_at`` and ``timezone`` for a timed one."""

    model_config = ConfigDict(extra="forbid")

    kind: EventKind
    countries: Countries
    start_date: dt.date | None = None
    end_date: dt.date | None = Field(default=None, description="Inclusive; default start_date.")
    starts_at: dt.datetime | None = Field(
        default=None,
        description="Local time in `timezone` (`2021-11-02T19:00`); an offset, if given, is "
        "converted to that zone.",
    )
    ends_at: dt.datetime | None = None
    timezone: TimeZone | None = Field(default=None, schema_extra={"examples": ["America/Lima"]})
    mode: EventMode = EventMode.in_person
    organizers: list[Organizer] = Field(default_factory=list, max_length=50)
    status: EventStatus = EventStatus.confirmed
    visibility: Visibility = Field(
        default=Visibility.public,
        description="`private` events appear only to keys and in private feeds.",
    )
    milestone_id: uuid.UUID | None = None
    year: int | None = Field(
        default=None, ge=1, le=9999, description="The anniversary year it celebrates."
    )

    @model_validator(mode="after")
    def _consistent(self) -> "EventCreate":
        timed = (self.starts_at, self.ends_at, self.timezone)
        if self.start_date is not None:
            if any(v is not None for v in timed):
                raise ValueError(
                    "give start_date/end_date (all-day) or starts_at/ends_at/timezone, not both"
                )
            self.end_date = self.end_date or self.start_date
            if self.end_date < self.start_date:
                raise FieldError("end_date", "end_date is before start_date")
        else:
            if self.end_date is not None:
                raise FieldError("start_date", "end_date needs a start_date")
            for name, value in zip(("starts_at", "ends_at", "timezone"), timed, strict=True):
                if value is None:
                    raise FieldError(
                        name,
                        "required: an event has start_date, or starts_at, ends_at and timezone",
                    )
            zone = zoneinfo.ZoneInfo(self.timezone)  # type: ignore[arg-type]
            self.starts_at = _wall_time(self.starts_at, zone, "starts_at")  # type: ignore[arg-type]
            self.ends_at = _wall_time(self.ends_at, zone, "ends_at")  # type: ignore[arg-type]
            start = self.starts_at.replace(tzinfo=zone)
            end = self.ends_at.replace(tzinfo=zone)
            if end <= start:
                raise FieldError("ends_at", "ends_at must be after starts_at")
        if self.mode != EventMode.in_person and not self.online_url:
            raise FieldError("online_url", f"required when mode is {self.mode.value}")
        if self.year is not None and self.milestone_id is None:
            raise FieldError("year", "a year needs the milestone_id it is an anniversary of")
        return self

    @property
    def first_day(self) -> dt.date:
        return self.start_date or self.starts_at.date()  # type: ignore[union-attr]

    def fields(self) -> dict[str, Any]:
        """The table columns this input sets."""
        all_day = self.start_date is not None
        return {
            "title": self.title,
            "description": self.description,
            "kind": self.kind.value,
            "country_a": self.countries[0],
            "country_b": self.countries[1] if len(self.countries) == 2 else None,
            "start_date": self.start_date if all_day else self.starts_at.date(),  # type: ignore[union-attr]
            "end_date": self.end_date if all_day else self.ends_at.date(),  # type: ignore[union-attr]
            "starts_at": None if all_day else self.starts_at,
            "ends_at": None if all_day else self.ends_at,
            "timezone": None if all_day else self.timezone,
            "mode": self.mode.value,
            "venue": self.venue,
            "city": self.city,
            "online_url": self.online_url,
            "organizers": [o.model_dump(mode="json") for o in self.organizers],
            "status": self.status.value,
            "milestone_id": self.milestone_id,
            "year": self.year,
            "visibility": self.visibility.value,
        }


def _wall_time(value: dt.datetime, zone: zoneinfo.ZoneInfo, field: str) -> dt.datetime:
    """A naive local time in ``zone``, to the second: an aware input is converted, a skipped
    one refused. Whole seconds either way, so an exported wall time imports as the same value."""
    value = value.replace(microsecond=0)
    if value.tzinfo is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    if not local_time_exists(value, zone):
        raise FieldError(
            field, f"{value.isoformat()} does not exist in {zone.key}: the clocks skip it (DST)"
        )
    return value


class EventUpdate(EventBase):
    """A partial update: only the fields sent change; ``null`` clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    title: Line | None = Field(default=None, max_length=TITLE_MAX)  # type: ignore[assignment]
    kind: EventKind | None = None
    countries: list[str] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    timezone: str | None = None
    mode: EventMode | None = None
    organizers: list[Organizer] | None = None
    status: EventStatus | None = None
    visibility: Visibility | None = None
    milestone_id: uuid.UUID | None = None
    year: int | None = None


class EventPublic(SQLModel):
    id: uuid.UUID
    uid: str = Field(description="The iCalendar UID (RFC 5545 §3.8.4.7).")
    title: str
    description: str | None
    kind: EventKind
    countries: list[str]
    all_day: bool
    start_date: dt.date = Field(description="First day (local).")
    end_date: dt.date = Field(description="Last day, inclusive (local).")
    starts_at: dt.datetime | None = Field(description="Local time with its UTC offset.")
    ends_at: dt.datetime | None
    timezone: str | None
    mode: EventMode
    venue: str | None
    city: str | None
    online_url: str | None
    organizers: list[Organizer]
    status: EventStatus
    visibility: Visibility
    milestone_id: uuid.UUID | None
    year: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int

    @classmethod
    def of(cls, e: Event) -> "EventPublic":
        zone = zoneinfo.ZoneInfo(e.timezone) if e.timezone else None
        return cls(
            id=e.id,
            uid=e.uid,
            title=e.title,
            description=e.description,
            kind=e.kind,
            countries=e.countries,
            all_day=e.all_day,
            start_date=e.start_date,
            end_date=e.end_date,
            starts_at=e.starts_at.replace(tzinfo=zone) if e.starts_at else None,
            ends_at=e.ends_at.replace(tzinfo=zone) if e.ends_at else None,
            timezone=e.timezone,
            mode=e.mode,
            venue=e.venue,
            city=e.city,
            online_url=e.online_url,
            organizers=e.organizers,
            status=e.status,
            visibility=e.visibility,
            milestone_id=e.milestone_id,
            year=e.year,
            created_at=e.created_at,
            updated_at=e.updated_at,
            revision=e.revision,
        )

    def as_input(self) -> dict[str, Any]:
        """The fields a client would send to recreate this event."""
        data = self.model_dump(
            mode="json",
            exclude={"id", "uid", "all_day", "created_at", "updated_at", "revision"},
        )
        if self.all_day:
            data.update(starts_at=None, ends_at=None, timezone=None)
        else:
            data.update(start_date=None, end_date=None)
            data["starts_at"] = self.starts_at.replace(tzinfo=None).isoformat()  # type: ignore[union-attr]
            data["ends_at"] = self.ends_at.replace(tzinfo=None).isoformat()  # type: ignore[union-attr]
        return data


# ---------------------------------------------------------------- API keys


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=100, sa_column_kwargs={"unique": True})
    scope: str = Field(max_length=16)
    # Editors' countries, comma-separated ("CN,PE"); empty for admins and readers.
    countries: str = Field(default="", max_length=2000)
    key_hash: str = Field(max_length=64, index=True, sa_column_kwargs={"unique": True})
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def country_set(self) -> frozenset[str]:
        return frozenset(c for c in self.countries.split(",") if c)


# ---------------------------------------------------------------- audit trail


class AuditEntry(SQLModel, table=True):
    """One change: who (the key's name), when, in which request, and the values before and
    after, so that a ministry can answer "who changed this date, and from what"."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=100)
    request_id: str | None = Field(default=None, max_length=128)
    action: str = Field(max_length=16)  # create, update, delete, restore, revoke
    entity: str = Field(max_length=16, index=True)  # milestone, event, key, feed_token
    entity_id: str = Field(max_length=64, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)


class AuditPublic(SQLModel):
    id: int
    at: dt.datetime
    actor: str
    request_id: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


# ---------------------------------------------------------------- private feed tokens


class FeedToken(SQLModel, table=True):
    """A secret URL for a private feed: public and private items of some countries."""

    __tablename__ = "feed_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=100)
    countries: str = Field(default="", max_length=2000)  # "CN,PE"; empty: every country
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_by: str = Field(max_length=100)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def country_list(self) -> list[str]:
        return [c for c in self.countries.split(",") if c]


class FeedTokenCreate(SQLModel):
    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=100)
    countries: list[str] | None = Field(
        default=None,
        description="Countries whose private events the feed shows; default: the key's.",
        max_length=300,
    )

    @field_validator("countries")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else sorted({check_country(c) for c in value})


class FeedTokenPublic(SQLModel):
    id: uuid.UUID
    name: str
    countries: list[str]
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    url: str | None = Field(
        default=None, description="The private feed URL; shown once, when the token is created."
    )


# ---------------------------------------------------------------- feed versions


class FeedVersion(SQLModel, table=True):
    """How often the items of one feed scope changed, and when last.

    Scopes are ``all``, a country code (``PE``) and a sorted pair (``CN-PE``). A write bumps
    the scopes of the item's countries, so a feed's ETag comes from one indexed row, without
    building the feed, and changes only when a write could change what that feed shows. It
    lives in the database, not in process memory, so every worker sees a write at once.
    """

    __tablename__ = "feed_version"

    scope: str = Field(primary_key=True, max_length=20)
    version: int = 0
    changed_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# ---------------------------------------------------------------- lists

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    total: int
    limit: int
    offset: int
