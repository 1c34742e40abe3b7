"""``/v1/webhooks``: subscriptions, their delivery log, and redelivery (docs/api.md §5)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from aftercall.api import responses
from aftercall.api.deps import RuntimeDep, json_body, require_api_key
from aftercall.api.openapi import answers
from aftercall.api.schemas import CreateWebhookRequest, WebhookFields, parse
from aftercall.domain import wire

router = APIRouter(prefix="/webhooks", tags=["webhooks"], dependencies=[Depends(require_api_key)])
BodyDep = Annotated[Any, Depends(json_body)]


def _doc(model: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{model}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


@router.post(
    "", openapi_extra=_doc("CreateWebhookRequest"), response_model=None, responses=answers(responses.Webhook, 413)
)
def create_webhook(rt: RuntimeDep, body: BodyDep) -> dict[str, Any]:
    """Verify the endpoint with a signed ``{"test":"test"}`` (it must answer 200 within 10 s), then subscribe."""
    request = parse(CreateWebhookRequest, body)
    return wire.webhook(rt.webhooks.create(request.changes()), rt.settings.domain)


@router.get("", response_model=None, responses=answers(list[responses.Webhook]))
def list_webhooks(rt: RuntimeDep) -> list[dict[str, Any]]:
    return [wire.webhook(w, rt.settings.domain) for w in rt.webhooks.list()]


@router.get("/{webhook_uuid}", response_model=None, responses=answers(responses.Webhook, 404))
def get_webhook(rt: RuntimeDep, webhook_uuid: str) -> dict[str, Any]:
    return wire.webhook(rt.webhooks.get(webhook_uuid), rt.settings.domain)


@router.post(
    "/{webhook_uuid}",
    openapi_extra=_doc("WebhookFields"),
    response_model=None,
    responses=answers(responses.Webhook, 404, 413),
)
def update_webhook(rt: RuntimeDep, webhook_uuid: str, body: BodyDep) -> dict[str, Any]:
    """Change fields, verify again and re-activate; events held while FAILED are then delivered in order."""
    request = parse(WebhookFields, body)
    return wire.webhook(rt.webhooks.update(webhook_uuid, request.changes()), rt.settings.domain)


@router.delete("/{webhook_uuid}", response_model=None, responses=answers(responses.Webhook, 404))
def delete_webhook(rt: RuntimeDep, webhook_uuid: str) -> dict[str, Any]:
    return wire.webhook(rt.webhooks.delete(webhook_uuid), rt.settings.domain)


@router.get("/{webhook_uuid}/deliveries", response_model=None, responses=answers(responses.DeliveryLog, 404))
def delivery_log(rt: RuntimeDep, webhook_uuid: str, limit: Annotated[int, Query(ge=1, le=100)] = 100) -> dict[str, Any]:
    return rt.webhooks.deliveries(webhook_uuid, limit=limit)


@router.post(
    "/{webhook_uuid}/deliveries/{event_id}/redeliver", response_model=None, responses=answers(responses.Redelivery, 404)
)
def redeliver(rt: RuntimeDep, webhook_uuid: str, event_id: str) -> dict[str, str]:
    return rt.webhooks.redeliver(webhook_uuid, event_id)
