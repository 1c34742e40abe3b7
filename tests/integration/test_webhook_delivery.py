"""The dispatcher against real HTTP receivers on 127.0.0.1, with a clock the test drives (docs/api.md §5)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import shutil
import subprocess
import threading
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from aftercall.domain import wire
from aftercall.domain.deliveries import Attempt, plan
from aftercall.domain.jobs import JobSpec, Preset, SourceType, TranscriptOptions
from aftercall.domain.outputs import OutputTarget
from aftercall.domain.webhooks import FAILED, RetryType, WebhookChanges
from aftercall.jobstore import schema
from aftercall.jobstore.owners import lease_owner
from aftercall.jobstore.sql import SqlJobStore, create_sql_engine
from aftercall.jobstore.webhooks import WebhookStore
from aftercall.net import guarded_client
from aftercall.webhooks.dispatcher import Dispatcher
from aftercall.webhooks.subscriptions import WebhookService
from tests.receiver import receiver
from tests.services import postgres_schema

DAILY_RECEIVER = Path(__file__).parents[1] / "receivers" / "daily_receiver.mjs"
ERROR = "batch-processor.error"
FINISHED = "batch-processor.job-finished"


def job_spec(uri: str = "https://example.com/a.wav") -> JobSpec:
    return JobSpec(
        Preset.TRANSCRIPT,
        SourceType.URI,
        uri,
        OutputTarget.resolve("s", use_replacement=False, domain="local", job_id="j"),
        TranscriptOptions(),
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0  # a whole number: event_ts is then a whole-number float

    def __call__(self) -> float:
        return self.now


@dataclass
class Harness:
    clock: Clock
    jobs: SqlJobStore
    store: WebhookStore
    dispatcher: Dispatcher
    service: WebhookService

    def subscribe(self, url: str, retry: RetryType = RetryType.CIRCUIT_BREAKER, **changes):
        types = changes.pop("event_types", (FINISHED, ERROR))
        return self.service.create(WebhookChanges(url=url, event_types=types, retry_type=retry, **changes))

    def fail_job(
        self, job_id: str, uri: str = "https://example.com/a.wav", error: str = "Failed to download: 404"
    ) -> None:
        self.jobs.create_job(job_id, job_spec(uri))
        claim = self.jobs.claim(job_id, "w", lease_seconds=60, max_attempts=3)
        assert self.jobs.fail(job_id, claim.attempt, error)

    def state(self, uuid: str):
        return self.store.get(uuid)


def make_harness(
    tmp_path, *, url: str | None = None, timeout: float = 5.0, resolver=None, allow_private: bool = True
) -> Harness:
    clock = Clock()
    tmp_path.mkdir(parents=True, exist_ok=True)
    engine = create_sql_engine(url or f"sqlite:///{tmp_path / 'db.sqlite'}")
    schema.upgrade(engine, domain="local")
    jobs = SqlJobStore(engine, domain="local", clock=clock)
    store = WebhookStore(engine, clock=clock)
    extra = {"resolver": resolver} if resolver else {}
    client = guarded_client(allow_private=allow_private, follow_redirects=False, timeout=timeout, **extra)
    dispatcher = Dispatcher(store, client, clock=clock, rng=random.Random(7))

    def probe_client():
        return guarded_client(allow_private=True, follow_redirects=False, timeout=timeout)

    service = WebhookService(store=store, http_client=probe_client, allow_private_urls=True, on_change=lambda: None)
    return Harness(clock, jobs, store, dispatcher, service)


@pytest.fixture(params=["sqlite", "postgresql"])
def harness_with(request, tmp_path):
    """A factory of harnesses (on each SQL backend) with other client settings; all are stopped at the end."""
    made: list[Harness] = []
    with ExitStack() as stack:

        def make(**options) -> Harness:
            url = stack.enter_context(postgres_schema()) if request.param == "postgresql" else None
            made.append(make_harness(tmp_path / str(len(made)), url=url, **options))
            stack.callback(made[-1].jobs.engine.dispose)
            stack.callback(made[-1].dispatcher.stop)
            return made[-1]

        yield make


@pytest.fixture
def harness(harness_with):
    return harness_with()


def test_a_terminal_event_is_delivered_signed_once(harness):
    with receiver() as r:
        hook = harness.subscribe(r.url, basic_auth="dXNlcjpwYXNz")
        assert r.requests[0].json == {"test": "test"}, "the verification probe"
        harness.service.update(hook.uuid, WebhookChanges())  # verified again
        probe_ids = [q.headers["webhook-id"] for q in r.requests[:2]]
        assert all(i.startswith("test-") for i in probe_ids)
        assert probe_ids[0] != probe_ids[1], "each message has an id of its own (Standard Webhooks)"
        harness.fail_job("job-1", uri="http://example.com/média/ü.wav")
        assert harness.dispatcher.deliver_due() == 1
        assert harness.dispatcher.deliver_due() == 0, "delivered once"
        request = r.requests[2]
    event = request.json
    assert event == {
        "version": "1.0.0",
        "type": ERROR,
        "id": "bp-je-job-1",
        "payload": {
            "id": "job-1",
            "preset": "transcript",
            "status": "error",
            "input": {"sourceType": "uri", "uri": "http://example.com/média/ü.wav", "language": "en"},
            "output": {},
            "error": "Failed to download: 404",
        },
        "event_ts": 1700000000,
    }
    assert b'"event_ts":1700000000}' in request.body, "a whole-number float travels as JavaScript writes it"
    assert "média/ü.wav".encode() in request.body, "non-ASCII is sent as UTF-8, not escaped"
    key = base64.b64decode(hook.hmac)
    ts = request.headers["X-Webhook-Timestamp"]
    mac = base64.b64encode(hmac.new(key, f"{ts}.".encode() + request.body, hashlib.sha256).digest()).decode()
    assert request.headers["X-Webhook-Signature"] == mac
    assert request.headers["webhook-id"] == "bp-je-job-1"
    standard = hmac.new(key, f"bp-je-job-1.{ts}.".encode() + request.body, hashlib.sha256).digest()
    assert request.headers["webhook-signature"] == "v1," + base64.b64encode(standard).decode()
    assert request.headers["Authorization"] == "Basic dXNlcjpwYXNz"
    assert request.headers["Content-Type"] == "application/json"
    state = harness.state(hook.uuid)
    assert (state.failed_count, state.last_moment_pushed) == (0, harness.clock.now)
    log = harness.service.deliveries(hook.uuid, limit=10)["data"]
    assert [(e["eventId"], e["attempt"], e["statusCode"]) for e in log] == [("bp-je-job-1", 1, 200)]


def test_a_daily_style_receiver_verifies_the_signature(harness):
    """Node re-serialises the parsed body with JSON.stringify, as Daily's docs do, and must get the same HMAC."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    secret = base64.b64encode(b"daily-style receiver key 32 byte").decode()
    script = str(DAILY_RECEIVER)
    process = subprocess.Popen([node, script, secret], stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline())
        hook = harness.subscribe(f"http://127.0.0.1:{port}/hook", hmac=secret)
        assert json.loads(process.stdout.readline()) == {"ok": True, "id": None, "reserialised": True}, "the probe"
        harness.fail_job("job-1", uri="http://example.com/naïve “quoted”.wav", error="Failed: Größe 1.0")
        assert harness.dispatcher.deliver_due() == 1
        assert harness.state(hook.uuid).failed_count == 0, "the Daily-style receiver answered 200"
        line = json.loads(process.stdout.readline())
        assert line == {"ok": True, "id": "bp-je-job-1", "reserialised": True}
    finally:
        process.kill()


