"""What every model shares: the naming convention, text and date validators, pages."""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Generic, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel
from sqlmodel import Field, SQLModel

from app import countries as country_data
from app.anniversaries import Precision
from app.db import UTCDateTime, utcnow
from app.i18n.languages import LANGUAGES

# One naming convention, so that Alembic names constraints the same on every engine.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# ---------------------------------------------------------------- validation helpers

# ASCII digits only: ``\d`` would take Arabic-Indic and other Unicode digits.
_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def parse_partial_date(value: str) -> tuple[dt.date, Precision]:
    """``1971-11-02`` (day), ``1971-11`` (month) or ``1971`` (year) to the period's first day."""
    m = _DATE_RE.fullmatch(value.strip())
    if not m:
        raise ValueError("expected YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(g) if g is not None else None for g in m.groups())
    if year == 0:
        raise ValueError("year must be between 1 and 9999")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month} does not exist")
    try:
        first = dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"{value.strip()} does not exist: day is out of range for month") from None
    if day == 0:  # "1971-11-00" is no day, not a month precision
        raise ValueError(f"{value.strip()} does not exist: day 0")
    precision = (
        Precision.day
        if day is not None
        else Precision.month
        if month is not None
        else Precision.year
    )
    return first, precision


# The years an event and a feed window may fall in: every one of the 12 calendar clients we
# test against (the ical-clients tool CI runs) reads them. sabre/vobject (Nextcloud, Baikal)
# refuses dates before 1000 and from 3000 on, Python's ical and vobject lose a VTIMEZONE in
# 9999, and a time near year 1 or 9999 has no UTC instant in Python (an OverflowError).
FIRST_YEAR, LAST_YEAR = 1000, 2999


def calendar_year_problem(value: dt.date) -> str | None:
    """Why a day or time cannot be in a calendar, or None."""
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return f"calendars take years {FIRST_YEAR} to {LAST_YEAR} only; not {value.year}"


def format_partial_date(d: dt.date, precision: str | None) -> str:
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


CountryCode = Annotated[str, AfterValidator(check_country)]


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


def _check_unicode(value: str) -> None:
    """No lone surrogate (``"\\ud800"`` in JSON, or CESU-8 bytes): it is no character, and
    it cannot be stored, written to a feed or even encoded as UTF-8."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(
                f"lone surrogate U+{ord(value[exc.start]):04X} is not a character"
            ) from None


def _check_line(value: str | None) -> str | None:
    """Single-line text (a title, a source): no control characters but tab."""
    if value is None:
        return None
    _check_unicode(value)
    for ch in value:
        if ch != "\t" and unicodedata.category(ch) == "Cc":
            raise ValueError(f"control character U+{ord(ch):04X} is not allowed here")
    return value


def _check_text(value: str | None) -> str | None:
    """Multi-line text: line endings become LF; tab is kept; other control characters fail."""
    if value is None:
        return None
    _check_unicode(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for ch in value:
        if ch not in "\n\t" and unicodedata.category(ch) == "Cc":
            raise ValueError(f"control character U+{ord(ch):04X} is not allowed here")
    return value


def _check_url(value: str | None) -> str | None:
    if value is None:
        return None
    _check_unicode(value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError("expected an absolute http or https URL")
    return value


def _in_languages(limit: int, check: Callable[[str | None], str | None]) -> AfterValidator:
    """A text per language (``{"zh": "...", "es": "..."}``): keys among the six languages,
    each value checked like the field it translates and at most ``limit`` characters."""

    def validate(value: dict[str, str]) -> dict[str, str]:
        result = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                raise ValueError(f"unknown language {lang!r}; use one of: {', '.join(LANGUAGES)}")
            if not text.strip():
                raise ValueError(f"the {lang} text is empty; leave the language out instead")
            if len(text) > limit:
                raise ValueError(f"the {lang} text is longer than {limit} characters")
            result[lang] = check(text) or ""
        return {lang: result[lang] for lang in LANGUAGES if lang in result}

    return AfterValidator(validate)


Line = Annotated[str, AfterValidator(_check_line)]
Text = Annotated[str, AfterValidator(_check_text)]
Url = Annotated[str, AfterValidator(_check_url)]

TITLE_MAX = 500
DESCRIPTION_MAX = 20_000
TitleI18n = Annotated[dict[str, str], _in_languages(TITLE_MAX, _check_line)]
DescriptionI18n = Annotated[dict[str, str], _in_languages(DESCRIPTION_MAX, _check_text)]
SOURCE_MAX = 2_000


# ---------------------------------------------------------------- shared columns


class History(SQLModel):
    """The columns of an item that is edited, revised and soft-deleted (milestones, events);
    ``app.crud`` is the only writer of them."""

    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The ETag of the item and the SEQUENCE of its VEVENT: grows by one per change.
    revision: int = 1
    # Soft delete: an admin can restore it; until then it reads as 404 everywhere.
    deleted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class Place(SQLModel):
    """One country or an unordered pair, stored sorted (``country_a`` first) so that a pair
    has one spelling and each column one index."""

    country_a: str = Field(foreign_key="country.code", max_length=8, index=True)
    country_b: str | None = Field(
        default=None, foreign_key="country.code", max_length=8, index=True
    )

    @property
    def countries(self) -> list[str]:
        return [self.country_a] if self.country_b is None else [self.country_a, self.country_b]

    @staticmethod
    def columns_of(countries: list[str]) -> dict[str, str | None]:
        """The columns for a validated (sorted) ``Countries`` list."""
        second = countries[1] if len(countries) == 2 else None
        return {"country_a": countries[0], "country_b": second}


# ---------------------------------------------------------------- lists

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    total: int
    limit: int
    offset: int
