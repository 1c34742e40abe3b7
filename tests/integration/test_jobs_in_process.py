"""Jobs through the in-process app with the real engine: model loading, and options that change the text."""

import pytest
from structlog.testing import capture_logs

from tests.integration.conftest import make_client
from tests.jobs import job_body, wait, wait_for_progress
from tests.media_server import media_server

pytestmark = pytest.mark.slow  # real speech models


def download(api, job_id: str, fmt: str) -> str:
    links = api.get(f"/v1/batch-processor/{job_id}/access-link").json()["transcription"]
    link = next(entry["link"] for entry in links if entry["format"] == fmt)
    return api.get(link.removeprefix("http://127.0.0.1:8731")).text


def test_startup_loads_no_model_and_later_jobs_reuse_the_first_ones(tmp_path):
    with media_server() as media, make_client(tmp_path, allow_private_urls=True) as api:
        runtime = api.app.state.runtime
        assert runtime.asr.loaded_models == {}

        first = api.post("/v1/batch-processor", json=job_body(f"{media}/media/speech.wav")).json()["id"]
        assert wait(api, first)["status"] == "finished"
        loaded = runtime.asr.loaded_models
        assert list(loaded) == ["tiny.en"]

        body = job_body(f"{media}/media/speech.mp3", transformParams={"transcript": {"punctuate": False}})
        second = api.post("/v1/batch-processor", json=body).json()["id"]
        assert wait(api, second)["status"] == "finished"
        assert runtime.asr.loaded_models == loaded  # one job at a time: the same threads, so the same model
        assert all(runtime.asr.loaded_models["tiny.en"][n] is model for n, model in loaded["tiny.en"].items())

        punctuated, plain = download(api, first, "txt"), download(api, second, "txt")
        assert "," in punctuated
        assert any(c.isupper() for c in punctuated.removeprefix("Speaker 0: "))
        text = plain.removeprefix("Speaker 0: ").strip()
        assert text == text.lower()
        assert not set(",.?!") & set(text), text


def test_deleting_a_running_job_cancels_it_and_leaves_no_outputs(tmp_path):
    with media_server(long_repeats=4) as media, make_client(tmp_path, allow_private_urls=True, workers=1) as api:
        runtime = api.app.state.runtime
        job_id = api.post("/v1/batch-processor", json=job_body(f"{media}/long.wav")).json()["id"]
        wait_for_progress(api, job_id, lambda job: job["progress"]["stage"] == "transcribing")
        with capture_logs() as logs:
            deleted = api.delete(f"/v1/batch-processor/{job_id}")
            assert deleted.status_code == 200
            assert deleted.json()["status"] == "processing"
            assert api.get(f"/v1/batch-processor/{job_id}").status_code == 404
            # One worker: the next job runs only once the deleted one has stopped.
            after = api.post("/v1/batch-processor", json=job_body(f"{media}/media/speech.wav")).json()["id"]
            assert wait(api, after, timeout=60)["status"] == "finished"
        events = [e["event"] for e in logs if e.get("job_id") == job_id]
        assert events == ["job abandoned: deleted or claimed by another worker"], "stopped mid-transcription"
        stored = [p.relative_to(runtime.store.root).as_posix() for p in runtime.store.root.rglob("*") if p.is_file()]
        assert stored
        assert not [key for key in stored if job_id in key]


def test_media_longer_than_the_cap_is_refused(tmp_path, data):
    with media_server() as media, make_client(tmp_path, allow_private_urls=True, max_media_seconds=5) as api:
        with (data / "speech.wav").open("rb") as f:
            upload = api.post("/v1/recordings", files={"file": ("speech.wav", f, "audio/wav")})
        assert upload.status_code == 400
        assert upload.json()["info"] == "file: Input is 6 s long; the limit is 5 s"
        job_id = api.post("/v1/batch-processor", json=job_body(f"{media}/media/speech.mp3")).json()["id"]
        job = wait(api, job_id)
        assert job["status"] == "error"
        assert job["error"] == "Input is 6 s long; the limit is 5 s"
