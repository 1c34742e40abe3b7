"""Webhook subscriptions (docs/api.md §5)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aftercall.domain.jobs import iso_time

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

    def public_view(self, domain: str) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "url": self.url,
            "hmac": self.hmac,
            "basicAuth": self.basic_auth,
            "retryType": self.retry_type.value,
            "eventTypes": list(self.event_types),
            "state": self.state,
            "failedCount": self.failed_count,
            "lastMomentPushed": iso_time(self.last_moment_pushed) if self.last_moment_pushed else None,
            "domainId": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{domain}.aftercall")),
            "createdAt": iso_time(self.created_at),
            "updatedAt": iso_time(self.updated_at),
        }


@dataclass(frozen=True)
class WebhookChanges:
    """Fields of a create or update request; None leaves a field as it is (or takes the default on create)."""

    url: str | None = None
    event_types: tuple[str, ...] | None = None
    hmac: str | None = None
    basic_auth: str | None = None
    retry_type: RetryType | None = None
