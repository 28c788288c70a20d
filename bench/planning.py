"""The date check's latency (issue 16): ``python -m bench.planning [N]``.

Seeds a temporary SQLite database with the bundled data set and asks
``/api/v1/planning/check?date=2021-07-28&countries=CN,PE`` (two countries, ±14 days) N times
in process through the ASGI app (TestClient), after one warm-up request; prints the median.
Each request varies the date, so the anniversary query is not the same memoised statement.
"""

import datetime as dt
import logging
import statistics
import sys
import tempfile
import time

from fastapi.testclient import TestClient
from sqlmodel import Session

from app import transfer
from app.config import Settings
from app.main import create_app
from app.migrate import upgrade


def main(n: int = 200) -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        with TestClient(create_app(Settings(database_url=url))) as client:
            with Session(client.app.state.engine) as session:
                transfer.seed(session)
                session.commit()
            first = dt.date(2021, 7, 28)
            client.get(f"/api/v1/planning/check?date={first}&countries=CN,PE").raise_for_status()
            timings = []
            for i in range(n):
                day = first + dt.timedelta(days=i % 60)
                start = time.perf_counter()
                r = client.get(f"/api/v1/planning/check?date={day}&countries=CN,PE")
                timings.append((time.perf_counter() - start) * 1000)
                r.raise_for_status()
    print(
        f"planning/check, 2 countries, ±14 days, {n} requests in process: "
        f"median {statistics.median(timings):.1f} ms, "
        f"p90 {statistics.quantiles(timings, n=10)[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
