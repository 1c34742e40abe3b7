"""Use cases behind the API: submit, inspect and delete jobs; store and serve recordings."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

import structlog

from aftercall.asr import SpeechToText
from aftercall.domain import speakers, wire
from aftercall.domain.jobs import Job, JobSpec, Preset, SourceType, Status, key_problem
from aftercall.domain.outputs import TRANSCRIPT_FILES, TRANSCRIPT_JSON
from aftercall.domain.recordings import Recording, clean_filename
from aftercall.errors import InvalidRequest, MediaError, NotFound, PayloadTooLarge, QueueUnavailable
from aftercall.jobstore import EVERY_JOB, JobFilter, JobStore, Page
from aftercall.media import media_type, probe
from aftercall.net import url_problem
from aftercall.settings import Settings
from aftercall.storage import ObjectStore
from aftercall.taskqueue import TaskQueue

log = structlog.get_logger(__name__)

# Deepgram's model names, which Daily clients send: served by the default model of an engine that lacks them.
_DEEPGRAM_MODEL_PREFIXES = ("nova", "enhanced")


def body_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def check_preset(spec: JobSpec) -> None:
    """Refuse a transcript as the input of the preset that makes transcripts."""
    if spec.preset is Preset.TRANSCRIPT and spec.source_type is SourceType.TRANSCRIPT_URI:
        raise InvalidRequest("inParams.sourceType", "'transcriptUri' needs the summarize or soap-notes preset")


class BatchService:
    def __init__(
        self,
        *,
        jobs: JobStore,
        store: ObjectStore,
        queue: TaskQueue,
        engine: SpeechToText,
        settings: Settings,
        notes_unavailable: Callable[[], str | None] = lambda: None,
    ) -> None:
        """``notes_unavailable`` says why this server's notes step cannot run (no language model), or None; a
        distributed api leaves that to its llm workers."""
        self.jobs, self.store, self.queue, self.engine = jobs, store, queue, engine
        self.settings = settings
        self.notes_unavailable = notes_unavailable

    def check_supported(self, spec: JobSpec) -> JobSpec:
        """Refuse what this server cannot do yet (rather than silently ignore it); normalise the model name."""
        check_preset(spec)
        if spec.preset is not Preset.TRANSCRIPT and (problem := self.notes_unavailable()):
            raise InvalidRequest("preset", f"{spec.preset.value!r} writes notes with a language model, but {problem}")
        fetched = {SourceType.URI: "inParams.uri", SourceType.TRANSCRIPT_URI: "inParams.transcriptUri"}
        if spec.source_type in fetched:
            problem = url_problem(spec.source, allow_private=self.settings.allow_private_urls)
            if problem:
                raise InvalidRequest(fetched[spec.source_type], problem)
        if spec.source_type is SourceType.RECORDING_ID:
            recording = self.jobs.get_recording(spec.source)
            if recording is None:
                raise InvalidRequest("inParams.recordingId", f"there is no recording with id {spec.source!r}")
            spec = replace(spec, source_name=recording.filename)  # so its jobs can be told apart by the file
        options = spec.transcript
        model = options.model
        if model and not self.engine.knows_model(model) and model.startswith(_DEEPGRAM_MODEL_PREFIXES):
            model = None  # a Deepgram name sent to a local engine: its default model
        if model and not self.engine.knows_model(model):
            raise InvalidRequest("transformParams.transcript.model", f"unknown model {model!r}")
        if model != options.model:
            spec = _with_model(spec, model)
        return spec

    def submit(self, job_id: str, spec: JobSpec, *, idempotency_key: str | None, request_hash: str) -> str:
        """Store the job durably, then hand its id to the queue; returns the (possibly earlier) job id."""
        spec = self.check_supported(spec)
        for key in spec.target.all_keys():
            problem = key_problem(key)
            if problem:
                raise InvalidRequest("outParams.s3Config.s3KeyTemplate", problem)
        idempotency = (idempotency_key, request_hash) if idempotency_key else None
        stored_id, created = self.jobs.create_job(job_id, spec, idempotency=idempotency)
        if created:
            try:
                self.queue.enqueue(stored_id)
            except QueueUnavailable:  # the job is stored: the sweeper enqueues it once the broker is back (the
                log.debug("job stored, not enqueued", job_id=stored_id)  # queue logs the broker's outage, once)
            except Exception:  # stored all the same, and enqueued by the sweeper, but not for a reason foreseen
                log.exception("job stored, not enqueued", job_id=stored_id)
        return stored_id

    def get(self, job_id: str) -> Job:
        job = self.jobs.get_job(job_id)
        if job is None:
            raise NotFound(f"There is no batch processor job with id {job_id!r}")
        return job

    def list(self, page: Page, *, recording_id: str | None, where: JobFilter = EVERY_JOB) -> tuple[int, list[Job]]:
        return self.jobs.list_jobs(page, recording_id=recording_id, where=where)

    def delete(self, job_id: str) -> Job:
        """Delete a job and its outputs; a running job's worker notices at its next write and stops."""
        job = self.jobs.delete_job(job_id)
        if job is None:
            raise NotFound(f"There is no batch processor job with id {job_id!r}")
        for key in job.spec.target.all_keys():
            self.store.delete(key)
        return job

    def name_speakers(self, job_id: str, names: Any) -> Job:
        """Keep a client's names for the speakers of a transcribed job (docs/api.md §2, "Speaker names")."""
        problem = speakers.names_problem(names)
        if problem:
            raise InvalidRequest("speakers", problem)
        job = self.get(job_id)
        if not job.transcribed:
            raise InvalidRequest("id", f"the job is '{wire.status(job)}' and has no transcript whose speakers to name")
        named = self.jobs.name_speakers(job_id, {int(n): name.strip() for n, name in names.items()})
        if named is None:
            raise NotFound(f"There is no batch processor job with id {job_id!r}")
        return named

    def named_transcript(self, job_id: str, extension: str) -> bytes:
        """The job's stored transcript file in ``extension``, its speakers named as the job's names say; the stored
        file itself is not changed."""
        job = self.get(job_id)
        if not job.transcribed:
            raise InvalidRequest("id", f"the job is '{wire.status(job)}' and has no transcript")
        file = next((f for f in TRANSCRIPT_FILES if f.extension == extension), None)
        if file is None:
            raise NotFound(f"There is no transcript format {extension!r}; there are txt, srt, vtt and json")
        with tempfile.TemporaryDirectory(prefix="aftercall-names-") as tmp:
            document_path, file_path = Path(tmp) / "transcript.json", Path(tmp) / f"transcript.{extension}"
            self.store.get_file(job.spec.target.key(TRANSCRIPT_JSON), document_path)
            self.store.get_file(job.spec.target.key(file), file_path)
            document, text = json.loads(document_path.read_bytes()), file_path.read_text(encoding="utf-8")
        names = job.speaker_names
        if extension == "json":
            return json.dumps(speakers.named_json(document, names), ensure_ascii=False).encode()
        if extension == "txt":
            return speakers.named_txt(text, names).encode()
        return speakers.named_captions(text, document, names, vtt=extension == "vtt").encode()

    def access_links(self, job_id: str, *, partial: bool = False) -> dict[str, Any]:
        """Links to a finished job's files; with ``partial`` (extension), also to what a failed job stored before
        its failing step (a notes job's transcripts)."""
        job = self.get(job_id)
        kept = partial and job.status is Status.ERROR and bool(job.output)
        if job.status is not Status.FINISHED and not kept:
            raise InvalidRequest("id", f"the job is '{wire.status(job)}'; access links exist only for finished jobs")
        ttl = self.settings.link_ttl_seconds
        return wire.job_links(job, lambda file: self.store.link(job.spec.target.key(file), ttl))


