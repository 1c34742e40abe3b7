from __future__ import annotations

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
    """The transcript reaches the end of the media (a job resumed after a crash did the whole file).

    Not a recall check: the long test recording repeats one sentence 30 times, which makes whisper fall back to
    sampling and skip some repeats at random, so how often a word is heard varies from run to run.
    """
    words = json.loads(files["json"])["results"]["channels"][0]["alternatives"][0]["words"]
    assert words[-1]["end"] > 0.9 * duration, "the transcript covers the whole recording"
    assert sum(w["word"] == "sunny" for w in words) >= 5, "heard throughout, not once"


def download_outputs(api: httpx.Client, job_id: str) -> dict[str, bytes]:
    links = api.get(f"/v1/batch-processor/{job_id}/access-link")
    assert links.status_code == 200, links.text
    files = {}
    for entry in links.json()["transcription"]:
        response = httpx.get(entry["link"], timeout=30)  # the link alone is the credential
        assert response.status_code == 200, response.text
        files[entry["format"]] = response.content
    return files
