"""The job row is the truth: a job whose process was killed mid-transcription is picked up again on restart."""

import signal

from tests.e2e.conftest import Server
from tests.e2e.helpers import check_covers_the_recording, download_outputs
from tests.jobs import submit, wait, wait_for_progress


def well_into_transcription(job: dict) -> bool:
    return job["progress"]["stage"] == "transcribing" and job["progress"]["percent"] > 15


def test_kill_9_during_transcription_then_restart_finishes_the_job(tmp_path, media):
    server = Server(tmp_path / "data")
    server.start()
    with server.client() as api:
        job_id = submit(api, f"{media}/long.wav")
        wait_for_progress(api, job_id, well_into_transcription)
    server.kill(signal.SIGKILL)

    server.start()
    try:
        with server.client() as api:
            job = wait(api, job_id, timeout=300)
            assert job["status"] == "finished", job
            check_covers_the_recording(download_outputs(api, job_id), job["duration"])
            assert api.get("/v1/batch-processor").json()["total_count"] == 1
    finally:
        server.kill(signal.SIGTERM)
