"""Real speech through a real ``aftercall serve``: every container, every format, every access path."""

import json

import httpx
import pytest

from tests.e2e.helpers import download_outputs
from tests.formats import check_cues, check_json, check_txt, model_of, parse_srt, parse_vtt
from tests.jobs import job_body, post, submit, wait

# Distinctive words of the committed sentence; tiny.en mishears "hello" and "weather" ("whether") on lossy
# synthetic speech, so those are not required.
SPOKEN = {"test", "transcription", "service", "today", "sunny", "warm"}
SPEECH_SECONDS = 6.33


def check_outputs(files: dict[str, bytes], job_id: str, duration: float) -> None:
    doc = check_json(files["json"], job_id=job_id, duration=duration)
    words = {w["word"] for w in doc["results"]["channels"][0]["alternatives"][0]["words"]}
    assert len(SPOKEN & words) >= len(SPOKEN) - 1, f"heard {sorted(words)}"
    assert model_of(doc) == "faster-whisper/tiny.en"
    turns = check_txt(files["txt"].decode())
    assert [speaker for speaker, _ in turns] == [0]
    assert "sunny" in turns[0][1].lower()
    check_cues(parse_srt(files["srt"].decode()), duration)
    note, vtt_cues = parse_vtt(files["vtt"].decode())
    assert "faster-whisper/tiny.en" in note
    assert f"Duration: {duration:.3f}" in note
    check_cues(vtt_cues, duration)


@pytest.mark.parametrize("name", ["speech.wav", "speech.mp3", "speech.m4a", "speech.ogg", "speech.webm", "speech.mp4"])
def test_every_container_becomes_a_transcript_in_four_formats(api, media, name):
    job_id = submit(api, f"{media}/media/{name}")
    job = wait(api, job_id)
    assert job["status"] == "finished", job
    assert job["input"] == {"sourceType": "uri", "uri": f"{media}/media/{name}", "language": "en"}
    assert job["progress"] == {"stage": "done", "percent": 100}
    assert abs(job["duration"] - SPEECH_SECONDS) < 0.05
    keys = {entry["format"]: entry["s3Config"]["key"] for entry in job["output"]["transcription"]}
    assert keys == {fmt: f"local/{job_id}/transcript/calls/{job_id}.{fmt}" for fmt in ("txt", "srt", "vtt", "json")}
    assert all(e["s3Config"]["bucket"] == "aftercall" for e in job["output"]["transcription"])
    check_outputs(download_outputs(api, job_id), job_id, job["duration"])


def test_use_replacement_keys_the_outputs_by_the_template_itself(api, media):
    job_id = submit(
        api,
        f"{media}/redirect/2/speech.wav",
        template="{domain_name}/calls/{job_id}",
        outParams={"s3config": {"s3KeyTemplate": "{domain_name}/calls/{job_id}", "useReplacement": True}},
    )
    job = wait(api, job_id)
    assert job["status"] == "finished", job
    keys = sorted(entry["s3Config"]["key"] for entry in job["output"]["transcription"])
    assert keys == sorted(f"local/calls/{job_id}.{fmt}" for fmt in ("json", "srt", "txt", "vtt"))


def test_a_recording_upload_feeds_a_job(api, data):
    with (data / "speech.m4a").open("rb") as f:
        response = api.post(
            "/v1/recordings", files={"file": ("visit.m4a", f, "audio/mp4")}, data={"room_name": "clinic"}
        )
    assert response.status_code == 200, response.text
    recording = response.json()
    assert recording["room_name"] == "clinic"
    assert recording["status"] == "finished"
    assert recording["duration"] == 6
    assert api.get(f"/v1/recordings/{recording['id']}").json() == recording
    listed = api.get("/v1/recordings", params={"room_name": "clinic"}).json()
    assert listed["total_count"] == 1
    assert listed["data"] == [recording]

    link = api.get(f"/v1/recordings/{recording['id']}/access-link").json()
    assert httpx.get(link["download_link"]).content == (data / "speech.m4a").read_bytes()

    body = job_body(template="visit", inParams={"sourceType": "recordingId", "recordingId": recording["id"]})
    job_id = post(api, body)
    job = wait(api, job_id)
    assert job["status"] == "finished", job
    assert job["input"] == {"sourceType": "recordingId", "recordingId": recording["id"], "language": "en"}
    check_outputs(download_outputs(api, job_id), job_id, job["duration"])
    by_recording = api.get("/v1/batch-processor", params={"recordingId": recording["id"]}).json()
    assert [item["id"] for item in by_recording["data"]] == [job_id]

    assert api.delete(f"/v1/recordings/{recording['id']}").status_code == 200
    assert api.get(f"/v1/recordings/{recording['id']}").status_code == 404
    assert httpx.get(link["download_link"]).status_code == 404


