"""Prometheus metrics (docs/deployment.md: Metrics).

Counts over every job and webhook are read from the database when scraped (``StoreCollector``), so every API
process answers the same, whichever process ran the jobs. How long each stage took and the real-time factor are
measured where jobs run (``JobTimer``): by ``aftercall serve`` on its own ``/metrics``, by a distributed worker on
``AFTERCALL_METRICS_PORT``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest, multiprocess, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from aftercall.domain.jobs import Stage
from aftercall.jobstore.sql import SqlJobStore
from aftercall.jobstore.webhooks import LATENCY_BUCKETS, WebhookStore

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
    """The job and webhook tables' counts, read when Prometheus scrapes."""

    def __init__(self, jobs: SqlJobStore, webhooks: WebhookStore, clock: Callable[[], float] = time.time) -> None:
        self._jobs, self._webhooks, self._clock = jobs, webhooks, clock

    def collect(self) -> Iterator[Metric]:
        now = self._clock()
        tally = self._jobs.tally()
        jobs = GaugeMetricFamily(
            "aftercall_jobs", "Jobs in the job store, by preset and status.", labels=["preset", "status"]
        )
        for (preset, status), count in sorted(tally.jobs.items()):
            jobs.add_metric([preset, status], count)
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
        media = CounterMetricFamily(
            "aftercall_media_seconds", "Seconds of media of finished jobs, by preset.", labels=["preset"]
        )
        for preset, seconds in sorted(tally.media_seconds.items()):
            media.add_metric([preset], seconds)
        yield media
        yield from self._deliveries(now)

    def _deliveries(self, now: float) -> Iterator[Metric]:
        tally = self._webhooks.tally()
        attempts = CounterMetricFamily(
            "aftercall_webhook_attempts",
            "Webhook delivery attempts by outcome: delivered (2xx), refused (another status), failed (no answer).",
            labels=["outcome"],
        )
        for outcome in ("delivered", "refused", "failed"):
            attempts.add_metric([outcome], tally.attempts.get(outcome, 0))
        yield attempts
        latency = HistogramMetricFamily(
            "aftercall_webhook_delivery_seconds", "Seconds from sending a webhook event to the receiver's answer."
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
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(jobs, webhooks))
    return registry
