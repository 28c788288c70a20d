"""Several workers: a write through one is in the feed ETag of every other at once, because
feed versions live in the database and each worker's cache is keyed by them."""

import sys
from contextlib import ExitStack

import httpx2 as httpx
import pytest
from sqlmodel import Session

from app.auth import create_key
from app.db import create_db_engine
from app.models import Scope
from tests.factories import PE_INDEPENDENCE
from tests.servers import client_port, running_service

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="tells workers apart through /proc"
)

FEED = "/feeds/countries/PE.ics?from=2020-01-01&to=2030-12-31"


def admin_key(database_url: str) -> str:
    engine = create_db_engine(database_url)
    with Session(engine) as s:
        key = create_key(s, "admin", Scope.admin)[1]
    engine.dispose()
    return key


def test_a_write_through_one_worker_changes_the_etag_every_worker_serves(database_url, tmp_path):
    auth = {"Authorization": f"Bearer {admin_key(database_url)}"}
    with ExitStack() as stack:
        service = stack.enter_context(running_service(database_url, tmp_path, workers=2))
        # One kept-alive connection per client; open them until both workers hold some.
        clients: list[httpx.Client] = []
        workers: dict[int, int] = {}
        while len(set(workers.values())) < 2:
            assert len(clients) < 40, f"one worker took every connection: {workers}"
            c = stack.enter_context(
                httpx.Client(base_url=service.url, limits=httpx.Limits(max_connections=1))
            )
            port = client_port(c.get(FEED))
            clients.append(c)
            workers = service.worker_of_connections()
            assert port in workers
        by_worker = {pid: [c for c in clients if workers[client_port(c.get(FEED))] == pid]
                     for pid in set(workers.values())}  # fmt: skip
        assert len(by_worker) == 2 and all(by_worker.values())

        def etags() -> set[str]:
            # Every client, several times: both workers, their caches warm.
            return {c.get(FEED).headers["etag"] for c in clients for _ in range(3)}

        (before,) = etags()

        writer = by_worker[min(by_worker)][0]
        r = writer.post("/api/v1/milestones", json=PE_INDEPENDENCE, headers=auth)
        assert r.status_code == 201, r.text
        milestone_id = r.json()["id"]

        (after,) = etags()  # one ETag, the same from both workers...
        assert after != before  # ...and a new one, at once
        for c in clients:
            r = c.get(FEED, headers={"If-None-Match": before})
            assert r.status_code == 200 and milestone_id in r.text
            assert c.get(FEED, headers={"If-None-Match": after}).status_code == 304

        # And the other way round: an edit through the other worker.
        other = by_worker[max(by_worker)][0]
        r = other.patch(f"/api/v1/milestones/{milestone_id}", json={"source": "X"}, headers=auth)
        assert r.status_code == 200, r.text
        (edited,) = etags()
        assert edited not in (before, after)
        assert "Source: X" in clients[0].get(FEED).text