def test_deleting_a_job_removes_it_and_its_outputs(api, media):
    job_id = submit(api, f"{media}/media/speech.ogg")
    assert wait(api, job_id)["status"] == "finished"
    links = api.get(f"/v1/batch-processor/{job_id}/access-link").json()
    deleted = api.delete(f"/v1/batch-processor/{job_id}")
    assert deleted.status_code == 200
    assert deleted.json()["status"] == "finished"
    assert api.get(f"/v1/batch-processor/{job_id}").status_code == 404
    for entry in links["transcription"]:
        assert httpx.get(entry["link"]).status_code == 404


def test_links_are_refused_when_tampered_with(api, media):
    job_id = submit(api, f"{media}/media/speech.wav")
    wait(api, job_id)
    link = api.get(f"/v1/batch-processor/{job_id}/access-link").json()["transcription"][0]["link"]
    forged = link.replace(".txt?", ".json?")
    assert httpx.get(forged).status_code == 401


def test_jobs_list_newest_first(api, media):
    ids = [submit(api, f"{media}/status/404") for _ in range(3)]
    for job_id in ids:
        wait(api, job_id)
    page = api.get("/v1/batch-processor", params={"limit": 2}).json()
    assert [item["id"] for item in page["data"]] == ids[::-1][:2]
    assert page["total_count"] >= 3
    daily, extensions = {"id", "preset", "status"}, {"createdAt", "input", "progress", "error"}  # no media: no duration
    assert set(page["data"][0]) == daily | extensions
    after = api.get("/v1/batch-processor", params={"limit": 1, "starting_after": ids[1]}).json()
    assert [item["id"] for item in after["data"]] == [ids[0]]


def test_the_json_transcript_is_valid_utf8_json(api, media):
    job_id = submit(api, f"{media}/media/speech.wav")
    wait(api, job_id)
    files = download_outputs(api, job_id)
    assert json.loads(files["json"].decode("utf-8"))["metadata"]["request_id"] == job_id


@pytest.mark.parametrize("language", ["fr", "auto"])
def test_other_languages_use_the_shipped_multilingual_model(api, media, language):
    job_id = submit(
        api,
        f"{media}/media/french.ogg",
        inParams={"sourceType": "uri", "uri": f"{media}/media/french.ogg", "language": language},
    )
    job = wait(api, job_id)
    assert job["status"] == "finished", job
    assert job["input"]["language"] == language
    doc = check_json(download_outputs(api, job_id)["json"], job_id=job_id, duration=job["duration"])
    assert model_of(doc) == "faster-whisper/base"
    assert doc["metadata"]["language"] == "fr"
    words = {w["word"] for w in doc["results"]["channels"][0]["alternatives"][0]["words"]}
    assert {"bonjour", "voudrais", "demain", "matin"} <= words, words
    channel = doc["results"]["channels"][0]
    if language == "auto":
        assert channel["detected_language"] == "fr"
        assert channel["language_confidence"] > 0.5
    else:
        assert "detected_language" not in channel


@pytest.mark.parametrize("language", ["auto", "multi"])
def test_auto_detects_the_language_across_the_whole_file(api, media, language):
    """English for the first half-minute, French after: a detector that hears only the first 30 s says English.
    The file's language is the one most of it is in, and each part is written in the language it was said in
    (``multi``, Deepgram's code-switching value, asks for that whatever the detectors say)."""
    url = f"{media}/english-then-french.wav"
    job_id = submit(api, url, inParams={"sourceType": "uri", "uri": url, "language": language})
    job = wait(api, job_id)
    assert job["status"] == "finished", job
    channel = check_json(download_outputs(api, job_id)["json"], job_id=job_id, duration=job["duration"])["results"][
        "channels"
    ][0]
    assert channel["detected_language"] == "fr"
    words = {w["word"] for w in channel["alternatives"][0]["words"]}
    assert len({"bonjour", "voudrais", "prendre", "demain", "matin"} & words) >= 3, words
    assert len({"hello", "transcription", "weather", "sunny", "warm"} & words) >= 3, words
