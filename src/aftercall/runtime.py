"""What one process runs, as the API sees it: the services it serves from and the background parts started and
stopped with it. ``bootstrap`` builds one for each role; the API only reads it."""

from __future__ import annotations

import hmac
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import CollectorRegistry

from aftercall.asr import SpeechToText
from aftercall.jobstore.sql import SqlJobStore
from aftercall.services import BatchService, RecordingService
from aftercall.settings import Settings
from aftercall.storage import ObjectStore
from aftercall.taskqueue import TaskQueue
from aftercall.webhooks.subscriptions import WebhookService


class Background(Protocol):
    """A part that runs beside the API, or alone: started with its process, stopped before the process exits."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Parts:
    """The background parts of one process: started in order, stopped in reverse."""

    items: tuple[Background, ...] = ()

    def start(self) -> None:
        for part in self.items:
            part.start()

    def stop(self) -> None:
        with ExitStack() as each:  # every part is stopped even if one stopped before it fails to
            for part in self.items:
                each.callback(part.stop)


@dataclass(frozen=True)
class Runtime:
    """What the API serves from, and the background parts its process starts and stops with it (embedded mode's
    workers and dispatcher; none for a distributed ``aftercall api``)."""

    settings: Settings
    jobs: SqlJobStore
    store: ObjectStore
    queue: TaskQueue
    asr: SpeechToText
    batch: BatchService
    recordings: RecordingService
    webhooks: WebhookService
    api_keys: list[str]
    metrics: CollectorRegistry  # the job and webhook tables' counts, for /metrics
    created_api_key: str | None = None
    background: Parts = Parts()

    def key_matches(self, candidate: str) -> bool:
        """Constant-time comparison against every key (no early exit)."""
        matched = False
        for key in self.api_keys:
            matched |= hmac.compare_digest(key.encode(), candidate.encode())
        return matched

    def start(self) -> None:
        self.background.start()

    def stop(self) -> None:
        self.background.stop()
