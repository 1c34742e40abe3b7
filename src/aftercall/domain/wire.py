"""Every object a client reads, built here and nowhere else: the REST responses and the webhook payloads of
docs/api.md. The routes and the webhook events only choose which one to send; the error body, the same for every
route, is written where errors become responses (``api/app.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from aftercall.domain.jobs import CANCELLED_ERROR, Job, JobSpec, Preset, SourceType, Status
from aftercall.domain.outputs import NOTE_FILES, TRANSCRIPT_FILES, OutputFile
from aftercall.domain.recordings import Recording
from aftercall.domain.webhooks import Webhook


def iso_time(epoch: float) -> str:
    """ISO 8601 UTC with milliseconds and a ``Z``, as Daily writes times."""
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def page(total: int, items: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A list response: the count of everything that matched and this page's items (docs/api.md §2, §4)."""
    return {"total_count": total, "data": list(items)}


def job_created(job_id: str) -> dict[str, str]:
    """The answer to ``POST /v1/batch-processor``: the (possibly earlier, same-idempotency-key) job's id."""
    return {"id": job_id}


def job_input(spec: JobSpec) -> dict[str, Any]:
    """The ``input`` object clients see (docs/api.md §2: sourceType, uri | recordingId, language)."""
    source_field = "recordingId" if spec.source_type is SourceType.RECORDING_ID else "uri"
    return {"sourceType": spec.source_type.value, source_field: spec.source, "language": spec.transcript.language}


def job(j: Job) -> dict[str, Any]:
    """The object of ``GET /v1/batch-processor/{id}``; the webhook payloads take their fields from it (§2, §5)."""
    view: dict[str, Any] = {
        "id": j.id,
        "preset": j.spec.preset.value,
        "status": status(j),
        "input": job_input(j.spec),
    }
    if j.spec.source_name:  # extension: the uploaded recording's file name
        view["sourceName"] = j.spec.source_name
    view["transformParams"] = {"transcript": transcript_params(j.spec)}  # extension: the options it runs with
    if j.status is Status.FINISHED:
        view["output"] = j.output or {}
    if j.status is Status.ERROR:
        if j.output:  # extension: what a job made before its failing step is kept and listed
            view["output"] = j.output
        view["error"] = error(j)
    if j.speaker_names:  # extension: the names a client gave its speakers
        view["speakers"] = {str(n): name for n, name in sorted(j.speaker_names.items())}
    view["progress"] = {"stage": j.progress.stage.value, "percent": j.progress.percent}
    if j.attempts > 1:  # a retry says which attempt it is on (the furthest point reached stays shown)
        view["progress"]["attempt"] = j.attempts
    view["createdAt"] = iso_time(j.created_at)
    view["updatedAt"] = iso_time(j.updated_at)
    if j.duration is not None:
        view["duration"] = round(j.duration, 3)
    return view


# The job a notes preset names in its errors, as Daily's do ("Summary generation job failed: ..."; docs/api.md §2).
_NOTES_JOB = {Preset.SUMMARIZE: "Summary generation", Preset.SOAP_NOTES: "SOAP note generation"}


def error(job: Job) -> str | None:
    """The error clients see. A transcript job's is the sentence of the step that failed. A notes job's is chained
    as Daily chains it: the notes job failed, because of its transcript job, where a recording's transcription
    failed (``Summary generation job failed: BatchProcessorTranscriptError: transcript job failed: Error: Failed to
    download: 403 Forbidden``), or because of its own step (``Summary generation job failed: Error: Failed to
    summarize: ...``). A cancellation is no failed step: it stays ``Job was cancelled``."""
    if job.error is None or job.spec.preset not in _NOTES_JOB or job.error == CANCELLED_ERROR:
        return job.error
    failed = f"{_NOTES_JOB[job.spec.preset]} job failed: "
    if job.needs_speech:  # a recording or media URL not transcribed: its transcript job failed
        return f"{failed}BatchProcessorTranscriptError: transcript job failed: Error: {job.error}"
    return f"{failed}Error: {job.error}"


def status(job: Job) -> str:
    """The status clients see: a job between its two stages in distributed mode (transcribed, waiting for a worker
    of the llm queue to write its notes) is still ``processing``, as Daily's statuses only go forward."""
    if job.between_stages:
        return Status.PROCESSING.value
    return job.status.value


