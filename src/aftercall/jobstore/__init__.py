"""The job store: the single source of truth for jobs and recordings.

Workers *claim* a job (a lease that heartbeats renew) and every write they make is fenced by the claim's
``attempt``: once a lease has moved on, or the job was deleted, a late write changes nothing and reports False.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from aftercall.domain.jobs import Job, JobSpec, Stage
from aftercall.domain.recordings import Recording

IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Page:
    limit: int = 100
    starting_after: str | None = None
    ending_before: str | None = None  # an id, or ``OLDEST``: the page of the oldest items


OLDEST = "OLDEST"  # Daily's ``ending_before`` for the first page from the oldest end


@dataclass(frozen=True)
class JobFilter:
    """Which jobs a list holds (extensions of Daily's list, docs/api.md §2): a status as clients see it, a preset,
    a piece of the id or the source, and a window of creation times (epoch seconds)."""

    status: str | None = None
    preset: str | None = None
    search: str | None = None
    created_after: float | None = None
    created_before: float | None = None


EVERY_JOB = JobFilter()


@dataclass(frozen=True)
class Claim:
    job: Job
    attempt: int
    taken_from: str | None = None  # the owner of a live lease whose process was known to be gone


@dataclass(frozen=True)
class JobTally:
    """What the jobs look like as a whole, for /metrics: jobs by (preset, status), the submission time of the oldest
    job still waiting for a worker, and the seconds of media finished per preset."""

    jobs: dict[tuple[str, str], int]
    oldest_waiting_at: float | None
    media_seconds: dict[str, float]


class JobStore(Protocol):
    def create_job(self, job_id: str, spec: JobSpec, *, idempotency: tuple[str, str] | None = None) -> tuple[str, bool]:
        """Store a new job durably. With ``(key, body_hash)`` a repeat returns ``(earlier_id, False)``."""

    def get_job(self, job_id: str) -> Job | None: ...

    def list_jobs(
        self, page: Page, *, recording_id: str | None = None, where: JobFilter = EVERY_JOB
    ) -> tuple[int, list[Job]]: ...

    def delete_job(self, job_id: str) -> Job | None: ...

    def unfinished_job_ids(self) -> list[str]: ...

    def stranded_job_ids(self, now: float, *, submitted_before: float) -> list[str]:
        """Jobs to enqueue again: submitted before ``submitted_before`` (and not since re-enqueued), or
        processing under an expired lease. Each returned submitted job counts as re-enqueued ``now``."""

    def expire_leases(self) -> int:
        """End every lease now (embedded mode at start-up: the previous process is gone)."""

    def claim(
        self,
        job_id: str,
        owner: str,
        *,
        lease_seconds: float,
        max_attempts: int,
        gone: Callable[[str], bool] = lambda holder: False,
    ) -> Claim | None:
        """The job for ``owner``, if it is waiting, or held by a lease that expired or whose holder is ``gone``."""
        ...

    def heartbeat(self, job_id: str, attempt: int, *, lease_seconds: float) -> bool: ...

    def name_speakers(self, job_id: str, names: Mapping[int, str]) -> Job | None:
        """Keep ``names`` for the job's speakers (merged with those it has); the job, or None if it is gone."""
        ...

    def release(self, job_id: str, attempt: int) -> bool:
        """Back to ``submitted``, the attempt not counted (a graceful shutdown); False if no longer held."""
        ...

    def hand_over(self, job_id: str, attempt: int, output: dict[str, Any]) -> bool:
        """Back to ``submitted`` for its next stage's queue, with the ``output`` stored so far and its progress kept,
        the attempt not counted (its stage succeeded); False if no longer held."""
        ...

    def set_progress(
        self, job_id: str, attempt: int, stage: Stage, percent: int, *, duration: float | None = None
    ) -> bool: ...

    def finish(self, job_id: str, attempt: int, output: dict[str, Any]) -> bool: ...

    def fail(self, job_id: str, attempt: int, error: str, output: dict[str, Any] | None = None) -> bool:
        """End the job in ``error``; ``output`` lists what it produced before the failing step, if anything."""

    def add_recording(self, recording: Recording) -> None: ...

    def get_recording(self, recording_id: str) -> Recording | None: ...

    def list_recordings(self, page: Page, *, room_name: str | None = None) -> tuple[int, list[Recording]]: ...

    def delete_recording(self, recording_id: str) -> Recording | None: ...
