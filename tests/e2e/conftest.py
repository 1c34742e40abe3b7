"""A real ``aftercall serve`` process for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.media_server import media_server

KEY = "e2e-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api_client(base: str) -> httpx.Client:
    """A client of the API at ``base`` with the test key. It drops an idle connection before the server's 5 s
    keep-alive ends, so that no request goes out on a connection the server is closing at that very moment (a
    "connection reset" that would fail a test at random)."""
    limits = httpx.Limits(keepalive_expiry=2)
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {KEY}"}, timeout=30, limits=limits)


class Server:
    """``python -m aftercall serve`` on a data dir; can be killed and started again on the same one."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "AFTERCALL_API_KEYS": KEY, "AFTERCALL_ALLOW_PRIVATE_URLS": "true", **env}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"serve-{self.port}.log"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "aftercall",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve exited: {self.log.read_text()[-2000:]}"
            try:
                httpx.get(f"{self.base}/openapi.json", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("serve did not start within 60 s")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        assert self.process is not None
        self.process.send_signal(sig)
        self.process.wait(timeout=60)

    def client(self) -> httpx.Client:
        return api_client(self.base)


@pytest.fixture(scope="session")
def media() -> Iterator[str]:
    with media_server(long_repeats=4) as base:
        yield base


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("serve") / "data")
    srv.start()
    yield srv
    srv.kill(signal.SIGTERM)


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client
