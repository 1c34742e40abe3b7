"""Webhook events: which exist, what their payload holds, and the envelope they travel in (SPEC §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aftercall.domain.jobs import Job, Status

EVENT_VERSION = "1.0.0"
JOB_FINISHED = "batch-processor.job-finished"
JOB_ERROR = "batch-processor.error"
EMITTED = (JOB_FINISHED, JOB_ERROR)
CANCELLED_ERROR = "Job was cancelled"
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
    view = job.public_view()
    common = {key: view[key] for key in ("id", "preset", "status", "input")}
    if job.status is Status.FINISHED:
        return Event(f"bp-jf-{job.id}", JOB_FINISHED, {**common, "output": view["output"]})
    if job.status is Status.ERROR:
        return Event(f"bp-je-{job.id}", JOB_ERROR, {**common, "output": {}, "error": view["error"]})
    raise ValueError(f"job {job.id} is {job.status}, not terminal")


def envelope(event: Event, event_ts: float) -> dict[str, Any]:
    """What is POSTed; ``event_ts`` is the send time, so it differs between attempts while ``id`` does not."""
    return {
        "version": EVENT_VERSION,
        "type": event.type,
        "id": event.id,
        "payload": event.payload,
        "event_ts": event_ts,
    }
