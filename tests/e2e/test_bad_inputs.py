"""Bad media in a real server: each job ends in ``error`` with a sentence naming the step and the reason."""

import pytest

from tests.jobs import submit, wait


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/status/404", "Failed to download: 404 Not Found"),
        ("/status/403", "Failed to download: 403 Forbidden"),
        ("/media/page.html", "Input is not audio or video (text/html)"),
        ("/media/notes.bin", "Input is not audio or video, or is truncated or corrupt"),
        ("/media/empty.wav", "Input file is empty"),
        ("/media/silence.wav", "Failed to transcribe. May be invalid audio or silent file"),
        ("/media/truncated.mp4", "Input is not audio or video, or is truncated or corrupt"),
        ("/redirect/6/speech.wav", "Failed to download: too many redirects"),
    ],
)
def test_bad_media_fails_the_job_with_a_clear_error(api, media, path, expected):
    job = wait(api, submit(api, media + path))
    assert job["status"] == "error"
    assert job["error"].startswith(expected), job["error"]
    assert "output" not in job


def test_an_unreachable_host_fails_the_download(api):
    job = wait(api, submit(api, "http://127.0.0.1:9/speech.wav"))
    assert job["status"] == "error"
    assert job["error"].startswith("Failed to download: ")


def test_the_server_keeps_working_after_bad_inputs(api, media):
    for path in ("/media/notes.bin", "/media/empty.wav", "/status/500"):
        wait(api, submit(api, media + path))
    assert wait(api, submit(api, f"{media}/media/speech.mp3"))["status"] == "finished"
