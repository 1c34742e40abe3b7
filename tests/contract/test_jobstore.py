"""The job store contract, on every SQL backend (SQLite, PostgreSQL): idempotency, pagination, claims, fencing."""

import threading
from dataclasses import replace

import pytest

from aftercall.domain import wire
from aftercall.domain.deliveries import PENDING, Attempt, Outcome, Plan
from aftercall.domain.jobs import JobSpec, Preset, SourceType, Stage, Status, TranscriptOptions
from aftercall.domain.outputs import TRANSCRIPT_FILES, OutputTarget
from aftercall.domain.recordings import Recording
from aftercall.domain.webhooks import RetryType, Webhook
from aftercall.errors import Conflict, InvalidRequest
from aftercall.jobstore import JobFilter, Page, schema
from aftercall.jobstore.owners import lease_owner
from aftercall.jobstore.sql import SqlJobStore, create_sql_engine
from aftercall.jobstore.webhooks import LATENCY_BUCKETS, WebhookStore
from tests.services import postgres_schema


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobs.db'}"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def store(database_url, clock):
    engine = create_sql_engine(database_url)
    schema.upgrade(engine, domain="local")
    yield SqlJobStore(engine, domain="local", clock=clock)
    engine.dispose()


def spec(source: str = "https://example.com/a.wav", kind: SourceType = SourceType.URI) -> JobSpec:
    return JobSpec(
        Preset.TRANSCRIPT,
        kind,
        source,
        OutputTarget.resolve("stem", use_replacement=False, domain="local", job_id="j"),
        TranscriptOptions(),
    )


def add_jobs(store, clock, count):
    ids = []
    for i in range(count):
        clock.now += 1
        ids.append(store.create_job(f"job-{i:02d}", spec())[0])
    return ids


def test_a_new_job_is_submitted_and_queued(store):
    store.create_job("j1", spec())
    job = store.get_job("j1")
    assert job.status is Status.SUBMITTED
    assert job.progress.stage is Stage.QUEUED
    assert job.spec == spec()
    assert store.unfinished_job_ids() == ["j1"]


def test_idempotency_key_returns_the_first_job_for_the_same_body(store):
    assert store.create_job("j1", spec(), idempotency=("k", "h1")) == ("j1", True)
    assert store.create_job("j2", spec(), idempotency=("k", "h1")) == ("j1", False)
    assert store.get_job("j2") is None


def test_idempotency_key_with_another_body_conflicts(store):
    store.create_job("j1", spec(), idempotency=("k", "h1"))
    with pytest.raises(Conflict):
        store.create_job("j2", spec(), idempotency=("k", "h2"))


def test_idempotency_key_expires_after_a_day(store, clock):
    store.create_job("j1", spec(), idempotency=("k", "h1"))
    clock.now += 24 * 3600 + 1
    assert store.create_job("j2", spec(), idempotency=("k", "h1")) == ("j2", True)


def replacing(stem: str) -> JobSpec:
    target = OutputTarget.resolve(stem, use_replacement=True, domain="local", job_id="j")
    return JobSpec(Preset.TRANSCRIPT, SourceType.URI, "https://example.com/a.wav", target, TranscriptOptions())


def test_one_job_at_a_time_holds_a_replacement_key_stem(store):
    store.create_job("a", replacing("calls/latest"))
    with pytest.raises(InvalidRequest, match="already holds the outputs of job a") as refused:
        store.create_job("b", replacing("calls/latest"))
    assert refused.value.field == "outParams.s3Config.s3KeyTemplate"
    assert store.get_job("b") is None
    store.create_job("c", replacing("calls/other"))
    store.create_job("d", spec())
    store.create_job("e", spec())  # without useReplacement the keys hold the job id: no two jobs share them
    store.delete_job("a")
    assert store.create_job("b", replacing("calls/latest")) == ("b", True), "deleting the holder frees the stem"


