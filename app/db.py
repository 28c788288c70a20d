"""Engine, session dependency, and the column type that keeps timestamps in UTC on every engine."""

import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

if TYPE_CHECKING:
    from app.config import Settings


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


def create_db_engine(
    url: str,
    *,
    sqlite_busy_timeout_ms: int = 5000,
    timeout_seconds: float | None = None,
    pool_size: int = 5,
    max_overflow: int = 10,
) -> Engine:
    """An engine for ``url``.

    SQLite gets WAL, foreign keys and a busy timeout per connection. PostgreSQL gets a pool
    that tests each connection before handing it out (``pool_pre_ping``), so connections
    broken by a database restart are replaced instead of failing a request. When
    ``timeout_seconds`` is given (the service; not migrations, which may take long) it bounds
    every wait: for a pooled connection (both engines), and on PostgreSQL to connect (at least
    2 s, libpq's least), for each statement (``statement_timeout``) and for a peer that
    vanished (``tcp_user_timeout``, keepalives). Past it the request fails fast and the
    service answers 503 (``app.problems``) instead of hanging.
    """
    pool: dict[str, object] = {
        "pool_size": pool_size,
        "max_overflow": max_overflow,
        "pool_timeout": timeout_seconds if timeout_seconds is not None else 30,
    }
    if url.startswith("sqlite"):
        in_memory = sa.make_url(url).database in (None, "", ":memory:")
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": sqlite_busy_timeout_ms / 1000},
            json_serializer=_json,
            **({} if in_memory else pool),
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
    if sa.make_url(url).get_backend_name() != "postgresql":
        return sa.create_engine(url, pool_pre_ping=True, json_serializer=_json)
    connect_args: dict[str, object] = {"application_name": "diplocal", "connect_timeout": 10}
    if timeout_seconds is not None:
        ms = int(timeout_seconds * 1000)
        seconds = max(1, math.ceil(timeout_seconds))
        connect_args |= {
            "connect_timeout": max(2, seconds),  # libpq's least
            "options": f"-c statement_timeout={ms}",
            "tcp_user_timeout": ms,
            "keepalives": 1,
            "keepalives_idle": seconds,
            "keepalives_interval": 1,
            "keepalives_count": 3,
        }
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        connect_args=connect_args,
        json_serializer=_json,
        **pool,
    )


def engine_for(settings: "Settings") -> Engine:
    """The service's engine, with the settings' pool and timeouts."""
    return create_db_engine(
        settings.database_url,
        sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        timeout_seconds=settings.db_timeout_seconds,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )


def _json(value: object) -> str:
    # Readable UTF-8 in the database, so text search finds "Perú" in a JSON column.
    return json.dumps(value, ensure_ascii=False)


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` says the database is down, restarting, overloaded or too slow (which
    retrying later can cure), rather than that the request or the code is wrong.

    That is: no pooled connection came free in time; the DBAPI's OperationalError (refused or
    lost connections, a server shutting down or starting up, ``statement_timeout``, SQLite's
    "database is locked" or a missing file); its InterfaceError (a connection closed under
    it); and any error after which SQLAlchemy invalidated the connection.
    """
    if isinstance(exc, sa.exc.TimeoutError):
        return True
    if isinstance(exc, sa.exc.DBAPIError):
        return exc.connection_invalidated or isinstance(
            exc, sa.exc.OperationalError | sa.exc.InterfaceError
        )
    return False


def get_session(request: Request) -> Iterator[Session]:
    session = Session(request.app.state.engine)
    try:
        yield session
    finally:
        try:
            session.close()
        except sa.exc.SQLAlchemyError as exc:
            # The request's work is done, committed or not. A connection lost while it is
            # released (the server restarting) is the pool's to replace; raising here, after
            # the response has started, would only cut the client off.
            if not database_unavailable(exc):
                raise


SessionDep = Annotated[Session, Depends(get_session)]
