"""The only place that builds backends: settings in, a wired ``Runtime`` out."""

from __future__ import annotations

import fcntl
import os
import secrets
import socket
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
import structlog

from aftercall.asr import SpeechToText
from aftercall.asr.deepgram import DeepgramEngine
from aftercall.asr.openai import OpenAIEngine
from aftercall.asr.whisper import WhisperEngine
from aftercall.cores import CoreShare, few_malloc_arenas, jobs_at_once, one_blas_thread, usable_cores
from aftercall.diarization.local import LocalDiarizer
from aftercall.errors import ConfigurationError, DataDirInUse
from aftercall.jobstore import schema
from aftercall.jobstore.sql import SqlJobStore, create_sql_engine
from aftercall.jobstore.webhooks import WebhookStore
from aftercall.llm import LanguageModel
from aftercall.llm.local import LocalChat
from aftercall.llm.models import local_engine_problem
from aftercall.llm.openai import OpenAIChat
from aftercall.metrics import store_registry
from aftercall.net import guarded_client
from aftercall.pipeline.notes import Notes
from aftercall.pipeline.run import Engines
from aftercall.pipeline.speech import Speech
from aftercall.runtime import Background, Parts, Runtime
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


@dataclass(frozen=True)
class Worker:
    """A distributed ``aftercall worker``: the broker's queue it takes job ids from and the runner of each job."""

    queue: CeleryQueue
    runner: JobRunner


class _Embedded:
    """Embedded mode's background: holds the data dir, brings its database to this version's schema, recovers the
    jobs a stopped process left unfinished, runs the in-process workers and the webhook dispatcher (a new part of
    embedded mode goes here, in the order it needs)."""

    def __init__(
        self,
        settings: Settings,
        database: sa.Engine,
        jobs: SqlJobStore,
        queue: InProcessQueue,
        runner: JobRunner,
        dispatcher: Dispatcher,
    ) -> None:
        self._settings, self._database, self._jobs, self._queue = settings, database, jobs, queue
        self._runner, self._dispatcher = runner, dispatcher
        self._lock: IO[str] | None = None

    def start(self) -> None:
        self._lock = _lock_data_dir(self._settings.data_dir)  # first: a second process must not migrate under us
        schema.upgrade(self._database, domain=self._settings.domain)  # embedded mode owns its database
        expired = self._jobs.expire_leases()  # we hold the data dir: any processing job lost its worker
        pending = self._jobs.unfinished_job_ids()
        if pending:
            log.info("recovering unfinished jobs", count=len(pending), interrupted=expired)
        self._queue.start()
        for job_id in pending:
            self._queue.enqueue(job_id)
        self._dispatcher.start()

    def stop(self) -> None:
        with ExitStack() as each:  # every part is stopped even if one before it fails to
            each.callback(self._release_when_idle)
            each.callback(self._dispatcher.stop)
            each.callback(self._hand_back_running)
            each.callback(self._queue.stop, timeout=self._settings.shutdown_grace_seconds)

    def _hand_back_running(self) -> None:
        """Jobs still running when the grace period ends go back to the queue, their attempt not spent: the next
        start (this process's successor, holding the data dir) runs them again."""
        released = self._runner.release_running()
        if released:
            log.info("shutdown: jobs handed back to the queue", job_ids=released)

    def _release_when_idle(self) -> None:
        """Let go of the data dir once no thread of ours runs a job: a job handed back is run by the next process
        only when its abandoned run here has ended (with this process, or sooner)."""
        busy = self._queue.busy()
        if not busy:
            self._release()
            return

        def release_after() -> None:
            for thread in busy:
                thread.join()
            self._release()

        threading.Thread(target=release_after, name="data-dir-release", daemon=True).start()

    def _release(self) -> None:
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


@dataclass(frozen=True)
class _Core:
    """What every role shares: the settings, the object store, the database and its webhook tables."""

    settings: Settings
    store: ObjectStore
    database: sa.Engine
    webhook_store: WebhookStore


