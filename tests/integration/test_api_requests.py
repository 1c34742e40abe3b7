"""The API in-process: authentication, validation, errors and idempotency (docs/api.md §1–§2, §4)."""

import re
import time

import pytest
from fastapi.testclient import TestClient

from aftercall.bootstrap import build_embedded
from aftercall.errors import DataDirInUse
from aftercall.settings import Settings
from tests.integration.conftest import KEY, make_client
from tests.jobs import job_body, wait


def error_of(response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "info"}
    assert body["error"] == kind
    return body["info"]


@pytest.mark.parametrize("header", [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer "])
def test_missing_or_malformed_authorization(api, header):
    headers = {"Authorization": header} if header is not None else {}
    api.headers.pop("Authorization")
    error_of(api.get("/v1/batch-processor", headers=headers), 400, "authorization-header-error")


def test_a_key_past_its_rate_gets_429_with_retry_after(tmp_path):
    with make_client(tmp_path, rate_limit_per_minute=3) as api:
        assert [api.get("/v1/batch-processor").status_code for _ in range(3)] == [200, 200, 200]
        response = api.get("/v1/batch-processor")
        assert error_of(response, 429, "rate-limit-error").startswith("Too many requests for this API key")
        assert 1 <= int(response.headers["retry-after"]) <= 20
        other = api.get("/v1/batch-processor", headers={"Authorization": "Bearer second-key"})
        assert other.status_code == 200, "each key has its own rate"


def test_a_client_guessing_keys_is_slowed_down(tmp_path):
    with make_client(tmp_path, auth_failures_per_minute=2) as api:
        wrong = {"Authorization": "Bearer guess"}
        assert [api.get("/v1/batch-processor", headers=wrong).status_code for _ in range(2)] == [401, 401]
        response = api.get("/v1/batch-processor", headers=wrong)
        assert error_of(response, 429, "rate-limit-error").startswith("Too many failed authentications")
        assert int(response.headers["retry-after"]) >= 1
        blocked = api.get("/v1/batch-processor")
        assert blocked.status_code == 429, "while it waits, even a right key is not read from that address"


def test_unknown_key_is_an_authentication_error(api):
    info = error_of(
        api.get("/v1/batch-processor", headers={"Authorization": "Bearer wrong"}), 401, "authentication-error"
    )
    assert "wrong" not in info


def test_every_configured_key_works(api):
    assert api.get("/v1/batch-processor", headers={"Authorization": "Bearer second-key"}).status_code == 200
    assert api.get("/v1/batch-processor", headers={"Authorization": f"bearer {KEY}"}).status_code == 200


def test_malformed_json_is_a_json_parsing_error(api):
    error_of(api.post("/v1/batch-processor", content=b'{"preset": "transcript",'), 400, "json-parsing-error")


def test_json_is_read_whatever_the_content_type(api):
    response = api.post(
        "/v1/batch-processor",
        json=None,
        content=str(job_body()).replace("'", '"'),
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"inParams": {}, "outParams": {}}, "preset"),
        (job_body(preset="translate"), "preset"),
        (job_body(outParams={"s3Config": {"s3KeyTemplate": "calls/../../etc"}}), "outParams.s3Config.s3KeyTemplate"),
        (job_body(outParams={"s3Config": {"s3KeyTemplate": "k" * 1024}}), "outParams.s3Config.s3KeyTemplate"),
        (job_body(outParams={"s3Config": {"s3KeyTemplate": "a/" + "b" * 300}}), "outParams.s3Config.s3KeyTemplate"),
        (job_body(outParams={"s3Config": {}}), "outParams.s3Config.s3KeyTemplate"),
        (job_body(uri="http://127.0.0.1:8000/a.wav"), "inParams.uri"),
        (job_body(uri="http://localhost/a.wav"), "inParams.uri"),
        (job_body(uri="http://169.254.169.254/latest"), "inParams.uri"),
        (job_body(uri="ftp://example.com/a.wav"), "inParams.uri"),
        (job_body(inParams={"sourceType": "recordingId", "recordingId": "nope"}), "inParams.recordingId"),
        (job_body(inParams={"sourceType": "uri", "uri": "https://e.com/a", "language": "tlh"}), "inParams.language"),
        (
            job_body(inParams={"sourceType": "transcriptUri", "transcriptUri": "https://e.com/t.vtt"}),
            "inParams.sourceType",
        ),
        *[
            (job_body(preset="summarize", inParams={"sourceType": "transcriptUri", "transcriptUri": uri}), field)
            for uri in ("file:///etc/passwd", "gopher://e.com/t.txt", "ftp://e.com/t.txt", "http://127.0.0.1/t.txt")
            for field in ["inParams.transcriptUri"]
        ],
        (job_body(transformParams={"transcript": {"redact": "ssn"}}), "transformParams.transcript.redact"),
        (job_body(transformParams={"transcript": {"extra": {"num_speakers": 0}}}), "transformParams.transcript.extra"),
        (job_body(transformParams={"transcript": {"extra": {"multichannel": 1}}}), "transformParams.transcript.extra"),
        (job_body(transformParams={"transcript": {"model": "my-model"}}), "transformParams.transcript.model"),
    ],
)
def test_bad_submissions_are_400s_naming_the_field(api, body, field):
    info = error_of(api.post("/v1/batch-processor", json=body), 400, "invalid-request-error")
    assert info.startswith(f"{field}: ")


