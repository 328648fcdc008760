"""Start a uvicorn server as the benchmark's own child, and read its CPU time and memory from /proc.

Only processes started here are ever stopped, by their own pid.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    """Direct children of `pid`, found by scanning /proc (no psutil needed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _rss_mib(pid: int) -> float:
    resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return resident_pages * PAGE_SIZE / 2**20


@dataclass
class Server:
    """A uvicorn process serving `app` (an ASGI factory) with uvloop and httptools."""

    name: str
    app: str
    workers: int
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    log: Path | None = None
    """Where the server's output goes (tracebacks included); inherited when None."""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        command = [
            *(sys.executable, "-m", "uvicorn", self.app, "--factory"),
            *("--host", "127.0.0.1", "--port", str(self.port)),
            *("--loop", "uvloop", "--http", "httptools", "--workers", str(self.workers)),
            *("--no-access-log", "--log-level", "warning"),
        ]
        with self.log.open("ab") if self.log else nullcontext() as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            if self._healthy() and len(self.worker_pids()) == self.workers:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /healthz within {timeout:.0f} s")

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the main one, or the spawned workers under it."""
        assert self.process is not None
        if self.workers == 1:
            return [self.process.pid]
        return [
            pid
            for pid in _children(self.process.pid)
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]

    def cpu_seconds(self) -> float:
        """User + system CPU of the main process and its workers so far."""
        assert self.process is not None
        pids = {self.process.pid, *self.worker_pids()}
        return sum(_cpu_seconds(pid) for pid in pids)

    def rss_per_worker_mib(self) -> float:
        pids = self.worker_pids()
        return sum(_rss_mib(pid) for pid in pids) / len(pids)