def test_a_receiver_with_another_key_refuses_the_signature(harness):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = str(DAILY_RECEIVER)
    other = base64.b64encode(b"x" * 32).decode()
    process = subprocess.Popen([node, script, other], stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline())
        with pytest.raises(Exception, match="answered 401"):
            harness.subscribe(f"http://127.0.0.1:{port}/hook", hmac=base64.b64encode(b"y" * 32).decode())
    finally:
        process.kill()


def test_circuit_breaker_holds_events_while_failed_and_delivers_them_in_order_on_reactivation(harness):
    with receiver() as r:
        hook = harness.subscribe(r.url)
        r.behaviour = ("status", 500)
        harness.fail_job("a")
        for expected_failures in (1, 2, 3):
            assert harness.dispatcher.deliver_due() == 1
            assert harness.state(hook.uuid).failed_count == expected_failures
            due = harness.store.next_due_at()
            if expected_failures < 3:
                wait = due - harness.clock.now
                assert 10 * 2 ** (expected_failures - 1) / 2 <= wait <= 10 * 2 ** (expected_failures - 1)
                harness.clock.now = due
        assert harness.state(hook.uuid).state == FAILED
        harness.fail_job("b")
        harness.fail_job("c")
        harness.clock.now += 24 * 3600
        assert harness.dispatcher.deliver_due() == 0, "a FAILED webhook gets nothing"
        assert harness.store.next_due_at() is None
        r.behaviour = ("status", 200)
        harness.service.update(hook.uuid, WebhookChanges())
        assert harness.state(hook.uuid).state == "ACTIVE"
        assert harness.dispatcher.deliver_due() == 3
    ids = [e["id"] for e in r.events()]
    assert ids == ["bp-je-a", "bp-je-a", "bp-je-a", "bp-je-a", "bp-je-b", "bp-je-c"]
    assert harness.state(hook.uuid).failed_count == 0


