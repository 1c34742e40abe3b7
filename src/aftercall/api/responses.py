"""The shapes of the API's answers, for its OpenAPI document (docs/api.md): what generated clients are built from.

The routes answer with the objects of ``domain/wire.py``; these models only describe them (the tests check every
answer they see against its model, so the two cannot drift apart). Fields beyond Daily's are marked as extensions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aftercall.domain.jobs import Stage, Status


class _Answer(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")  # every field named: clients know them all


class Error(_Answer):
    """Every error: ``error`` a type of Daily's (invalid-request-error, authentication-error, not-found,
    rate-limit-error, server-error, ...), ``info`` one sentence naming the field or the reason."""

    error: str
    info: str


class JobCreated(_Answer):
    id: str


class S3Location(_Answer):
    bucket: str
    key: str
    region: str


class OutputFile(_Answer):
    format: str
    s3_config: S3Location = Field(alias="s3Config")


class JobOutput(_Answer):
    transcription: list[OutputFile] | None = None
    summary: OutputFile | None = None
    soap: OutputFile | None = None
    concept: OutputFile | None = None


class JobInput(_Answer):
    source_type: Literal["uri", "recordingId", "transcriptUri"] = Field(alias="sourceType")
    uri: str | None = None
    recording_id: str | None = Field(None, alias="recordingId")
    language: str


class Progress(_Answer):
    """Extension: how far the job has come; ``attempt`` from a second attempt on."""

    stage: Stage
    percent: int
    attempt: int | None = None


class Job(_Answer):
    id: str
    preset: Literal["transcript", "summarize", "soap-notes"]
    status: Status
    input: JobInput
    source_name: str | None = Field(None, alias="sourceName")
    transform_params: dict[str, Any] | None = Field(None, alias="transformParams")
    output: JobOutput | None = None
    error: str | None = None
    speakers: dict[str, str] | None = None
    progress: Progress | None = None
    created_at: str | None = Field(None, alias="createdAt")
    updated_at: str | None = Field(None, alias="updatedAt")
    duration: float | None = None


class JobSummary(_Answer):
    """Daily's ``{id, preset, status}``; extensions: what a list needs to tell jobs apart and follow them without a
    request per job (``createdAt``, ``input``, ``progress``, ``duration``, ``error``)."""

    id: str
    preset: Literal["transcript", "summarize", "soap-notes"]
    status: Status
    created_at: str | None = Field(None, alias="createdAt")
    input: JobInput | None = None
    source_name: str | None = Field(None, alias="sourceName")
    progress: Progress | None = None
    duration: float | None = None
    error: str | None = None


class JobPage(_Answer):
    total_count: int
    data: list[JobSummary]


class FileLink(_Answer):
    format: str
    link: str


class JobLinks(_Answer):
    id: str
    preset: Literal["transcript", "summarize", "soap-notes"]
    status: Status
    transcription: list[FileLink]
    summary: FileLink | None = None
    soap: FileLink | None = None
    concept: FileLink | None = None


class Recording(_Answer):
    id: str
    room_name: str
    start_ts: int
    status: str
    duration: int
    max_participants: int
    share_token: str
    tracks: list[dict[str, str]]
    filename: str | None = None


class RecordingPage(_Answer):
    total_count: int
    data: list[Recording]


class RecordingLink(_Answer):
    download_link: str
    expires: int


class Webhook(_Answer):
    uuid: str
    url: str
    hmac: str
    basic_auth: str | None = Field(alias="basicAuth")
    retry_type: Literal["circuit-breaker", "exponential"] = Field(alias="retryType")
    event_types: list[str] = Field(alias="eventTypes")
    state: Literal["ACTIVE", "FAILED"]
    failed_count: int = Field(alias="failedCount")
    last_moment_pushed: str | None = Field(alias="lastMomentPushed")
    domain_id: str = Field(alias="domainId")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")


class DeliveryAttempt(_Answer):
    """Extension: one attempt to deliver an event."""

    event_id: str = Field(alias="eventId")
    type: str
    attempt: int
    status_code: int | None = Field(alias="statusCode")
    error: str | None
    latency_ms: float = Field(alias="latencyMs")
    at: str
    response: str | None = None
    payload: dict[str, Any] | None = None
    next_attempt_at: str | None = Field(None, alias="nextAttemptAt")


class DeliveryLog(_Answer):
    total_count: int
    data: list[DeliveryAttempt]


class Redelivery(_Answer):
    event_id: str = Field(alias="eventId")
    status: Literal["pending"]
