"""Milestones, their kinds, and anniversaries as the API shows them."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, computed_field, field_validator, model_validator
from sqlmodel import Field, SQLModel

from app.anniversaries import Precision
from app.lifecycle import parse_month_day
from app.models.common import (
    DESCRIPTION_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    Countries,
    DescriptionI18n,
    History,
    Line,
    Place,
    Text,
    TitleI18n,
    Url,
    format_partial_date,
    parse_partial_date,
)
from app.wording import default_title


class MilestoneKind(StrEnum):
    diplomatic_relations = "diplomatic_relations"
    relations_severed = "relations_severed"
    relations_restored = "relations_restored"
    relations_upgraded = "relations_upgraded"
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
        MilestoneKind.relations_upgraded,
        MilestoneKind.independence,
        MilestoneKind.national_day,
        MilestoneKind.treaty,
    }
)


class Confidence(StrEnum):
    """``verified`` only where two independent sources agree or one is the government's own
    (issue 13); everything else is ``unverified``."""

    verified = "verified"
    unverified = "unverified"


# Kinds a pair's anniversaries may count from (``celebrated``): app.lifecycle's openings and
# upgrades. A severance is never celebrated.
CELEBRABLE_KINDS = frozenset({"diplomatic_relations", "relations_restored", "relations_upgraded"})
QUOTE_MAX = 5_000


class Source(BaseModel):
    """One source that supports a milestone: what a ministry can cite."""

    model_config = ConfigDict(extra="forbid")

    title: Line | None = Field(default=None, max_length=SOURCE_MAX)
    url: Url | None = Field(default=None, max_length=SOURCE_MAX)
    quote: Text | None = Field(default=None, max_length=QUOTE_MAX)
    government: bool = Field(
        default=False, description="The government's own record (counts for `verified`)."
    )

    @model_validator(mode="after")
    def _something(self) -> "Source":
        if self.title is None and self.url is None:
            raise ValueError("a source needs a title or a url")
        return self


# ---------------------------------------------------------------- milestones


class MilestoneBase(SQLModel):
    """The fields a client writes and reads as they are stored: a field added here is a
    column, an input of create and update, an output and an audit value at once."""

    title: Line | None = Field(default=None, max_length=TITLE_MAX)
    description: Text | None = Field(default=None, max_length=DESCRIPTION_MAX, sa_type=sa.Text)
    # Names people give in other languages; a feed in that language uses them (GUIDE.md).
    title_i18n: TitleI18n = Field(
        default_factory=dict, sa_type=sa.JSON,
        schema_extra={"examples": [{"zh": "中秘建交50周年招待会"}]},
    )  # fmt: skip
    description_i18n: DescriptionI18n = Field(default_factory=dict, sa_type=sa.JSON)
    celebrated: bool = Field(
        default=False,
        description="The pair's anniversaries count from this milestone (an establishment, "
        "restoration or upgrade); without one flagged, from the first establishment.",
    )
    observed: str | None = Field(
        default=None,
        max_length=5,
        description="`MM-DD`: the day a national day is kept each year, when it differs from "
        "its origin's or the origin is unknown.",
        schema_extra={"examples": ["06-23"]},
    )
    none: bool = Field(
        default=False,
        description="A national_day row saying the state has no official national day "
        "(no date, no observed day).",
    )


class Milestone(MilestoneBase, Place, History, table=True):
    """A dated fact about one country or an unordered pair."""

    # Anniversary queries read only this index: (month, day) finds the origins that fall in a
    # window and the other columns decide the rest, so no table row is read (crud.py).
    __table_args__ = (
        sa.Index("ix_milestone_anniversary", "month", "day", "date", "kind", "deleted_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=32, index=True)
    # The first day of the period the date is known to; ``precision`` says how much is known.
    # Both null for an origin that cannot be counted (``observed`` then says the day) and for
    # a "no national day" row (``none``).
    date: dt.date | None = Field(default=None, index=True)
    precision: str | None = Field(default=None, max_length=8)
    # The day the anniversary recurs, for the anniversary index: the observed day when there
    # is one, else the date's month and day where known.
    month: int | None = None
    day: int | None = None
    confidence: str = Field(default=Confidence.unverified.value, max_length=16)
    sources: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)

    @property
    def display_title(self) -> str:
        return self.title or default_title(self.kind, self.countries, none=self.none)


class MilestoneCreate(MilestoneBase):
    model_config = ConfigDict(extra="forbid")

    kind: MilestoneKind
    date: str | None = Field(
        description="`YYYY-MM-DD`, or `YYYY-MM` / `YYYY` when only the month or year is known; "
        "null only for a national day whose origin cannot be counted (give `observed`) or "
        "that does not exist (`none`).",
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
    sources: list[Source] = Field(
        default_factory=list,
        description="Every source that supports it. `source` and `source_url` (the older "
        "single fields) are still accepted and replace the first source.",
    )

    # The single fields of older clients and version-1 files: they set the first source's
    # title and URL (a field not sent keeps its value), and are never stored or written.
    source: Line | None = Field(
        default=None, max_length=SOURCE_MAX, exclude=True, description="Deprecated: see sources."
    )
    source_url: Url | None = Field(
        default=None, max_length=SOURCE_MAX, exclude=True, description="Deprecated: see sources."
    )

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        d, precision = parse_partial_date(value)
        return format_partial_date(d, precision)

    @field_validator("observed")
    @classmethod
    def _observed(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_month_day(value)
            except ValueError:
                raise ValueError("expected MM-DD, a day of the year such as 06-23") from None
        return value

    @model_validator(mode="after")
    def _precision_agrees(self) -> "MilestoneCreate":
        if self.source is not None or self.source_url is not None:
            first = self.sources[0] if self.sources else None
            title = self.source if self.source is not None else first and first.title
            url = self.source_url if self.source_url is not None else first and first.url
            keep = first.model_dump(exclude={"title", "url"}) if first else {}
            self.sources = [Source(title=title, url=url, **keep), *self.sources[1:]]
            self.source = self.source_url = None
        if self.none:
            if self.kind != MilestoneKind.national_day or self.date or self.observed:
                raise ValueError(
                    "none (no national day) is a national_day without date or observed"
                )
        elif self.observed is not None and self.kind != MilestoneKind.national_day:
            raise ValueError("observed is for national days")
        if self.celebrated and (self.kind not in CELEBRABLE_KINDS or len(self.countries) != 2):
            raise ValueError("celebrated is for a pair's establishment, restoration or upgrade")
        if self.date is None:
            if not (self.none or self.observed):
                raise ValueError("date is required unless observed or none is given")
            if self.precision is not None:
                raise ValueError("precision needs a date")
            return self
        actual = parse_partial_date(self.date)[1]
        if self.precision is not None and self.precision != actual:
            raise ValueError(
                f"precision {self.precision.value!r} does not match date {self.date!r}"
                f" ({actual.value} precision)"
            )
        self.precision = actual
        return self

    def fields(self) -> dict[str, Any]:
        """The table columns this input sets: ``MilestoneBase``'s as they are, and those
        derived from the date and the countries."""
        d, precision = parse_partial_date(self.date) if self.date else (None, None)
        month = d.month if d and precision != Precision.year else None
        day = d.day if d and precision == Precision.day else None
        if self.observed is not None:
            month, day = parse_month_day(self.observed)
        return {
            **self.model_dump(include=set(MilestoneBase.model_fields)),
            **Place.columns_of(self.countries),
            "kind": self.kind.value,
            "date": d,
            "precision": precision.value if precision else None,
            "month": month,
            "day": day,
            "confidence": self.confidence.value,
            "sources": [s.model_dump(exclude_defaults=True) for s in self.sources],
        }


class MilestoneUpdate(MilestoneBase):
    """A partial update: only the fields sent change; ``null`` clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    kind: MilestoneKind | None = None
    date: str | None = None
    precision: Precision | None = None
    countries: list[str] | None = None
    confidence: Confidence | None = None
    sources: list[Source] | None = None
    source: Line | None = Field(default=None, description="Deprecated: sets the first source.")
    source_url: Url | None = Field(default=None, description="Deprecated: the first source's URL.")


