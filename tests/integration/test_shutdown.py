"""A graceful shutdown of `aftercall serve`: a running job may finish within the grace period; one that cannot is
handed back to the queue without spending an attempt, and the next start runs it. Nothing is lost either way."""

import threading
import time

import pytest

from aftercall.errors import DataDirInUse
from aftercall.testing import ScriptedSpeech
from tests.integration.conftest import make_client
from tests.jobs import post, recording_job, upload, wait, wait_for_progress


class HeldSpeech(ScriptedSpeech):
    """Hears the script only once ``go`` is set; ``done`` is set when it has."""

    def __init__(self) -> None:
        super().__init__()
        self.go, self.done = threading.Event(), threading.Event()

    def transcribe(self, samples, request, on_progress):
        assert self.go.wait(30), "the test never let the transcription go"
        try:
            return super().transcribe(samples, request, on_progress)
        finally:
            self.done.set()


def wait_for_threads_to_end(timeout: float = 30) -> None:
    """The abandoned run's worker thread, and the one that lets go of the data dir after it."""
    deadline = time.monotonic() + timeout
    while any(thread.name.startswith(("worker-", "data-dir-release")) for thread in threading.enumerate()):
        assert time.monotonic() < deadline, "a worker thread is still running"
        time.sleep(0.05)


def transcribing(job: dict) -> bool:
    return job["progress"]["stage"] == "transcribing"


def test_a_job_that_outlives_the_grace_period_goes_back_to_the_queue_with_its_attempt_unspent(tmp_path, data):
    held = HeldSpeech()
    with make_client(tmp_path, speech=held, shutdown_grace_seconds=0.2) as api:
        job_id = post(api, recording_job(upload(api, data)))
        wait_for_progress(api, job_id, transcribing, timeout=30)
        runtime = api.app.state.runtime
    stored = runtime.jobs.get_job(job_id)
    assert (stored.status.value, stored.attempts, stored.progress.stage.value) == ("submitted", 0, "queued")

    with pytest.raises(DataDirInUse), make_client(tmp_path, speech=ScriptedSpeech()):
        pass  # the abandoned run is still going: no new process may take the data dir yet
    another = runtime.jobs.claim(job_id, "another-worker", lease_seconds=60, max_attempts=3)
    assert another.attempt == 1, "the handed-back attempt was not spent"
    held.go.set()  # the abandoned run goes on to its end, under the same attempt number, and must write nothing
    assert held.done.wait(30)
    wait_for_threads_to_end()
    assert runtime.jobs.get_job(job_id) == another.job
    assert runtime.jobs.release(job_id, 1)

    with make_client(tmp_path, speech=ScriptedSpeech()) as api:
        assert wait(api, job_id, timeout=60)["status"] == "finished"
        assert api.app.state.runtime.jobs.get_job(job_id).attempts == 1


def test_a_job_that_finishes_within_the_grace_period_is_finished_at_shutdown(tmp_path, data):
    held = HeldSpeech()
    with make_client(tmp_path, speech=held, shutdown_grace_seconds=30) as api:
        job_id = post(api, recording_job(upload(api, data)))
        wait_for_progress(api, job_id, transcribing, timeout=30)
        runtime = api.app.state.runtime
        threading.Timer(0.5, held.go.set).start()
    stored = runtime.jobs.get_job(job_id)
    assert (stored.status.value, stored.attempts) == ("finished", 1)
