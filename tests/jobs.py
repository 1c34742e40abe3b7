"""Jobs as a test submits them: the request body, the submit, the waits for a status or a stage. One place for every
layer that talks to the API: the in-process app (a TestClient), a real ``aftercall serve``, the benchmarks (httpx)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol


class Client(Protocol):
    def get(self, url: str) -> Any: ...
    def post(self, url: str, *, json: Any) -> Any: ...


def job_body(uri: str = "https://example.com/call.wav", *, template: str = "calls/{job_id}", **overrides: Any) -> dict:
    """A ``transcript`` job of ``uri`` written under ``template``; ``overrides`` replace top-level fields."""
    body = {
        "preset": "transcript",
        "inParams": {"sourceType": "uri", "uri": uri},
        "outParams": {"s3Config": {"s3KeyTemplate": template}},
    }
    body.update(overrides)
    return body


def upload(api: Any, data: Path, name: str = "speech.wav") -> str:
    """Upload ``data/name`` as a recording; its id."""
    with (data / name).open("rb") as f:
        response = api.post("/v1/recordings", files={"file": (name, f, "audio/wav")})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def recording_job(recording_id: str, **overrides: Any) -> dict:
    return job_body(inParams={"sourceType": "recordingId", "recordingId": recording_id}, **overrides)


def transcript_job(uri: str, *, preset: str = "soap-notes", template: str = "visits/{job_id}") -> dict:
    """A job of a transcript at ``uri`` (``transcriptUri``), for the note presets."""
    return job_body(template=template, preset=preset, inParams={"sourceType": "transcriptUri", "transcriptUri": uri})


def submit(api: Client, uri: str, *, template: str = "calls/{job_id}", **overrides: Any) -> str:
    """Submit a ``transcript`` job of ``uri`` and return its id (the API must accept it)."""
    return post(api, job_body(uri, template=template, **overrides))


def post(api: Client, body: dict) -> str:
    """Submit a prepared job ``body`` and return its id; a refusal fails here, saying why."""
    response = api.post("/v1/batch-processor", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def wait(api: Client, job_id: str, *, until: tuple[str, ...] = ("finished", "error"), timeout: float = 180.0) -> dict:
    """The job once its status is one of ``until``; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    job: dict = {}
    while time.monotonic() < deadline:
        job = api.get(f"/v1/batch-processor/{job_id}").json()
        if job["status"] in until:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not in {until} after {timeout} s: {job}")


def wait_for_progress(api: Client, job_id: str, reached: Callable[[dict], bool], *, timeout: float = 180.0) -> dict:
    """The job once ``reached(job)`` holds (e.g. it is transcribing); fails if the job ends first, or after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        job = api.get(f"/v1/batch-processor/{job_id}").json()
        if reached(job):
            return job
        assert job["status"] in ("submitted", "processing"), f"job {job_id} ended before it got there: {job}"
        assert time.monotonic() < deadline, f"job {job_id} did not get there in {timeout} s: {job}"
        time.sleep(0.05)
