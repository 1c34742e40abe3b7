"""Speaker names (an extension): kept with a transcribed job, shown by GET, and used in a named copy of each
transcript file, the stored files unchanged. On aftercall.testing's scripted engines (one speaker, speaker 0)."""

import json

import pytest

from aftercall.testing import ScriptedSpeech
from tests.integration.conftest import make_client
from tests.jobs import job_body, post, recording_job, upload, wait


@pytest.fixture
def api(tmp_path):
    with make_client(tmp_path, speech=ScriptedSpeech(), allow_private_urls=True) as client:
        yield client


def stored(api, job_id: str, fmt: str) -> str:
    links = api.get(f"/v1/batch-processor/{job_id}/access-link").json()["transcription"]
    link = next(entry["link"] for entry in links if entry["format"] == fmt)
    return api.get(link.removeprefix("http://127.0.0.1:8731")).text


def test_named_speakers_are_kept_shown_and_used_in_a_named_copy_of_each_transcript(api, data):
    job_id = post(api, recording_job(upload(api, data)))
    assert wait(api, job_id, timeout=60)["status"] == "finished"
    named = api.put(f"/v1/batch-processor/{job_id}/speakers", json={"speakers": {"0": " Dr. Patel ", "1": "Patient"}})
    assert named.status_code == 200, named.text
    assert named.json()["speakers"] == {"0": "Dr. Patel", "1": "Patient"}
    again = api.put(f"/v1/batch-processor/{job_id}/speakers", json={"speakers": {"1": "Mrs. Chen"}})
    assert again.json()["speakers"] == {"0": "Dr. Patel", "1": "Mrs. Chen"}, "a name given before is kept"
    assert api.get(f"/v1/batch-processor/{job_id}").json()["speakers"] == {"0": "Dr. Patel", "1": "Mrs. Chen"}

    def named_copy(fmt: str) -> str:
        response = api.get(f"/v1/batch-processor/{job_id}/named/transcript.{fmt}")
        assert response.status_code == 200, response.text
        return response.text

    assert named_copy("txt").startswith("Dr. Patel: Hello, this is a test")
    assert stored(api, job_id, "txt").startswith("Speaker 0: Hello"), "the stored file is never changed"
    cues = named_copy("vtt").split("\n\n")
    assert cues[0].startswith("WEBVTT")
    assert cues[2].split("\n")[2].startswith("<v Dr. Patel>- Hello")
    assert named_copy("srt").split("\n")[2].startswith("Dr. Patel: Hello")
    document = json.loads(named_copy("json"))
    assert {u["speaker_name"] for u in document["results"]["utterances"]} == {"Dr. Patel"}
    paragraphs = document["results"]["channels"][0]["alternatives"][0]["paragraphs"]
    assert paragraphs["transcript"].startswith("\nDr. Patel: Hello")
    assert api.get(f"/v1/batch-processor/{job_id}/named/transcript.pdf").status_code == 404


@pytest.mark.parametrize(
    "speakers", [None, {}, {"zero": "A"}, {"²": "A"}, {"0": ""}, {"0": "x" * 65}, {"0": "<b>"}, {"0": 3}, ["A"]]
)
def test_bad_names_are_a_400_naming_speakers(api, data, speakers):
    job_id = post(api, recording_job(upload(api, data)))
    response = api.put(f"/v1/batch-processor/{job_id}/speakers", json={"speakers": speakers})
    assert response.status_code == 400
    assert response.json()["info"].startswith("speakers: ")


def test_a_job_without_a_transcript_has_no_speakers_to_name(api, data):
    job_id = post(api, recording_job(upload(api, data)))
    wait(api, job_id, timeout=60)
    missing = "6f1c4d1e-0000-4000-8000-000000000000"
    unknown = api.put(f"/v1/batch-processor/{missing}/speakers", json={"speakers": {"0": "A"}})
    assert unknown.status_code == 404
    failed = post(api, job_body("http://127.0.0.1:9/x"))
    assert wait(api, failed, timeout=60)["status"] == "error"
    refused = api.put(f"/v1/batch-processor/{failed}/speakers", json={"speakers": {"0": "A"}})
    assert refused.status_code == 400
    assert "has no transcript" in refused.json()["info"]
    assert api.get(f"/v1/batch-processor/{failed}/named/transcript.txt").status_code == 400


def test_an_uploads_file_name_is_kept_and_names_its_jobs(api, data):
    recording = api.post("/v1/recordings", files={"file": ("Visit 12.wav", (data / "speech.wav").read_bytes())}).json()
    assert recording["filename"] == "Visit 12.wav"
    job_id = post(api, recording_job(recording["id"]))
    assert api.get(f"/v1/batch-processor/{job_id}").json()["sourceName"] == "Visit 12.wav"
    listed = api.get("/v1/batch-processor").json()["data"]
    assert next(job for job in listed if job["id"] == job_id)["sourceName"] == "Visit 12.wav"
