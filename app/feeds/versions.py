"""The feed version of one scope, read on every feed request without leaving the event loop.

Every feed request needs its scope's row of ``feed_version`` (the ETag and the cache key come
from it), and it must be the database's current row: a write through any worker, on any
machine, changes what every worker serves at once. So the row is read per request, never
from a timed cache. The question is only how to read it from an ``async`` handler.

This module reads it synchronously, on a DB-API connection that each worker keeps for the
purpose, inside the async handler. Measured on the 2-core benchmark machine, SQLite in WAL
mode, 100,000 milestones (``python -m bench.versions``; README.md, "Performance"):

- this read: 6 µs per request (a primary-key lookup: no ORM, no pool checkout);
- the same row through a new ORM ``Session`` per request (what ``SessionDep`` does):
  195-225 µs;
- this read handed to the thread pool and awaited (``run_in_threadpool``): 70-170 µs, nearly
  all of it the round trip between the loop and the thread, which varies with the machine;
- aiosqlite, which runs each connection in a thread of its own: 70-335 µs, for the same reason.

(Ranges over three runs on 2026-11-28, while other work shared the machine.)

Blocking the loop for 6 µs is cheaper than any way of not blocking it, so SQLite needs no
async driver. On PostgreSQL the same code (psycopg 3 is DB-API too) would block for one round
trip to the server (on loopback, commonly around 0.1 ms: ``python -m bench.versions
postgresql+psycopg://...`` measures it); if that matters, psycopg's ``AsyncConnection`` can
replace ``_read`` without changing callers. Readers never block writers in WAL mode, and a
read that fails drops the connection and retries once on a fresh one.
"""

import contextlib
import datetime as dt
import threading
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

NEVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # changed_at of a scope never written to


class FeedVersions:
    """``read(scope)`` gives ``(version, changed_at)``; ``(0, NEVER)`` for an unknown scope."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Any = None  # a pool connection, checked out for this worker's lifetime
        self._lock = threading.Lock()  # the loop calls it; tests may call it from threads
        marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._sql = f"SELECT version, changed_at FROM feed_version WHERE scope = {marker}"
        url = engine.url
        self._shared = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")

    def read(self, scope: str) -> tuple[int, dt.datetime]:
        """Raises SQLAlchemy's ``DBAPIError`` family when the database fails twice, so that
        an outage is told apart from a bug as everywhere else (``app.db``)."""
        dbapi_error = self._engine.dialect.loaded_dbapi.Error
        with self._lock:
            try:
                rows = self._read(scope)
            except dbapi_error:
                self._discard()
                try:
                    rows = self._read(scope)
                except dbapi_error as exc:
                    self._discard()
                    raise sa.exc.DBAPIError.instance(self._sql, (scope,), exc, dbapi_error) from exc
        if not rows:
            return 0, NEVER
        version, changed_at = rows[0]
        return version, _utc(changed_at)

    def _read(self, scope: str) -> list[tuple[Any, ...]]:
        if self._conn is None:
            self._conn = self._connect()
        # On the DB-API connection itself, not the pool's proxy of it (a few µs less).
        cursor = self._conn.dbapi_connection.cursor()
        try:
            cursor.execute(self._sql, (scope,))
            # fetchall() runs the statement to its end, so SQLite ends the read transaction
            # at once: the next read sees every commit made since.
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
        finally:
            cursor.close()

    def _connect(self) -> Any:
        # Through the engine, so the connection gets the same settings (WAL, busy timeout).
        conn = self._engine.raw_connection()
        if self._shared:
            return conn  # an in-memory database exists only on the pool's one connection
        conn.detach()  # ours alone: the pool neither counts it nor hands it out
        if self._engine.dialect.name == "postgresql":
            # No transaction left open between reads.
            conn.dbapi_connection.autocommit = True  # type: ignore[union-attr]  # checked out: set
        return conn

    def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not self._shared:
            with contextlib.suppress(Exception):  # broken already; a new one replaces it
                conn.invalidate()

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def _utc(value: Any) -> dt.datetime:
    """SQLite hands back ``changed_at`` as text in UTC, PostgreSQL as an aware datetime."""
    if isinstance(value, str):
        return _parse_utc(value)
    stamp: dt.datetime = value
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


@lru_cache(maxsize=4096)
def _parse_utc(text: str) -> dt.datetime:
    """The same few timestamps are read on every poll: parsed once each."""
    stamp = dt.datetime.fromisoformat(text)
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
