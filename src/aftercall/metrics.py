"""Prometheus metrics (docs/deployment.md: Metrics).

Counts over every job and webhook are read from the database when scraped (``StoreCollector``, at most every
``TALLY_SECONDS``), so every API process answers the same, whichever process ran the jobs. They are gauges: rows
can be deleted (a job, a webhook and its delivery log), so they can fall. How long each stage took and the
real-time factor are measured where jobs run (``JobTimer``): by ``aftercall serve`` on its own ``/metrics``, by a
distributed worker on ``AFTERCALL_METRICS_PORT``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest, multiprocess, start_http_server
from prometheus_client.core import GaugeHistogramMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from aftercall.domain.jobs import Preset, Stage, Status
from aftercall.jobstore import JobTally
from aftercall.jobstore.sql import SqlJobStore
from aftercall.jobstore.webhooks import LATENCY_BUCKETS, DeliveryTally, WebhookStore

TALLY_SECONDS = 10.0  # a scrape reads the tables at most this often (every API process reads them)

STAGE_SECONDS = Histogram(
    "aftercall_stage_seconds",
    "Seconds a job spent in each stage, for stages that ended (this process's jobs).",
    ["stage"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)
REAL_TIME_FACTOR = Histogram(
    "aftercall_real_time_factor",
    "Seconds of processing per second of media, from claim to the last stage, of finished media jobs (this "
    "process's jobs; below 1 is faster than real time).",
    buckets=(0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 4),
)


class JobTimer:
    """Times one job's stages as it enters them; ``finish`` records the last stage and the real-time factor."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._began = clock()
        self._stage: Stage | None = None
        self._entered = self._began
        self.media_seconds: float | None = None

    def enter(self, stage: Stage) -> None:
        now = self._clock()
        if self._stage is not None:
            STAGE_SECONDS.labels(self._stage.value).observe(now - self._entered)
        self._stage, self._entered = stage, now

    def finish(self) -> None:
        self.enter(Stage.DONE)
        if self.media_seconds:
            REAL_TIME_FACTOR.observe((self._entered - self._began) / self.media_seconds)


class StoreCollector(Collector):
    """The job and webhook tables' counts, read when Prometheus scrapes (kept for ``TALLY_SECONDS``)."""

    def __init__(self, jobs: SqlJobStore, webhooks: WebhookStore, clock: Callable[[], float] = time.time) -> None:
        self._jobs, self._webhooks, self._clock = jobs, webhooks, clock
        self._lock = threading.Lock()
        self._read: tuple[float, JobTally, DeliveryTally] | None = None

    def _tallies(self) -> tuple[float, JobTally, DeliveryTally]:
        with self._lock:
            now = self._clock()
            if self._read is None or now - self._read[0] >= TALLY_SECONDS:
                self._read = (now, self._jobs.tally(), self._webhooks.tally())
            return self._read

    def collect(self) -> Iterator[Metric]:
        now, tally, deliveries = self._tallies()
        jobs = GaugeMetricFamily(
            "aftercall_jobs", "Jobs in the job store, by preset and status.", labels=["preset", "status"]
        )
        for preset in Preset:
            for status in Status:
                jobs.add_metric([preset.value, status.value], tally.jobs.get((preset.value, status.value), 0))
        yield jobs
        waiting = sum(count for (_, status), count in tally.jobs.items() if status == "submitted")
        yield GaugeMetricFamily(
            "aftercall_queue_depth", "Jobs submitted and not yet claimed by a worker.", value=waiting
        )
        yield GaugeMetricFamily(
            "aftercall_oldest_waiting_job_age_seconds",
            "Seconds since the oldest job still waiting for a worker was submitted (0 when none waits).",
            value=_age(now, tally.oldest_waiting_at),
        )
        media = GaugeMetricFamily(
            "aftercall_media_seconds",
            "Seconds of media of the finished jobs in the store, by preset.",
            labels=["preset"],
        )
        for preset in Preset:
            media.add_metric([preset.value], tally.media_seconds.get(preset.value, 0.0))
        yield media
        yield from self._deliveries(now, deliveries)

    def _deliveries(self, now: float, tally: DeliveryTally) -> Iterator[Metric]:
        attempts = GaugeMetricFamily(
            "aftercall_webhook_attempts",
            "Webhook delivery attempts in the delivery log, by outcome: delivered (2xx), refused (another status), "
            "failed (no answer).",
            labels=["outcome"],
        )
        for outcome in ("delivered", "refused", "failed"):
            attempts.add_metric([outcome], tally.attempts.get(outcome, 0))
        yield attempts
        latency = GaugeHistogramMetricFamily(
            "aftercall_webhook_delivery_seconds",
            "Seconds from sending a webhook event to the receiver's answer or the failure, of the attempts in the log.",
        )
        buckets = [(str(bound), count) for bound, count in zip(LATENCY_BUCKETS, tally.latency_le, strict=True)]
        latency.add_metric([], [*buckets, ("+Inf", sum(tally.attempts.values()))], tally.latency_sum)
        yield latency
        deliveries = GaugeMetricFamily(
            "aftercall_webhook_deliveries",
            "Deliveries of events to webhooks by status; pending is the outbox's backlog.",
            labels=["status"],
        )
        for status in ("pending", "delivered", "dead", "quarantined"):
            deliveries.add_metric([status], tally.deliveries.get(status, 0))
        yield deliveries
        yield GaugeMetricFamily(
            "aftercall_oldest_pending_event_age_seconds",
            "Seconds since the oldest webhook event still pending delivery was created (0 when none is).",
            value=_age(now, tally.oldest_pending_at),
        )


def _age(now: float, since: float | None) -> float:
    return max(now - since, 0.0) if since is not None else 0.0


def exposition(store: CollectorRegistry) -> bytes:
    """The text format of the store's counts and this process's own metrics (stages, real-time factor, process)."""
    return generate_latest(store) + generate_latest(REGISTRY)


def serve_pool_metrics(port: int) -> None:
    """Serve, on ``port``, the metrics every process of a Celery worker pool wrote to ``PROMETHEUS_MULTIPROC_DIR``."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(port, registry=registry)


def store_registry(jobs: SqlJobStore, webhooks: WebhookStore) -> CollectorRegistry:
    """A registry of the tables' counts: one per process (``Runtime.metrics``), so its tallies are shared."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(jobs, webhooks))
    return registry