def _core(settings: Settings, *, owns_database: bool) -> _Core:
    """``owns_database``: embedded mode migrates its own database while it holds the data dir (``build_embedded``);
    distributed roles need ``aftercall migrate`` to have run first, once."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    link_secret, _ = read_or_create_secret(settings.data_dir / "link-secret")
    signer = LinkSigner(link_secret.encode(), settings.resolved_public_url + FILES_PATH)
    store = object_store(settings, signer)  # a malformed storage URL is refused before the database is touched
    database = create_sql_engine(settings.resolved_database_url)
    if not owns_database:
        schema.require_current(database)
    return _Core(settings, store, database, WebhookStore(database))


def build_embedded(settings: Settings, job_engines: Engines | None = None) -> Runtime:
    """``aftercall serve``: the API, the workers and the dispatcher in one process, over the data dir. Jobs run on
    ``job_engines``, by default the configured ones (``aftercall.testing`` passes engines that need no model)."""
    core = _core(settings, owns_database=True)
    _migrate_unless_in_use(settings, core.database)
    dispatcher = _dispatcher(core)
    jobs = SqlJobStore(core.database, domain=settings.domain, on_event=dispatcher.wake)
    cores = CoreShare(usable_cores())  # shared by the jobs running at once
    workers = jobs_at_once(settings.workers)
    given = job_engines is not None  # (a test's engines, which need no model)
    job_engines = job_engines or engines(settings, speech_to_text(settings, parallel=workers, cores=cores), cores)
    runner = _job_runner(settings, jobs, core.store, job_engines, cores)
    queue = InProcessQueue(runner.run, workers=workers)
    background = _Embedded(settings, core.database, jobs, queue, runner, dispatcher)
    # this process writes the notes: a notes job it could not write is refused at submit (a test's engines need none)
    local = settings.llm_engine == "local" and not given
    return _api_runtime(
        core,
        jobs,
        queue,
        job_engines.speech.engine,
        dispatcher.wake,
        background,
        notes_unavailable=(lambda: local_engine_problem(settings.llm_model_path)) if local else lambda: None,
    )


def _migrate_unless_in_use(settings: Settings, database: sa.Engine) -> None:
    """Bring the data dir's database to this version's schema now (the API may serve before the background starts),
    unless another process holds the data dir: it owns the database, and this one's start() refuses to run."""
    try:
        lock = _lock_data_dir(settings.data_dir)
    except DataDirInUse:
        return
    try:
        schema.upgrade(database, domain=settings.domain)
    finally:
        lock.close()


def build_api(settings: Settings) -> Runtime:
    """Distributed ``aftercall api``: stores each job and publishes its id to the broker; runs nothing else."""
    if not settings.configured_api_keys:
        raise ConfigurationError("aftercall api needs AFTERCALL_API_KEYS (the keys every api process accepts)")
    core = _core(settings, owns_database=False)
    jobs = SqlJobStore(core.database, domain=settings.domain)
    queue = _celery_queue(settings, jobs, "api")
    # the dispatcher runs in its own process there, and polls: nothing here wakes it
    return _api_runtime(core, jobs, queue, speech_to_text(settings), lambda: None)


