"""Distributed mode as processes: ``aftercall api``, ``worker`` and ``dispatcher`` on PostgreSQL, a broker, S3."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import KEY, api_client, free_port


class Cluster:
    def __init__(self, tmp: Path, *, database_url: str, broker_url: str, s3_endpoint: str, bucket: str, **env: str):
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "AFTERCALL_DATABASE_URL": database_url,
            "AFTERCALL_BROKER_URL": broker_url,
            "AFTERCALL_STORAGE_URL": f"s3://{bucket}/cluster",
            "AFTERCALL_S3_ENDPOINT_URL": s3_endpoint,
            "AFTERCALL_S3_ACCESS_KEY_ID": "testing",
            "AFTERCALL_S3_SECRET_ACCESS_KEY": "testing",
            "AFTERCALL_API_KEYS": KEY,
            "AFTERCALL_ALLOW_PRIVATE_URLS": "true",
            "AFTERCALL_DATA_DIR": str(tmp / "data"),
            "AFTERCALL_PORT": str(self.port),
            **env,
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "aftercall", *args], env=self.env, capture_output=True, text=True)

    def start(self, name: str, *args: str) -> None:
        log = (self.tmp / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(  # its own session: killing it kills its children (Celery's pool)
            [sys.executable, "-m", "aftercall", *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if args[0] == "api":
            self._wait_for_api(name)

    def _wait_for_api(self, name: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.processes[name].poll() is None, self.log(name)
            try:
                httpx.get(f"{self.base}/openapi.json", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"api did not start: {self.log(name)}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):  # it has already exited (after a SIGTERM, say)
            os.killpg(process.pid, sig)
        process.wait(timeout=60)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text()[-3000:]

    def client(self) -> httpx.Client:
        return api_client(self.base)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGKILL)
