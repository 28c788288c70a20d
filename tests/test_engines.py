"""Where SQLite and PostgreSQL differ, the service must not: these run on the suite's engine
(CI runs them on both)."""

import datetime as dt
import threading
import uuid
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.crud import bump_feed_versions
from app.models import Event, FeedVersion, Milestone
from tests.factories import make_event, make_milestone


def test_timestamps_come_back_as_the_same_utc_instant(session):
    """Feeds derive DTSTAMP from these: both engines must return the stored instant, in UTC,
    to the microsecond, whatever zone it was given in."""
    lima = dt.datetime(2021, 11, 2, 19, 0, 0, 123456, tzinfo=ZoneInfo("America/Lima"))
    m = make_milestone(session)
    m.updated_at = lima
    session.add(m)
    session.commit()
    with Session(session.get_bind()) as fresh:
        stored = fresh.get(Milestone, m.id)
        assert stored is not None
        assert stored.updated_at == lima
        assert stored.updated_at.tzinfo == dt.UTC
        assert stored.updated_at.isoformat() == "2021-11-03T00:00:00.123456+00:00"


def test_local_event_times_stay_wall_times(session):
    event = make_event(session)  # 19:00 in Lima
    with Session(session.get_bind()) as fresh:
        stored = fresh.get(Event, event.id)
        assert stored is not None
        assert stored.starts_at == dt.datetime(2021, 11, 2, 19, 0)
        assert stored.starts_at.tzinfo is None  # never shifted to the server's zone or UTC


def test_ids_are_uuids_on_both_engines(session):
    m = make_milestone(session)
    with Session(session.get_bind()) as fresh:
        (found,) = fresh.exec(select(Milestone.id).where(Milestone.id == m.id)).all()
        assert isinstance(found, uuid.UUID) and found == m.id


def test_all_day_events_come_first_on_their_day(client, session):
    timed = make_event(session, starts_at="2021-11-02T08:00:00", ends_at="2021-11-02T09:00:00")
    all_day = make_event(session, start_date="2021-11-02")
    items = client.get("/api/v1/events").json()["items"]
    assert [e["id"] for e in items] == [str(all_day.id), str(timed.id)]


def test_concurrent_writers_never_share_a_feed_version(client):
    """Four writers bump the same feeds at once: the upsert is atomic on both engines, so
    every bump counts and no two writes can produce the same ETag."""
    engine = client.app.state.engine
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(10):
                with Session(engine) as s:
                    bump_feed_versions(s, ["CN", "PE"])
                    s.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with Session(engine) as s:
        versions = {v.scope: v.version for v in s.exec(select(FeedVersion))}
    assert versions == {"all": 40, "CN": 40, "PE": 40, "CN-PE": 40}


def test_plain_postgresql_urls_mean_psycopg_3():
    from app.config import Settings

    for given in ("postgres://u:p@db:5432/cal", "postgresql://u:p@db:5432/cal"):
        assert Settings(database_url=given).database_url == "postgresql+psycopg://u:p@db:5432/cal"
    kept = "postgresql+psycopg://u@db/cal"
    assert Settings(database_url=kept).database_url == kept
    assert Settings(database_url="sqlite:///x.db").database_url == "sqlite:///x.db"
