"""PostgreSQL stops and comes back under load: the service answers 503 with Retry-After in
the meantime (never a 500, never slower than its timeout), /readyz follows, the service
recovers by itself within seconds, and every write it acknowledged is still there.

Runs in the suite's PostgreSQL pass, against a throwaway server of its own (so that stopping
it disturbs no other test), with the service as operators run it: two worker processes.
"""

import threading
import time
from dataclasses import dataclass, field

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.auth import create_key
from app.migrate import upgrade
from app.models import Scope
from tests.databases import ON_POSTGRESQL
from tests.pgserver import ThrowawayPostgres, why_unavailable
from tests.servers import running_service

DB_TIMEOUT = 2  # DIPLOCAL_DB_TIMEOUT_SECONDS for the service under test
RETRY_AFTER = 3
SLACK = 2  # for a loaded 2-core machine: scheduling, the pool's retry, the HTTP round trip
OUTAGE = 3  # seconds the server stays down
RECOVERY = 10  # seconds within which the service must be ready again after the server is

pytestmark = [
    pytest.mark.skipif(not ON_POSTGRESQL, reason="runs in the suite's PostgreSQL pass"),
    pytest.mark.skipif(why_unavailable() is not None, reason=str(why_unavailable())),
]


@dataclass
class Seen:
    """Every answer, with when it was asked and how long it took."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: list[tuple[str, float, float, int, httpx.Response | None]] = field(
        default_factory=list
    )
    acknowledged: list[str] = field(default_factory=list)  # ids of milestones that got 201
    failures: list[str] = field(default_factory=list)  # requests with no HTTP answer

    def add(self, what: str, started: float, r: httpx.Response | Exception) -> None:
        with self.lock:
            if isinstance(r, Exception):
                self.failures.append(f"{what} at {started:.2f}: {r!r}")
                r = None
            status = r.status_code if r is not None else 0
            self.answers.append((what, started, time.monotonic() - started, status, r))
            if what == "write" and status == 201:
                self.acknowledged.append(r.json()["id"])  # type: ignore[union-attr]  # status 201: r is a response

    def statuses(self, what: str, since: float = 0, until: float = float("inf")) -> list[int]:
        with self.lock:
            return [s for w, t, _, s, _ in self.answers if w == what and since <= t < until]


def load(url: str, auth: dict[str, str], seen: Seen, stop: threading.Event, n: int) -> None:
    """Writes milestones (and reads) in a loop, each request bounded well past the timeout
    so that a hang shows as a slow answer rather than a stuck test."""
    with httpx.Client(base_url=url, timeout=DB_TIMEOUT + 10) as c:
        i = 0
        while not stop.is_set():
            i += 1
            body = {
                "kind": "treaty",
                "date": f"{1900 + i % 100}-0{1 + n % 9}-1{i % 10}",
                "countries": ["CN", "PE"],
                "source": f"load {n}-{i}",
            }
            started = time.monotonic()
            try:
                seen.add("write", started, c.post("/api/v1/milestones", json=body, headers=auth))
            except httpx.TransportError as exc:
                seen.add("write", started, exc)
            started = time.monotonic()
            try:
                seen.add("read", started, c.get("/api/v1/milestones?country=PE&limit=5"))
            except httpx.TransportError as exc:
                seen.add("read", started, exc)
            time.sleep(0.02)


def poll_readiness(url: str, seen: Seen, stop: threading.Event) -> None:
    with httpx.Client(base_url=url, timeout=DB_TIMEOUT + 10) as c:
        while not stop.is_set():
            started = time.monotonic()
            try:
                seen.add("ready", started, c.get("/readyz"))
            except httpx.TransportError as exc:
                seen.add("ready", started, exc)
            time.sleep(0.1)


def test_postgres_stopped_and_restarted_under_load(tmp_path):
    server = ThrowawayPostgres()
    try:
        server.start()
        url = server.create_database("diplocal")
        upgrade(url)
        engine = sa.create_engine(url, poolclass=sa.NullPool)
        with Session(engine) as s:
            auth = {"Authorization": f"Bearer {create_key(s, 'load', Scope.admin)[1]}"}
        env = {
            "DIPLOCAL_DB_TIMEOUT_SECONDS": str(DB_TIMEOUT),
            "DIPLOCAL_DB_RETRY_AFTER": str(RETRY_AFTER),
        }
        with running_service(url, tmp_path, workers=2, env=env) as service:
            seen, stop = Seen(), threading.Event()
            threads = [
                threading.Thread(target=load, args=(service.url, auth, seen, stop, n))
                for n in range(4)
            ] + [threading.Thread(target=poll_readiness, args=(service.url, seen, stop))]
            for t in threads:
                t.start()
            recovered: dict[str, float] = {}
            try:
                # A clean stop (sessions cut off), then a crash (recovery from the WAL).
                for mode in ("fast", "immediate"):
                    time.sleep(1)
                    assert 201 in seen.statuses("write", since=time.monotonic() - 1)
                    server.stop(mode)
                    down = time.monotonic()  # a request that starts now cannot succeed
                    time.sleep(OUTAGE)
                    assert seen.statuses("ready", since=down)[-1:] == [503], mode
                    server.start()
                    up = time.monotonic()
                    while seen.statuses("ready", since=up)[-1:] != [200]:
                        assert time.monotonic() - up < RECOVERY, f"no recovery after {mode}"
                        time.sleep(0.1)
                    recovered[mode] = round(time.monotonic() - up, 2)
                    time.sleep(1)
                    while_down = seen.statuses("write", since=down, until=down + OUTAGE)
                    assert while_down and set(while_down) == {503}, mode
                    assert 201 in seen.statuses("write", since=time.monotonic() - 1), mode
            finally:
                stop.set()
                for t in threads:
                    t.join(timeout=DB_TIMEOUT + 15)
            log = service.output()

        # Never a 500 or a dropped connection; every 503 a problem document with
        # Retry-After; every answer within the timeout.
        by_status: dict[int, int] = {}
        for what, _, took, status, r in seen.answers:
            by_status[status] = by_status.get(status, 0) + 1
            assert status in (200, 201, 503), (what, status, r.text if r else seen.failures, log)
            assert took < DB_TIMEOUT + SLACK, (what, status, took)
            if status == 503:
                assert r is not None
                assert r.headers["content-type"] == "application/problem+json"
                assert r.headers["retry-after"] == str(RETRY_AFTER)
        assert by_status.get(503, 0) > 10 and by_status.get(201, 0) > 10, by_status
        assert "Traceback" not in log, log

        # Every acknowledged write survived both the clean stop and the crash.
        with engine.connect() as conn:
            stored = {str(i) for i in conn.exec_driver_sql("SELECT id FROM milestone").scalars()}
        engine.dispose()
        missing = set(seen.acknowledged) - stored
        assert not missing, f"{len(missing)} acknowledged writes lost"
        slowest = max(took for _, _, took, _, _ in seen.answers)
        print(
            f"answers by status: {by_status}; {len(seen.acknowledged)} writes acknowledged; "
            f"slowest answer {slowest:.2f} s; ready again after restart in {recovered} s"
        )
    except Exception:
        print(server.log())
        raise
    finally:
        server.destroy()