def test_an_event_that_cannot_be_sent_is_quarantined_and_never_blocks_the_others(tmp_path):
    """A lone surrogate stored before the API refused them made its event unserialisable; counted as the
    receiver's failure it tripped the circuit breaker for good. SQLite only: PostgreSQL cannot store it at all."""
    harness = make_harness(tmp_path)
    try:
        with receiver() as r:
            hook = harness.subscribe(r.url)
            for n in range(3):
                harness.fail_job(f"poisoned-{n}", uri="https://e.invalid/\ud800")
            harness.fail_job("sound")
            assert harness.dispatcher.deliver_due() == 4
            assert harness.dispatcher.deliver_due() == 0, "quarantined events are not retried on their own"
        assert [e["id"] for e in r.events()] == ["bp-je-sound"]
        state = harness.state(hook.uuid)
        assert (state.state, state.failed_count) == ("ACTIVE", 0)
        log = harness.service.deliveries(hook.uuid, limit=10)["data"]
        assert sorted(entry["error"] or "" for entry in log) == [
            "",
            "unsendable-event",
            "unsendable-event",
            "unsendable-event",
        ]
        assert harness.store.next_due_at() is None
    finally:
        harness.dispatcher.stop()
        harness.jobs.engine.dispose()


def test_a_receiver_down_then_up_gets_the_event_with_the_same_id(harness, tmp_path):
    with receiver() as r:
        hook = harness.subscribe(r.url)
        port = r.port
    harness.fail_job("j")
    assert harness.dispatcher.deliver_due() == 1  # nobody listens: connection refused
    log = harness.service.deliveries(hook.uuid, limit=10)["data"]
    assert log[0]["error"] == "connect-error"
    assert log[0]["statusCode"] is None
    with receiver(port=port) as r:
        harness.clock.now = harness.store.next_due_at()
        assert harness.dispatcher.deliver_due() == 1
        assert [e["id"] for e in r.events()] == ["bp-je-j"]
    assert harness.state(hook.uuid).failed_count == 0


