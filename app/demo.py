"""Deterministic fake data for demos and benchmarks: milestones over real country codes, and
celebration events, written with bulk inserts.

The same seed gives the same rows (ids and timestamps included), so two databases filled with
the same arguments serve byte-identical feeds. Every value passes the API's own validation
(``MilestoneCreate``, ``EventCreate``), so demo data behaves like data entered by hand.
"""

import datetime as dt
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import countries as country_data
from app.crud import bump_feed_versions
from app.feeds.render import event_uid_for
from app.models import Event, EventCreate, Milestone

# Weighted like the real thing: most pair milestones establish relations, most single ones
# are independence or national days.
PAIR_KINDS = (
    ("diplomatic_relations", 70),
    ("treaty", 10),
    ("state_visit", 8),
    ("relations_severed", 6),
    ("relations_restored", 6),
)
SINGLE_KINDS = (("independence", 40), ("national_day", 40), ("treaty", 10), ("other", 10))
EVENT_KINDS = (
    ("reception", 30), ("symposium", 15), ("seminar", 15), ("performance", 10),
    ("exhibition", 10), ("publication", 5), ("stamp_issue", 5), ("ceremony", 5), ("visit", 5),
)  # fmt: skip
ZONES = (
    "America/Lima", "Asia/Shanghai", "Europe/Paris", "America/New_York", "Africa/Nairobi",
    "Asia/Tokyo", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata", "Australia/Sydney",
)  # fmt: skip
# A fixed clock, so that DTSTAMP and LAST-MODIFIED do not depend on when the data was made.
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Counts:
    milestones: int
    events: int
    scopes: int


def current_countries() -> list[str]:
    return [c.code for c in country_data.all_countries() if not c.former]


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def milestone_rows(
    rng: random.Random,
    n: int,
    *,
    countries: Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    years: tuple[int, int] = (1800, 2023),
    day_precision_only: bool = False,
) -> list[dict[str, Any]]:
    """``n`` milestones as table rows: three in five for a pair, the rest for one country.

    ``pairs`` restricts them to those pairs (all pair milestones, celebrated kinds);
    ``day_precision_only`` leaves out dates known only to the month or year (about 1 in 20).
    """
    codes = list(countries or current_countries())
    rows = []
    for i in range(n):
        if pairs:
            chosen = list(pairs[i % len(pairs)])
            kind = "treaty" if i % 10 == 9 else "diplomatic_relations"
        elif rng.random() < 0.6:
            chosen = rng.sample(codes, 2)
            kind = _pick(rng, PAIR_KINDS)
        else:
            chosen = [rng.choice(codes)]
            kind = _pick(rng, SINGLE_KINDS)
        origin = dt.date(rng.randint(*years), 1, 1) + dt.timedelta(days=rng.randrange(365))
        roll = 1.0 if day_precision_only else rng.random()
        precision = "day" if roll > 0.05 else "month" if roll > 0.02 else "year"
        chosen.sort()
        stamp = STAMP + dt.timedelta(seconds=i)
        # The columns MilestoneCreate.fields() would give (tests check that they agree),
        # built directly: validating 100,000 models would take most of the time.
        rows.append(
            {
                "id": _uuid(rng),
                "kind": kind,
                "country_a": chosen[0],
                "country_b": chosen[1] if len(chosen) == 2 else None,
                "date": origin if precision == "day" else origin.replace(
                    day=1, month=origin.month if precision == "month" else 1
                ),
                "precision": precision,
                "month": origin.month if precision != "year" else None,
                "day": origin.day if precision == "day" else None,
                "title": None,
                "description": f"Demo milestone {i + 1}." if rng.random() < 0.3 else None,
                "sources": [{"title": "diplocal demo-data (generated)"}],
                "celebrated": False,
                "observed": None,
                "none": False,
                "title_i18n": {},
                "description_i18n": {},
                "confidence": "verified" if rng.random() < 0.5 else "unverified",
                "created_at": stamp,
                "updated_at": stamp,
                "revision": 1,
            }
        )  # fmt: skip
    return rows