def transcript_params(spec: JobSpec) -> dict[str, Any]:
    """The transcript options a job runs with, in the form a request gives them (a job submitted again with them
    runs the same: its redaction, keywords and speakers included)."""
    t = spec.transcript
    return {
        "language": t.language,
        "model": t.model,
        "punctuate": t.punctuate,
        "profanity_filter": t.profanity_filter,
        "redact": list(t.redact) or False,
        "diarize": t.diarize,
        "endpointing": t.endpointing,
        "extra": t.stored_extra(),
    }


def job_summary(j: Job) -> dict[str, Any]:
    """An item of ``GET /v1/batch-processor``: Daily's fields, and (extensions) what tells jobs apart in a list and
    lets it follow them with one request: when, from what, how far, how long, and why it failed."""
    view = job(j)
    summary = {key: view[key] for key in ("id", "preset", "status", "createdAt", "input", "progress")}
    summary.update({key: view[key] for key in ("sourceName", "duration", "error") if key in view})
    return summary


def job_links(job: Job, link: Callable[[OutputFile], str]) -> dict[str, Any]:
    """``GET /v1/batch-processor/{id}/access-link`` of a finished job: a ``link`` to each file it wrote."""
    output = job.output or {}
    made = {entry["format"] for entry in output.get("transcription", [])}
    links: dict[str, Any] = {"id": job.id, "preset": job.spec.preset.value, "status": status(job)}
    links["transcription"] = [
        {"format": file.wire_format, "link": link(file)} for file in TRANSCRIPT_FILES if file.wire_format in made
    ]
    for section, file in NOTE_FILES.items():
        if section in output:
            links[section] = {"format": file.wire_format, "link": link(file)}
    return links


def recording(rec: Recording) -> dict[str, Any]:
    """A recording as ``/v1/recordings`` shows it (docs/api.md §4)."""
    return {
        "id": rec.id,
        "room_name": rec.room_name,
        "start_ts": rec.start_ts,
        "status": "finished",
        "duration": round(rec.duration),
        "max_participants": 0,
        # Daily's token for its share page; aftercall has none, so the token opens nothing (docs/api.md §4).
        "share_token": uuid.uuid5(uuid.NAMESPACE_URL, f"aftercall:recording:{rec.id}").hex[:12],
        "tracks": [],
        "filename": rec.filename,  # extension: the uploaded file's name
    }


def recording_link(link: str, expires: int) -> dict[str, Any]:
    """``GET /v1/recordings/{id}/access-link``."""
    return {"download_link": link, "expires": expires}


def webhook(hook: Webhook, domain: str) -> dict[str, Any]:
    """A subscription as ``/v1/webhooks`` shows it (docs/api.md §5)."""
    return {
        "uuid": hook.uuid,
        "url": hook.url,
        "hmac": hook.hmac,
        "basicAuth": hook.basic_auth,
        "retryType": hook.retry_type.value,
        "eventTypes": list(hook.event_types),
        "state": hook.state,
        "failedCount": hook.failed_count,
        "lastMomentPushed": iso_time(hook.last_moment_pushed) if hook.last_moment_pushed else None,
        "domainId": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{domain}.aftercall")),
        "createdAt": iso_time(hook.created_at),
        "updatedAt": iso_time(hook.updated_at),
    }


def redelivery(event_id: str) -> dict[str, str]:
    """``POST /v1/webhooks/{uuid}/deliveries/{eventId}/redeliver`` (an extension): the event is queued again."""
    return {"eventId": event_id, "status": "pending"}


def delivery_attempt(row: dict[str, Any]) -> dict[str, Any]:
    """An item of ``GET /v1/webhooks/{uuid}/deliveries`` (an extension, docs/api.md §5)."""
    return {
        "eventId": row["event_id"],
        "type": row["event_type"],
        "attempt": row["attempt"],
        "statusCode": row["status_code"],
        "error": row["error"],
        "latencyMs": round(row["latency_ms"], 1),
        "at": iso_time(row["at"]),
        "response": row.get("response"),  # the start of the receiver's answer
        "payload": row.get("payload"),  # the event's payload, as sent
        "nextAttemptAt": iso_time(row["next_attempt_at"]) if row.get("next_attempt_at") is not None else None,
    }
