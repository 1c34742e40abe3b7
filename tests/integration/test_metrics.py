"""/metrics: Prometheus's text format, without a key; counts read from the database, stage times where jobs run."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from aftercall import metrics
from aftercall.testing import MinimalModel, ScriptedSpeech
from tests.integration.conftest import make_client
from tests.jobs import post, recording_job, upload, wait
from tests.receiver import receiver


@pytest.fixture
def api(tmp_path, monkeypatch):
    monkeypatch.setattr(metrics, "TALLY_SECONDS", 0.0)  # every scrape reads the tables
    with make_client(tmp_path, speech=ScriptedSpeech(), model=MinimalModel(), allow_private_urls=True) as client:
        yield client


def scrape(api) -> dict[tuple[str, tuple], float]:
    response = api.get("/metrics", headers={"Authorization": ""})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_a_finished_job_and_its_webhook_are_counted(api, data):
    before = scrape(api)
    assert before[("aftercall_queue_depth", ())] == 0
    assert before[("aftercall_oldest_waiting_job_age_seconds", ())] == 0
    transcribed = ("aftercall_stage_seconds_count", (("stage", "transcribing"),))
    with receiver() as r:
        api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.job-finished"]})
        job_id = post(api, recording_job(upload(api, data)))
        assert wait(api, job_id, timeout=60)["status"] == "finished"
        r.wait_for(1)
    after = scrape(api)
    assert after[("aftercall_jobs", (("preset", "transcript"), ("status", "finished")))] == 1
    assert after[("aftercall_jobs", (("preset", "soap-notes"), ("status", "finished")))] == 0
    assert after[("aftercall_media_seconds", (("preset", "transcript"),))] == pytest.approx(6.3, abs=0.2)
    assert after[transcribed] == before.get(transcribed, 0) + 1
    assert after[("aftercall_real_time_factor_count", ())] >= 1
    assert after[("aftercall_webhook_attempts", (("outcome", "delivered"),))] == 1
    assert after[("aftercall_webhook_delivery_seconds_gcount", ())] == 1
    assert after[("aftercall_webhook_deliveries", (("status", "delivered"),))] == 1
    assert after[("aftercall_webhook_deliveries", (("status", "pending"),))] == 0