def test_exponential_retries_five_times_then_dead_letters_and_redelivers_on_request(harness):
    with receiver() as r:
        hook = harness.subscribe(r.url, RetryType.EXPONENTIAL)
        r.behaviour = ("status", 503)
        harness.fail_job("j")
        waits = []
        for _ in range(6):
            assert harness.dispatcher.deliver_due() == 1
            due = harness.store.next_due_at()
            if due is not None:
                waits.append(due - harness.clock.now)
                harness.clock.now = due
        assert harness.store.next_due_at() is None, "dead-lettered after 1 + 5 attempts"
        for n, wait in enumerate(waits, start=1):
            ceiling = min(900, 60 * 2 ** (n - 1))
            assert ceiling / 2 <= wait <= ceiling
        assert len(waits) == 5
        assert harness.state(hook.uuid).state == "ACTIVE", "exponential never fails the webhook"
        log = harness.service.deliveries(hook.uuid, limit=100)
        assert log["total_count"] == 6
        assert {e["error"] for e in log["data"]} == {"http-503"}
        r.behaviour = ("status", 204)
        harness.service.redeliver(hook.uuid, "bp-je-j")
        assert harness.dispatcher.deliver_due() == 1
    assert [e["id"] for e in r.events()] == ["bp-je-j"] * 7


def test_the_delivery_log_shows_each_attempts_payload_the_receivers_answer_and_the_next_try(harness):
    with receiver() as r:
        hook = harness.subscribe(r.url, RetryType.EXPONENTIAL)
        r.behaviour = ("status", 503, "busy,\x00 try\x1b later\n" + "x" * 3000)  # a NUL PostgreSQL would refuse
        harness.fail_job("j")
        assert harness.dispatcher.deliver_due() == 1
        failed = harness.service.deliveries(hook.uuid, limit=100)["data"][0]
        assert failed["response"] == ("busy, try later\n" + "x" * 3000)[:1998], "the answer's start, printable"
        assert failed["payload"]["id"] == "j"
        assert failed["payload"]["error"] == "Failed to download: 404"
        assert failed["nextAttemptAt"] == wire.iso_time(harness.store.next_due_at())
        harness.clock.now = harness.store.next_due_at()
        r.behaviour = ("status", 200, "thanks")
        assert harness.dispatcher.deliver_due() == 1
        log = harness.service.deliveries(hook.uuid, limit=100)["data"]
        assert [(e["statusCode"], e["response"], e["nextAttemptAt"]) for e in log] == [
            (200, "thanks", None),
            (503, failed["response"], None),
        ], "delivered: no next try for either attempt of the event"


def test_redirects_are_failures_and_are_not_followed(harness):
    with receiver() as r:
        hook = harness.subscribe(r.url)
        r.behaviour = ("redirect",)
        harness.fail_job("j")
        harness.dispatcher.deliver_due()
        assert [q.path for q in r.requests] == ["/hook", "/hook"]
    entry = harness.service.deliveries(hook.uuid, limit=1)["data"][0]
    assert (entry["statusCode"], entry["error"]) == (302, "redirect")


def test_a_slow_receiver_times_out(harness_with):
    h = harness_with(timeout=0.5)
    with receiver() as r:
        hook = h.subscribe(r.url)
        r.behaviour = ("sleep", 2.0)
        h.fail_job("j")
        h.dispatcher.deliver_due()
    entry = h.service.deliveries(hook.uuid, limit=1)["data"][0]
    assert entry["error"] == "timeout"
    assert h.state(hook.uuid).failed_count == 1


def test_a_receiver_that_drops_the_connection_is_a_failure(harness):
    with receiver() as r:
        hook = harness.subscribe(r.url)
        r.behaviour = ("drop",)
        harness.fail_job("j")
        harness.dispatcher.deliver_due()
    assert harness.service.deliveries(hook.uuid, limit=1)["data"][0]["error"] == "connection-dropped"


