"""``/v1/webhooks`` in-process: verification, validation, updates, the delivery log and redelivery (docs/api.md §5)."""

import base64

import pytest

from tests.integration.conftest import make_client
from tests.jobs import job_body, wait
from tests.receiver import receiver


@pytest.fixture
def api(tmp_path):
    with make_client(tmp_path, allow_private_urls=True) as client:
        yield client


def error_info(response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    assert response.json()["error"] == ("invalid-request-error" if status == 400 else "not-found")
    return response.json()["info"]


def test_create_verifies_the_endpoint_and_returns_the_webhook(api):
    with receiver() as r:
        response = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.job-finished"]})
        assert response.status_code == 200, response.text
        assert r.requests[0].json == {"test": "test"}
        assert "X-Webhook-Signature" in r.requests[0].headers
    hook = response.json()
    assert set(hook) == {
        "uuid", "url", "hmac", "basicAuth", "retryType", "eventTypes", "state",
        "failedCount", "lastMomentPushed", "domainId", "createdAt", "updatedAt",
    }  # fmt: skip
    assert (hook["state"], hook["failedCount"], hook["retryType"]) == ("ACTIVE", 0, "circuit-breaker")
    assert hook["lastMomentPushed"] is None
    assert len(base64.b64decode(hook["hmac"])) == 32
    assert api.get(f"/v1/webhooks/{hook['uuid']}").json() == hook
    assert api.get("/v1/webhooks").json() == [hook]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"eventTypes": ["batch-processor.error"]}, "url"),
        ({"url": "http://127.0.0.1:9/hook"}, "eventTypes"),
        ({"url": "http://127.0.0.1:9/hook", "eventTypes": []}, "eventTypes"),
        ({"url": "http://127.0.0.1:9/hook", "eventTypes": ["not an event"]}, "eventTypes"),
        ({"url": "http://127.0.0.1:9/hook", "eventTypes": ["batch-processor.error"], "hmac": "%%%"}, "hmac"),
        ({"url": "http://127.0.0.1:9/hook", "eventTypes": ["batch-processor.error"], "retryType": "x"}, "retryType"),
        ({"url": "ftp://x/hook", "eventTypes": ["batch-processor.error"]}, "url"),
    ],
)
def test_invalid_bodies_name_the_field(api, body, field):
    assert error_info(api.post("/v1/webhooks", json=body)).startswith(f"{field}: ")


def test_an_endpoint_that_does_not_answer_200_is_refused(api):
    with receiver(behaviour=("status", 500)) as r:
        info = error_info(api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.error"]}))
    assert info.startswith("url: the verification request")
    assert "answered 500" in info
    info = error_info(api.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/x", "eventTypes": ["meeting.ended"]}))
    assert "connect-error" in info
    assert api.get("/v1/webhooks").json() == []


def test_private_targets_are_refused_without_the_override(tmp_path):
    with make_client(tmp_path) as client:
        body = {"url": "http://127.0.0.1:8000/hook", "eventTypes": ["batch-processor.error"]}
        assert "loopback" in error_info(client.post("/v1/webhooks", json=body))


def test_update_reverifies_and_delete_removes(api):
    with receiver() as r:
        hook = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.error"]}).json()
        updated = api.post(f"/v1/webhooks/{hook['uuid']}", json={"retryType": "exponential", "basicAuth": "abc"})
        assert updated.status_code == 200, updated.text
        assert len(r.requests) == 2, "verified again"
        assert r.requests[1].headers["Authorization"] == "Basic abc"
    assert updated.json()["retryType"] == "exponential"
    assert updated.json()["hmac"] == hook["hmac"]
    assert api.delete(f"/v1/webhooks/{hook['uuid']}").status_code == 200
    error_info(api.get(f"/v1/webhooks/{hook['uuid']}"), 404)
    error_info(api.post(f"/v1/webhooks/{hook['uuid']}", json={}), 404)


def test_a_failed_job_reaches_the_webhook_with_a_delivery_log_and_redelivery(api):
    with receiver() as r:
        hook = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.error"]}).json()
        job_id = api.post("/v1/batch-processor", json=job_body("http://127.0.0.1:9/gone.wav")).json()["id"]
        job = wait(api, job_id)
        r.wait_for(2)
        event = r.requests[1].json
        assert event["id"] == f"bp-je-{job_id}"
        assert event["payload"] == {key: job[key] for key in ("id", "preset", "status", "input", "error")} | {
            "output": {}
        }
        log = api.get(f"/v1/webhooks/{hook['uuid']}/deliveries").json()
        assert log["total_count"] == 1
        assert log["data"][0]["eventId"] == f"bp-je-{job_id}"
        assert log["data"][0]["statusCode"] == 200
        redelivered = api.post(f"/v1/webhooks/{hook['uuid']}/deliveries/bp-je-{job_id}/redeliver")
        assert redelivered.json() == {"eventId": f"bp-je-{job_id}", "status": "pending"}
        r.wait_for(3)
        assert r.requests[2].json["id"] == event["id"]
    error_info(api.post(f"/v1/webhooks/{hook['uuid']}/deliveries/bp-je-nope/redeliver"), 404)