def event_rows(
    rng: random.Random,
    n: int,
    milestones: Sequence[dict[str, Any]],
    *,
    years: tuple[int, int] = (2020, 2030),
) -> list[dict[str, Any]]:
    """``n`` celebration events in ``years``, each for the countries of a milestone; half
    celebrate that milestone's anniversary. Three in five are timed, in one of ten zones."""
    dated = [m for m in milestones if m["precision"] == "day" and m["date"].year < years[0]]
    rows = []
    for i in range(n):
        m = rng.choice(dated)
        countries = [m["country_a"], *([m["country_b"]] if m["country_b"] else [])]
        year = rng.randint(*years)
        day = m["date"].replace(year=year) if (m["date"].month, m["date"].day) != (2, 29) else (
            dt.date(year, 2, 28)
        )  # fmt: skip
        day += dt.timedelta(days=rng.randint(-3, 3))
        mode = rng.choice(("in_person", "in_person", "online", "hybrid"))
        data: dict[str, Any] = {
            "title": f"{_pick(rng, EVENT_KINDS).replace('_', ' ').capitalize()} {i + 1}",
            "kind": _pick(rng, EVENT_KINDS),
            "countries": countries,
            "mode": mode,
            "venue": "Demo venue" if mode != "online" else None,
            "city": "Demo city" if mode != "online" else None,
            "online_url": f"https://meet.example.org/demo-{i + 1}" if mode != "in_person" else None,
            "organizers": [{"name": f"Demo organiser {i % 97 + 1}", "role": "embassy"}],
            "status": "cancelled" if rng.random() < 0.05 else "confirmed",
        }
        if rng.random() < 0.5:
            data |= {"milestone_id": m["id"], "year": day.year}
        if rng.random() < 0.6:
            start = dt.datetime.combine(day, dt.time(rng.randint(9, 19)))
            data |= {
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=rng.randint(1, 3)),
                "timezone": rng.choice(ZONES),
            }
        else:
            data |= {"start_date": day, "end_date": day + dt.timedelta(days=rng.randint(0, 2))}
        event_id = _uuid(rng)
        stamp = STAMP + dt.timedelta(seconds=i)
        rows.append(
            {"id": event_id, "uid": event_uid_for(event_id), **EventCreate(**data).fields(),
             "created_at": stamp, "updated_at": stamp, "revision": 1}
        )  # fmt: skip
    return rows


def insert(
    engine: Engine,
    milestones: Iterable[dict[str, Any]] = (),
    events: Iterable[dict[str, Any]] = (),
    *,
    batch: int = 10_000,
) -> Counts:
    """Bulk-insert rows and bump the feed version of every scope they touch, once, in one
    transaction, so that no cached feed outlives the new data."""
    # In key order, so that the primary key index grows at its end.
    milestones = sorted(milestones, key=lambda r: r["id"].hex)
    events = sorted(events, key=lambda r: r["id"].hex)
    touched: set[tuple[str, ...]] = set()
    for row in (*milestones, *events):
        touched.add((row["country_a"], *([row["country_b"]] if row["country_b"] else [])))
    with Session(engine) as session:
        if engine.dialect.name == "sqlite":  # the indexes outgrow the default 2 MB page cache
            session.connection().exec_driver_sql("PRAGMA cache_size=-65536")
        tables = (Milestone.__table__, Event.__table__)  # type: ignore[attr-defined]  # SQLModel adds it
        for table, rows in zip(tables, (milestones, events), strict=True):
            for start in range(0, len(rows), batch):
                session.execute(sa.insert(table), rows[start : start + batch])
        bump_feed_versions(session, *(list(c) for c in sorted(touched)))
        session.commit()
    scopes = (
        {"all"} | {c for t in touched for c in t} | {"-".join(t) for t in touched if len(t) > 1}
    )
    return Counts(len(milestones), len(events), len(scopes) if touched else 0)


def generate(engine: Engine, *, milestones: int, events: int, seed: int = 1) -> Counts:
    """``milestones`` milestones over the current countries and ``events`` events, from
    ``seed``: the same arguments always give the same rows."""
    rng = random.Random(seed)
    rows = milestone_rows(rng, milestones)
    return insert(engine, rows, event_rows(rng, events, rows) if events else ())
