"""Webhook subscriptions (docs/api.md §5)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ACTIVE = "ACTIVE"
FAILED = "FAILED"


class RetryType(StrEnum):
    CIRCUIT_BREAKER = "circuit-breaker"
    EXPONENTIAL = "exponential"


@dataclass(frozen=True)
class Webhook:
    uuid: str
    url: str
    hmac: str
    basic_auth: str | None
    retry_type: RetryType
    event_types: tuple[str, ...]
    state: str
    failed_count: int
    last_moment_pushed: float | None
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class WebhookChanges:
    """Fields of a create or update request; None leaves a field as it is (or takes the default on create)."""

    url: str | None = None
    event_types: tuple[str, ...] | None = None
    hmac: str | None = None
    basic_auth: str | None = None
    retry_type: RetryType | None = None
