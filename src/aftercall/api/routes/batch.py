"""``/v1/batch-processor``: submit, list, inspect, link and delete jobs (docs/api.md §2)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from aftercall.api import responses
from aftercall.api.deps import PageDep, RuntimeDep, json_body, require_api_key
from aftercall.api.openapi import answers, binary_answer
from aftercall.api.schemas import KNOWS_LANGUAGE, CreateJobRequest, parse
from aftercall.domain import wire
from aftercall.domain.outputs import CONTENT_TYPES
from aftercall.jobstore import JobFilter
from aftercall.services import body_hash

router = APIRouter(prefix="/batch-processor", tags=["batch-processor"], dependencies=[Depends(require_api_key)])
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateJobRequest"}}},
    }
}


@router.post("", openapi_extra=_BODY_DOC, response_model=None, responses=answers(responses.JobCreated, 409, 413))
def create_job(
    rt: RuntimeDep,
    body: Annotated[Any, Depends(json_body)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, str]:
    """Submit a job; answers once it is durably stored."""
    request = parse(CreateJobRequest, body, {KNOWS_LANGUAGE: rt.asr.knows_language})
    job_id = str(uuid.uuid4())
    spec = request.to_spec(job_id=job_id, domain=rt.settings.domain, epoch_time=int(time.time()))
    stored = rt.batch.submit(job_id, spec, idempotency_key=idempotency_key, request_hash=body_hash(body))
    return wire.job_created(stored)


@router.get("", response_model=None, responses=answers(responses.JobPage))
def list_jobs(
    rt: RuntimeDep,
    page: PageDep,
    recording_id: Annotated[str | None, Query(alias="recordingId")] = None,
    status: Annotated[Literal["submitted", "processing", "finished", "error"] | None, Query()] = None,
    preset: Annotated[Literal["transcript", "summarize", "soap-notes"] | None, Query()] = None,
    search: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    created_after: Annotated[datetime | None, Query()] = None,
    created_before: Annotated[datetime | None, Query()] = None,
) -> dict[str, Any]:
    """Jobs, newest first; extensions: ``status``, ``preset``, ``search`` (a piece of the id or the source) and a
    window of creation times (``created_after``, ``created_before``: ISO 8601, a date alone is its midnight UTC)."""
    where = JobFilter(status, preset, search, _epoch(created_after), _epoch(created_before))
    total, jobs = rt.batch.list(page, recording_id=recording_id, where=where)
    return wire.page(total, map(wire.job_summary, jobs))


def _epoch(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


@router.get("/{job_id}", response_model=None, responses=answers(responses.Job, 404))
def get_job(rt: RuntimeDep, job_id: str) -> dict[str, Any]:
    return wire.job(rt.batch.get(job_id))


@router.get("/{job_id}/access-link", response_model=None, responses=answers(responses.JobLinks, 404))
def job_access_link(rt: RuntimeDep, job_id: str, partial: bool = False) -> dict[str, Any]:
    """Links to the job's files, for a finished job; ``partial=true`` (extension): also to the files a failed job
    stored before its failing step."""
    return rt.batch.access_links(job_id, partial=partial)


@router.put("/{job_id}/speakers", response_model=None, responses=answers(responses.Job, 404))
def name_speakers(rt: RuntimeDep, job_id: str, body: Annotated[Any, Depends(json_body)]) -> dict[str, Any]:
    """Extension: name a transcribed job's speakers, ``{"speakers": {"0": "Dr. Patel", "1": "Patient"}}``; names
    given before are kept unless named again."""
    names = body.get("speakers") if isinstance(body, dict) else None
    return wire.job(rt.batch.name_speakers(job_id, names))


@router.get(
    "/{job_id}/named/transcript.{extension}",
    response_model=None,
    responses={**answers(None, 404), **binary_answer("The transcript file with its speakers named")},
)
def named_transcript(rt: RuntimeDep, job_id: str, extension: str) -> Response:
    """Extension: the job's transcript in ``txt``, ``srt``, ``vtt`` or ``json``, with the names of its speakers
    (the stored files, which its access links give, are never changed)."""
    body = rt.batch.named_transcript(job_id, extension)
    headers = {"Content-Disposition": f'attachment; filename="transcript-named.{extension}"'}
    return Response(body, media_type=CONTENT_TYPES.get(extension, "application/octet-stream"), headers=headers)


@router.delete("/{job_id}", response_model=None, responses=answers(responses.Job, 404))
def delete_job(rt: RuntimeDep, job_id: str) -> dict[str, Any]:
    return wire.job(rt.batch.delete(job_id))