def test_a_webhook_host_that_resolves_to_loopback_is_never_contacted(harness_with):
    rebinding = lambda host, port: ["127.0.0.1"]  # noqa: E731
    h = harness_with(resolver=rebinding, allow_private=False)
    with receiver() as r:
        hook = h.subscribe(r.url)  # created while allowed (the probe's client allows private addresses)
        h.store.reactivate(replace(hook, url=f"http://hooks.example:{r.port}/hook"))
        h.fail_job("j")
        h.dispatcher.deliver_due()
        assert len(r.requests) == 1, "only the probe"
    assert h.service.deliveries(hook.uuid, limit=1)["data"][0]["error"] == "blocked-address"


def test_each_job_has_exactly_one_terminal_event_whatever_is_retried(harness):
    with receiver() as r:
        harness.subscribe(r.url)
        harness.jobs.create_job("j", job_spec())
        first = harness.jobs.claim("j", "w1", lease_seconds=10, max_attempts=3)
        harness.clock.now += 11
        second = harness.jobs.claim("j", "w2", lease_seconds=10, max_attempts=3)
        assert harness.jobs.finish("j", second.attempt, {"transcription": []})
        assert not harness.jobs.fail("j", first.attempt, "zombie"), "the fenced zombie writes nothing"
        assert not harness.jobs.finish("j", second.attempt, {"transcription": []}), "finished once"
        harness.jobs.delete_job("j")  # deleting a finished job emits nothing more
        harness.dispatcher.deliver_due()
    assert [(e["id"], e["type"]) for e in r.events()] == [("bp-jf-j", FINISHED)]
    assert r.events()[0]["payload"]["output"] == {"transcription": []}


def test_deleting_an_active_job_cancels_it_with_an_error_event(harness):
    with receiver() as r:
        harness.subscribe(r.url, event_types=(ERROR,))
        harness.jobs.create_job("j", job_spec())
        harness.jobs.claim("j", "w", lease_seconds=60, max_attempts=3)
        harness.jobs.delete_job("j")
        harness.dispatcher.deliver_due()
    [event] = r.events()
    assert event["payload"]["status"] == "error"
    assert event["payload"]["error"] == "Job was cancelled"


def test_a_job_whose_worker_keeps_dying_ends_with_one_error_event(harness):
    with receiver() as r:
        harness.subscribe(r.url)
        harness.jobs.create_job("j", job_spec())
        for _ in range(4):
            harness.jobs.claim("j", "w", lease_seconds=10, max_attempts=3)
            harness.clock.now += 11
        harness.dispatcher.deliver_due()
    [event] = r.events()
    assert event["id"] == "bp-je-j"
    assert "3 attempts" in event["payload"]["error"]


def test_only_subscribed_types_are_delivered(harness):
    with receiver() as r:
        harness.subscribe(r.url, event_types=(FINISHED,))
        harness.fail_job("j")
        assert harness.dispatcher.deliver_due() == 0
    assert r.events() == []


def other_dispatcher(harness: Harness, stack: ExitStack, **options) -> Dispatcher:
    """A dispatcher of its own, on its own connections to the harness's database: another process's, as it were."""
    engine = create_sql_engine(harness.jobs.engine.url.render_as_string(hide_password=False))
    stack.callback(engine.dispose)
    client = guarded_client(allow_private=True, follow_redirects=False, timeout=5.0)
    dispatcher = Dispatcher(WebhookStore(engine, clock=harness.clock), client, clock=harness.clock, **options)
    stack.callback(dispatcher.stop)
    return dispatcher


