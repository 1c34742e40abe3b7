"""Running one job: claim it, run the pipeline under a heartbeating lease, and record how it ended."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx
import structlog

from aftercall.cores import CoreShare
from aftercall.domain.jobs import Job, Preset, SourceType, Stage, crash_sentence
from aftercall.domain.outputs import TRANSCRIPT_JSON
from aftercall.errors import DownloadError, JobAbandoned, JobFailed, QueueUnavailable, StoreUnavailable
from aftercall.jobstore import Claim, JobStore
from aftercall.jobstore.owners import gone_here, lease_owner
from aftercall.metrics import JobTimer
from aftercall.pipeline import run as pipeline
from aftercall.pipeline.fetch import download
from aftercall.pipeline.upload import upload_notes, upload_transcripts
from aftercall.storage import ObjectStore

log = structlog.get_logger(__name__)
T = TypeVar("T")

MAX_TRANSCRIPT_BYTES = 50 * 1024**2  # a 6-hour call's JSON transcript is about 10 MB


@dataclass(frozen=True)
class WorkerConfig:
    host: str  # a claim's owner is this and the process's id, read at the claim (a worker's pool processes differ)
    lease_seconds: float
    max_attempts: int
    max_download_bytes: int
    download_timeout_seconds: float
    max_media_seconds: float


class _Gate:
    """Every job-store write of this runner's jobs passes through here. Once closed none does, so the jobs still
    running can be handed back with no late write of theirs behind them (a worker then finds its job abandoned).
    Writes pass side by side; closing waits for those in flight."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._closed = False
        self._in_flight = 0

    def through(self, write: Callable[[], T]) -> T | None:
        """``write()``'s result, or None once the gate is closed."""
        with self._changed:
            if self._closed:
                return None
            self._in_flight += 1
        try:
            return write()
        finally:
            with self._changed:
                self._in_flight -= 1
                self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.wait_for(lambda: self._in_flight == 0)


class _Progress:
    """Fenced progress writes; a refused write means the job is no longer ours."""

    def __init__(self, jobs: JobStore, gate: _Gate, job: Job, attempt: int) -> None:
        self._jobs, self._gate, self._job_id, self._attempt = jobs, gate, job.id, attempt
        self.stage = Stage.QUEUED
        self._percent = -1
        self._spans = pipeline.percent_spans(job.spec)
        self.timer = JobTimer()

    def enter(self, stage: Stage, *, duration: float | None = None) -> None:
        self.stage = stage
        self.timer.enter(stage)
        if duration is not None:
            self.timer.media_seconds = duration
        self._write(self._spans[stage][0], duration)

    def fraction(self, done: float) -> None:
        first, last = self._spans[self.stage]
        percent = first + int((last - first) * min(max(done, 0.0), 1.0))
        if percent > self._percent:
            self._write(percent, None)

    def _write(self, percent: int, duration: float | None) -> None:
        self._percent = percent
        stage = self.stage
        if not self._gate.through(
            lambda: self._jobs.set_progress(self._job_id, self._attempt, stage, percent, duration=duration)
        ):
            raise JobAbandoned(f"job {self._job_id} is no longer held by this worker")


