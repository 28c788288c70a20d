"""The benchmark's processes: servers on 127.0.0.1, and the load generator run against them."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on 127.0.0.1, one worker.

    ``serve=True`` starts the service exactly as an operator does, ``diplocal serve`` with
    its default settings (request log on, as JSON lines since it is not on a terminal),
    writing its log to ``log`` as it would to a file or a collector. Otherwise ``app`` runs
    under plain uvicorn without an access log, as the ceilings do.
    """

    def __init__(self, name: str, app: str, env: dict[str, str], *, serve: bool = False,
                 log: Path | None = None) -> None:  # fmt: skip
        self.name = name
        self.port = free_port()
        if serve:
            command = [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)]
        else:
            command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port",
                       str(self.port), "--no-access-log", "--log-level", "warning"]  # fmt: skip
        self.log = log.open("ab") if log else None
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, start_new_session=True,
            stdout=self.log, stderr=self.log,
        )  # fmt: skip
        deadline = time.time() + 60
        while time.time() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            if self.proc.poll() is not None:
                raise SystemExit(f"{name} did not start")
            time.sleep(0.1)
        raise SystemExit(f"{name} did not start in 60 s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> tuple[float, float]:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        values = {}
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(value.split()[0]) / 1024
        return values["VmRSS"], values["VmHWM"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.log:
            self.log.close()


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def load(server: Server, paths: list[str], *, headers=(), connections=32, duration=3.0,
         warmup=0.5) -> dict:  # fmt: skip
    args = [sys.executable, "-m", "bench.load", "--port", str(server.port),
            "--connections", str(connections), "--duration", str(duration),
            "--warmup", str(warmup)]  # fmt: skip
    for p in paths:
        args += ["--path", p]
    for h in headers:
        args += ["--header", h]
    cpu = server.cpu_seconds()
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    result["server_cpu"] = round((server.cpu_seconds() - cpu) / (duration + warmup), 2)
    if result["errors"] or not result["requests"]:
        raise SystemExit(f"load on {server.name} failed: {result}")
    return result
