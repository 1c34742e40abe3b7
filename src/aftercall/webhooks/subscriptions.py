"""Use cases of ``/v1/webhooks``: verify and save subscriptions, show the delivery log, redeliver."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx

from aftercall.domain import wire
from aftercall.domain.webhooks import ACTIVE, RetryType, Webhook, WebhookChanges
from aftercall.errors import InvalidRequest, NotFound
from aftercall.jobstore.webhooks import WebhookStore
from aftercall.net import url_problem
from aftercall.webhooks.delivery import probe
from aftercall.webhooks.signing import new_secret


class WebhookService:
    def __init__(
        self,
        *,
        store: WebhookStore,
        http_client: Callable[[], httpx.Client],
        allow_private_urls: bool,
        on_change: Callable[[], None],
    ) -> None:
        self.store = store
        self.http_client = http_client
        self.allow_private_urls = allow_private_urls
        self.on_change = on_change

    def _verify(self, webhook: Webhook) -> None:
        problem = url_problem(webhook.url, allow_private=self.allow_private_urls)
        if problem:
            raise InvalidRequest("url", problem)
        with self.http_client() as client:
            problem = probe(client, webhook.url, webhook.hmac, webhook.basic_auth)
        if problem:
            raise InvalidRequest("url", problem)

    def create(self, changes: WebhookChanges) -> Webhook:
        if changes.url is None or changes.event_types is None:
            raise InvalidRequest("url" if changes.url is None else "eventTypes", "this field is required")
        now = time.time()
        webhook = Webhook(
            uuid=str(uuid.uuid4()),
            url=changes.url,
            hmac=changes.hmac or new_secret(),
            basic_auth=changes.basic_auth,
            retry_type=changes.retry_type or RetryType.CIRCUIT_BREAKER,
            event_types=changes.event_types,
            state=ACTIVE,
            failed_count=0,
            last_moment_pushed=None,
            created_at=now,
            updated_at=now,
        )
        self._verify(webhook)
        self.store.create(webhook)
        return webhook

    def update(self, webhook_uuid: str, changes: WebhookChanges) -> Webhook:
        """Apply the changes, verify again, and re-activate: held events are then delivered in order."""
        given = {name: value for name, value in vars(changes).items() if value is not None}
        webhook = replace(self.get(webhook_uuid), **given)
        self._verify(webhook)
        self.store.reactivate(webhook)
        self.on_change()
        return self.get(webhook_uuid)

    def get(self, webhook_uuid: str) -> Webhook:
        webhook = self.store.get(webhook_uuid)
        if webhook is None:
            raise NotFound(f"There is no webhook with uuid {webhook_uuid!r}")
        return webhook

    def list(self) -> list[Webhook]:
        return self.store.list()

    def delete(self, webhook_uuid: str) -> Webhook:
        webhook = self.store.delete(webhook_uuid)
        if webhook is None:
            raise NotFound(f"There is no webhook with uuid {webhook_uuid!r}")
        return webhook

    def deliveries(self, webhook_uuid: str, *, limit: int) -> dict[str, Any]:
        self.get(webhook_uuid)
        total, rows = self.store.attempts(webhook_uuid, limit=limit)
        return wire.page(total, map(wire.delivery_attempt, rows))

    def redeliver(self, webhook_uuid: str, event_id: str) -> dict[str, str]:
        self.get(webhook_uuid)
        if not self.store.redeliver(webhook_uuid, event_id):
            raise NotFound(f"There is no event with id {event_id!r}")
        self.on_change()
        return wire.redelivery(event_id)
