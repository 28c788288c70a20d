"""The feed benchmark: ``.venv/bin/python -m bench`` (README.md, "Performance").

In one run on one machine: fills temporary SQLite databases with ``app.demo`` data, starts
the service (``diplocal serve`` at its default settings, request log on) and the ceilings
(minimal uvicorn apps answering the same bytes from memory) as separate processes on
127.0.0.1, loads each from another process (``bench.load``) for a few
seconds at a time, times cold builds in-process, and prints a table that it also writes to
``bench/results.md`` (and the raw numbers to ``bench/results.json``).

Servers run one at a time, service and ceiling alternating, each measured ``--rounds`` times;
the table keeps each one's best round, the usual way to read through a noisy machine.
"""

import argparse
import datetime as dt
import gzip
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.report import machine, render
from bench.servers import Server, fetch, load

HERE = Path(__file__).resolve().parent
WINDOW = "from=2020-01-01&to=2029-12-31"
# Three pairs of former states, which the demo data leaves alone, sized so that their feeds
# over WINDOW (ten years) hold about 50, 500 and 5,000 events: milestones x 10 + events.
SIZED = {50: (("DD", "SU"), 4, 10), 500: (("CS", "YU"), 45, 50), 5000: (("VD", "YD"), 450, 500)}
GZIP = "Accept-Encoding: gzip"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data


