"""The database computes which anniversaries fall in a window and orders them; the pure engine
(app.anniversaries) defines what the right answer is. These tests hold one to the other."""

import datetime as dt
import random
import uuid
from dataclasses import replace

import pytest
from sqlmodel import select

from app import anniversaries as engine
from app import demo, queries
from app.filters import AnniversaryFilter
from app.models import CELEBRATED_KINDS, Milestone
from tests.databases import ON_POSTGRESQL

D = dt.date


def _row(i: int, origin: D, precision: str, kind: str, countries: list[str]) -> dict:
    stamp = demo.STAMP
    return {
        "id": uuid.UUID(int=i * 7919 + 1),
        "kind": kind,
        "country_a": countries[0],
        "country_b": countries[1] if len(countries) == 2 else None,
        "date": origin,
        "precision": precision,
        "month": origin.month if precision != "year" else None,
        "day": origin.day if precision == "day" else None,
        "title": None, "description": None, "sources": [], "celebrated": False,
        "observed": None, "none": False,
        "confidence": "unverified", "created_at": stamp, "updated_at": stamp, "revision": 1,
    }  # fmt: skip


@pytest.fixture
def origins(session):
    """Every day of a leap year as an origin (29 February included), in years around the
    windows, plus origins known only to the month or the year, of several kinds and places."""
    rng = random.Random(5)
    # No severance: the engine alone is the right answer (tests/test_lifecycle_http.py holds
    # the lifecycle's rules).
    kinds = ["diplomatic_relations", "independence", "treaty", "state_visit"]
    places = [["CN", "PE"], ["PE"], ["CN"], ["FR", "US"]]
    rows = []
    for i in range(366):
        origin = D(1996, 1, 1) + dt.timedelta(days=i)
        year = rng.choice([1800, 1904, 1996, 2000, 2019, 2020, 2021, 2024])
        try:
            origin = origin.replace(year=year)
        except ValueError:
            origin = D(2000, 2, 29)  # 29 February stays in a leap year
        rows.append(_row(i, origin, "day", rng.choice(kinds), rng.choice(places)))
    for i in range(366, 400):
        origin = D(rng.choice([1821, 1971, 2020]), rng.randint(1, 12), 1)
        precision = "month" if i % 2 else "year"
        if precision == "year":
            origin = origin.replace(month=1)
        rows.append(_row(i, origin, precision, rng.choice(kinds), rng.choice(places)))
    demo.insert(session.get_bind(), rows)
    return session.exec(select(Milestone).order_by(Milestone.id)).all()


WINDOWS = [
    (D(2021, 3, 1), D(2021, 3, 30)),
    (D(2021, 2, 1), D(2021, 2, 28)),  # ends on the day 29 February is observed
    (D(2021, 2, 28), D(2021, 3, 1)),
    (D(2024, 2, 29), D(2024, 3, 2)),
    (D(2023, 3, 1), D(2024, 2, 29)),
    (D(2021, 12, 15), D(2022, 1, 14)),  # across a new year
    (D(2020, 6, 1), D(2022, 1, 1)),
    (D(2021, 1, 1), D(2021, 1, 1)),
    (D(2021, 1, 1), D(2021, 12, 31)),
    (D(2019, 7, 4), D(2031, 7, 3)),
]


@pytest.mark.parametrize(("start", "end"), WINDOWS)
@pytest.mark.parametrize("jubilee_only", [False, True])
def test_database_and_engine_agree(session, origins, start, end, jubilee_only):
    for kinds, place in [
        (None, {}),
        (CELEBRATED_KINDS, {}),
        (None, {"country": "PE"}),
        ({"diplomatic_relations"}, {"pair": ("CN", "PE")}),
    ]:
        mine = [
            m for m in origins
            if (kinds is None or m.kind in kinds)
            and (place.get("country") is None or place["country"] in m.countries)
            and (place.get("pair") is None or list(place["pair"]) == m.countries)
        ]  # fmt: skip
        expected = engine.anniversaries(mine, start, end, jubilee_only=jubilee_only)
        where = AnniversaryFilter(kinds=kinds, jubilee_only=jubilee_only, **place)
        found = queries.anniversaries(session, start, end, where)
        assert found == expected, (start, end, where)
        assert queries.count_anniversaries(session, start, end, where) == len(expected)
        dated = [a for a in expected if a.date is not None]
        dated_only = replace(where, dated_only=True)
        assert queries.anniversaries(session, start, end, dated_only) == dated
        assert queries.count_anniversaries(session, start, end, dated_only) == len(dated)
        page = queries.anniversaries(session, start, end, where, limit=7, offset=3)
        assert page == expected[3:10]
        last = queries.anniversaries(session, start, end, where, limit=5, descending=True)
        # Latest first; on one day still by id (reverse=True keeps ties in their order).
        assert last == sorted(expected, key=lambda a: a.sort_key, reverse=True)[:5]


@pytest.mark.skipif(
    ON_POSTGRESQL, reason="SQLite's query plan; PostgreSQL plans by table size (see README)"
)
def test_the_window_query_reads_the_anniversary_index(session, origins):
    """A 30-day window must not read every milestone (GUIDE.md, "Performance")."""
    rows = queries._anniversary_rows(session, D(2021, 3, 1), D(2021, 3, 30), AnniversaryFilter())
    sql = select(rows.c.id).compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = " ".join(
        str(r) for r in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
    )
    assert "ix_milestone_anniversary" in plan and "SCAN milestone" not in plan, plan


def test_the_filter_is_one_hashable_value(session, origins):
    """Equal filters are one key, whatever iterable the kinds came in: the statement built
    for one is reused for the other (``queries._rows`` is memoised on the filter)."""
    a = AnniversaryFilter(country="PE", kinds={"independence", "national_day"})
    b = AnniversaryFilter(country="PE", kinds=["national_day", "independence"])
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.jubilee_only = True  # type: ignore[misc]  # frozen: the point of the test
    window = (D(2021, 1, 1), D(2021, 12, 31))
    assert queries._anniversary_rows(session, *window, a) is queries._anniversary_rows(
        session, *window, b
    )
