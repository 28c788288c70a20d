"""Demo data: deterministic, valid by the API's own rules, and visible in the feeds at once."""

import random

from sqlmodel import Session, func, select

from app import demo
from app.models import (
    Event,
    EventCreate,
    EventPublic,
    FeedVersion,
    Milestone,
    MilestoneCreate,
    anniversary_problem,
    format_partial_date,
)


def test_demo_rows_are_what_the_api_would_store():
    rows = demo.milestone_rows(random.Random(7), 500)
    for row in rows:
        countries = [row["country_a"], *([row["country_b"]] if row["country_b"] else [])]
        body = MilestoneCreate(
            kind=row["kind"],
            date=format_partial_date(row["date"], row["precision"]),
            countries=countries,
            description=row["description"],
            sources=row["sources"],
            confidence=row["confidence"],
        )
        assert {k: row[k] for k in body.fields()} == body.fields()
    assert {r["precision"] for r in rows} == {"day", "month", "year"}
    assert demo.milestone_rows(random.Random(7), 500) == rows  # same seed, same rows


def test_demo_data_command_fills_an_empty_database_and_bumps_its_feeds(diplocal, tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    out = diplocal(["demo-data", "--milestones", "300", "--events", "40"], url)
    assert out.returncode == 0, out.stderr
    assert "added 300 milestones and 40 events" in out.stdout
    from app.db import create_db_engine

    with Session(create_db_engine(url)) as session:
        assert session.exec(select(func.count()).select_from(Milestone)).one() == 300
        assert session.exec(select(func.count()).select_from(Event)).one() == 40
        assert session.get(FeedVersion, "all").version == 1
    again = diplocal(["demo-data", "--milestones", "10"], url)
    assert again.returncode == 1 and "holds 300 milestones" in again.stderr
    assert (
        diplocal(["demo-data", "--milestones", "10", "--add", "--seed", "2"], url).returncode == 0
    )


def test_demo_events_are_valid_and_appear_in_feeds(client, session):
    rng = random.Random(3)
    milestones = demo.milestone_rows(rng, 50, pairs=[("CN", "PE")], day_precision_only=True)
    events = demo.event_rows(rng, 20, milestones, years=(2021, 2021))
    demo.insert(session.get_bind(), milestones, events)
    feed = "/feeds/pairs/CN-PE.ics?from={}&to={}&include={}"
    assert (
        client.get(feed.format("2021-01-01", "2021-12-31", "anniversaries")).text.count(
            "BEGIN:VEVENT"
        )
        == 50
    )
    assert (
        client.get(feed.format("2020-12-01", "2022-01-31", "events")).text.count("BEGIN:VEVENT")
        == 20
    )
    origins = {m["id"]: m["date"] for m in milestones}
    for row in events:
        event = Event(**row)
        body = EventCreate.model_validate(EventPublic.model_validate(event).as_input())
        assert body.fields() == {k: row[k] for k in body.fields()}
        if event.milestone_id:
            assert (
                anniversary_problem(origins[event.milestone_id], event.year, body.first_day) is None
            )
