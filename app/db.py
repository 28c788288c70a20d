"""Engine, session dependency, and the column type that keeps timestamps in UTC on every engine."""

import datetime as dt
import json
from collections.abc import Iterator
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session


def utcnow() -> dt.datetime:
    """Now, in UTC, to the microsecond (what both engines store)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator):
    """An aware UTC datetime in Python, whatever the engine stores.

    SQLite keeps no time zone, so values go in as naive UTC and come back marked UTC; on
    PostgreSQL this is ``timestamptz``. Feeds derive DTSTAMP from these values, so both engines
    must hand back the same instant (RFC 5545 §3.8.7.2).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def create_db_engine(url: str, *, sqlite_busy_timeout_ms: int = 5000) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout per connection."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": sqlite_busy_timeout_ms / 1000},
            json_serializer=_json,
        )

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout_ms)}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, json_serializer=_json)


def _json(value: object) -> str:
    # Readable UTF-8 in the database, so text search finds "Perú" in a JSON column.
    return json.dumps(value, ensure_ascii=False)


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