class _Heartbeat:
    """Renews the lease in the background while the pipeline runs."""

    def __init__(self, jobs: JobStore, gate: _Gate, job_id: str, attempt: int, lease_seconds: float) -> None:
        self._renew = lambda: gate.through(lambda: jobs.heartbeat(job_id, attempt, lease_seconds=lease_seconds))
        self._interval = lease_seconds / 3
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                if not self._renew():
                    return
            except Exception:
                log.warning("heartbeat failed", exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()


class JobRunner:
    def __init__(
        self,
        *,
        jobs: JobStore,
        store: ObjectStore,
        engines: pipeline.Engines,
        http_client: Callable[[], httpx.Client],
        config: WorkerConfig,
        cores: CoreShare,
        hand_over: Callable[[str], None] | None = None,
    ) -> None:
        """``hand_over`` (distributed mode) enqueues a job for its next stage: a notes job on media then stops once
        its transcripts are stored, and a worker of the llm queue writes its notes."""
        self.jobs, self.store, self.engines = jobs, store, engines
        self._hand_over = hand_over
        self.cores = cores  # counts this runner's jobs, which share the cores (aftercall.cores)
        self.http_client = http_client
        self.config = config
        self._gate = _Gate()
        self._running: dict[str, int] = {}  # job id: attempt, of the jobs this runner holds now

    def release_running(self) -> list[str]:
        """Stop every running job's writes and put each back in the queue, its attempt not counted (a shutdown whose
        grace period ran out); the ids released."""
        self._gate.close()
        held = dict(self._running)
        return [job_id for job_id, attempt in held.items() if self.jobs.release(job_id, attempt)]

    def run(self, job_id: str) -> None:
        try:
            with self.cores.job():
                self._run(job_id)
        finally:
            self._running.pop(job_id, None)

    def _claim(self, job_id: str) -> Claim | None:
        cfg = self.config
        claim = self.jobs.claim(
            job_id,
            lease_owner(cfg.host),
            lease_seconds=cfg.lease_seconds,
            max_attempts=cfg.max_attempts,
            gone=lambda holder: gone_here(holder, cfg.host),
        )
        if claim is None:
            log.debug("job not run here: it is finished, deleted or held by a live worker", job_id=job_id)
            return None
        if claim.taken_from:
            log.warning("job taken over from a worker process that is gone", job_id=job_id, held_by=claim.taken_from)
        self._running[job_id] = claim.attempt
        return claim

    def _run(self, job_id: str) -> None:
        claim = self._gate.through(lambda: self._claim(job_id))
        if claim is None:
            return
        cfg = self.config
        job, attempt = claim.job, claim.attempt
        bound = log.bind(job_id=job_id, attempt=attempt)
        bound.info("job started")
        progress = _Progress(self.jobs, self._gate, job, attempt)
        # filled as outputs are stored (a failing later step keeps and lists them), from what an earlier stage stored
        output: dict[str, Any] = dict(job.output or {})
        handing_over = self._hand_over is not None and job.needs_speech and job.spec.preset is not Preset.TRANSCRIPT
        try:
            with _Heartbeat(self.jobs, self._gate, job_id, attempt, cfg.lease_seconds):
                self._process(job, progress, output, notes=not handing_over)
        except JobAbandoned:
            bound.info("job abandoned: deleted or claimed by another worker")
            self._discard_if_deleted(job)
            return
        except StoreUnavailable:
            bound.warning("job store unavailable: leaving the job to be retried when its lease expires")
            return
        except JobFailed as exc:
            error = str(exc)
        except Exception:
            bound.exception("job crashed")
            error = crash_sentence(progress.stage)
        else:
            if handing_over:
                self._hand_over_notes(job, attempt, output)
            elif self._gate.through(lambda: self.jobs.finish(job_id, attempt, output)):
                progress.timer.finish()
                bound.info("job finished")
            else:
                self._discard_if_deleted(job)
            return
        bound.info("job failed", error=error)
        self._gate.through(lambda: self.jobs.fail(job_id, attempt, error, output or None))

    def _hand_over_notes(self, job: Job, attempt: int, output: dict[str, Any]) -> None:
        """Leave a transcribed job's notes to a worker of the llm queue (were the broker down, the sweeper sends it)."""
        assert self._hand_over is not None
        bound = log.bind(job_id=job.id, attempt=attempt)
        # No longer this runner's to hand back at a shutdown: the next stage's worker claims it with this attempt.
        self._running.pop(job.id, None)
        if not self._gate.through(lambda: self.jobs.hand_over(job.id, attempt, output)):
            self._discard_if_deleted(job)
            return
        bound.info("job transcribed: its notes go to the llm queue")
        try:
            self._hand_over(job.id)
        except QueueUnavailable:
            bound.warning("broker unreachable: the sweeper enqueues the job's notes once it is back")

    def _discard_if_deleted(self, job: Job) -> None:
        """A job deleted while running leaves nothing behind (a live job keeps its keys for its new owner)."""
        if self.jobs.get_job(job.id) is None:
            for key in job.spec.target.all_keys():
                self.store.delete(key)

    def _process(self, job: Job, progress: _Progress, output: dict[str, Any], *, notes: bool) -> None:
        """Fetch, run the pipeline, store its files: the transcripts as soon as they are rendered (so a failing notes
        step keeps them), then the notes unless they are not to be written here (``notes``). A job transcribed by
        an earlier stage reads the transcript JSON it stored."""
        spec = job.spec

        def store_transcripts(files: dict[str, bytes]) -> None:
            if spec.preset is Preset.TRANSCRIPT:  # a notes job stores its transcripts while rendering
                progress.enter(Stage.UPLOADING)
            output.update(upload_transcripts(self.store, spec.target, files))

        with tempfile.TemporaryDirectory(prefix="aftercall-") as tmp:
            source = Path(tmp) / "source"
            progress.enter(Stage.DOWNLOADING)
            if job.transcribed:
                self.store.get_file(spec.target.key(TRANSCRIPT_JSON), source)
            else:
                self._fetch(job, source, progress)
            outputs = pipeline.run(
                source,
                spec,
                self.engines,
                progress,
                request_id=job.id,
                created=job.created_at,
                max_media_seconds=self.config.max_media_seconds,
                on_transcripts=store_transcripts,
                transcribed=job.transcribed,
                notes=notes,
            )
        if outputs.notes:
            progress.enter(Stage.UPLOADING)
            output.update(upload_notes(self.store, spec.target, outputs.notes))

    def _fetch(self, job: Job, destination: Path, progress: _Progress) -> None:
        spec = job.spec
        if spec.source_type is SourceType.RECORDING_ID:
            recording = self.jobs.get_recording(spec.source)
            if recording is None:
                raise DownloadError(f"Failed to download: recording {spec.source} no longer exists")
            self.store.get_file(recording.key, destination)
            return
        with self.http_client() as client:
            transcript = spec.source_type is SourceType.TRANSCRIPT_URI
            download(
                client,
                spec.source,
                destination,
                max_bytes=MAX_TRANSCRIPT_BYTES if transcript else self.config.max_download_bytes,
                time_limit=self.config.download_timeout_seconds,
                on_bytes=lambda done, total: progress.fraction(done / total) if total else None,
                transcript=transcript,
            )
