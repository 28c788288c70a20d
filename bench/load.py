"""A small HTTP/1.1 load generator: keep-alive connections to 127.0.0.1, each sending its next
request when the previous response is complete, for a fixed time.

Run it as its own process (``python -m bench.load``), so that it competes with the server for
CPU like wrk would and not inside the server's event loop. It reads just enough of each
response to find its end (status line, Content-Length) and counts the rest, so it costs far
less per request than the servers it measures; it reports its own CPU use so a run where the
client was the bottleneck can be spotted.

Prints one JSON object: requests, seconds, requests/s, p50/p90/p99 latency (ms), body bytes
per response, status counts, errors, and the client's CPU use.
"""

import argparse
import asyncio
import json
import resource
import sys
import time

try:
    import uvloop
except ImportError:  # pragma: no cover - uvicorn[standard] brings it
    uvloop = None


class Stats:
    def __init__(self, warmup_until: float, deadline: float) -> None:
        self.warmup_until = warmup_until
        self.deadline = deadline
        self.latencies: list[int] = []
        self.statuses: dict[int, int] = {}
        self.body_bytes = 0
        self.errors = 0
        self.started = 0.0


class Connection(asyncio.Protocol):
    def __init__(self, requests: list[bytes], stats: Stats, done: asyncio.Future, offset: int):
        self.requests = requests
        self.next = offset
        self.stats = stats
        self.done = done
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        self.head = bytearray()
        self.needed = -1  # bytes still to come; -1 while the head is incomplete
        self.body = 0
        request = self.requests[self.next % len(self.requests)]
        self.next += 1
        self.sent_at = time.perf_counter_ns()
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        if self.needed < 0:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.head[:end]).lower()
            status = int(head[9:12])
            length = 0
            at = head.find(b"\r\ncontent-length:")
            if at >= 0 and status not in (204, 304) and not self.head_only:
                stop = head.find(b"\r\n", at + 2)
                length = int(head[at + 17 : stop if stop > 0 else None])
            elif b"transfer-encoding" in head:
                self._fail()
                return
            self.status = status
            received = len(self.head) - end - 4
            self.needed = length - received
            self.body = length
        else:
            self.needed -= len(data)
        if self.needed <= 0:
            self._complete()

    head_only = False

    def _complete(self) -> None:
        now = time.perf_counter_ns()
        stats = self.stats
        if now / 1e9 >= stats.warmup_until:
            stats.latencies.append(now - self.sent_at)
            stats.statuses[self.status] = stats.statuses.get(self.status, 0) + 1
            stats.body_bytes += self.body
        if now / 1e9 >= stats.deadline:
            self.transport.close()
            return
        self._send()

    def _fail(self) -> None:
        self.stats.errors += 1
        self.transport.close()

    def connection_lost(self, exc) -> None:
        if not self.done.done():
            self.done.set_result(None)


def _requests(host: str, port: int, paths: list[str], headers: list[str], method: str):
    extra = "".join(f"{h}\r\n" for h in headers)
    return [
        f"{method} {p} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: diplocal-bench\r\n"
        f"{extra}\r\n".encode()
        for p in paths
    ]


async def run(
    host: str,
    port: int,
    paths: list[str],
    headers: list[str],
    connections: int,
    duration: float,
    warmup: float,
    method: str = "GET",
) -> dict:
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the load generator only targets this machine (127.0.0.1)")
    loop = asyncio.get_running_loop()
    requests = _requests(host, port, paths, headers, method)
    now = time.perf_counter()
    stats = Stats(now + warmup, now + warmup + duration)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    waits = []
    for i in range(connections):
        done = loop.create_future()

        def factory(done=done, i=i):
            conn = Connection(requests, stats, done, i)
            conn.head_only = method == "HEAD"
            return conn

        await loop.create_connection(factory, host, port)
        waits.append(done)
    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*waits), warmup + duration + 30)
    wall = time.perf_counter() - started
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    lat = sorted(stats.latencies)
    n = len(lat)

    def pct(p: float) -> float:
        return round(lat[min(n - 1, int(p * n))] / 1e6, 3) if n else 0.0

    return {
        "requests": n,
        "seconds": duration,
        "rps": round(n / duration, 1),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "bytes": round(stats.body_bytes / n) if n else 0,
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "errors": stats.errors,
        "client_cpu": round(cpu / wall, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", action="append", required=True, help="repeat to cycle paths")
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--method", default="GET", choices=["GET", "HEAD"])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=0.5)
    args = parser.parse_args(argv)
    work = run(
        args.host, args.port, args.path, args.header, args.connections, args.duration,
        args.warmup, args.method,
    )  # fmt: skip
    result = uvloop.run(work) if uvloop is not None else asyncio.run(work)
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
