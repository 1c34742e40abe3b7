"""Request bodies of the wire contract (docs/api.md §2), validated into domain objects."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from aftercall.domain import redaction
from aftercall.domain.events import JOB_ERROR, JOB_FINISHED, JOB_PROGRESS, JOB_STARTED, valid_event_type
from aftercall.domain.jobs import (
    AUTO_LANGUAGE,
    LANGUAGES,
    MULTI_LANGUAGE,
    JobSpec,
    Preset,
    SourceType,
    TranscriptOptions,
    expand_template,
    language_problem,
    template_problem,
)
from aftercall.domain.outputs import OutputTarget
from aftercall.domain.webhooks import RetryType, WebhookChanges
from aftercall.errors import InvalidRequest
from aftercall.webhooks.signing import decode_secret


def _published_as(*values: str) -> WithJsonSchema:
    """A string field published as an enumeration (for generated clients); the validators give the error."""
    return WithJsonSchema({"type": "string", "enum": list(values)})


Language = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "description": "One of Daily's language tags, auto, multi, or a language code the server's speech model "
            "supports (docs/api.md §2)",
            "examples": sorted(LANGUAGES),
        }
    ),
]
RedactKind = Annotated[str, _published_as(*redaction.OPTIONS)]
# Every Daily event name is accepted in a subscription; these are the ones aftercall sends.
EventType = Annotated[str, _published_as(JOB_FINISHED, JOB_ERROR, JOB_STARTED, JOB_PROGRESS)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _check_language(value: str | None, info: ValidationInfo) -> str | None:
    """Daily's tags, ``auto`` and ``multi``, or a language the speech engine of the ``parse`` context knows."""
    knows = (info.context or {}).get(KNOWS_LANGUAGE, lambda code: False)
    problem = None if value is None else language_problem(value, knows)
    if problem:
        raise ValueError(problem)
    return value


KNOWS_LANGUAGE = "knows_language"  # the ``parse`` context's test of a language code (the speech engine's)


class S3Config(_Wire):
    s3_key_template: str = Field(alias="s3KeyTemplate")
    use_replacement: bool = Field(False, alias="useReplacement")

    @field_validator("s3_key_template")
    @classmethod
    def _template(cls, value: str) -> str:
        problem = template_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class OutParams(_Wire):
    s3_config: S3Config = Field(validation_alias=AliasChoices("s3Config", "s3config"), alias="s3Config")


class InParams(_Wire):
    source_type: Literal["uri", "recordingId", "transcriptUri"] = Field(alias="sourceType")
    uri: str | None = None
    recording_id: str | None = Field(None, alias="recordingId")
    transcript_uri: str | None = Field(None, alias="transcriptUri")
    language: Language = "en"

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _check_language(value, info)

    def source(self) -> str:
        """The one source field ``sourceType`` names (``transcriptUri`` also accepts ``uri``)."""
        name, value = {
            "uri": ("inParams.uri", self.uri),
            "recordingId": ("inParams.recordingId", self.recording_id),
            "transcriptUri": ("inParams.transcriptUri", self.transcript_uri or self.uri),
        }[self.source_type]
        if not value:
            raise InvalidRequest(name, f"is required when sourceType is '{self.source_type}'")
        return value


# Deepgram's options a client may put in ``extra``, each true or false (docs/api.md §2 says what each does here).
_DEEPGRAM_FLAGS = ("detect_language", "smart_format", "paragraphs", "utterances", "numerals")