def test_a_language_beyond_dailys_tags_is_accepted_when_the_speech_model_knows_it(api):
    for language in ("sw", "haw", "multi", "auto"):  # Swahili and Hawaiian: Whisper's, not Daily's
        body = job_body(inParams={"sourceType": "uri", "uri": "https://e.com/a.wav", "language": language})
        assert api.post("/v1/batch-processor", json=body).status_code == 200, language


def test_a_replacement_key_stem_another_job_holds_is_refused_until_that_job_is_deleted(api):
    body = job_body(outParams={"s3Config": {"s3KeyTemplate": "{domain_name}/calls/latest", "useReplacement": True}})
    first = api.post("/v1/batch-processor", json=body).json()["id"]
    info = error_of(api.post("/v1/batch-processor", json=body), 400, "invalid-request-error")
    assert info.startswith("outParams.s3Config.s3KeyTemplate: ")
    assert first in info
    assert api.delete(f"/v1/batch-processor/{first}").status_code == 200
    assert api.post("/v1/batch-processor", json=body).status_code == 200


def test_a_body_that_is_not_an_object(api):
    info = error_of(api.post("/v1/batch-processor", json=[1, 2]), 400, "invalid-request-error")
    assert "JSON object" in info


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (rb'"uri": "https://e.invalid/\ud800"', "inParams.uri"),
        (rb'"uri": "https://e.invalid/a\u0000.wav"', "inParams.uri"),
        (rb'"uri": "https://e.invalid/a.wav", "\udfff": 1', r"inParams.\udfff"),
    ],
)
def test_text_that_cannot_be_stored_or_sent_is_refused_naming_the_field(api, raw, field):
    """A lone surrogate accepted here used to make the job's error event unsendable and block the webhook."""
    head = b'{"preset": "transcript", "inParams": {"sourceType": "uri", '
    body = head + raw + b'}, "outParams": {"s3Config": {"s3KeyTemplate": "calls/{job_id}"}}}'
    response = api.post("/v1/batch-processor", content=body)
    info = error_of(response, 400, "invalid-request-error")
    assert info.startswith(f"{field}: "), info
    assert api.get("/v1/batch-processor").json()["total_count"] == 0


@pytest.mark.parametrize(
    "body", [b"[" * 20_000 + b"]" * 20_000, b'{"preset": ' + b"9" * 5_000 + b"}"], ids=["deep", "huge-int"]
)
def test_hostile_json_is_a_json_parsing_error_not_a_500(api, body):
    error_of(api.post("/v1/batch-processor", content=body), 400, "json-parsing-error")


def test_a_json_body_over_the_limit_is_413_and_never_read_whole(api):
    big = b'{"preset": "transcript", "pad": "' + b"x" * (2 * 1024**2) + b'"}'
    response = api.post("/v1/batch-processor", content=big)
    assert response.status_code == 413, response.text
    assert response.json()["info"].startswith("body: ")

    def chunked():  # no Content-Length: the limit holds while reading
        yield b'{"preset": "transcript", "pad": "'
        for _ in range(64):
            yield b"x" * 65536
        yield b'"}'

    assert api.post("/v1/batch-processor", content=chunked()).status_code == 413


def test_a_json_body_nested_past_the_limit_is_a_json_parsing_error(api):
    error_of(api.post("/v1/batch-processor", content=b"[" * 40 + b"]" * 40), 400, "json-parsing-error")


