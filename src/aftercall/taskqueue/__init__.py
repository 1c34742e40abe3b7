"""Task queues carry job ids to workers; the job store stays the truth. Backends: ``inprocess``."""

from __future__ import annotations

from typing import Protocol


class TaskQueue(Protocol):
    def enqueue(self, job_id: str) -> None: ...

    def start(self) -> None: ...

    def stop(self, timeout: float | None = None) -> None: ...

    def check(self) -> None:
        """Raise if jobs cannot be handed to workers now (the broker is unreachable)."""