class MilestonePublic(MilestoneBase):
    """``MilestonePublic.model_validate(milestone)``: the stored fields as they are, and the
    date, countries and title in the form clients read."""

    id: uuid.UUID
    kind: MilestoneKind
    date: str | None = Field(schema_extra={"examples": ["1971-11-02"]})
    precision: Precision | None
    countries: list[str]
    title: str = Field(description="The given title, or one generated from kind and countries.")
    title_generated: bool
    description: str | None
    sources: list[Source]
    confidence: Confidence
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int

    @model_validator(mode="before")
    @classmethod
    def _from_table(cls, data: Any) -> Any:
        if not isinstance(data, Milestone):
            return data
        return {
            **data.model_dump(),
            "date": format_partial_date(data.date, data.precision) if data.date else None,
            "countries": data.countries,
            "title": data.display_title,
            "title_generated": data.title is None,
        }

    def as_input(self) -> dict[str, Any]:
        """The fields a client would send to recreate this milestone."""
        fields = set(MilestoneCreate.model_fields) - {"source", "source_url"}
        data = self.model_dump(include=fields)
        data["sources"] = [s.model_dump(exclude_defaults=True) for s in self.sources]
        data["title"] = None if self.title_generated else self.title
        return data

    @computed_field(description="Deprecated: the first source's title (see `sources`).")  # type: ignore[prop-decorator]
    @property
    def source(self) -> str | None:
        return self.sources[0].title if self.sources else None

    @computed_field(description="Deprecated: the first source's URL (see `sources`).")  # type: ignore[prop-decorator]
    @property
    def source_url(self) -> str | None:
        return self.sources[0].url if self.sources else None


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
        description="In the answer's language (`Content-Language`).",
        schema_extra={"examples": ["China – Peru: 50th anniversary of diplomatic relations"]},
    )
    kind_label: str = Field(
        description="The kind as people read it, in the answer's language.",
        schema_extra={"examples": ["Diplomatic relations"]},
    )
    note: str | None = Field(
        default=None,
        description="Why the day is 28 February, or why there is no day, in the answer's language.",
    )
    origin_date: str
    precision: Precision
    milestone_title: str
    event_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Events that celebrate this anniversary."
    )