@pytest.mark.parametrize("query", ["expires=9999999999&signature=%C3%A9", "expires=9999999999&signature=%ED%A0%80"])
def test_a_file_link_with_a_hostile_signature_is_refused_not_a_500(api, query):
    response = api.get(f"/v1/files/x?{query}", headers={"Authorization": ""})
    assert response.status_code == 401, response.text


def test_an_unexpected_error_is_a_500_that_says_the_connection_closes(api):
    def boom() -> None:
        raise RuntimeError("a bug")

    api.app.add_api_route("/boom", boom)
    response = TestClient(api.app, raise_server_exceptions=False).get("/boom")  # (the app is already started)
    assert response.status_code == 500
    assert response.json() == {"error": "server-error", "info": "The server failed to handle this request"}
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_docs_load_everything_from_this_server(api, page):
    html = api.get(page).text
    assert not re.findall(r"https?://", html), "no CDN, no web font: nothing leaves the machine"
    scripts = re.findall(r'src="([^"]+\.js)"', html)
    assert scripts
    for script in scripts:
        served = api.get(script)
        assert served.status_code == 200
        assert len(served.content) > 100_000, "the whole bundle, packaged"


def test_deepgram_model_names_are_served_by_the_local_default(api):
    response = api.post("/v1/batch-processor", json=job_body(transformParams={"transcript": {"model": "nova-2"}}))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/v1/batch-processor/{id}",
        "/v1/batch-processor/{id}/access-link",
        "/v1/recordings/{id}",
        "/v1/recordings/{id}/access-link",
    ],
)
def test_unknown_ids_are_404(api, path):
    error_of(api.get(path.format(id="6f1c4d1e-0000-4000-8000-000000000000")), 404, "not-found")


def test_deleting_an_unknown_job_is_404(api):
    error_of(api.delete("/v1/batch-processor/nope"), 404, "not-found")


def test_unknown_routes_and_methods(api):
    error_of(api.get("/v1/nothing-here"), 404, "not-found")
    error_of(api.put("/v1/batch-processor"), 405, "invalid-request-error")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("starting_after=nope", "starting_after"),
        ("starting_after=a&ending_before=b", "starting_after"),
    ],
)
def test_bad_pagination_names_the_parameter(api, query, field):
    info = error_of(api.get(f"/v1/batch-processor?{query}"), 400, "invalid-request-error")
    assert info.startswith(f"{field}: ")


def test_idempotency_key_replays_the_same_job_and_refuses_another_body(api):
    headers = {"Idempotency-Key": "abc-123"}
    first = api.post("/v1/batch-processor", json=job_body(), headers=headers).json()["id"]
    again = api.post("/v1/batch-processor", json=job_body(), headers=headers).json()["id"]
    assert again == first
    other = api.post("/v1/batch-processor", json=job_body(uri="https://example.com/b.wav"), headers=headers)
    error_of(other, 409, "invalid-request-error")
    assert api.get("/v1/batch-processor").json()["total_count"] == 1


def test_a_name_resolving_to_loopback_fails_the_job_at_connect_time(api):
    """2130706433 is 127.0.0.1 written as one number: no literal check sees it, the connect-time check does."""
    job_id = api.post("/v1/batch-processor", json=job_body(uri="http://2130706433:9/a.wav")).json()["id"]
    job = wait(api, job_id)
    assert job["status"] == "error"
    assert job["error"].startswith("Failed to download: 2130706433 resolves to 127.0.0.1, a loopback address")
    assert "output" not in job


def test_access_links_exist_only_for_finished_jobs(api):
    job_id = api.post("/v1/batch-processor", json=job_body(uri="http://2130706433:9/a.wav")).json()["id"]
    wait(api, job_id)
    info = error_of(api.get(f"/v1/batch-processor/{job_id}/access-link"), 400, "invalid-request-error")
    assert "'error'" in info


def test_uploads_over_the_limit_are_413(api, data):
    with (data / "speech.wav").open("rb") as f:
        response = api.post("/v1/recordings", files={"file": ("speech.wav", f, "audio/wav")})
    info = error_of(response, 413, "invalid-request-error")
    assert info.startswith("file: ")


