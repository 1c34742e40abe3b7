"""Webhook events: which exist, what their payload holds, and the envelope they travel in (docs/api.md §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aftercall.domain import wire
from aftercall.domain.jobs import Job, Status

EVENT_VERSION = "1.0.0"
JOB_FINISHED = "batch-processor.job-finished"
JOB_ERROR = "batch-processor.error"
# Extensions (docs/api.md §5): stored and sent only when a subscription names them.
JOB_STARTED = "batch-processor.job-started"
JOB_PROGRESS = "batch-processor.job-progress"
PROGRESS_STEP = 10  # at most one progress event per this many percent of a job
# Daily's event names are dotted lower-case words (meeting.started, recording.ready-to-download, ...): every one
# of them is accepted in a subscription, though aftercall emits only the batch-processor ones.
_EVENT_TYPE = re.compile(r"[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+")


def valid_event_type(name: str) -> bool:
    return bool(_EVENT_TYPE.fullmatch(name))


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    payload: dict[str, Any]


def terminal_event(job: Job) -> Event:
    """The one event of a job that reached ``finished`` or ``error``; its payload is what GET shows."""
    view = wire.job(job)
    common = {key: view[key] for key in ("id", "preset", "status", "input")}
    if job.status is Status.FINISHED:
        return Event(f"bp-jf-{job.id}", JOB_FINISHED, {**common, "output": view["output"]})
    if job.status is Status.ERROR:
        return Event(f"bp-je-{job.id}", JOB_ERROR, {**common, "output": view.get("output", {}), "error": view["error"]})
    raise ValueError(f"job {job.id} is {job.status}, not terminal")


def started_event(job: Job) -> Event:
    """The job's first claim by a worker (a retry after a crash does not start it again)."""
    view = wire.job(job)
    return Event(f"bp-js-{job.id}", JOB_STARTED, {key: view[key] for key in ("id", "preset", "status", "input")})


def progress_event(job: Job) -> Event | None:
    """The job's progress at a multiple of ``PROGRESS_STEP`` percent, named by that multiple so that a retried job
    that passes the same mark again sends nothing new; None below the first mark."""
    step = job.progress.percent // PROGRESS_STEP * PROGRESS_STEP
    if step <= 0 or step >= 100:
        return None
    view = wire.job(job)
    payload = {key: view[key] for key in ("id", "preset", "status", "input")}
    return Event(f"bp-jp-{job.id}-{step}", JOB_PROGRESS, {**payload, "progress": view["progress"]})


def envelope(event: Event, event_ts: float) -> dict[str, Any]:
    """What is POSTed; ``event_ts`` is the send time, so it differs between attempts while ``id`` does not."""
    return {
        "version": EVENT_VERSION,
        "type": event.type,
        "id": event.id,
        "payload": event.payload,
        "event_ts": event_ts,
    }