def test_three_dispatchers_together_deliver_every_event_once_and_in_order(harness):
    events = 20
    with receiver(behaviour=("sleep", 0.005)) as r, ExitStack() as stack:
        hooks = {
            "/breaker-1": harness.subscribe(r.url.replace("/hook", "/breaker-1")),
            "/breaker-2": harness.subscribe(r.url.replace("/hook", "/breaker-2")),
            "/exponential": harness.subscribe(r.url.replace("/hook", "/exponential"), RetryType.EXPONENTIAL),
        }
        jobs = [f"job-{n:02}" for n in range(events)]
        for job in jobs:
            harness.fail_job(job)
        dispatchers = [other_dispatcher(harness, stack, batch_size=4, parallel=3) for _ in range(3)]
        start = threading.Barrier(len(dispatchers))
        made = [0] * len(dispatchers)

        def run(n: int) -> None:
            start.wait()
            while harness.store.next_due_at() is not None:
                made[n] += dispatchers[n].deliver_due()

        threads = [threading.Thread(target=run, args=(n,)) for n in range(len(dispatchers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    received = [(request.path, request.json["id"]) for request in r.requests if "type" in request.json]
    assert len(received) == len(set(received)) == events * len(hooks), "each event to each webhook exactly once"
    for path in ("/breaker-1", "/breaker-2"):
        assert [event for where, event in received if where == path] == [f"bp-je-{job}" for job in jobs], path
    assert sum(made) == events * len(hooks), "one attempt per delivery"
    assert sum(1 for n in made if n) >= 2, f"the dispatchers shared the work: {made}"
    for hook in hooks.values():
        log = harness.service.deliveries(hook.uuid, limit=100)
        assert log["total_count"] == events
        assert {entry["attempt"] for entry in log["data"]} == {1}


def die_after_two_of_five(harness: Harness, url: str, holder: str) -> str:
    """A dispatcher ``holder`` claims five events, delivers two and dies sending the third (no release, no record).
    Returns the webhook's uuid."""
    hook = harness.subscribe(url)
    for n in range(5):
        harness.fail_job(f"j{n}")
    dead = harness.store.claim_batch(hook.uuid, harness.clock.now, 50, holder=holder, lease_seconds=60)
    assert [item.event.id for item in dead.items] == [f"bp-je-j{n}" for n in range(5)]
    for item in dead.items[:2]:
        now = harness.clock.now
        attempt = Attempt(item.event_seq, item.event.id, item.event.type, 1, True, 200, None, 5.0, now)
        harness.store.record_attempt(
            dead, attempt, lambda webhook, a=attempt: plan(webhook, [a], harness.clock.now, lambda *_: 10.0),
            lease_seconds=60,
        )  # fmt: skip
    return hook.uuid


def test_a_dispatcher_that_dies_mid_batch_leaves_only_its_event_in_flight_to_send_again(harness):
    """Each attempt is written as it ends: what the dead dispatcher delivered is never sent again, and its claim on
    the rest lapses after the lease, not never (it ran on another host: nothing here can tell it is gone)."""
    with receiver() as r:
        uuid = die_after_two_of_five(harness, r.url, "elsewhere:0badf00d:4242")
        assert harness.dispatcher.deliver_due() == 0, "its claim on the rest still holds"
        assert harness.store.next_due_at() == harness.clock.now + 60
        harness.clock.now += 61
        assert harness.dispatcher.deliver_due() == 3
    assert [e["id"] for e in r.events()] == ["bp-je-j2", "bp-je-j3", "bp-je-j4"]
    log = harness.service.deliveries(uuid, limit=10)
    assert log["total_count"] == 5
    assert {entry["attempt"] for entry in log["data"]} == {1}


def test_the_claims_of_a_gone_dispatcher_of_this_host_are_taken_back_without_waiting_for_the_lease(harness):
    """A restarted `aftercall serve` (same host, new process) sends what its killed predecessor held, at once."""
    gone = subprocess.Popen(["true"])  # a process of this host that has run and exited
    gone.wait()
    holder = lease_owner(harness.dispatcher.host).rpartition(":")[0] + f":{gone.pid}"
    with receiver() as r:
        die_after_two_of_five(harness, r.url, holder)
        assert harness.dispatcher.deliver_due() == 3
    assert [e["id"] for e in r.events()] == ["bp-je-j2", "bp-je-j3", "bp-je-j4"]
