"""Speaker-labelled transcripts through the API, on the generated doctor–patient call (tests/data/dialogue.*)."""

import json
import re

import pytest

from tests.der import Reference
from tests.integration.conftest import job_body, make_client, wait_for_terminal
from tests.integration.test_jobs_in_process import download
from tests.media_server import media_server


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with media_server() as media, make_client(tmp_path_factory.mktemp("speakers"), allow_private_urls=True) as client:
        client.media = media
        yield client


def run(api, name: str, **transcript) -> dict[str, str]:
    body = job_body(f"{api.media}/media/{name}.ogg", transformParams={"transcript": transcript})
    job_id = api.post("/v1/batch-processor", json=body).json()["id"]
    job = wait_for_terminal(api, job_id)
    assert job["status"] == "finished", job
    return {fmt: download(api, job_id, fmt) for fmt in ("txt", "json", "vtt")}


def test_a_two_voice_call_alternates_speakers_and_each_word_has_the_right_one(api):
    files = run(api, "dialogue")
    reference = Reference.of("dialogue")
    lines = files["txt"].strip().split("\n\n")
    assert [line.split(":")[0] for line in lines] == [f"Speaker {i % 2}" for i in range(len(reference.turns))]
    assert lines[0].startswith("Speaker 0: Good morning")
    words = json.loads(files["json"])["results"]["channels"][0]["alternatives"][0]["words"]
    letters = {"D": 0, "P": 1}  # the doctor speaks first
    truth = [(w, reference.speaker_at((w["start"] + w["end"]) / 2)) for w in words]
    scored = [(w, who) for w, who in truth if who is not None]
    right = sum(w["speaker"] == letters[who] for w, who in scored)
    assert len(scored) >= 0.9 * len(words)
    assert right >= 0.95 * len(scored), f"{right} of {len(scored)} words have the right speaker"
    assert all(0.0 <= w["speaker_confidence"] <= 1.0 for w in words)


def test_speaker_count_and_diarize_false_are_honoured(api):
    three = json.loads(run(api, "dialogue", extra={"num_speakers": 3})["json"])
    assert {u["speaker"] for u in three["results"]["utterances"]} == {0, 1, 2}
    off = run(api, "dialogue", diarize=False)
    assert set(re.findall(r"^Speaker (\d+):", off["txt"], re.M)) == {"0"}
    assert off["txt"].count("Speaker 0:") == 1, "one speaker: one paragraph"
