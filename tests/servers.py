"""The service as an operator runs it: ``diplocal serve`` in a subprocess, on loopback."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from tests.databases import free_port


class Service:
    def __init__(self, process: subprocess.Popen, port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def processes(self) -> set[int]:
        """The server and every process below it (its workers)."""
        found = {self.process.pid}
        for _ in range(3):
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) in found:
                    found.add(int(stat.parent.name))
        return found

    def worker_of_connections(self) -> dict[int, int]:
        """Which process serves each open TCP connection to the service, by the client's
        port (Linux: the server side's socket inode in /proc/net/tcp, then its owner's fds)."""
        inode_to_client_port: dict[str, int] = {}
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            cols = line.split()
            local, remote, state, inode = cols[1], cols[2], cols[3], cols[9]
            if state == "01" and int(local.split(":")[1], 16) == self.port:
                inode_to_client_port[inode] = int(remote.split(":")[1], 16)
        owners: dict[int, int] = {}
        for pid in self.processes():
            try:
                fds = list(Path(f"/proc/{pid}/fd").iterdir())
            except OSError:
                continue
            for fd in fds:
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inode = target[8:-1]
                    if inode in inode_to_client_port:
                        owners[inode_to_client_port[inode]] = pid
        return owners


def client_port(response: httpx.Response) -> int:
    """The local port of the connection a response came on."""
    return response.extensions["network_stream"].get_extra_info("client_addr")[1]


@contextmanager
def running_service(
    database_url: str, folder: Path, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[Service]:
    """``diplocal serve --workers N`` on a free loopback port, ready (``/readyz`` 200) when
    yielded, stopped (SIGTERM, then SIGKILL to its process group) after."""
    port, n = free_port(), workers
    log = folder / f"serve-{port}.log"
    environment = {
        **os.environ,
        "DIPLOCAL_DATABASE_URL": database_url,
        "DIPLOCAL_LOG_LEVEL": "warning",
        **(env or {}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", str(n)],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the workers go with it
        )
    service = Service(process, port, log)
    try:
        wait_until_ready(service)
        yield service
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_ready(service: Service, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"the service exited:\n{service.output()}")
        try:
            if httpx.get(service.url + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the service was not ready within {timeout} s:\n{service.output()}")
