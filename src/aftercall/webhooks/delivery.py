"""One signed POST of an event to a webhook, and the verification probe (docs/api.md §5)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import httpx

from aftercall.domain.events import Event, envelope
from aftercall.net import BlockedAddressError
from aftercall.webhooks.signing import canonical_json, signature_headers

TIMEOUT_SECONDS = 10.0
PROBE_BODY = {"test": "test"}
UNSENDABLE = "unsendable-event"  # the delivery log's error when aftercall could not build or send an event


@dataclass(frozen=True)
class Sent:
    ok: bool
    status_code: int | None
    error: str | None  # a short class for the delivery log: http-500, redirect, timeout, connect-error, ...
    latency_ms: float
    response: str | None = None  # the start of what the receiver answered, for the delivery log


RESPONSE_CHARS = 2000  # of a receiver's answer kept in the delivery log


def post_signed(
    client: httpx.Client, url: str, *, secret: str, basic_auth: str | None, event_id: str, body: bytes, now: float
) -> Sent:
    """POST ``body`` with both signature schemes; success is a 2xx, and redirects are never followed."""
    headers = {"Content-Type": "application/json", **signature_headers(secret, event_id, int(now), body)}
    if basic_auth:
        headers["Authorization"] = f"Basic {basic_auth}"
    started = time.perf_counter()
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return Sent(False, None, _error_class(exc), (time.perf_counter() - started) * 1000)
    latency = (time.perf_counter() - started) * 1000
    code = response.status_code
    answer = _printable(response.text[:RESPONSE_CHARS])
    if 200 <= code < 300:
        return Sent(True, code, None, latency, answer)
    return Sent(False, code, "redirect" if 300 <= code < 400 else f"http-{code}", latency, answer)


def _printable(text: str) -> str:
    """A receiver's answer as the log can keep it: no NUL (PostgreSQL's text refuses it) or other control
    characters but line breaks and tabs."""
    return "".join(c for c in text if c in "\n\r\t" or (ord(c) >= 32 and ord(c) != 127))


def _error_class(exc: httpx.HTTPError) -> str:
    if isinstance(exc, BlockedAddressError):
        return "blocked-address"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connect-error"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "connection-dropped"
    return type(exc).__name__


def send_event(client: httpx.Client, url: str, secret: str, basic_auth: str | None, event: Event, now: float) -> Sent:
    body = canonical_json(envelope(event, round(now, 3)))
    return post_signed(client, url, secret=secret, basic_auth=basic_auth, event_id=event.id, body=body, now=now)


def probe(client: httpx.Client, url: str, secret: str, basic_auth: str | None) -> str | None:
    """POST ``{"test":"test"}`` (signed); the endpoint must answer 200. Returns what went wrong, or None."""
    sent = post_signed(
        client,
        url,
        secret=secret,
        basic_auth=basic_auth,
        event_id=f"test-{uuid.uuid4()}",  # an id of its own, as Standard Webhooks asks of every message
        body=canonical_json(PROBE_BODY),
        now=time.time(),
    )
    if sent.status_code == 200:
        return None
    reason = f"it answered {sent.status_code}" if sent.status_code else f"the request failed ({sent.error})"
    return f"the verification request to {url} did not get a 200 within {TIMEOUT_SECONDS:g} s: {reason}"
