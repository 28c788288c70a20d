"""What changed and when: the audit trail, and the feed versions that ETags come from."""

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow

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
