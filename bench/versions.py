"""How to read one scope's feed version from an async handler: the measurements behind
app/feeds/versions.py. ``python -m bench.versions [DATABASE_URL]``; prints µs per read."""

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from app.db import create_db_engine
from app.feeds.versions import FeedVersions
from app.migrate import upgrade
from app.models import FeedVersion


def per_call_us(fn, n: int = 20_000) -> float:
    for _ in range(200):
        fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


async def per_await_us(make, n: int = 5_000) -> float:
    for _ in range(100):
        await make()
    start = time.perf_counter()
    for _ in range(n):
        await make()
    return (time.perf_counter() - start) / n * 1e6


def measure(url: str) -> dict[str, float]:
    engine = create_db_engine(url)
    with Session(engine) as s:
        if s.get(FeedVersion, "CN-PE") is None:
            from app.crud import bump_feed_versions

            bump_feed_versions(s, ["CN", "PE"])
            s.commit()
    versions = FeedVersions(engine)
    results = {
        "FeedVersions.read (DB-API, on the loop)": per_call_us(lambda: versions.read("CN-PE"))
    }

    def orm_read():
        with Session(engine) as session:
            session.get(FeedVersion, "CN-PE")

    results["ORM Session.get, new session per request"] = per_call_us(orm_read, 5_000)

    async def threaded():
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(versions.read, "CN-PE")

    results["FeedVersions.read via run_in_threadpool"] = asyncio.run(per_await_us(threaded))
    try:
        import aiosqlite
    except ImportError:
        aiosqlite = None
    if aiosqlite is not None and url.startswith("sqlite:///"):

        async def with_aiosqlite():
            async with aiosqlite.connect(url.removeprefix("sqlite:///")) as db:
                sql = "SELECT version, changed_at FROM feed_version WHERE scope = ?"

                async def read():
                    async with db.execute(sql, ("CN-PE",)) as cur:
                        return await cur.fetchall()

                return await per_await_us(read)

        results["aiosqlite (a thread per connection)"] = asyncio.run(with_aiosqlite())
    versions.close()
    engine.dispose()
    return results


def main() -> int:
    if len(sys.argv) > 1:
        url = sys.argv[1]
    else:
        tmp = tempfile.mkdtemp(prefix="diplocal-versions-")
        url = f"sqlite:///{Path(tmp) / 'v.db'}"
        upgrade(url)
    for name, us in measure(url).items():
        print(f"{us:9.1f} µs  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
