"""Liveness, readiness and metrics for operators and orchestrators (docs/deployment.md): no key, no rate limit.

``/livez`` (and ``/healthz``) answers 200 while the process serves requests. ``/readyz`` answers 200 when the job
store's database, the object store and the task queue's broker all answer, else 503 naming each that does not.
``/metrics`` is Prometheus's text format (``aftercall.metrics``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from aftercall.metrics import exposition

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
_PROBE_KEY = "aftercall-readiness-probe"  # looked up, never written


@router.get("/livez")
@router.get("/healthz")
def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def ready(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    checks: dict[str, Callable[[], Any]] = {
        "database": runtime.jobs.check,
        "object store": lambda: runtime.store.exists(_PROBE_KEY),
        "queue": runtime.queue.check,
    }
    results = {name: _outcome(name, check) for name, check in checks.items()}
    failing = [name for name, outcome in results.items() if outcome != "ok"]
    if failing:
        return JSONResponse({"status": "not ready", "checks": results}, status_code=503)
    return JSONResponse({"status": "ready", "checks": results})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    runtime = request.app.state.runtime
    body = exposition(runtime.metrics)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _outcome(name: str, check: Callable[[], Any]) -> str:
    try:
        check()
    except Exception:  # any failure means not ready; the detail goes to the log, not to an unauthenticated caller
        log.warning("readiness: the %s did not answer", name, exc_info=True)
        return "unavailable"
    return "ok"
