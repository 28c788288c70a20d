"""Who may do what: API keys and their scopes, and private feed tokens."""

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import ConfigDict, field_validator
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.models.common import Line, check_country


class Scope(StrEnum):
    admin = "admin"
    editor = "editor"
    reader = "reader"


# What each scope may do, for the command line's help and errors: no scope is a default, so
# nobody makes an admin key by leaving the option out.
SCOPE_RIGHTS = {
    Scope.admin: "every country: writes, restores, the audit trail, all-country feed tokens",
    Scope.editor: "writes events and milestones of its --countries; their private feeds",
    Scope.reader: "reads private events of its --countries (private feeds); no writes",
}


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


# ---------------------------------------------------------------- browser sessions


class BrowserSession(SQLModel, table=True):
    """A signed-in browser (app/pages/session.py): only a hash of its id is stored, so a
    database dump opens no session; the key's row decides, at every request, whether the
    key still holds (revoking it ends its sessions at once)."""

    __tablename__ = "browser_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    key_id: uuid.UUID = Field(foreign_key="api_key.id", index=True, ondelete="CASCADE")
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ServiceSecret(SQLModel, table=True):
    """Secrets the service makes for itself when the operator sets none (the key that signs
    session cookies), kept in the database so that every worker and every restart agree."""

    __tablename__ = "service_secret"

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)