def build_worker(settings: Settings, *, concurrency: int = 1) -> Worker:
    """Distributed ``aftercall worker``: takes job ids from the broker and runs them, ``concurrency`` at once (one
    per process of its pool, each with its part of the cores)."""
    core = _core(settings, owns_database=False)
    jobs = SqlJobStore(core.database, domain=settings.domain)
    queue = _celery_queue(settings, jobs, "worker")
    cores = CoreShare(usable_cores() // max(1, concurrency))
    job_engines = engines(settings, speech_to_text(settings, cores=cores), cores)
    # a notes job on media hands its notes to the llm queue once its transcripts are stored (docs/deployment.md)
    return Worker(queue, _job_runner(settings, jobs, core.store, job_engines, cores, hand_over=queue.enqueue))


def build_dispatcher(settings: Settings) -> Parts:
    """Distributed ``aftercall dispatcher``: delivers webhooks and re-enqueues jobs the broker lost (run one)."""
    core = _core(settings, owns_database=False)
    jobs = SqlJobStore(core.database, domain=settings.domain)
    queue = _celery_queue(settings, jobs, "dispatcher")
    interval = min(10.0, settings.requeue_after_seconds)
    return Parts(
        (_dispatcher(core), Sweeper(jobs, queue, requeue_after=settings.requeue_after_seconds, interval=interval))
    )


def _api_runtime(
    core: _Core, jobs: SqlJobStore, queue: TaskQueue, speech: SpeechToText, wake_dispatcher: Callable[[], None],
    *background: Background, notes_unavailable: Callable[[], str | None] = lambda: None,
) -> Runtime:  # fmt: skip
    settings = core.settings
    api_keys, created_key = settings.configured_api_keys, None
    if not api_keys:
        key, created = read_or_create_secret(settings.data_dir / "api-key")
        api_keys, created_key = [key], (key if created else None)
    return Runtime(
        settings=settings,
        jobs=jobs,
        store=core.store,
        queue=queue,
        asr=speech,
        batch=BatchService(
            jobs=jobs,
            store=core.store,
            queue=queue,
            engine=speech,
            settings=settings,
            notes_unavailable=notes_unavailable,
        ),
        recordings=RecordingService(jobs=jobs, store=core.store, settings=settings),
        webhooks=WebhookService(
            store=core.webhook_store,
            http_client=lambda: _webhook_client(settings),
            allow_private_urls=settings.allow_private_urls,
            on_change=wake_dispatcher,
        ),
        api_keys=api_keys,
        metrics=store_registry(jobs, core.webhook_store),
        created_api_key=created_key,
        background=Parts(background),
    )


def _webhook_client(settings: Settings) -> httpx.Client:  # never follows redirects (docs/api.md §5)
    return guarded_client(allow_private=settings.allow_private_urls, follow_redirects=False, timeout=TIMEOUT_SECONDS)


def _dispatcher(core: _Core) -> Dispatcher:
    return Dispatcher(core.webhook_store, _webhook_client(core.settings), retry_scale=core.settings.webhook_retry_scale)


def _celery_queue(settings: Settings, jobs: SqlJobStore, role: Literal["api", "worker", "dispatcher"]) -> CeleryQueue:
    if settings.broker_url.startswith("inprocess"):
        raise ConfigurationError(f"aftercall {role} needs AFTERCALL_BROKER_URL (redis://... or amqp://...)")
    app = make_app(settings.broker_url, visibility_timeout=2 * settings.max_media_seconds)
    return CeleryQueue(app, jobs.get_job)


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
            public_endpoint_url=settings.s3_public_endpoint_url,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
    if url.scheme not in ("", "file"):
        raise ConfigurationError(f"AFTERCALL_STORAGE_URL must be file:// or s3://, not {settings.storage_url!r}")
    root = Path(url.path) if url.path else settings.data_dir / "objects"
    return LocalStore(root, signer=signer, bucket=settings.storage_bucket, region=settings.storage_region)


def speech_to_text(settings: Settings, *, parallel: int = 1, cores: CoreShare | None = None) -> SpeechToText:
    """The configured speech-to-text engine (nothing is loaded or contacted until the first job), serving
    ``parallel`` jobs at once on the ``cores`` they share (by default every usable core, for one job at a time); a
    long job alone transcribes as many blocks at once as it has cores."""
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
    share = _share(cores)
    few_malloc_arenas()  # its blocks run in threads of their own
    return WhisperEngine(
        english_model=settings.asr_model_en,
        multilingual_model=settings.asr_model_multilingual,
        cache_dir=settings.model_cache_dir,
        threads=_fixed(settings.asr_cpu_threads) if settings.asr_cpu_threads else share.threads,
        beam_size=settings.asr_beam_size,
        # transcriptions at once: a job's blocks share its threads, each of the jobs at once has its share or T
        parallel=parallel * settings.asr_cpu_threads if settings.asr_cpu_threads else max(parallel, share.cores),
    )


def language_model(settings: Settings, cores: CoreShare | None = None) -> LanguageModel:
    """The configured language model for the notes presets (nothing is loaded or contacted until a notes job); the
    local one runs on the ``cores`` its job's share gives it (by default every usable core)."""
    if settings.llm_engine == "openai":
        return OpenAIChat(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
            model=settings.llm_model,
            timeout=settings.llm_timeout_seconds,
            context_tokens=settings.llm_context_tokens,
        )
    return LocalChat(settings.llm_model_path, context_tokens=settings.llm_context_tokens, threads=_share(cores).threads)


def notes(settings: Settings, cores: CoreShare | None = None) -> Notes:
    """The notes step over the configured language model, with its second reading on where the engine is capable."""
    judge = settings.notes_judge == "on" or (settings.notes_judge == "auto" and settings.llm_engine == "openai")
    return Notes(language_model(settings, cores), judge=judge, audit=settings.notes_audit)


def engines(settings: Settings, speech: SpeechToText, cores: CoreShare | None = None) -> Engines:
    """What a job's stages run on: ``speech`` with the configured diarizer, and the notes step (its local model on
    the ``cores`` the jobs running share)."""
    diarizer = None
    if settings.diarization == "local":
        diarizer = LocalDiarizer()
        one_blas_thread()  # it runs beside the speech engine
    return Engines(Speech(speech, diarizer), notes(settings, cores))


def fetch_client(settings: Settings) -> httpx.Client:
    """The client that downloads a job's source (private addresses refused unless allowed; redirects followed)."""
    return guarded_client(allow_private=settings.allow_private_urls, follow_redirects=True, timeout=_HTTP_READ_TIMEOUT)


def _share(cores: CoreShare | None) -> CoreShare:
    """``cores``, or for a process that runs one job at a time, every usable core."""
    return cores or CoreShare(usable_cores())


def _fixed(threads: int) -> Callable[[], int]:
    return lambda: threads


def _job_runner(
    settings: Settings,
    jobs: SqlJobStore,
    store: ObjectStore,
    job_engines: Engines,
    cores: CoreShare,
    *,
    hand_over: Callable[[str], None] | None = None,
) -> JobRunner:
    return JobRunner(
        jobs=jobs,
        store=store,
        engines=job_engines,
        cores=cores,
        hand_over=hand_over,
        http_client=lambda: fetch_client(settings),
        config=WorkerConfig(
            host=socket.gethostname(),
            lease_seconds=settings.lease_seconds,
            max_attempts=settings.max_attempts,
            max_download_bytes=settings.max_download_bytes,
            download_timeout_seconds=settings.download_timeout_seconds,
            max_media_seconds=settings.max_media_seconds,
        ),
    )
