from __future__ import annotations

import itertools
import json
import time

import httpx


def submit(api: httpx.Client, uri: str, *, template: str = "calls/{job_id}", **extra) -> str:
    body = {
        "preset": "transcript",
        "inParams": {"sourceType": "uri", "uri": uri},
        "outParams": {"s3Config": {"s3KeyTemplate": template}},
        **extra,
    }
    response = api.post("/v1/batch-processor", json=body)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def wait(api: httpx.Client, job_id: str, *, until=("finished", "error"), timeout: float = 180.0) -> dict:
    deadline = time.monotonic() + timeout
    job: dict = {}
    while time.monotonic() < deadline:
        job = api.get(f"/v1/batch-processor/{job_id}").json()
        if job["status"] in until:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not in {until} after {timeout} s: {job}")


def check_covers_the_recording(files: dict[str, bytes], duration: float) -> None:
    """The transcript runs from the start of the media to its end without a hole (a job resumed after a crash
    transcribed the whole file, once). The long test recording is a dialogue with no pause over a second."""
    words = json.loads(files["json"])["results"]["channels"][0]["alternatives"][0]["words"]
    assert words[0]["start"] < 5.0, "the transcript starts at the start"
    assert words[-1]["end"] > duration - 5.0, "the transcript reaches the end"
    holes = [(a["end"], b["start"]) for a, b in itertools.pairwise(words) if b["start"] - a["end"] > 10.0]
    assert not holes, f"stretches of speech missing from the transcript: {holes}"
    assert all(a["start"] <= b["start"] for a, b in itertools.pairwise(words)), "words in order, none repeated"


def download_outputs(api: httpx.Client, job_id: str) -> dict[str, bytes]:
    links = api.get(f"/v1/batch-processor/{job_id}/access-link")
    assert links.status_code == 200, links.text
    files = {}
    for entry in links.json()["transcription"]:
        response = httpx.get(entry["link"], timeout=30)  # the link alone is the credential
        assert response.status_code == 200, response.text
        files[entry["format"]] = response.content
    return files
