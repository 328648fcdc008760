"""Real uvicorn processes for tests where the transport matters (sockets, workers, signals)."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(env: dict[str, str], port: int, *extra: str) -> subprocess.Popen[bytes]:
    """`uvicorn --factory cms.web.app:create_app` on 127.0.0.1:`port`, `env` over os.environ."""
    command = [
        *(sys.executable, "-m", "uvicorn", "cms.web.app:create_app", "--factory"),
        *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"),
        *extra,
    ]
    return subprocess.Popen(command, cwd=ROOT, env=os.environ | env)


def wait_until_healthy(process: subprocess.Popen[bytes], url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server exited with {process.returncode}"
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer /healthz within {seconds:.0f} s")


def stop_server(process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """SIGTERM, so workers flush what they hold, as an orchestrator stops them."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    process.wait(timeout=seconds)


@dataclass(frozen=True, slots=True)
class ServerProcess:
    """A running server: its base URL, and its process for a test that kills it outright."""

    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL: no shutdown, flush or rollback runs, as when the out-of-memory killer or a
        crashing host takes the process."""
        self.process.kill()
        self.process.wait()


@contextmanager
def server_process(env: dict[str, str], *extra: str) -> Iterator[ServerProcess]:
    """A healthy server for the block; stopped at the end unless the block killed it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_server(env, port, *extra)
    try:
        wait_until_healthy(process, url)
        yield ServerProcess(url, process)
    finally:
        stop_server(process)


@contextmanager
def live_server(env: dict[str, str], *extra: str) -> Iterator[str]:
    """A healthy server for the block, as its base URL (`http://127.0.0.1:PORT`)."""
    with server_process(env, *extra) as server:
        yield server.url


@contextmanager
def cms_serve(env: dict[str, str], log: Path, *options: str) -> Iterator[str]:
    """`cms serve` itself (settings check, migrations, logging, workers), its log in `log`; the
    block gets its base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        *(sys.executable, "-c", "from cms.cli import app; app()", "serve"),
        *("--host", "127.0.0.1", "--port", str(port), *options),
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)} | env, stderr=output
        )
        try:
            wait_until_healthy(process, url)
            yield url
        finally:
            stop_server(process)
