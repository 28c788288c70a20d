"""Celebration events: all-day or timed in an IANA zone, tied to an anniversary."""

import datetime as dt
import uuid
import zoneinfo
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator
from sqlmodel import Field, SQLModel

from app.anniversaries import ordinal
from app.models.common import (
    DESCRIPTION_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    Countries,
    CountryCode,
    DescriptionI18n,
    History,
    Line,
    Place,
    Text,
    TitleI18n,
    Url,
    calendar_year_problem,
)
from app.problems import FieldError


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


def anniversary_problem(origin: dt.date | None, year: int, event_day: dt.date) -> str | None:
    """Why an event cannot celebrate the ``year`` anniversary of a milestone dated ``origin``,
    or None. Celebrations run through the anniversary year, so a kick-off late in the year
    before or a closing early in the year after still counts; further away does not."""
    if origin is None:
        return "the milestone has no dated origin: it has no anniversaries to celebrate"
    if year <= origin.year:
        return f"the milestone is from {origin.year}: {year} is not one of its anniversary years"
    if abs(event_day.year - year) > 1:
        return (
            f"the event on {event_day.isoformat()} is not near the {ordinal(year - origin.year)} "
            f"anniversary in {year}"
        )
    return None


class EventBase(SQLModel):
    """The fields a client writes and reads as they are stored (see ``MilestoneBase``)."""

    title: Line = Field(min_length=1, max_length=TITLE_MAX)
    description: Text | None = Field(default=None, max_length=DESCRIPTION_MAX, sa_type=sa.Text)
    venue: Line | None = Field(default=None, max_length=SOURCE_MAX)
    city: Line | None = Field(default=None, max_length=200)
    online_url: Url | None = Field(default=None, max_length=SOURCE_MAX)
    # Names people give in other languages; a feed in that language uses them (GUIDE.md).
    title_i18n: TitleI18n = Field(
        default_factory=dict, sa_type=sa.JSON,
        schema_extra={"examples": [{"zh": "中秘建交50周年招待会"}]},
    )  # fmt: skip
    description_i18n: DescriptionI18n = Field(default_factory=dict, sa_type=sa.JSON)
    venue_country: CountryCode | None = Field(
        default=None,
        max_length=8,
        description="The country of the venue (ISO code): LOCATION names it; unknown, none.",
    )


class Event(EventBase, Place, History, table=True):
    """A celebration: all-day (``start_date``..``end_date``, inclusive) or timed (local wall
    times in ``timezone``, so a rule change in the zone database keeps 19:00 at 19:00).

    ``start_date``/``end_date`` are set for timed events too (their local days), so that one
    indexed range serves every date filter.
    """

    __table_args__ = (sa.Index("ix_event_start_date_end_date", "start_date", "end_date"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    uid: str = Field(max_length=255, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=32, index=True)
    start_date: dt.date
    end_date: dt.date
    # Local wall times in ``timezone``, deliberately naive.
    starts_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=False))
    ends_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=False))
    timezone: str | None = Field(default=None, max_length=64)
    mode: str = Field(max_length=16)
    organizers: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    status: str = Field(max_length=16)
    milestone_id: uuid.UUID | None = Field(
        default=None, foreign_key="milestone.id", index=True, ondelete="SET NULL"
    )
    year: int | None = None
    visibility: str = Field(default="public", max_length=16)

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
        self._check_years()
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
            self._check_years()  # again: an offset may move a time into another year
            start = self.starts_at.replace(tzinfo=zone)
            end = self.ends_at.replace(tzinfo=zone)
            if end <= start:
                raise FieldError("ends_at", "ends_at must be after starts_at")
        if self.mode != EventMode.in_person and not self.online_url:
            raise FieldError("online_url", f"required when mode is {self.mode.value}")
        if self.year is not None and self.milestone_id is None:
            raise FieldError("year", "a year needs the milestone_id it is an anniversary of")
        return self

    def _check_years(self) -> None:
        """Before any time zone arithmetic, which overflows near years 1 and 9999."""
        for name in ("start_date", "end_date", "starts_at", "ends_at"):
            value = getattr(self, name)
            if value is not None and (reason := calendar_year_problem(value)):
                raise FieldError(name, reason)

    @property
    def first_day(self) -> dt.date:
        return self.start_date or self.starts_at.date()  # type: ignore[union-attr]

    def fields(self) -> dict[str, Any]:
        """The table columns this input sets."""
        all_day = self.start_date is not None
        return {
            **self.model_dump(include=set(EventBase.model_fields)),
            **Place.columns_of(self.countries),
            "kind": self.kind.value,
            "start_date": self.start_date if all_day else self.starts_at.date(),  # type: ignore[union-attr]
            "end_date": self.end_date if all_day else self.ends_at.date(),  # type: ignore[union-attr]
            "starts_at": None if all_day else self.starts_at,
            "ends_at": None if all_day else self.ends_at,
            "timezone": None if all_day else self.timezone,
            "mode": self.mode.value,
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


class EventPublic(EventBase):
    """``EventPublic.model_validate(event)``: the stored fields as they are, timed events'
    wall times with their zone's offset."""

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
    venue_country: str | None
    online_url: str | None
    organizers: list[Organizer]
    status: EventStatus
    visibility: Visibility
    milestone_id: uuid.UUID | None
    year: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int

    @model_validator(mode="before")
    @classmethod
    def _from_table(cls, data: Any) -> Any:
        if not isinstance(data, Event):
            return data
        zone = zoneinfo.ZoneInfo(data.timezone) if data.timezone else None
        return {
            **data.model_dump(),
            "countries": data.countries,
            "all_day": data.all_day,
            "starts_at": data.starts_at.replace(tzinfo=zone) if data.starts_at else None,
            "ends_at": data.ends_at.replace(tzinfo=zone) if data.ends_at else None,
        }

    def as_input(self) -> dict[str, Any]:
        """The fields a client would send to recreate this event."""
        dumped = self.model_dump(
            mode="json",
            exclude={"id", "uid", "all_day", "created_at", "updated_at", "revision"},
        )
        # In this class's declared order (pydantic lists inherited fields first), so that the
        # X-DIPLOCAL-EVENT line of feeds keeps its order when a mixin moves.
        data = {k: dumped[k] for k in type(self).__annotations__ if k in dumped}
        data.update(dumped)
        if self.all_day:
            data.update(starts_at=None, ends_at=None, timezone=None)
        else:
            data.update(start_date=None, end_date=None)
            data["starts_at"] = self.starts_at.replace(tzinfo=None).isoformat()  # type: ignore[union-attr]
            data["ends_at"] = self.ends_at.replace(tzinfo=None).isoformat()  # type: ignore[union-attr]
        return data
