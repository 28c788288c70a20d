"""The JSON anniversaries, a country's milestones and a country feed on 100,000 milestones, on
whichever database ``DATABASE_URL`` names: run it once on SQLite and once on PostgreSQL.

    .venv/bin/python -m bench.engines                       # a temporary SQLite file
    .ci/with-postgres .venv/bin/python -m bench.engines     # PostgreSQL (its URL from the env)

In-process through the app (``TestClient``), so the numbers are the handler's and the
database's, without HTTP; each is the median of 30 requests after 3 to warm up.
"""

import datetime as dt
import logging
import os
import statistics
import sys
import tempfile
import time

from fastapi.testclient import TestClient

from app import demo
from app.config import Settings
from app.db import create_db_engine
from app.main import create_app
from app.migrate import upgrade

MILESTONES, EVENTS = 100_000, 100_000


def median_ms(client: TestClient, path: str) -> float:
    """``{day}`` in ``path`` becomes a different day for each request: a new query each time,
    so a feed's cache never answers (a cold build)."""
    times = []
    for i in range(33):
        url = path.replace("{day}", (dt.date(2027, 1, 1) + dt.timedelta(days=i)).isoformat())
        started = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200, r.text[:300]
    return statistics.median(times[3:])


def main() -> None:
    logging.disable(logging.INFO)  # no log line per request: this measures the queries
    url = os.environ.get("DIPLOCAL_TEST_DATABASE_URL")
    folder = tempfile.mkdtemp()
    if url is None:
        url = f"sqlite:///{folder}/engines.db"
    elif "sqlite" not in url:
        # A fresh database on the server .ci/with-postgres started.
        import sqlalchemy as sa

        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS diplocal_engines")
            conn.exec_driver_sql("CREATE DATABASE diplocal_engines")
        admin.dispose()
        url = sa.make_url(url).set(database="diplocal_engines").render_as_string(False)
    upgrade(url)
    engine = create_db_engine(url)
    started = time.perf_counter()
    demo.generate(engine, milestones=MILESTONES, events=EVENTS)
    engine.dispose()
    print(f"{engine.dialect.name}: {MILESTONES:,} milestones and {EVENTS:,} events generated in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
    settings = Settings(database_url=url, log_level="warning")
    with TestClient(create_app(settings)) as client:
        rows = {
            "anniversaries, 30-day window": median_ms(
                client, "/api/v1/anniversaries?from=2027-03-01&to=2027-03-30&limit=50"
            ),
            "milestones?country=FR": median_ms(client, "/api/v1/milestones?country=FR&limit=50"),
            "country feed FR over a year, cold build": median_ms(
                client, "/feeds/countries/FR.ics?from={day}&to=2027-12-31"
            ),
        }
    print(f"| query ({engine.dialect.name}, median of 30) | ms |\n|---|---|")
    for name, ms in rows.items():
        print(f"| {name} | {ms:.1f} |")


if __name__ == "__main__":
    main()