def _with_model(spec: JobSpec, model: str | None) -> JobSpec:
    return replace(spec, transcript=replace(spec.transcript, model=model))


class RecordingService:
    def __init__(self, *, jobs: JobStore, store: ObjectStore, settings: Settings) -> None:
        self.jobs, self.store, self.settings = jobs, store, settings

    def upload(self, source: BinaryIO, *, room_name: str | None, filename: str | None = None) -> Recording:
        recording_id = str(uuid.uuid4())
        limit = self.settings.max_upload_bytes
        with tempfile.TemporaryDirectory(prefix="aftercall-upload-") as tmp:
            path = Path(tmp) / "media"
            with path.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            size = path.stat().st_size
            if size > limit:
                raise PayloadTooLarge(f"file: the upload is larger than the limit of {limit} bytes")
            try:
                duration = probe(path, max_seconds=self.settings.max_media_seconds)
            except MediaError as exc:
                raise InvalidRequest("file", str(exc)) from exc
            content_type, extension = media_type(path)  # what the file is, whatever the client called it
            key = f"{self.settings.domain}/recordings/{recording_id}{extension}"
            self.store.put_file(key, path, content_type)
        now = time.time()
        recording = Recording(
            id=recording_id,
            room_name=room_name or "uploads",
            filename=clean_filename(filename),
            start_ts=int(now),
            duration=duration,
            key=key,
            size=size,
            content_type=content_type,
            created_at=now,
        )
        self.jobs.add_recording(recording)
        return recording

    def get(self, recording_id: str) -> Recording:
        recording = self.jobs.get_recording(recording_id)
        if recording is None:
            raise NotFound(f"There is no recording with id {recording_id!r}")
        return recording

    def list(self, page: Page, *, room_name: str | None) -> tuple[int, list[Recording]]:
        return self.jobs.list_recordings(page, room_name=room_name)

    def delete(self, recording_id: str) -> Recording:
        recording = self.jobs.delete_recording(recording_id)
        if recording is None:
            raise NotFound(f"There is no recording with id {recording_id!r}")
        self.store.delete(recording.key)
        return recording

    def access_link(self, recording_id: str, *, valid_for: int | None = None) -> dict[str, Any]:
        """A link to the recording's file, valid ``valid_for`` seconds (default: the configured link lifetime)."""
        recording = self.get(recording_id)
        ttl = valid_for or self.settings.link_ttl_seconds
        return wire.recording_link(self.store.link(recording.key, ttl), int(time.time()) + ttl)
