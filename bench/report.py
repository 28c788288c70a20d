"""The benchmark's report: the machine it ran on, and the Markdown table of its results."""

import contextlib
import datetime as dt
import os
import platform
from pathlib import Path


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }  # fmt: skip


def render(results: dict) -> str:
    m = results["machine"]
    out = [
        f"Measured {m['date']} on {m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, "
        f"with `{results['command']}`; load average {results['load_before']} before and "
        f"{results['load_after']} after (other work on the machine shows here).",
        "",
        "Requests/s from 32 keep-alive connections, best of "
        f"{results['rounds']} rounds of {results['duration']} s each, service and ceiling "
        "alternating; latency percentiles in ms; bytes per response body; CPU is each server "
        "process's share of one core during its best round, then the load generator's. The "
        "ratio per server CPU-second divides each server's requests by the CPU time it got "
        "(median of rounds): on a machine shared with other work it shows what a request "
        "costs when the plain ratio shows who got more of a core.",
        "",
        "The service runs as an operator runs it: `diplocal serve` with its default settings, "
        "the request log on (JSON lines, written to a file), except "
        "`DIPLOCAL_FEED_MAX_EVENTS=10000` so that the 5,000-event feed is whole. Rows marked "
        '*log off* run the same with `DIPLOCAL_LOG_LEVEL=warning`, for comparison. "gzip" '
        'rows send `Accept-Encoding: gzip`, "plain" rows send none.',
        "",
        "| scenario | service req/s | ceiling req/s | ratio | target | ratio per server "
        "CPU-second | p50 / p99 ms (service) | p50 / p99 ms (ceiling) | bytes | CPU service / "
        "ceiling / client |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["compare"]:
        s, c = r["service"], r["ceiling"]
        target = f">= {r['target']}" if r["target"] else ""
        ok = " ✓" if r["target"] and r["ratio"] >= r["target"] else (" ✗" if r["target"] else "")
        out.append(
            f"| {r['scenario']} | {s['rps']:,.0f} | {c['rps']:,.0f} | {r['ratio']:.2f}{ok} | "
            f"{target} | {r['cpu_ratio']:.2f} | {s['p50_ms']:.2f} / {s['p99_ms']:.2f} | "
            f"{c['p50_ms']:.2f} / {c['p99_ms']:.2f} | {s['bytes']:,} | {s['server_cpu']:.2f} / "
            f"{c['server_cpu']:.2f} / {s['client_cpu']:.2f} |"
        )
    cb = results["cold_build"]
    ok = "✓" if cb["ratio"] <= 1 / 8 else "✗"
    out += [
        "",
        "| cold build, in-process | ms (median) | |",
        "|---|---|---|",
        f"| service, {cb['events']:,} events, after one of them changed: database to gzipped "
        f"bytes | {cb['service_ms']} | 1/{1 / cb['ratio']:.0f} of the object model {ok} "
        "(target <= 1/8) |",
        f"| service, the same feed's first build ever (no VEVENT or VTIMEZONE cached yet) | "
        f"{cb['first_ms']} | 1/{cb['object_model_ms'] / cb['first_ms']:.0f} of the object model "
        f"{'✓' if cb['first_ms'] <= cb['object_model_ms'] / 4 else '✗'} (target <= 1/4) |",
        f"| icalendar object model, same events, same database reads | {cb['object_model_ms']} | |",
        f"| first request after an edit, over HTTP: rebuild the {cb['bytes']:,}-byte feed, "
        f"send it gzipped | {results['after_write']['p50_ms']} | max "
        f"{results['after_write']['max_ms']} |",
        "",
        "| data scenario (1 connection, sequential) | req/s | p50 ms | p99 ms | CPU service "
        "| result |",
        "|---|---|---|---|---|---|",
    ]
    for r in results["data"]:
        if "total" in r:
            what = f"{r['total']:,} anniversaries, 50 per page"
        else:
            what = f"{r['events']:,} events, {r['ics_bytes']:,} bytes (gzip: {r['bytes']:,})"
        mark = ""
        if "total" in r and "100k" in r["scenario"]:
            mark = " ✓" if r["p50_ms"] < 20 else " ✗"
            what += " (target p50 < 20 ms)"
        out.append(
            f"| {r['scenario']} | {r['rps']:,.1f} | {r['p50_ms']:.1f}{mark} | "
            f"{r['p99_ms']:.1f} | {r['server_cpu']:.2f} | {what} |"
        )
    pages = results.get("page") or []
    if isinstance(pages, dict):  # results.json of an older run: one warm row for /
        pages = [{"path": "/", "first_ms": None, "bytes": pages["bytes"], "warm": pages,
                  "not_modified": None}]  # fmt: skip
    if pages:
        out += [
            "",
            "| page load (32 connections, gzip) | first render ms | warm req/s | warm p50 / p99 "
            "ms | 304 req/s | 304 p50 / p99 ms | CPU service (warm / 304) | bytes (gzip) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for p in pages:
            w, n = p["warm"], p["not_modified"] or {}
            first = f"{p['first_ms']:,.0f}" if p["first_ms"] is not None else ""
            out.append(
                f"| `{p['path']}` | {first} | {w['rps']:,.0f} | {w['p50_ms']:.2f} / "
                f"{w['p99_ms']:.2f} | {n.get('rps', 0):,.0f} | {n.get('p50_ms', 0):.2f} / "
                f"{n.get('p99_ms', 0):.2f} | {w['server_cpu']:.2f} / "
                f"{n.get('server_cpu', 0):.2f} | {p['bytes']:,} |"
            )
    mem = results["memory"]
    ok = "✓" if mem["rss_mb"] < 300 else "✗"
    raw = results["raw_asgi_500"]
    out += [
        "",
        f"Memory of a service with default settings on the {results['big']} milestones, after "
        f"the feeds above, a second of the data scenarios and {mem['warmed_feeds']} more feeds "
        f"(all.ics, every country, 105 pairs: {mem['feed_mb']:.0f} MB plain and gzipped; the "
        f"feed cache keeps at most 64 MB, the VEVENT cache 24 MB): RSS {mem['rss_mb']:.0f} MB "
        f"{ok} (target < 300 MB), peak {mem['peak_mb']:.0f} MB.",
        "",
        f"For reference, a plain ASGI callable (no FastAPI) answering the 500-event feed: "
        f"{raw['rps']:,.0f} req/s, p50 {raw['p50_ms']:.2f} ms: the rest of the ceiling's time "
        "per request is FastAPI's and Starlette's.",
    ]
    return "\n".join(out) + "\n"
