"""A job's whole flow in-process, on aftercall.testing's scripted engines (no model is loaded, so this runs in the
fast loop): recording upload, job, progress, outputs, access links, webhook event, deletion. What the real
engines make of the audio is tested in the slow part (test_jobs_in_process.py, tests/e2e/)."""

import base64
import hashlib
import hmac
import json

import pytest

from aftercall.testing import SCRIPT, MinimalModel, ScriptedSpeech
from tests.integration.conftest import make_client
from tests.jobs import post, recording_job, upload, wait
from tests.receiver import receiver


@pytest.fixture
def speech():
    return ScriptedSpeech()


@pytest.fixture
def model():
    return MinimalModel()


@pytest.fixture
def api(tmp_path, speech, model):
    with make_client(tmp_path, speech=speech, model=model, allow_private_urls=True) as client:
        yield client


def fetch(api, link: str) -> bytes:
    response = api.get(link.removeprefix("http://127.0.0.1:8731"))
    assert response.status_code == 200, response.text
    return response.content


def test_a_recording_becomes_four_transcript_files_and_a_signed_finished_event(api, data, speech):
    with receiver() as r:
        hook = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.job-finished"]}).json()
        job_id = post(api, recording_job(upload(api, data), transformParams={"transcript": {"language": "auto"}}))
        job = wait(api, job_id, timeout=60)
        assert job["status"] == "finished", job
        assert job["progress"] == {"stage": "done", "percent": 100}
        assert round(job["duration"]) == 6
        assert [entry["format"] for entry in job["output"]["transcription"]] == ["txt", "srt", "vtt", "json"]
        assert [entry["s3Config"]["key"] for entry in job["output"]["transcription"]] == [
            f"local/{job_id}/transcript/calls/{job_id}.{fmt}" for fmt in ("txt", "srt", "vtt", "json")
        ]
        assert speech.calls[-1].language is None  # "auto": the engine is asked to detect

        access = api.get(f"/v1/batch-processor/{job_id}/access-link").json()
        links = {entry["format"]: entry["link"] for entry in access["transcription"]}
        assert fetch(api, links["txt"]).decode() == f"Speaker 0: {SCRIPT}\n"
        words = json.loads(fetch(api, links["json"]))["results"]["channels"][0]["alternatives"][0]["words"]
        assert [w["word"] for w in words] == [w.strip(",.").lower() for w in SCRIPT.split()]
        assert fetch(api, links["vtt"]).startswith(b"WEBVTT")

        r.wait_for(2)  # the endpoint's verification, then the event
        event = r.requests[1]
        assert event.json["type"] == "batch-processor.job-finished"
        assert event.json["payload"]["output"] == job["output"]
        key = base64.b64decode(hook["hmac"])
        signed = f"{event.headers['X-Webhook-Timestamp']}.".encode() + event.body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        assert event.headers["X-Webhook-Signature"] == expected


def test_a_soap_notes_job_writes_its_note_and_concepts_beside_the_transcript(api, data, model):
    job_id = post(api, recording_job(upload(api, data), preset="soap-notes"))
    job = wait(api, job_id, timeout=60)
    assert job["status"] == "finished", job
    assert {section: job["output"][section]["format"] for section in ("soap", "concept")} == {
        "soap": "JSON",
        "concept": "JSON",
    }
    links = api.get(f"/v1/batch-processor/{job_id}/access-link").json()
    soap, concepts = json.loads(fetch(api, links["soap"]["link"])), json.loads(fetch(api, links["concept"]["link"]))
    assert soap["metadata"]["model"] == concepts["metadata"]["model"] == "scripted/minimal"
    for section in ("subjective", "objective", "assessment", "plan"):
        assert soap[section] == []  # the minimal model says nothing, and nothing is made up around it
    assert concepts["concepts"] == []
    assert len(model.requests) == 2  # one chunk: its SOAP statements, its concepts
    for messages in model.requests:  # each read the transcript, as its speaker said it
        assert "weather today is sunny and warm" in messages[-1]["content"]
    assert concepts["metadata"]["chunks"] == soap["metadata"]["chunks"] == 1
    assert len(links["transcription"]) == 4


def test_deleting_a_finished_job_removes_every_file_it_wrote_and_no_other(api, data):
    recording = upload(api, data)
    kept, deleted = (post(api, recording_job(recording)) for _ in range(2))
    for job_id in (kept, deleted):
        assert wait(api, job_id, timeout=60)["status"] == "finished"
    store = api.app.state.runtime.store
    written = {p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.is_file()}
    assert {key for key in written if deleted in key}
    assert api.delete(f"/v1/batch-processor/{deleted}").status_code == 200
    left = {p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.is_file()}
    assert not {key for key in left if deleted in key}
    assert {key for key in written if kept in key} <= left
