"""A real ``aftercall serve`` writing to S3 (moto's server): keys, presigned links, deletion."""

import signal

import boto3
import httpx

from tests.e2e.conftest import Server
from tests.e2e.helpers import download_outputs
from tests.jobs import submit, wait
from tests.services import new_bucket


def test_outputs_and_recordings_live_in_s3(tmp_path, media, s3_endpoint, data):
    bucket = new_bucket(s3_endpoint)
    server = Server(
        tmp_path / "data",
        AFTERCALL_STORAGE_URL=f"s3://{bucket}/aftercall",
        AFTERCALL_S3_ENDPOINT_URL=s3_endpoint,
        AFTERCALL_S3_ACCESS_KEY_ID="testing",
        AFTERCALL_S3_SECRET_ACCESS_KEY="testing",
    )
    server.start()
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    try:
        with server.client() as api:
            job_id = submit(api, f"{media}/media/speech.wav", template="visit")
            job = wait(api, job_id)
            assert job["status"] == "finished", job
            keys = sorted(e["s3Config"]["key"] for e in job["output"]["transcription"])
            assert keys == sorted(
                f"aftercall/local/{job_id}/transcript/visit.{f}" for f in ("txt", "srt", "vtt", "json")
            )
            assert {e["s3Config"]["bucket"] for e in job["output"]["transcription"]} == {bucket}
            files = download_outputs(api, job_id)  # presigned S3 URLs
            assert files["txt"].decode().startswith("Speaker 0: ")
            stored = s3.get_object(Bucket=bucket, Key=f"aftercall/local/{job_id}/transcript/visit.txt")["Body"].read()
            assert stored == files["txt"]

            with (data / "speech.mp3").open("rb") as f:
                recording = api.post("/v1/recordings", files={"file": ("a.mp3", f, "audio/mpeg")}).json()
            link = api.get(f"/v1/recordings/{recording['id']}/access-link").json()["download_link"]
            assert httpx.get(link).content == (data / "speech.mp3").read_bytes()

            assert api.delete(f"/v1/batch-processor/{job_id}").status_code == 200
            remaining = s3.list_objects_v2(Bucket=bucket, Prefix=f"aftercall/local/{job_id}/").get("KeyCount")
            assert remaining == 0
    finally:
        server.kill(signal.SIGTERM)
