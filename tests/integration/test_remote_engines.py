"""The deepgram and openai speech-to-text engines, through the API, against real local servers of their
documented endpoints (tests/speech_servers.py)."""

import json

import pytest

from tests.formats import model_of
from tests.integration.conftest import make_client
from tests.integration.test_jobs_in_process import download
from tests.jobs import job_body, wait
from tests.media_server import media_server
from tests.speech_servers import KEY, speech_server

pytestmark = pytest.mark.slow  # real speaker models behind the remote speech engines


@pytest.fixture(scope="module")
def servers():
    with media_server() as media, speech_server() as speech:
        yield media, speech


def submit(api, media: str, **transcript) -> dict:
    body = job_body(f"{media}/media/dialogue.ogg", transformParams={"transcript": transcript})
    response = api.post("/v1/batch-processor", json=body)
    assert response.status_code == 200, response.text
    return wait(api, response.json()["id"])


def results(api, job: dict) -> dict:
    return json.loads(download(api, job["id"], "json"))


def test_deepgram_gets_multi_and_keyterms_as_its_own_options(servers, tmp_path):
    media, speech = servers
    settings = {"asr_engine": "deepgram", "deepgram_api_key": KEY, "deepgram_base_url": speech.url}
    with make_client(tmp_path, allow_private_urls=True, **settings) as api:
        job = submit(api, media, language="multi", extra={"keyterm": "apixaban", "keywords": ["Eliquis:3"]})
        assert job["status"] == "finished", job
    params = speech.requests[-1]["params"]
    assert ("language", "multi") in params
    assert ("detect_language", "true") not in params
    assert {("keywords", "Eliquis:3"), ("keyterm", "apixaban")} <= set(params), "each as Deepgram takes it"


def test_deepgram_gets_the_jobs_options_and_its_speakers_are_kept(servers, tmp_path):
    media, speech = servers
    settings = {"asr_engine": "deepgram", "deepgram_api_key": KEY, "deepgram_base_url": speech.url}
    with make_client(tmp_path, allow_private_urls=True, **settings) as api:
        job = submit(api, media, language="en", redact=["ssn"], extra={"keywords": ["azithromycin"]})
        assert job["status"] == "finished", job
        sent = speech.requests[-1]
        assert sent["headers"]["content-type"] == "audio/wav"
        params = sent["params"]
        for pair in [("model", "nova-2"), ("punctuate", "true"), ("diarize", "true"), ("language", "en"),
                     ("redact", "ssn"), ("keywords", "azithromycin")]:  # fmt: skip
            assert pair in params
        out = results(api, job)
        assert model_of(out) == "deepgram/nova-2"
        words = out["results"]["channels"][0]["alternatives"][0]["words"]
        assert "Good morning" in download(api, job["id"], "txt")
        assert {w["speaker"] for w in words} == {0, 1}
        assert all(w["speaker_confidence"] == 1.0 for w in words), "Deepgram's labels, not the local diarizer's"


def test_deepgram_auto_language_is_detected_there(servers, tmp_path):
    media, speech = servers
    settings = {"asr_engine": "deepgram", "deepgram_api_key": KEY, "deepgram_base_url": speech.url}
    with make_client(tmp_path, allow_private_urls=True, **settings) as api:
        job = submit(api, media, language="auto", model="nova-2-medical")
        assert job["status"] == "finished", job
        assert ("detect_language", "true") in speech.requests[-1]["params"]
        assert ("model", "nova-2-medical") in speech.requests[-1]["params"]
        channel = results(api, job)["results"]["channels"][0]
        assert channel["detected_language"] == "en"


def test_a_refused_key_fails_the_job_naming_deepgram(servers, tmp_path):
    media, speech = servers
    settings = {"asr_engine": "deepgram", "deepgram_api_key": "wrong", "deepgram_base_url": speech.url}
    with make_client(tmp_path, allow_private_urls=True, **settings) as api:
        job = submit(api, media)
        assert job["status"] == "error"
        assert job["error"].startswith("Failed to transcribe: Deepgram answered 401"), job["error"]


def test_openai_compatible_server_transcribes_with_punctuation_and_keywords_as_prompt(servers, tmp_path):
    media, speech = servers
    settings = {"asr_engine": "openai", "openai_asr_base_url": speech.url, "openai_asr_api_key": "sk-local"}
    with make_client(tmp_path, allow_private_urls=True, **settings) as api:
        job = submit(api, media, language="auto", extra={"keywords": ["azithromycin", "lisinopril"]})
        assert job["status"] == "finished", job
        sent = speech.requests[-1]
        assert sent["headers"]["authorization"] == "Bearer sk-local"
        form = sent["form"]
        assert ("model", "whisper-1") in form
        assert ("response_format", "verbose_json") in form
        assert ("timestamp_granularities[]", "word") in form
        assert ("prompt", "azithromycin, lisinopril") in form
        assert not [value for name, value in form if name == "language"], "auto: the server detects"
        out = results(api, job)
        assert model_of(out) == "openai/whisper-1"
        assert out["metadata"]["language"] == "en"
        words = out["results"]["channels"][0]["alternatives"][0]["words"]
        assert any(w["punctuated_word"].endswith(",") for w in words), "punctuation recovered from the text"
        assert len({w["speaker"] for w in words}) == 2, "diarized locally: the server has no speakers"


def test_an_unreachable_server_fails_the_job_saying_so(servers, tmp_path):
    media, _ = servers
    settings = {"asr_engine": "openai", "openai_asr_base_url": "http://127.0.0.1:9", "remote_asr_timeout_seconds": 5}
    with make_client(tmp_path, allow_private_urls=True, **settings) as api:
        job = submit(api, media)
        assert job["status"] == "error"
        assert job["error"].startswith("Failed to transcribe: the transcription server is unreachable"), job["error"]
