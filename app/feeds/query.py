"""What a feed URL's query asks for, parsed by a Pydantic model: the same accepted values and
422 problem documents as every other endpoint (where FastAPI runs the same validators), but
without FastAPI's dependency machinery, which costs more than the rest of a cached poll."""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.datastructures import QueryParams

from app.api.deps import check_window
from app.filters import AnniversaryFilter
from app.i18n.languages import DEFAULT, parse_lang
from app.models import CELEBRATED_KINDS, EventKind, MilestoneKind
from app.planning import durations
from app.planning.holidays import VERSION as HOLIDAYS_VERSION
from app.problems import from_pydantic

INCLUDES = ("anniversaries", "events")
# Added to what a feed shows; named alone, with the default INCLUDES (``include=holidays``).
EXTRA_INCLUDES = ("holidays",)
MILESTONE_KINDS = frozenset(MilestoneKind.__members__)
EVENT_KINDS = frozenset(EventKind.__members__)
Place = str | tuple[str, ...] | None
Pair = tuple[str, str] | None


def _parts(value: str) -> frozenset[str]:
    return frozenset(p.strip() for p in value.split(",") if p.strip())


class FeedParams(BaseModel):
    """The query parameters every feed takes; others (a private feed's) are left alone."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    from_: Annotated[dt.date | None, Field(alias="from")] = None
    to: dt.date | None = None
    kind: frozenset[str] = frozenset()
    jubilee_only: bool = False
    include: frozenset[str] = frozenset(INCLUDES)
    remind: tuple[str, ...] = ()
    prepare: str | None = None
    # Only the explicit parameter: calendar apps send no reliable language preference.
    lang: str = DEFAULT

    @field_validator("lang", mode="before")
    @classmethod
    def _lang(cls, value: object) -> object:
        return parse_lang(value) if isinstance(value, str) else value

    @field_validator("kind", mode="before")
    @classmethod
    def _kinds(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        wanted = _parts(value)
        unknown = wanted - MILESTONE_KINDS - EVENT_KINDS
        if unknown:
            raise ValueError(f"unknown kind {sorted(unknown)[0]!r}")
        return wanted

    @field_validator("include", mode="before")
    @classmethod
    def _include(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        parts = _parts(value)
        if not parts or parts - set(INCLUDES) - set(EXTRA_INCLUDES):
            raise ValueError("expected anniversaries, events, holidays, comma-separated")
        return parts if parts & set(INCLUDES) else parts | set(INCLUDES)

    @field_validator("remind", mode="before")
    @classmethod
    def _remind(cls, value: object) -> object:
        return durations.parse_reminders(value) if isinstance(value, str) else value

    @field_validator("prepare", mode="before")
    @classmethod
    def _prepare(cls, value: object) -> object:
        return durations.parse_lead(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class FeedQuery:
    start: dt.date
    end: dt.date
    kinds: frozenset[str]  # of milestones
    event_kinds: frozenset[str] | None  # None: every kind
    jubilee_only: bool
    include: frozenset[str]
    remind: tuple[str, ...] = ()  # canonical durations, longest first (VALARMs)
    prepare: str | None = None  # canonical whole days ("Prepare:" events)
    lang: str = DEFAULT  # part of the feed's identity: its own ETag and cache entry
    # No ``kind=`` for milestones: each pair shows only its celebrated series (issue 13).
    celebrated_only: bool = True

    @cached_property
    def key(self) -> str:
        """The feed's identity for the cache and the ETag (app/feeds/serve.py). The lead times
        and the holidays package's version only when asked for, so other feeds keep theirs."""
        events = ",".join(sorted(self.event_kinds)) if self.event_kinds is not None else "*"
        key = (
            f"{self.start}|{self.end}|{','.join(sorted(self.kinds))}|{events}|"
            f"{self.jubilee_only}|{','.join(sorted(self.include))}|{self.lang}|{self.celebrated_only}"
        )
        if self.remind or self.prepare:
            key += f"|remind={','.join(self.remind)}|prepare={self.prepare or ''}"
        if "holidays" in self.include:
            key += f"|holidays {HOLIDAYS_VERSION}"
        return key

    def anniversaries(self, country: Place, pair: Pair) -> AnniversaryFilter:
        """The filter of the anniversaries a feed of this place shows: dated ones only, as a
        calendar has no day to put an origin known only to the month or year on."""
        return AnniversaryFilter(
            country, pair, self.kinds, self.jubilee_only, dated_only=True,
            celebrated_only=self.celebrated_only,
        )  # fmt: skip

    def events(self, country: Place, pair: Pair) -> AnniversaryFilter:
        return AnniversaryFilter(country, pair, self.event_kinds)


def parse_feed_query(params: QueryParams, now: dt.date) -> FeedQuery:
    """The query parameters of every feed, checked like FastAPI would (422 problem documents)."""
    try:
        p = FeedParams.model_validate(dict(params))
    except ValidationError as exc:
        raise from_pydantic(exc, "query") from None
    start = p.from_ or dt.date(now.year - 1, 1, 1)
    end = p.to or dt.date(min(now.year + 5, dt.MAXYEAR), 12, 31)
    check_window(start, end)
    return FeedQuery(
        start,
        end,
        frozenset(p.kind & MILESTONE_KINDS or CELEBRATED_KINDS),
        frozenset(p.kind & EVENT_KINDS) or None,
        p.jubilee_only,
        p.include,
        p.remind,
        p.prepare,
        p.lang,
        celebrated_only=not (p.kind & MILESTONE_KINDS),
    )
