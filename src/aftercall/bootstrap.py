"""The only place that builds backends: settings in, a wired ``Runtime`` out."""

from __future__ import annotations

import fcntl
import hmac
import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal
from urllib.parse import urlsplit

import httpx
import structlog

from aftercall.asr import SpeechToText
from aftercall.asr.deepgram import DeepgramEngine
from aftercall.asr.openai import OpenAIEngine
from aftercall.asr.whisper import WhisperEngine
from aftercall.diarization import Diarizer
from aftercall.diarization.local import LocalDiarizer
from aftercall.errors import ConfigurationError, DataDirInUse
from aftercall.jobstore import schema
from aftercall.jobstore.sql import SqlJobStore, create_sql_engine
from aftercall.llm import LanguageModel
from aftercall.llm.local import LocalChat
from aftercall.llm.openai import OpenAIChat
from aftercall.net import guarded_client
from aftercall.pipeline.notes import Notes
from aftercall.pipeline.run import Engines
from aftercall.pipeline.speech import Speech
from aftercall.services import BatchService, RecordingService
from aftercall.settings import Settings
from aftercall.storage import ObjectStore
from aftercall.storage.local import LocalStore
from aftercall.storage.s3 import S3Store
from aftercall.storage.signing import LinkSigner
from aftercall.taskqueue import TaskQueue
from aftercall.taskqueue.celery import CeleryQueue, make_app
from aftercall.taskqueue.inprocess import InProcessQueue
from aftercall.taskqueue.sweeper import Sweeper
from aftercall.webhooks.delivery import TIMEOUT_SECONDS
from aftercall.webhooks.dispatcher import Dispatcher
from aftercall.webhooks.store import WebhookStore
from aftercall.webhooks.subscriptions import WebhookService
from aftercall.worker import JobRunner, WorkerConfig

log = structlog.get_logger(__name__)
FILES_PATH = "/v1/files"
_HTTP_READ_TIMEOUT = 60.0


def read_or_create_secret(path: Path) -> tuple[str, bool]:
    """The secret stored at ``path``, creating it (mode 0600) on first use; returns ``(secret, created)``."""
    if path.exists():
        return path.read_text().strip(), False
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(value + "\n")
    return value, True


Role = Literal["embedded", "api", "worker", "dispatcher"]


