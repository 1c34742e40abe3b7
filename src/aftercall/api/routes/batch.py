"""``/v1/batch-processor``: submit, list, inspect, link and delete jobs (docs/api.md §2)."""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query

from aftercall.api.deps import PageDep, RuntimeDep, json_body, require_api_key
from aftercall.api.schemas import CreateJobRequest, parse
from aftercall.services import body_hash

router = APIRouter(prefix="/batch-processor", tags=["batch-processor"], dependencies=[Depends(require_api_key)])
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateJobRequest"}}},
    }
}


@router.post("", openapi_extra=_BODY_DOC)
def create_job(
    rt: RuntimeDep,
    body: Annotated[Any, Depends(json_body)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, str]:
    """Submit a job; answers once it is durably stored."""
    request = parse(CreateJobRequest, body)
    job_id = str(uuid.uuid4())
    spec = request.to_spec(job_id=job_id, domain=rt.settings.domain, epoch_time=int(time.time()))
    stored = rt.batch.submit(job_id, spec, idempotency_key=idempotency_key, request_hash=body_hash(body))
    return {"id": stored}


@router.get("")
def list_jobs(
    rt: RuntimeDep, page: PageDep, recording_id: Annotated[str | None, Query(alias="recordingId")] = None
) -> dict[str, Any]:
    total, jobs = rt.batch.list(page, recording_id=recording_id)
    return {"total_count": total, "data": [job.summary_view() for job in jobs]}


@router.get("/{job_id}")
def get_job(rt: RuntimeDep, job_id: str) -> dict[str, Any]:
    return rt.batch.get(job_id).public_view()


@router.get("/{job_id}/access-link")
def job_access_link(rt: RuntimeDep, job_id: str) -> dict[str, Any]:
    return rt.batch.access_links(job_id)


@router.delete("/{job_id}")
def delete_job(rt: RuntimeDep, job_id: str) -> dict[str, Any]:
    return rt.batch.delete(job_id).public_view()