class TranscriptParams(_Wire):
    language: Language | None = None
    model: str | None = None
    punctuate: bool = True
    profanity_filter: bool = False
    redact: bool | list[RedactKind] = False
    diarize: bool = True
    endpointing: int | bool | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _check_language(value, info)

    @field_validator("redact", mode="before")
    @classmethod
    def _redact(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, list) and all(item in redaction.OPTIONS for item in value):
            return value
        raise ValueError(f"must be true, false or a list of {', '.join(redaction.OPTIONS)}")

    @field_validator("extra")
    @classmethod
    def _extra(cls, extra: dict[str, Any]) -> dict[str, Any]:
        keywords = extra.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise ValueError("keywords must be a list of strings")
        keyterm = extra.get("keyterm", [])
        if not isinstance(keyterm, str) and not (
            isinstance(keyterm, list) and all(isinstance(k, str) for k in keyterm)
        ):
            raise ValueError("keyterm must be a string or a list of strings")
        for name in _DEEPGRAM_FLAGS:
            if not isinstance(extra.get(name, False), bool):
                raise ValueError(f"{name} must be true or false")
        for name in ("num_speakers", "min_speakers", "max_speakers"):
            value = extra.get(name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ValueError(f"{name} must be a positive integer")
        if not isinstance(extra.get("multichannel", False), bool):
            raise ValueError("multichannel must be true or false")
        return extra

    def redact_kinds(self) -> tuple[str, ...]:
        if self.redact is True:
            return redaction.KINDS
        return redaction.kinds_of(self.redact) if isinstance(self.redact, list) else ()


class TransformParams(_Wire):
    transcript: TranscriptParams = Field(default_factory=TranscriptParams)


class CreateJobRequest(_Wire):
    """Body of ``POST /v1/batch-processor``."""

    preset: Literal["transcript", "summarize", "soap-notes"]
    in_params: InParams = Field(alias="inParams")
    out_params: OutParams = Field(alias="outParams")
    transform_params: TransformParams = Field(default_factory=TransformParams, alias="transformParams")

    def to_spec(self, *, job_id: str, domain: str, epoch_time: int) -> JobSpec:
        t = self.transform_params.transcript
        s3 = self.out_params.s3_config
        stem = expand_template(s3.s3_key_template, domain=domain, job_id=job_id, epoch_time=epoch_time)
        return JobSpec(
            preset=Preset(self.preset),
            source_type=SourceType(self.in_params.source_type),
            source=self.in_params.source(),
            target=OutputTarget.resolve(stem, use_replacement=s3.use_replacement, domain=domain, job_id=job_id),
            transcript=TranscriptOptions.with_extra(
                t.extra,
                language=_language(t.language or self.in_params.language, detect=bool(t.extra.get("detect_language"))),
                model=t.model,
                punctuate=t.punctuate,
                profanity_filter=t.profanity_filter,
                redact=t.redact_kinds(),
                diarize=t.diarize,
                endpointing=t.endpointing,
            ),
        )


def _language(asked: str, *, detect: bool) -> str:
    """Deepgram's ``detect_language``: the language is detected (``auto``), unless the call is ``multi``, whose
    every part is detected already."""
    return AUTO_LANGUAGE if detect and asked != MULTI_LANGUAGE else asked


def validation_problem(errors: list[Any]) -> InvalidRequest:
    """The first validation error as an ``InvalidRequest`` naming the field by its wire name."""
    error = errors[0]
    path = ".".join(str(p) for p in error["loc"] if p not in ("body", "query", "path", "header"))
    if error["type"] == "missing":
        return InvalidRequest(path, "this field is required")
    return InvalidRequest(path, str(error["msg"]).removeprefix("Value error, "))


def parse(model: type[_Wire], data: Any, context: dict[str, Any] | None = None) -> Any:
    """``data`` as ``model``; ``context`` gives the validators what the server knows (``KNOWS_LANGUAGE``)."""
    if not isinstance(data, dict):
        raise InvalidRequest("body", "must be a JSON object")
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise validation_problem(exc.errors()) from exc


class WebhookFields(_Wire):
    """Body of ``POST /v1/webhooks/{uuid}`` (every field optional)."""

    url: str | None = None
    event_types: list[EventType] | None = Field(None, alias="eventTypes")
    hmac: str | None = None
    basic_auth: str | None = Field(None, alias="basicAuth")
    retry_type: Literal["circuit-breaker", "exponential"] | None = Field(None, alias="retryType")

    @field_validator("event_types")
    @classmethod
    def _event_types(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise ValueError("must name at least one event type")
            bad = [name for name in value if not valid_event_type(name)]
            if bad:
                raise ValueError(f"{bad[0]!r} is not an event type (such as 'batch-processor.job-finished')")
        return value

    @field_validator("hmac")
    @classmethod
    def _hmac(cls, value: str | None) -> str | None:
        if value is not None:
            decode_secret(value)  # raises ValueError("must be base64")
        return value

    def changes(self) -> WebhookChanges:
        return WebhookChanges(
            url=self.url,
            event_types=tuple(self.event_types) if self.event_types is not None else None,
            hmac=self.hmac,
            basic_auth=self.basic_auth,
            retry_type=RetryType(self.retry_type) if self.retry_type else None,
        )


class CreateWebhookRequest(WebhookFields):
    """Body of ``POST /v1/webhooks``."""

    url: str
    event_types: list[EventType] = Field(alias="eventTypes")
