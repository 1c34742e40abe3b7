from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from aftercall.api.app import create_app
from aftercall.bootstrap import build
from aftercall.settings import Settings

KEY = "test-key"


def make_client(tmp_path, **settings):
    runtime = build(Settings(data_dir=tmp_path / "data", api_keys=f"{KEY},second-key", **settings))
    client = TestClient(create_app(runtime))
    client.headers["Authorization"] = f"Bearer {KEY}"
    return client


@pytest.fixture
def api(tmp_path):
    with make_client(tmp_path, max_upload_bytes=100_000) as client:
        yield client


def job_body(uri: str = "https://example.com/call.wav", **overrides):
    body = {
        "preset": "transcript",
        "inParams": {"sourceType": "uri", "uri": uri},
        "outParams": {"s3Config": {"s3KeyTemplate": "calls/{job_id}"}},
    }
    body.update(overrides)
    return body


def wait_for_terminal(client, job_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/batch-processor/{job_id}").json()
        if job["status"] in ("finished", "error"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end within {timeout} s: {job}")