def test_concurrent_submissions_of_one_replacement_stem_make_one_job(store):
    outcomes: list[str] = []

    def submit(job_id: str) -> None:
        try:
            outcomes.append(store.create_job(job_id, replacing("calls/race"))[0])
        except InvalidRequest:
            outcomes.append("refused")

    threads = [threading.Thread(target=submit, args=(f"r{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("refused") == 5, outcomes


def test_pagination_newest_first_with_cursors(store, clock):
    ids = add_jobs(store, clock, 7)
    newest_first = list(reversed(ids))
    total, page = store.list_jobs(Page(limit=3))
    assert total == 7
    assert [j.id for j in page] == newest_first[:3]
    _, page = store.list_jobs(Page(limit=3, starting_after=newest_first[2]))
    assert [j.id for j in page] == newest_first[3:6]
    _, page = store.list_jobs(Page(limit=2, ending_before=newest_first[3]))
    assert [j.id for j in page] == newest_first[1:3]
    _, page = store.list_jobs(Page(limit=2, ending_before="OLDEST"))  # Daily's value: the oldest page
    assert [j.id for j in page] == newest_first[-2:]
    with pytest.raises(InvalidRequest, match="starting_after"):
        store.list_jobs(Page(starting_after="nope"))


def test_jobs_filter_by_recording(store):
    store.create_job("a", spec("rec-1", SourceType.RECORDING_ID))
    store.create_job("b", spec())
    total, page = store.list_jobs(Page(), recording_id="rec-1")
    assert (total, [j.id for j in page]) == (1, ["a"])


def test_a_job_stored_without_its_keys_by_an_older_version_is_read_with_the_keys_that_version_wrote(store):
    """An older API process still running after `aftercall migrate` stores specs without keys."""
    import sqlalchemy as sa

    from aftercall.jobstore.tables import jobs

    store.create_job("old", spec())
    with store.engine.begin() as conn:
        stored = conn.execute(sa.select(jobs.c.spec).where(jobs.c.id == "old")).scalar_one()
        del stored["keys"]
        conn.execute(jobs.update().where(jobs.c.id == "old").values(spec=stored))
    assert store.get_job("old").spec.target.key(TRANSCRIPT_FILES[0]) == "local/old/transcript/stem.txt"
    claim = store.claim("old", "w", lease_seconds=60, max_attempts=3)
    assert claim is not None
    assert claim.job.spec.target.all_keys()[-1] == "local/old/concept/stem.json"
    assert store.delete_job("old") is not None


def test_a_claim_is_exclusive_while_its_lease_lives(store, clock):
    store.create_job("j", spec())
    claim = store.claim("j", "w1", lease_seconds=30, max_attempts=3)
    assert claim.attempt == 1
    assert claim.job.status is Status.PROCESSING
    assert store.claim("j", "w2", lease_seconds=30, max_attempts=3) is None
    clock.now += 20
    assert store.heartbeat("j", 1, lease_seconds=30)
    clock.now += 20
    assert store.claim("j", "w2", lease_seconds=30, max_attempts=3) is None  # the heartbeat kept it


def test_a_claim_by_a_process_on_a_host_with_the_longest_name_kubernetes_gives_it(store):
    store.create_job("j", spec())
    pod = "aftercall-worker-speech-7d9f8b6c5d-" + "x" * 27  # 63 characters, a pod name's limit
    assert store.claim("j", lease_owner(pod), lease_seconds=30, max_attempts=3) is not None


def test_a_live_lease_whose_holder_is_gone_is_taken_over_at_once_and_the_old_attempt_fenced_off(store, clock):
    store.create_job("j", spec())
    store.claim("j", "host:1", lease_seconds=600, max_attempts=3)
    alive = store.claim("j", "host:2", lease_seconds=600, max_attempts=3, gone=lambda holder: False)
    assert alive is None
    second = store.claim("j", "host:2", lease_seconds=600, max_attempts=3, gone=lambda holder: holder == "host:1")
    assert (second.attempt, second.taken_from) == (2, "host:1")
    assert not store.set_progress("j", 1, Stage.TRANSCRIBING, 50)


def test_an_expired_lease_is_reclaimed_and_the_zombie_is_fenced_off(store, clock):
    store.create_job("j", spec())
    store.claim("j", "w1", lease_seconds=30, max_attempts=3)
    clock.now += 31
    second = store.claim("j", "w2", lease_seconds=30, max_attempts=3)
    assert second.attempt == 2
    assert not store.set_progress("j", 1, Stage.TRANSCRIBING, 50)
    assert not store.finish("j", 1, {"transcription": []})
    assert not store.fail("j", 1, "zombie")
    assert store.finish("j", 2, {"transcription": []})
    job = store.get_job("j")
    assert (job.status, job.progress.stage, job.progress.percent) == (Status.FINISHED, Stage.DONE, 100)
    assert not store.fail("j", 2, "too late"), "a finished job never changes again"


def test_a_job_whose_worker_keeps_dying_fails_after_max_attempts(store, clock):
    store.create_job("j", spec())
    for _ in range(3):
        assert store.claim("j", "w", lease_seconds=10, max_attempts=3) is not None
        clock.now += 11
    assert store.claim("j", "w", lease_seconds=10, max_attempts=3) is None
    job = store.get_job("j")
    assert job.status is Status.ERROR
    assert "3 attempts" in job.error


def test_expire_leases_frees_every_processing_job(store):
    store.create_job("j", spec())
    store.claim("j", "dead-process", lease_seconds=3600, max_attempts=3)
    assert store.expire_leases() == 1
    assert store.claim("j", "new-process", lease_seconds=60, max_attempts=3).attempt == 2


def test_deleting_a_running_job_fences_its_worker(store):
    store.create_job("j", spec(), idempotency=("k", "h"))
    store.claim("j", "w", lease_seconds=30, max_attempts=3)
    assert store.delete_job("j").id == "j"
    assert not store.set_progress("j", 1, Stage.UPLOADING, 95)
    assert store.create_job("j2", spec(), idempotency=("k", "h")) == ("j2", True)


def test_recordings_round_trip_and_paginate(store, clock):
    for i in range(3):
        clock.now += 1
        store.add_recording(
            Recording(f"r{i}", "room-a" if i else "room-b", int(clock.now), 6.3, f"k{i}", 10, "audio/wav", clock.now)
        )
    assert store.get_recording("r1").room_name == "room-a"
    total, items = store.list_recordings(Page(), room_name="room-a")
    assert (total, [r.id for r in items]) == (2, ["r2", "r1"])
    assert store.delete_recording("r1").id == "r1"
    assert store.get_recording("r1") is None


def race(count: int, action):
    """Run ``action(i)`` in ``count`` threads released at once; returns results (or exceptions) in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = action(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_claims_have_one_winner(store):
    store.create_job("j", spec())
    results = race(8, lambda i: store.claim("j", f"w{i}", lease_seconds=30, max_attempts=3))
    assert not [r for r in results if isinstance(r, Exception)]
    assert [r.attempt for r in results if r is not None] == [1]


def test_concurrent_submissions_with_one_idempotency_key_make_one_job(store):
    results = race(8, lambda i: store.create_job(f"j{i}", spec(), idempotency=("same-key", "h")))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({job_id for job_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert store.list_jobs(Page())[0] == 1


def queued_event_ids(store, clock) -> list[str]:
    webhooks = WebhookStore(store.engine, clock=clock)
    ids = []
    for uuid in webhooks.due_webhooks(clock.now + 1):
        batch = webhooks.claim_batch(uuid, clock.now + 1, 100, holder="elsewhere:-:1", lease_seconds=60)
        ids += [due.event.id for due in batch.items]
        webhooks.release(batch)
    return ids


def test_started_and_progress_events_are_queued_once_per_job_and_only_for_subscribers(store, clock):
    store.create_job("unwatched", spec())
    store.claim("unwatched", "w", lease_seconds=30, max_attempts=3)
    assert store.set_progress("unwatched", 1, Stage.TRANSCRIBING, 40)
    assert queued_event_ids(store, clock) == [], "no subscription names them: nothing is stored"

    types = ("batch-processor.job-started", "batch-processor.job-progress")
    hook = Webhook(
        "h", "https://example.com/hook", "c2VjcmV0", None, RetryType.CIRCUIT_BREAKER, types, "ACTIVE", 0, None, 0, 0
    )
    WebhookStore(store.engine, clock=clock).create(hook)
    store.create_job("j", spec())
    store.claim("j", "w1", lease_seconds=30, max_attempts=3)
    for percent in (5, 12, 15, 19, 31, 80, 95):
        assert store.set_progress("j", 1, Stage.TRANSCRIBING, percent)
    clock.now += 31  # the worker died: a second attempt passes the same marks again, behind the first one's
    store.claim("j", "w2", lease_seconds=30, max_attempts=3)
    for percent in (12, 31, 55):
        assert store.set_progress("j", 2, Stage.TRANSCRIBING, percent)
    assert queued_event_ids(store, clock) == ["bp-js-j"] + [f"bp-jp-j-{mark}" for mark in (10, 30, 80, 90)]


def test_a_retry_shows_the_furthest_progress_until_it_passes_it_and_says_its_attempt(store, clock):
    store.create_job("j", spec())
    store.claim("j", "w1", lease_seconds=30, max_attempts=3)
    assert store.set_progress("j", 1, Stage.TRANSCRIBING, 35)
    assert "attempt" not in wire.job(store.get_job("j"))["progress"]
    clock.now += 31  # the worker died
    store.claim("j", "w2", lease_seconds=30, max_attempts=3)
    assert store.set_progress("j", 2, Stage.DOWNLOADING, 12)  # written (the attempt still holds the job)...
    assert wire.job(store.get_job("j"))["progress"] == {"stage": "transcribing", "percent": 35, "attempt": 2}
    assert store.set_progress("j", 2, Stage.TRANSCRIBING, 60)  # ...and shown once it is further on
    assert wire.job(store.get_job("j"))["progress"] == {"stage": "transcribing", "percent": 60, "attempt": 2}


def test_the_tallies_count_jobs_waiting_events_and_attempts(store, clock):
    """What /metrics reads: counted by the database, the same SQL on every backend."""
    webhooks = WebhookStore(store.engine, clock=clock)
    empty = webhooks.tally()
    assert (empty.attempts, empty.latency_le, empty.oldest_pending_at) == ({}, (0,) * len(LATENCY_BUCKETS), None)
    hook = Webhook(
        "h", "https://example.com/hook", "c2VjcmV0", None, RetryType.EXPONENTIAL, ("batch-processor.job-started",),
        "ACTIVE", 0, None, 0, 0,
    )  # fmt: skip
    webhooks.create(hook)
    store.create_job("old", spec())
    clock.now += 60
    store.create_job("new", spec())
    store.create_job("done", spec())
    store.claim("done", "w", lease_seconds=30, max_attempts=3)
    store.set_progress("done", 1, Stage.TRANSCRIBING, 50, duration=12.5)
    store.finish("done", 1, {})
    tally = store.tally()
    assert tally.jobs == {("transcript", "submitted"): 2, ("transcript", "finished"): 1}
    assert tally.oldest_waiting_at == 1_000_000.0
    assert tally.media_seconds == {"transcript": 12.5}

    [uuid] = webhooks.due_webhooks(clock.now + 1)
    batch = webhooks.claim_batch(uuid, clock.now + 1, 10, holder="elsewhere:-:1", lease_seconds=60)
    [due] = batch.items
    for n, (code, error, ms) in enumerate([(None, "timeout", 10_000.0), (500, None, 80.0), (204, None, 300.0)], 1):
        attempt = Attempt(
            due.event_seq, due.event.id, due.event.type, n, code is not None and code < 300, code, error, ms, clock.now
        )
        still_pending = Plan([Outcome(due.event_seq, PENDING, n, clock.now)], 0, "ACTIVE", None)
        webhooks.record_attempt(batch, attempt, lambda _hook, plan=still_pending: plan, lease_seconds=60)
    counted = webhooks.tally()
    assert counted.attempts == {"failed": 1, "refused": 1, "delivered": 1}
    assert dict(zip(LATENCY_BUCKETS, counted.latency_le, strict=True))[0.1] == 1
    assert dict(zip(LATENCY_BUCKETS, counted.latency_le, strict=True))[0.5] == 2
    assert counted.latency_le[-1] == 3
    assert counted.latency_sum == pytest.approx(10.38)
    assert counted.deliveries == {"pending": 1}
    assert counted.oldest_pending_at == 1_000_060.0


def test_a_job_handed_over_after_its_speech_stage_waits_for_its_notes_with_its_transcripts_and_progress(store):
    store.create_job("j", replace(spec(), preset=Preset.SUMMARIZE))
    store.claim("j", "speech-worker", lease_seconds=30, max_attempts=3)
    assert store.get_job("j").needs_speech
    assert store.set_progress("j", 1, Stage.RENDERING, 45)
    stored = {"transcription": [{"format": "json", "s3Config": {"key": "stem/transcript.json"}}]}
    assert store.hand_over("j", 1, stored)
    job = store.get_job("j")
    assert (job.status, job.attempts, job.output) == (Status.SUBMITTED, 0, stored)
    assert (job.progress.stage, job.progress.percent) == (Stage.RENDERING, 45), "its progress does not go back"
    assert (job.transcribed, job.needs_speech) == (True, False)
    assert wire.job(job)["status"] == wire.job_summary(job)["status"] == "processing", "between stages, to clients"
    assert not store.hand_over("j", 1, stored), "handed over once"
    assert not store.heartbeat("j", 1, lease_seconds=30), "the speech stage's claim is fenced off"
    claim = store.claim("j", "notes-worker", lease_seconds=30, max_attempts=3)
    assert (claim.attempt, claim.job.output) == (1, stored), "the notes stage is no retry, and has the transcripts"


def test_a_released_job_is_waiting_again_with_its_attempt_unspent_and_its_old_claim_fenced(store):
    store.create_job("j", spec())
    store.claim("j", "w1", lease_seconds=30, max_attempts=3)
    assert store.set_progress("j", 1, Stage.TRANSCRIBING, 40)
    assert store.release("j", 1)
    job = store.get_job("j")
    assert (job.status, job.attempts) == (Status.SUBMITTED, 0)
    assert (job.progress.stage, job.progress.percent) == (Stage.QUEUED, 0)
    assert not store.release("j", 1), "released once"
    assert not store.heartbeat("j", 1, lease_seconds=30)
    assert store.claim("j", "w2", lease_seconds=30, max_attempts=3).attempt == 1


def test_a_list_filters_by_status_as_clients_see_it_preset_a_piece_of_id_or_source_and_creation_time(store, clock):
    made = {}
    for n, (preset, source) in enumerate([
        (Preset.TRANSCRIPT, "https://calls.example.com/Visit_100%.wav"),
        (Preset.SUMMARIZE, "https://calls.example.com/other.wav"),
        (Preset.SOAP_NOTES, "https://media.example.org/clinic/visit-7.mp3"),
        (Preset.TRANSCRIPT, "https://media.example.org/plain.wav"),
    ]):  # fmt: skip
        clock.now = 1_000_000.0 + 3600 * n
        job_id = f"job-{n}-abc"
        store.create_job(job_id, replace(spec(source), preset=preset))
        made[n] = job_id
    store.claim(made[0], "w", lease_seconds=30, max_attempts=3)
    assert store.finish(made[0], 1, {"transcription": []})
    store.claim(made[1], "w", lease_seconds=30, max_attempts=3)  # processing
    store.claim(made[2], "w", lease_seconds=30, max_attempts=3)
    assert store.set_progress(made[2], 1, Stage.RENDERING, 45)
    assert store.hand_over(made[2], 1, {"transcription": [{"format": "json", "s3Config": {"key": "k"}}]})

    def listed(**where) -> list[str]:
        total, found = store.list_jobs(Page(limit=100), where=JobFilter(**where))
        assert total == len(found)
        return sorted(job.id for job in found)

    assert listed() == sorted(made.values())
    assert listed(status="finished") == [made[0]]
    assert listed(status="processing") == sorted([made[1], made[2]]), "between its stages, a job is processing"
    assert listed(status="submitted") == [made[3]]
    assert listed(preset="transcript") == sorted([made[0], made[3]])
    assert listed(search="VISIT") == sorted([made[0], made[2]]), "a piece of the source, whatever its case"
    assert listed(search="100%") == [made[0]], "a % is a character, not a wildcard"
    assert listed(search="%") == [made[0]]
    assert listed(search="job-3") == [made[3]], "a piece of the id"
    assert listed(created_after=1_003_600.0, created_before=1_010_800.0) == sorted([made[1], made[2]])
    assert listed(preset="transcript", status="submitted", search="plain") == [made[3]]
    upload = replace(spec("5f0c2b9e-recording", SourceType.RECORDING_ID), source_name="Clinic_Visit.m4a")
    store.create_job("job-4-abc", upload)
    assert listed(search="clinic_visit") == ["job-4-abc"], "an uploaded recording's file name"
