"""When the database misbehaves, requests get a quick 503 with Retry-After, never a 500 and
never a hang past ``DIPLOCAL_DB_TIMEOUT_SECONDS``. Runs on both engines; the test that stops
a real PostgreSQL server under load is in ``test_postgres_restart.py``."""

import logging
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import create_key
from app.config import Settings
from app.main import create_app
from app.models import Scope
from tests.databases import ON_POSTGRESQL, unreachable_url
from tests.factories import CN_PE

TIMEOUT = 0.5


def assert_unavailable(r, retry_after: int = 5) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["retry-after"] == str(retry_after)
    assert r.headers["cache-control"] == "no-store"  # a CDN must not keep the error
    body = r.json()
    assert body["status"] == 503 and body["title"] == "Service Unavailable"
    assert "Traceback" not in r.text


@pytest.fixture
def impatient(database_url) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A client whose service waits at most TIMEOUT for the database, and an admin key."""
    settings = Settings(
        database_url=database_url,
        db_timeout_seconds=TIMEOUT,
        sqlite_busy_timeout_ms=int(TIMEOUT * 1000),
        db_pool_size=1,
        db_max_overflow=0,
    )
    with TestClient(create_app(settings)) as c:
        with Session(c.app.state.engine) as s:
            key = create_key(s, "admin", Scope.admin)[1]
        yield c, {"Authorization": f"Bearer {key}"}


def test_unreachable_database_gives_503_with_retry_after_everywhere(tmp_path, caplog):
    settings = Settings(database_url=unreachable_url(tmp_path), db_retry_after=7)
    with TestClient(create_app(settings)) as c, caplog.at_level(logging.WARNING):
        for path in (
            "/api/v1/milestones",
            "/api/v1/anniversaries?from=2021-01-01&to=2021-12-31",
            "/api/v1/events",
            "/feeds/all.ics",
            "/feeds/countries/PE.ics",
        ):
            assert_unavailable(c.get(path), retry_after=7)
        r = c.post("/api/v1/milestones", json=CN_PE, headers={"Authorization": "Bearer x"})
        assert_unavailable(r, retry_after=7)
        assert_unavailable(c.get("/readyz"), retry_after=7)
        assert c.get("/healthz").status_code == 200  # the process itself is fine
    # Logged as an outage, one line each, not as a bug with a traceback.
    assert any("database unavailable" in rec.getMessage() for rec in caplog.records)
    assert not any(rec.exc_info for rec in caplog.records)


def test_a_write_blocked_past_the_timeout_gets_503_in_time(impatient, database_url):
    client, auth = impatient
    blocker = sa.create_engine(database_url, poolclass=sa.NullPool)
    with blocker.connect() as conn:
        if ON_POSTGRESQL:
            conn.exec_driver_sql("BEGIN")
            conn.exec_driver_sql("LOCK TABLE milestone IN ACCESS EXCLUSIVE MODE")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # SQLite: the one writer's lock
        started = time.monotonic()
        r = client.post("/api/v1/milestones", json=CN_PE, headers=auth)
        waited = time.monotonic() - started
        conn.exec_driver_sql("ROLLBACK")
    blocker.dispose()
    assert_unavailable(r)
    assert TIMEOUT * 0.8 <= waited < TIMEOUT + 2, waited
    # The lock is gone, the service is not: the same write now succeeds.
    assert client.post("/api/v1/milestones", json=CN_PE, headers=auth).status_code == 201


def test_no_free_connection_within_the_timeout_gets_503_in_time(impatient):
    client, _ = impatient
    with client.app.state.engine.connect():  # the pool's only connection, held
        started = time.monotonic()
        r = client.get("/api/v1/milestones")
        waited = time.monotonic() - started
    assert_unavailable(r)
    assert waited < TIMEOUT + 2, waited
    assert client.get("/api/v1/milestones").status_code == 200


@pytest.mark.skipif(not ON_POSTGRESQL, reason="statement_timeout is PostgreSQL's")
def test_a_statement_slower_than_the_timeout_is_cancelled(impatient):
    client, _ = impatient
    started = time.monotonic()
    with pytest.raises(sa.exc.OperationalError), Session(client.app.state.engine) as s:
        s.exec(sa.text("SELECT pg_sleep(5)"))  # type: ignore[call-overload]  # SQLModel's exec is typed for select()
    assert time.monotonic() - started < TIMEOUT + 2


def test_database_errors_that_are_bugs_stay_500(client, caplog):
    app = client.app

    @app.get("/boom/{kind}")
    def boom(kind: str):
        if kind == "integrity":
            raise sa.exc.IntegrityError("INSERT ...", {}, Exception("duplicate key"))
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    with caplog.at_level(logging.ERROR):
        r = client.get("/boom/integrity")
    assert r.status_code == 500 and "duplicate" not in r.text
    assert any(rec.exc_info for rec in caplog.records)  # a bug keeps its traceback
    assert_unavailable(client.get("/boom/operational"))


@pytest.mark.skipif(not ON_POSTGRESQL, reason="terminates a PostgreSQL backend")
def test_a_connection_lost_after_the_work_is_done_does_not_cut_the_client_off(client, database_url):
    """A restart can cut a session off between the handler's commit and the release of its
    connection; the client must still get the answer (here 200), not a reset connection."""
    from app.db import SessionDep

    killer = sa.create_engine(database_url, poolclass=sa.NullPool)

    @client.app.get("/cut-off")
    def cut_off(session: SessionDep):
        pid = session.exec(sa.text("SELECT pg_backend_pid()")).scalar_one()  # type: ignore[call-overload]  # SQLModel's exec is typed for select()
        with killer.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return {"done": True}

    r = client.get("/cut-off")
    killer.dispose()
    assert r.status_code == 200 and r.json() == {"done": True}
    assert client.get("/api/v1/milestones").status_code == 200  # and the pool recovered


def test_a_feed_served_before_an_outage_is_served_stale_during_it(client, session, monkeypatch):
    """Stale is better than nothing for a calendar: the last bytes a worker served for a feed
    keep being served while the database is down; a feed it never served gets a 503."""
    import sqlite3

    import sqlalchemy as sa

    from tests.factories import make_milestone

    make_milestone(session)
    url = "/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31"
    before = client.get(url)
    assert before.status_code == 200

    def down(scope):
        raise sa.exc.OperationalError("SELECT", (), sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(client.app.state.feed_versions, "read", down)
    during = client.get(url)
    assert during.status_code == 200
    assert during.content == before.content and during.headers["etag"] == before.headers["etag"]
    revalidated = client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert revalidated.status_code == 304
    never_served = client.get("/feeds/countries/PE.ics")
    assert never_served.status_code == 503
    assert never_served.headers["retry-after"]
    assert never_served.headers["content-type"] == "application/problem+json"