def test_a_chunked_upload_over_the_limit_is_stopped_while_it_is_received(api):
    boundary = "cut-here"
    sent = 0

    def body():  # no Content-Length: a 3 MB "file" the limit (100,000 bytes) must stop long before its end
        nonlocal sent
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'.encode()
        for _ in range(48):
            sent += 65536
            yield b"\0" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = api.post("/v1/recordings", content=body(), headers=headers)
    assert response.status_code == 413, response.text
    assert response.json()["info"] == "file: the upload is larger than the limit of 100000 bytes"


@pytest.mark.parametrize("name", ["notes.bin", "empty.wav", "truncated.mp4"])
def test_uploads_that_are_not_media_are_400(api, data, name):
    with (data / name).open("rb") as f:
        response = api.post("/v1/recordings", files={"file": (name, f, "application/octet-stream")})
    assert error_of(response, 400, "invalid-request-error").startswith("file: Input ")


def test_a_served_file_has_the_type_of_what_it_is_not_what_its_upload_was_called(api, data):
    with (data / "speech.ogg").open("rb") as f:
        upload = api.post("/v1/recordings", files={"file": ("page.html", f, "text/html")})
    assert upload.status_code == 200, upload.text
    link = api.get(f"/v1/recordings/{upload.json()['id']}/access-link").json()["download_link"]
    served = api.get(link.replace("http://testserver", ""), headers={"Authorization": ""})
    assert served.status_code == 200
    assert served.headers["content-type"] == "audio/ogg", "read from the file: an Ogg file called page.html"
    assert link.split("?")[0].endswith(".ogg")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert api.get("/v1/batch-processor").headers["x-content-type-options"] == "nosniff", "every response"


def test_an_upload_without_a_file_names_the_field(api):
    info = error_of(api.post("/v1/recordings", data={"room_name": "x"}), 400, "invalid-request-error")
    assert info.startswith("file: ")


def test_openapi_documents_the_job_body(api):
    schema = api.get("/openapi.json").json()
    assert "CreateJobRequest" in schema["components"]["schemas"]
    assert "/v1/batch-processor" in schema["paths"]
    assert api.get("/docs").status_code == 200


def test_a_second_process_cannot_share_the_data_dir(api, tmp_path):
    second = build_embedded(Settings(data_dir=tmp_path / "data", api_keys="k"))
    with pytest.raises(DataDirInUse, match="Another aftercall process"):
        second.start()


def test_a_recording_link_lives_as_long_as_valid_for_secs_asks_within_dailys_bounds(api, data):
    with (data / "speech.ogg").open("rb") as f:
        recording = api.post("/v1/recordings", files={"file": ("speech.ogg", f, "audio/ogg")}).json()
    assert len(recording["share_token"]) == 12, "Daily's recording object has one"
    before = int(time.time())
    link = api.get(f"/v1/recordings/{recording['id']}/access-link", params={"valid_for_secs": 43200}).json()
    assert before + 43200 <= link["expires"] <= time.time() + 43200 + 1
    assert f"expires={link['expires']}" in link["download_link"]
    default = api.get(f"/v1/recordings/{recording['id']}/access-link").json()
    assert default["expires"] <= time.time() + 3600 + 1
    for wrong in (0, 43201, "soon"):
        response = api.get(f"/v1/recordings/{recording['id']}/access-link", params={"valid_for_secs": wrong})
        assert error_of(response, 400, "invalid-request-error").startswith("valid_for_secs: ")


def test_the_job_list_takes_its_filters_as_query_parameters(api):
    ids = [api.post("/v1/batch-processor", json=job_body(f"https://e.com/{name}.wav")).json()["id"] for name in "ab"]
    found = api.get("/v1/batch-processor", params={"search": "b.wav", "preset": "transcript"}).json()
    assert [job["id"] for job in found["data"]] == [ids[1]]
    assert found["data"][0]["input"]["uri"] == "https://e.com/b.wav"
    today = api.get("/v1/batch-processor", params={"created_after": "2000-01-01", "created_before": "2999-01-01"})
    assert today.json()["total_count"] == 2
    assert api.get("/v1/batch-processor", params={"created_before": "2000-01-01T00:00:00Z"}).json()["data"] == []
    for name, value in (("status", "done"), ("preset", "notes"), ("created_after", "yesterday"), ("search", "")):
        info = error_of(api.get("/v1/batch-processor", params={name: value}), 400, "invalid-request-error")
        assert info.startswith(f"{name}: "), info
