"""What end-to-end tests check of a finished job's files (submitting and waiting: tests/jobs.py)."""

from __future__ import annotations

import itertools
import json

import httpx


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