def make_database(path: Path, milestones: int, events: int, *, sized: bool) -> str:
    from sqlmodel import Session

    from app import demo
    from app.auth import create_key
    from app.db import create_db_engine
    from app.migrate import upgrade
    from app.models import Scope

    url = f"sqlite:///{path}"
    upgrade(url)
    engine = create_db_engine(url)
    started = time.perf_counter()
    demo.generate(engine, milestones=milestones, events=events, seed=1)
    if sized:
        rng = random.Random(2)
        for pair, n_milestones, n_events in SIZED.values():
            rows = demo.milestone_rows(
                rng, n_milestones, pairs=[pair], years=(1900, 2019), day_precision_only=True
            )
            demo.insert(engine, rows, demo.event_rows(rng, n_events, rows, years=(2020, 2029)))
    with Session(engine) as session:
        key = create_key(session, "bench", Scope.admin)[1]
    engine.dispose()
    log(f"{path.name}: {milestones} milestones, {events} events in "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    return key


# ---------------------------------------------------------------- measurements


def compare(rows, label, service, ceiling, paths, headers, rounds, duration, *, target=None):
    """Service and ceiling, alternating, ``rounds`` times each; keeps each one's best."""
    runs = {"service": [], "ceiling": []}
    for _ in range(rounds):
        for name, server in (("service", service), ("ceiling", ceiling)):
            runs[name].append(load(server, paths, headers=headers, duration=duration))
    best = {name: max(rs, key=lambda r: r["rps"]) for name, rs in runs.items()}
    ratio = best["service"]["rps"] / best["ceiling"]["rps"]
    # Requests per second of the server's own CPU: what a request costs, whatever share of
    # a core the rest of the machine left the server during its run.
    per_cpu = {
        name: statistics.median(r["rps"] / max(r["server_cpu"], 0.01) for r in rs)
        for name, rs in runs.items()
    }
    log(f"{label}: {best['service']['rps']:.0f} vs {best['ceiling']['rps']:.0f} req/s "
        f"= {ratio:.2f}")  # fmt: skip
    rows.append({"scenario": label, **best, "ratio": round(ratio, 2), "target": target,
                 "per_cpu": per_cpu, "cpu_ratio": round(per_cpu["service"] / per_cpu["ceiling"], 2),
                 "all_rps": {k: [r["rps"] for r in v] for k, v in runs.items()}})  # fmt: skip


def cold_build(db_url: str, cap: int, repeat: int) -> dict:
    """The 5,000-event feed built cold, in-process: the service's build against the same
    feed built with the icalendar object model, each from the database to gzipped bytes."""
    import icalendar
    from sqlmodel import Session, select
    from starlette.datastructures import QueryParams

    from app import queries
    from app.db import create_db_engine
    from app.feeds import build, catalogue, render
    from app.feeds.query import parse_feed_query
    from app.filters import AnniversaryFilter
    from app.models import Milestone
    from bench import objectmodel

    engine = create_db_engine(db_url)
    day = dt.datetime.now(dt.UTC).date()
    q = parse_feed_query(QueryParams(WINDOW), day)
    a, b = SIZED[5000][0]
    feed = catalogue.pair_feed_of(*sorted((a, b)))
    base = "http://127.0.0.1"
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def service() -> bytes:
        with Session(engine) as s:
            return build.build_entry(
                s, feed, q, url=base + feed.path, base_url=base, cap=cap, etag="k",
                last_modified=stamp, day=day, max_age=3600,
            ).gzipped  # fmt: skip

    def first_ever() -> bytes:
        render.vtimezone.cache_clear()
        render.PIECES.clear()
        return service()

    def after_a_change() -> bytes:
        # As an edit through the API does: one milestone of the feed moves to a new revision.
        with Session(engine) as s:
            m = s.exec(select(Milestone).where(Milestone.country_a == feed.pair[0])).first()
            m.revision += 1
            m.updated_at = dt.datetime.now(dt.UTC)
            s.add(m)
            s.commit()
        started = time.perf_counter()
        body = service()
        after_a_change.seconds.append(time.perf_counter() - started)
        return body

    after_a_change.seconds = []

    def object_model() -> bytes:
        with Session(engine) as s:
            where = AnniversaryFilter(pair=feed.pair, kinds=q.kinds, dated_only=True)
            found = queries.anniversaries(s, q.start, q.end, where)
            events = queries.events_query(
                AnniversaryFilter(pair=feed.pair), start=q.start, end=q.end
            )
            events = list(s.exec(events))
            ids = {e.milestone_id for e in events if e.milestone_id}
            rows = s.exec(select(Milestone).where(Milestone.id.in_(ids))) if ids else []
            milestones = {m.id: m for m in rows}
            info = render.FeedInfo(feed.scope, feed.name, feed.description,
                                    base + feed.path, base)  # fmt: skip
            body = objectmodel.build(info, found, events, milestones)
        gzip.compress(body, 6, mtime=0)
        return body

    def timed(fn, n):
        times, body = [], b""
        for _ in range(n):
            started = time.perf_counter()
            body = fn()
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000, body

    first_ms, _ = timed(first_ever, 1)
    _, mine = timed(after_a_change, repeat)
    mine = gzip.decompress(mine)
    service_ms = statistics.median(after_a_change.seconds) * 1000
    om_ms, theirs = timed(object_model, max(1, repeat // 2))
    uids = [
        sorted(str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))
        for body in (mine, theirs)
    ]
    if uids[0] != uids[1]:
        raise SystemExit("the object-model feed does not hold the same events")
    engine.dispose()
    ratio = service_ms / om_ms
    log(f"cold build of {len(uids[0])} events after a change: {service_ms:.0f} ms (first ever "
        f"{first_ms:.0f} ms) vs object model {om_ms:.0f} ms = 1/{1 / ratio:.1f}")  # fmt: skip
    return {"events": len(uids[0]), "service_ms": round(service_ms, 1),
            "first_ms": round(first_ms, 1), "object_model_ms": round(om_ms, 1),
            "ratio": round(ratio, 3), "bytes": len(mine)}  # fmt: skip


def cold_after_write(server: Server, key: str, repeat: int) -> dict:
    """What a poller meets right after an edit: the feed's first request, which builds."""
    a, b = sorted(SIZED[5000][0])
    path = f"/feeds/pairs/{a}-{b}.ics?{WINDOW}"
    status, _, body = fetch(server.url(f"/api/v1/milestones?pair={a}-{b}&limit=1"))
    milestone = json.loads(body)["items"][0]["id"]
    times = []
    for i in range(repeat):
        patch = urllib.request.Request(
            server.url(f"/api/v1/milestones/{milestone}"), method="PATCH",
            data=json.dumps({"description": f"bench edit {i} {time.time()}"}).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )  # fmt: skip
        urllib.request.urlopen(patch, timeout=30).read()
        started = time.perf_counter()
        status, _, _ = fetch(server.url(path), {"Accept-Encoding": "gzip"})
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200
    return {"p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def windows(n: int) -> list[str]:
    """``n`` different 30-day windows, so that no two requests are the same."""
    first = dt.date(2026, 1, 1)
    return [
        f"from={first + dt.timedelta(days=i)}&to={first + dt.timedelta(days=i + 29)}"
        for i in range(n)
    ]


def data_scenarios(server: Server, label: str, duration: float) -> list[dict]:
    rows = []
    json_paths = [f"/api/v1/anniversaries?{w}" for w in windows(60)]
    result = load(server, json_paths, connections=1, duration=duration)
    _, _, body = fetch(server.url(json_paths[0]))
    result["total"] = json.loads(body)["total"]
    rows.append({"scenario": f"JSON anniversaries, 30 days, {label}", **result})
    # Cold country feeds: every request a different window, so every one is built.
    starts = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(300)]
    country = [f"/feeds/countries/FR.ics?from={d}&to={d.replace(year=d.year + 5)}" for d in starts]
    result = load(server, country, headers=[GZIP], connections=1, duration=duration, warmup=0)
    _, _, body = fetch(server.url(country[-1]))
    result["events"] = body.count(b"BEGIN:VEVENT")
    result["ics_bytes"] = len(body)
    rows.append({"scenario": f"country feed FR, cold, {label}", **result})
    return rows


PAGES = ("/", "/countries/PE")


def page_load(server: Server, duration: float) -> list[dict]:
    """The pages people open (the home page and a country), as a browser that reloads them
    meets them: the first render, then warm loads with gzip, then 304s for the ETag it kept."""
    rows = []
    for path in PAGES:
        started = time.perf_counter()
        status, headers, body = fetch(server.url(path), {"Accept-Encoding": "gzip"})
        first_ms = (time.perf_counter() - started) * 1000
        headers = {k.lower(): v for k, v in headers.items()}
        if status != 200 or not headers.get("content-type", "").startswith("text/html"):
            log(f"no page at {path} ({status}): page load not measured")
            continue
        warm = load(server, [path], headers=[GZIP], duration=duration)
        conditional = [GZIP, f"If-None-Match: {headers['etag']}"]
        not_modified = load(server, [path], headers=conditional, duration=duration)
        log(f"page {path}: first {first_ms:.0f} ms, warm {warm['rps']:.0f} req/s, "
            f"304 {not_modified['rps']:.0f} req/s")  # fmt: skip
        rows.append({"path": path, "first_ms": round(first_ms, 1), "bytes": len(body),
                     "warm": warm, "not_modified": not_modified})  # fmt: skip
    return rows


def warm_everything(server: Server) -> tuple[int, int]:
    """Feeds a busy service would have cached: all, every country, a hundred pairs. Returns
    how many, and their bytes as the cache keeps them (plain and gzipped)."""
    from app import countries

    codes = [c.code for c in countries.all_countries() if not c.former]
    paths = ["/feeds/all.ics", *(f"/feeds/countries/{c}.ics" for c in codes)]
    paths += [
        f"/feeds/pairs/{a}-{b}.ics" for i, a in enumerate(codes[:15]) for b in codes[i + 1 : 15]
    ]
    total = 0
    for path in paths:
        _, _, body = fetch(server.url(path), {"Accept-Encoding": "gzip"})
        _, headers, _ = fetch(server.url(path), {"Accept-Encoding": "identity"}, "HEAD")
        total += len(body) + int(headers.get("content-length") or headers.get("Content-Length"))
    return len(paths), total


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 10k milestones, short rounds"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per measurement")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases")
    args = parser.parse_args(argv)
    big = 10_000 if args.quick else 100_000
    if args.quick:
        args.rounds, args.duration = 1, 1.0
    command = "python -m bench" + (" --quick" if args.quick else "")
    results: dict = {"machine": machine(), "command": command, "rounds": args.rounds,
                     "duration": args.duration, "load_before": round(os.getloadavg()[0], 2),
                     "big": f"{big:,}"}  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix="diplocal-bench-"))
    servers: list[Server] = []
    try:
        key = make_database(tmp / "big.db", big, big // 50, sized=True)
        make_database(tmp / "small.db", 10_000, 200, sized=False)
        big_url, small_url = f"sqlite:///{tmp / 'big.db'}", f"sqlite:///{tmp / 'small.db'}"
        # As an operator runs it: ``diplocal serve``, default settings, request log on (to a
        # file, as JSON lines). Feeds of 5,000 events are over the default cap (2,000, for
        # Google Calendar), hence the one setting changed.
        env = {"DIPLOCAL_DATABASE_URL": big_url, "DIPLOCAL_FEED_MAX_EVENTS": "10000"}
        service = Server("service", "", env, serve=True, log=tmp / "service.log")
        servers.append(service)

        # The ceilings answer exactly what the service answered, at the same paths: gzipped
        # bytes to gzip clients, plain bytes to the others (two ceilings, one per encoding).
        answers: dict[str, dict] = {"gzip": {}, "plain": {}, "304": {}}
        sized_paths = {}
        for size, ((a, b), _, _) in SIZED.items():
            path = f"/feeds/pairs/{'-'.join(sorted((a, b)))}.ics"
            url = service.url(f"{path}?{WINDOW}")
            for encoding, accept in (("gzip", "gzip"), ("plain", "identity")):
                status, headers, body = fetch(url, {"Accept-Encoding": accept})
                assert status == 200, (status, body[:200])
                name = tmp / f"{size}.{encoding}"
                name.write_bytes(body)
                dropped = ("date", "server", "connection", "x-request-id")
                kept = {k.lower(): v for k, v in headers.items() if k.lower() not in dropped}
                answers[encoding][path] = {"status": 200, "headers": kept, "body": str(name)}
                if encoding == "gzip":
                    answers["304"][path] = {"status": 304, "headers": {
                        k: kept[k] for k in ("cache-control", "vary", "last-modified", "etag")
                    }, "body": None}  # fmt: skip
                    events = gzip.decompress(body).count(b"BEGIN:VEVENT")
            log(f"feed {path}: {events} events, {len(body):,} bytes plain")
            sized_paths[size] = (f"{path}?{WINDOW}", events)
        ceilings = {}
        for kind, spec in answers.items():
            (tmp / f"ceiling-{kind}.json").write_text(json.dumps(spec))
            spec_file = str(tmp / f"ceiling-{kind}.json")
            ceilings[kind] = Server(f"ceiling {kind}", "bench.ceiling:app",
                                    {"BENCH_CEILING": spec_file})  # fmt: skip
        raw = Server("raw ASGI", "bench.ceiling:raw",
                     {"BENCH_CEILING": str(tmp / "ceiling-gzip.json")})  # fmt: skip
        servers += [*ceilings.values(), raw]

        rows: list[dict] = []
        for encoding, headers in (("gzip", [GZIP]), ("plain", [])):
            for size in SIZED:
                path, events = sized_paths[size]
                compare(rows, f"warm feed, {events:,} events, {encoding}", service,
                        ceilings[encoding], [path], headers, args.rounds, args.duration,
                        target=0.7)  # fmt: skip
        m_path, m_events = sized_paths[500]
        _, headers, _ = fetch(service.url(m_path), {"Accept-Encoding": "gzip"})
        etag = headers.get("etag") or headers.get("ETag")
        conditional = [GZIP, f"If-None-Match: {etag}"]
        compare(rows, f"304 Not Modified ({m_events:,}-event feed)", service, ceilings["304"],
                [m_path], conditional, args.rounds, args.duration, target=0.7)  # fmt: skip
        # For comparison: the same service with its request log off.
        quiet = Server("service, log off", "", {**env, "DIPLOCAL_LOG_LEVEL": "warning"},
                       serve=True, log=tmp / "quiet.log")  # fmt: skip
        servers.append(quiet)
        compare(rows, f"log off: warm feed, {m_events:,} events, gzip", quiet, ceilings["gzip"],
                [m_path], [GZIP], args.rounds, args.duration)  # fmt: skip
        # Its own ETag: the URL, port included, is part of it.
        _, headers, _ = fetch(quiet.url(m_path), {"Accept-Encoding": "gzip"})
        quiet_etag = headers.get("etag") or headers.get("ETag")
        compare(rows, f"log off: 304 Not Modified ({m_events:,}-event feed)", quiet,
                ceilings["304"], [m_path], [GZIP, f"If-None-Match: {quiet_etag}"], args.rounds,
                args.duration)  # fmt: skip
        quiet.stop()
        reference = load(raw, [m_path.split("?")[0]], headers=[GZIP], duration=args.duration)
        results["raw_asgi_500"] = reference
        log(f"raw ASGI ceiling, {m_events} events: {reference['rps']:.0f} req/s")
        results["compare"] = rows
        results["page"] = page_load(service, args.duration)

        results["cold_build"] = cold_build(big_url, 10_000, 3 if args.quick else 7)
        results["after_write"] = cold_after_write(service, key, 3 if args.quick else 7)

        data = data_scenarios(service, f"{big // 1000}k milestones", args.duration)
        small = Server("service 10k", "", {**env, "DIPLOCAL_DATABASE_URL": small_url},
                       serve=True, log=tmp / "small.log")  # fmt: skip
        servers.append(small)
        data = data_scenarios(small, "10k milestones", args.duration) + data
        small.stop()
        results["data"] = data

        service.stop()
        # Memory with the default settings (a feed keeps at most 2,000 events).
        plain = Server("service (defaults)", "", {"DIPLOCAL_DATABASE_URL": big_url},
                       serve=True, log=tmp / "defaults.log")  # fmt: skip
        servers.append(plain)
        for path, _ in sized_paths.values():
            fetch(plain.url(path), {"Accept-Encoding": "gzip"})
        data_scenarios(plain, "warming", 1.0)
        feeds, feed_bytes = warm_everything(plain)
        rss, peak = plain.memory_mb()
        results["memory"] = {"rss_mb": rss, "peak_mb": peak, "warmed_feeds": feeds,
                             "feed_mb": feed_bytes / 2**20}  # fmt: skip
        results["load_after"] = round(os.getloadavg()[0], 2)
    finally:
        for s in servers:
            s.stop()
        if args.keep:
            log(f"databases kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    text = render(results)
    print(text)
    args.out.write_text("# Benchmark results\n\n" + text)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str))
    log(f"wrote {args.out} and {args.out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
