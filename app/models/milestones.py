"""Milestones, their kinds, and anniversaries as the API shows them."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from sqlmodel import Field, SQLModel

from app.anniversaries import Precision
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


# ---------------------------------------------------------------- milestones


class MilestoneBase(SQLModel):
    """The fields a client writes and reads as they are stored: a field added here is a
    column, an input of create and update, an output and an audit value at once."""

    title: Line | None = Field(default=None, max_length=TITLE_MAX)
    description: Text | None = Field(default=None, max_length=DESCRIPTION_MAX, sa_type=sa.Text)
    source: Line | None = Field(default=None, max_length=SOURCE_MAX)
    source_url: Url | None = Field(default=None, max_length=SOURCE_MAX)
    # Names people give in other languages; a feed in that language uses them (GUIDE.md).
    title_i18n: TitleI18n = Field(
        default_factory=dict, sa_type=sa.JSON,
        schema_extra={"examples": [{"zh": "中秘建交50周年招待会"}]},
    )  # fmt: skip
    description_i18n: DescriptionI18n = Field(default_factory=dict, sa_type=sa.JSON)


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
    date: dt.date = Field(index=True)
    precision: str = Field(max_length=8)
    # Copies of the date's month and day where known, for the anniversary index.
    month: int | None = None
    day: int | None = None
    confidence: str = Field(default=Confidence.unverified.value, max_length=16)

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
        """The table columns this input sets: ``MilestoneBase``'s as they are, and those
        derived from the date and the countries."""
        d, precision = parse_partial_date(self.date)
        return {
            **self.model_dump(include=set(MilestoneBase.model_fields)),
            **Place.columns_of(self.countries),
            "kind": self.kind.value,
            "date": d,
            "precision": precision.value,
            "month": d.month if precision != Precision.year else None,
            "day": d.day if precision == Precision.day else None,
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


class MilestonePublic(MilestoneBase):
    """``MilestonePublic.model_validate(milestone)``: the stored fields as they are, and the
    date, countries and title in the form clients read."""

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

    @model_validator(mode="before")
    @classmethod
    def _from_table(cls, data: Any) -> Any:
        if not isinstance(data, Milestone):
            return data
        return {
            **data.model_dump(),
            "date": format_partial_date(data.date, data.precision),
            "countries": data.countries,
            "title": data.display_title,
            "title_generated": data.title is None,
        }

    def as_input(self) -> dict[str, Any]:
        """The fields a client would send to recreate this milestone."""
        data = self.model_dump(include=set(MilestoneCreate.model_fields))
        data["title"] = None if self.title_generated else self.title
        return data


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
