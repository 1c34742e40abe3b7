"""A client generated from the published OpenAPI by a tool nobody here wrote (openapi-python-client), used as a
developer would: upload a recording, submit a job of it, poll, take the access links, download a file. Every answer
is parsed by the generated models, so a wrong type or shape in the document fails here."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.e2e.conftest import KEY, Server

DATA = Path(__file__).resolve().parents[1] / "data"


def generated_client(server: Server, where: Path):
    """The package openapi-python-client generates from the server's own /openapi.json, imported."""
    (where / "openapi.json").write_text(json.dumps(httpx.get(f"{server.base}/openapi.json").json()))
    (where / "config.yaml").write_text("post_hooks: []\n")
    tool = Path(sys.executable).with_name("openapi-python-client")
    generate = [str(tool), "generate", "--path", "openapi.json", "--config", "config.yaml", "--meta", "none"]
    done = subprocess.run([*generate, "--output-path", "aftercall_client"], cwd=where, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout  # every part of the document was understood
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module("aftercall_client")
    finally:
        sys.path.remove(str(where))


def test_a_generated_client_uploads_submits_polls_links_and_downloads(server, tmp_path):
    ac = generated_client(server, tmp_path)
    from aftercall_client.api.batch_processor import create_job, get_job, job_access_link
    from aftercall_client.api.files import download_file
    from aftercall_client.api.recordings import upload_recording
    from aftercall_client.models import (
        BodyUploadRecording,
        CreateJobRequest,
        Error,
        Job,
        JobCreated,
        JobLinks,
        Recording,
        Status,
    )
    from aftercall_client.types import File

    client = ac.AuthenticatedClient(base_url=server.base, token=KEY, raise_on_unexpected_status=True)
    with (DATA / "speech.wav").open("rb") as audio:
        upload = BodyUploadRecording(file=File(payload=audio, file_name="speech.wav", mime_type="audio/wav"))
        recording = upload_recording.sync(client=client, body=upload)
    assert isinstance(recording, Recording), recording
    assert recording.duration > 0

    body = CreateJobRequest.from_dict({
        "preset": "transcript",
        "inParams": {"sourceType": "recordingId", "recordingId": recording.id},
        "outParams": {"s3Config": {"s3KeyTemplate": "calls/{job_id}"}},
    })  # fmt: skip
    created = create_job.sync(client=client, body=body)
    assert isinstance(created, JobCreated), created

    deadline = time.monotonic() + 180
    job = get_job.sync(client=client, job_id=created.id)
    while isinstance(job, Job) and job.status not in (Status.FINISHED, Status.ERROR):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        job = get_job.sync(client=client, job_id=created.id)
    assert isinstance(job, Job), job
    assert job.status == Status.FINISHED, job
    assert {entry.format_ for entry in job.output.transcription} == {"txt", "srt", "vtt", "json"}

    links = job_access_link.sync(client=client, job_id=created.id)
    assert isinstance(links, JobLinks), links
    [txt] = [entry.link for entry in links.transcription if entry.format_ == "txt"]
    url = urlsplit(txt)
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    key = url.path.removeprefix("/v1/files/")
    downloaded = download_file.sync(client=client, key=key, expires=int(query["expires"]), signature=query["signature"])
    assert isinstance(downloaded, File), downloaded
    text = downloaded.payload.read().decode()
    assert text.strip()
    assert text == httpx.get(txt).text

    missing = get_job.sync(client=client, job_id="no-such-job")
    assert isinstance(missing, Error), missing
    assert missing.error == "not-found"