@dataclass
class Runtime:
    settings: Settings
    role: Role
    jobs: SqlJobStore
    store: ObjectStore
    queue: TaskQueue
    runner: JobRunner
    asr: SpeechToText
    batch: BatchService
    recordings: RecordingService
    webhooks: WebhookService
    dispatcher: Dispatcher
    sweeper: Sweeper
    api_keys: list[str]
    created_api_key: str | None = None
    _lock: IO[str] | None = field(default=None, repr=False)

    def key_matches(self, candidate: str) -> bool:
        """Constant-time comparison against every key (no early exit)."""
        matched = False
        for key in self.api_keys:
            matched |= hmac.compare_digest(key.encode(), candidate.encode())
        return matched

    def start(self) -> None:
        """Start this role's background parts (the api and worker roles have none)."""
        if self.role == "dispatcher":
            self.dispatcher.start()
            self.sweeper.start()
        elif self.role == "embedded":
            self._start_embedded()

    def _start_embedded(self) -> None:
        """Take the data dir, recover unfinished jobs, start the workers and the dispatcher."""
        self._lock = _lock_data_dir(self.settings.data_dir)
        expired = self.jobs.expire_leases()  # we hold the data dir: any processing job lost its worker
        pending = self.jobs.unfinished_job_ids()
        if pending:
            log.info("recovering unfinished jobs", count=len(pending), interrupted=expired)
        self.queue.start()
        for job_id in pending:
            self.queue.enqueue(job_id)
        self.dispatcher.start()

    def stop(self) -> None:
        self.queue.stop(timeout=30)
        self.sweeper.stop()
        self.dispatcher.stop()
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _lock_data_dir(data_dir: Path) -> IO[str]:
    handle = (data_dir / "aftercall.lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DataDirInUse(f"Another aftercall process is using the data directory {data_dir}") from None
    return handle


def build(settings: Settings, role: Role = "embedded") -> Runtime:
    """Wire every part for ``role``: ``embedded`` (serve), or a distributed ``api``, ``worker`` or ``dispatcher``."""
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    api_keys = settings.configured_api_keys
    created_key = None
    if role == "api" and not api_keys:
        raise ConfigurationError("aftercall api needs AFTERCALL_API_KEYS (the keys every api process accepts)")
    if not api_keys:
        key, created = read_or_create_secret(data_dir / "api-key")
        api_keys, created_key = [key], (key if created else None)
    link_secret, _ = read_or_create_secret(data_dir / "link-secret")
    signer = LinkSigner(link_secret.encode(), settings.resolved_public_url + FILES_PATH)
    store = object_store(settings, signer)
    database = create_sql_engine(settings.resolved_database_url)
    if role == "embedded":
        schema.upgrade(database, domain=settings.domain)  # embedded mode owns its database
    else:
        schema.require_current(database)  # distributed roles: `aftercall migrate` runs first, once
    jobs = SqlJobStore(database)
    webhook_store = WebhookStore(jobs.engine)

    def webhook_client() -> httpx.Client:  # never follows redirects (docs/api.md §5)
        return guarded_client(
            allow_private=settings.allow_private_urls, follow_redirects=False, timeout=TIMEOUT_SECONDS
        )

    dispatcher = Dispatcher(webhook_store, webhook_client(), retry_scale=settings.webhook_retry_scale)
    jobs.on_event = dispatcher.wake
    engine = speech_to_text(settings, parallel=settings.workers if role == "embedded" else 1)
    diarizer = LocalDiarizer() if settings.diarization == "local" else None
    runner = _job_runner(settings, jobs, store, engine, diarizer)
    queue = _queue(settings, role, jobs, runner)
    return Runtime(
        settings=settings,
        role=role,
        jobs=jobs,
        store=store,
        queue=queue,
        runner=runner,
        asr=engine,
        batch=BatchService(jobs=jobs, store=store, queue=queue, engine=engine, settings=settings),
        recordings=RecordingService(jobs=jobs, store=store, settings=settings),
        webhooks=WebhookService(
            store=webhook_store,
            http_client=webhook_client,
            allow_private_urls=settings.allow_private_urls,
            on_change=dispatcher.wake,
        ),
        dispatcher=dispatcher,
        sweeper=Sweeper(
            jobs,
            queue,
            requeue_after=settings.requeue_after_seconds,
            interval=min(10.0, settings.requeue_after_seconds),
        ),
        api_keys=api_keys,
        created_api_key=created_key,
    )


def _queue(settings: Settings, role: Role, jobs: SqlJobStore, runner: JobRunner) -> TaskQueue:
    if role == "embedded":
        return InProcessQueue(runner.run, workers=settings.workers)
    if settings.broker_url.startswith("inprocess"):
        raise ConfigurationError(f"aftercall {role} needs AFTERCALL_BROKER_URL (redis://... or amqp://...)")
    app = make_app(settings.broker_url, visibility_timeout=2 * settings.max_media_seconds)

    def preset_of(job_id: str) -> str | None:
        job = jobs.get_job(job_id)
        return job.spec.preset.value if job else None

    return CeleryQueue(app, preset_of)


def object_store(settings: Settings, signer: LinkSigner) -> ObjectStore:
    """The store named by ``AFTERCALL_STORAGE_URL``: the data dir, ``file:///path`` or ``s3://bucket/prefix``."""
    url = urlsplit(settings.storage_url)
    if url.scheme == "s3":
        if not url.netloc:
            raise ConfigurationError(
                f"AFTERCALL_STORAGE_URL {settings.storage_url!r} names no bucket (s3://bucket/prefix)"
            )
        return S3Store(
            bucket=url.netloc,
            prefix=url.path,
            region=settings.s3_region,
            endpoint_url=settings.s3_endpoint_url,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
    if url.scheme not in ("", "file"):
        raise ConfigurationError(f"AFTERCALL_STORAGE_URL must be file:// or s3://, not {settings.storage_url!r}")
    root = Path(url.path) if url.path else settings.data_dir / "objects"
    return LocalStore(root, signer=signer, bucket=settings.storage_bucket, region=settings.storage_region)


def speech_to_text(settings: Settings, *, parallel: int) -> SpeechToText:
    """The configured speech-to-text engine (nothing is loaded or contacted until the first job)."""
    if settings.asr_engine == "deepgram":
        if not settings.deepgram_api_key:
            raise ConfigurationError("AFTERCALL_ASR_ENGINE=deepgram needs AFTERCALL_DEEPGRAM_API_KEY")
        return DeepgramEngine(
            api_key=settings.deepgram_api_key,
            base_url=settings.deepgram_base_url,
            timeout=settings.remote_asr_timeout_seconds,
        )
    if settings.asr_engine == "openai":
        return OpenAIEngine(
            base_url=settings.openai_asr_base_url,
            api_key=settings.openai_asr_api_key,
            model=settings.openai_asr_model,
            timeout=settings.remote_asr_timeout_seconds,
        )
    return WhisperEngine(
        english_model=settings.asr_model_en,
        multilingual_model=settings.asr_model_multilingual,
        cache_dir=settings.model_cache_dir,
        cpu_threads=settings.asr_cpu_threads,
        beam_size=settings.asr_beam_size,
        parallel=parallel,
    )


def language_model(settings: Settings) -> LanguageModel:
    """The configured language model for the notes presets (nothing is loaded or contacted until a notes job)."""
    if settings.llm_engine == "openai":
        return OpenAIChat(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
            model=settings.llm_model,
            timeout=settings.llm_timeout_seconds,
            context_tokens=settings.llm_context_tokens,
        )
    return LocalChat(settings.llm_model_path, context_tokens=settings.llm_context_tokens)


def notes(settings: Settings) -> Notes:
    """The notes step over the configured language model, with its second reading on where the engine is capable."""
    judge = settings.notes_judge == "on" or (settings.notes_judge == "auto" and settings.llm_engine == "openai")
    return Notes(language_model(settings), judge=judge, audit=settings.notes_audit)


def _job_runner(
    settings: Settings, jobs: SqlJobStore, store: ObjectStore, engine: SpeechToText, diarizer: Diarizer | None
) -> JobRunner:
    return JobRunner(
        jobs=jobs,
        store=store,
        engines=Engines(Speech(engine, diarizer), notes(settings)),
        http_client=lambda: guarded_client(
            allow_private=settings.allow_private_urls, follow_redirects=True, timeout=_HTTP_READ_TIMEOUT
        ),
        config=WorkerConfig(
            owner=f"{socket.gethostname()}:{os.getpid()}",
            lease_seconds=settings.lease_seconds,
            max_attempts=settings.max_attempts,
            max_download_bytes=settings.max_download_bytes,
            download_timeout_seconds=settings.download_timeout_seconds,
            max_media_seconds=settings.max_media_seconds,
        ),
    )
