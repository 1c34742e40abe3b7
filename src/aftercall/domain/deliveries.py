"""Webhook deliveries: what happens after each attempt (retry, give up, trip the breaker; docs/api.md §5).

Pure: the dispatcher feeds in the attempts of one batch and writes out the plan this returns.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from aftercall.domain.webhooks import FAILED, RetryType, Webhook

CIRCUIT_BREAKER_FAILURES = 3  # consecutive failures that turn a circuit-breaker webhook FAILED
EXPONENTIAL_RETRIES = 5  # retries after the first attempt before an event is dead-lettered
MAX_DELAY_SECONDS = 15 * 60
BASE_DELAY_SECONDS = {RetryType.CIRCUIT_BREAKER: 10.0, RetryType.EXPONENTIAL: 60.0}

DELIVERED = "delivered"
PENDING = "pending"
DEAD = "dead"
# An event aftercall itself could not send (it cannot be serialised, or sending it crashed before the receiver saw
# a byte): set aside with its reason in the delivery log, never counted as the receiver's failure, so it can never
# hold back the events behind it. An operator's redelivery tries it again.
QUARANTINED = "quarantined"


def retry_delay(retry_type: RetryType, failures: int, *, scale: float = 1.0, rng: random.Random | None = None) -> float:
    """Seconds before the next try after ``failures`` (>= 1) failures: exponential backoff, equal jitter.

    The n-th delay lies in [d/2, d], d = min(15 min, base * 2^(n-1)); ``scale`` shrinks every delay (tests).
    """
    ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS[retry_type] * 2 ** (failures - 1))
    return ceiling * (rng or random).uniform(0.5, 1.0) * scale


@dataclass(frozen=True)
class Attempt:
    """One POST of one event: its result as the delivery log shows it."""

    event_seq: int
    event_id: str
    event_type: str
    number: int  # 1 for the first attempt of this event to this webhook
    ok: bool
    status_code: int | None
    error: str | None
    latency_ms: float
    at: float
    internal: bool = False  # aftercall failed before the receiver was reached: not the receiver's failure
    response: str | None = None  # the start of the receiver's answer


@dataclass(frozen=True)
class Outcome:
    event_seq: int
    status: str  # delivered | pending | dead | quarantined
    attempts: int
    next_attempt_at: float


@dataclass(frozen=True)
class Plan:
    outcomes: list[Outcome]
    failed_count: int
    state: str
    last_moment_pushed: float | None


Delay = Callable[[RetryType, int], float]


def plan(webhook: Webhook, attempts: list[Attempt], now: float, delay: Delay) -> Plan:
    """The new state of each attempted delivery and of the webhook after a batch of attempts, in order."""
    failed_count, state, pushed = webhook.failed_count, webhook.state, webhook.last_moment_pushed
    outcomes = []
    for attempt in attempts:
        if attempt.internal:
            outcomes.append(Outcome(attempt.event_seq, QUARANTINED, attempt.number, now))
            continue
        if attempt.ok:
            failed_count, pushed = 0, attempt.at
            outcomes.append(Outcome(attempt.event_seq, DELIVERED, attempt.number, now))
            continue
        failed_count += 1
        if webhook.retry_type is RetryType.EXPONENTIAL and attempt.number > EXPONENTIAL_RETRIES:
            outcomes.append(Outcome(attempt.event_seq, DEAD, attempt.number, now))
            continue
        failures = failed_count if webhook.retry_type is RetryType.CIRCUIT_BREAKER else attempt.number
        outcomes.append(Outcome(attempt.event_seq, PENDING, attempt.number, now + delay(webhook.retry_type, failures)))
        if webhook.retry_type is RetryType.CIRCUIT_BREAKER and failed_count >= CIRCUIT_BREAKER_FAILURES:
            state = FAILED
    return Plan(outcomes, failed_count, state, pushed)
