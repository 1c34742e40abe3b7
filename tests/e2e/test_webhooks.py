"""Webhooks through a real ``aftercall serve``: at-least-once delivery survives kill -9 (docs/api.md §5)."""

import signal
import threading
import time

from tests.e2e.conftest import Server
from tests.jobs import submit, wait
from tests.receiver import receiver


def wait_until(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def test_kill_9_while_sending_redelivers_only_the_event_in_flight_at_restart(tmp_path, media):
    """A's 200 was recorded as it came, so only B, unanswered when the server died, goes again; and at once: the
    restarted server sees that the claim's holder, a process of its host, is gone, and needs no lease to lapse."""
    server = Server(tmp_path / "data", AFTERCALL_WEBHOOK_RETRY_SCALE="0.01")
    server.start()
    release = threading.Event()
    with receiver() as r:
        with server.client() as api:
            hook = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.error"]}).json()
            # Fail every delivery until the circuit breaker opens, holding job A's event...
            r.behaviour = ("status", 500)
            job_a = submit(api, f"{media}/status/404")
            wait_until(lambda: api.get(f"/v1/webhooks/{hook['uuid']}").json()["state"] == "FAILED")
            # ...and job B's behind it.
            job_b = submit(api, f"{media}/status/404")
            assert wait(api, job_b)["status"] == "error"
            event_a, event_b = f"bp-je-{job_a}", f"bp-je-{job_b}"
            # Re-activate: A is answered 200, B is held open while the server is killed.
            r.behaviour = lambda req: ("hold", release) if req.json.get("id") == event_b else ("status", 200)
            seen_before = len(r.requests)
            assert api.post(f"/v1/webhooks/{hook['uuid']}", json={}).status_code == 200
            wait_until(lambda: [q.json.get("id") for q in r.requests[seen_before:]][-1:] == [event_b])
        server.kill(signal.SIGKILL)
        release.set()
        after_crash = [q.json["id"] for q in r.requests[seen_before + 1 :]]
        assert after_crash == [event_a, event_b], "A got its 200, then the server died sending B"

        r.behaviour = ("status", 200)
        mark = len(r.requests)
        server.start()
        try:
            wait_until(lambda: len(r.requests) >= mark + 1, timeout=30)
            time.sleep(1)  # time enough for a wrong second delivery to show
            redelivered = r.requests[mark:]
            assert [q.json["id"] for q in redelivered] == [event_b], "only the event without a recorded answer"
            assert [q.headers["webhook-id"] for q in redelivered] == [event_b]
            with server.client() as api:
                log = api.get(f"/v1/webhooks/{hook['uuid']}/deliveries").json()["data"]
                assert [(e["eventId"], e["statusCode"]) for e in log[:2]] == [(event_b, 200), (event_a, 200)]
                assert api.get(f"/v1/webhooks/{hook['uuid']}").json()["failedCount"] == 0
        finally:
            server.kill(signal.SIGTERM)
    ids = {q.json.get("id") for q in r.requests if "type" in q.json}
    assert ids == {event_a, event_b}, "exactly one event id per job, however often it was sent"


def test_a_finished_job_is_announced_with_its_output(api, media, server):
    with receiver() as r:
        hook = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.job-finished"]})
        assert hook.status_code == 200, hook.text
        job_id = submit(api, f"{media}/media/speech.ogg")
        job = wait(api, job_id)
        r.wait_for(2)
        event = r.requests[1].json
        api.delete(f"/v1/webhooks/{hook.json()['uuid']}")
    assert event["type"] == "batch-processor.job-finished"
    assert event["id"] == f"bp-jf-{job_id}"
    assert event["payload"] == {key: job[key] for key in ("id", "preset", "status", "input", "output")}


def test_started_and_progress_events_reach_only_the_subscriptions_that_name_them(api, media, server):
    named = ["batch-processor.job-started", "batch-processor.job-progress", "batch-processor.job-finished"]
    with receiver() as everything, receiver() as finished_only:
        hooks = [
            api.post("/v1/webhooks", json={"url": everything.url, "eventTypes": named}).json(),
            api.post("/v1/webhooks", json={"url": finished_only.url, "eventTypes": named[2:]}).json(),
        ]
        job_id = submit(api, f"{media}/media/dialogue.ogg")
        assert wait(api, job_id)["status"] == "finished"
        wait_until(lambda: any(e["type"] == named[2] for e in everything.events()))
        wait_until(lambda: bool(finished_only.events()))
        for hook in hooks:
            api.delete(f"/v1/webhooks/{hook['uuid']}")
    events = everything.events()
    assert events[0]["type"] == named[0]
    assert events[-1]["type"] == named[2]
    assert events[0]["id"] == f"bp-js-{job_id}"
    assert events[0]["payload"]["status"] == "processing"
    progress = events[1:-1]
    assert {e["type"] for e in progress} == {named[1]}
    marks = [int(e["id"].rsplit("-", 1)[1]) for e in progress]
    assert marks == sorted(set(marks)), f"one event per 10 %, in order: {marks}"
    assert len(marks) >= 5, marks
    for mark, event in zip(marks, progress, strict=True):
        assert event["id"] == f"bp-jp-{job_id}-{mark}"
        assert mark <= event["payload"]["progress"]["percent"] < mark + 10
    stages = [e["payload"]["progress"]["stage"] for e in progress]
    assert {"transcribing", "diarizing"} <= set(stages), stages
    assert [e["id"] for e in finished_only.events()] == [f"bp-jf-{job_id}"]
