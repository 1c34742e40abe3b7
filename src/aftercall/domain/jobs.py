"""Batch-processor jobs: what a job asks for, where its outputs go, and where it stands (what clients see of it:
wire.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aftercall.domain.outputs import OutputTarget, legacy_keys


class Preset(StrEnum):
    TRANSCRIPT = "transcript"
    SUMMARIZE = "summarize"
    SOAP_NOTES = "soap-notes"


class Status(StrEnum):
    SUBMITTED = "submitted"
    PROCESSING = "processing"
    FINISHED = "finished"
    ERROR = "error"

    @property
    def terminal(self) -> bool:
        return self in (Status.FINISHED, Status.ERROR)


class Stage(StrEnum):
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    DECODING = "decoding"
    TRANSCRIBING = "transcribing"
    DIARIZING = "diarizing"
    RENDERING = "rendering"
    SUMMARIZING = "summarizing"
    UPLOADING = "uploading"
    DONE = "done"


_STAGE_VERB = {
    Stage.QUEUED: "start",
    Stage.DOWNLOADING: "download",
    Stage.DECODING: "decode",
    Stage.TRANSCRIBING: "transcribe",
    Stage.DIARIZING: "tell the speakers apart",
    Stage.RENDERING: "render the transcript",
    Stage.SUMMARIZING: "write the notes",
    Stage.UPLOADING: "upload the outputs",
}


CANCELLED_ERROR = "Job was cancelled"  # the error of a job deleted before it ended


def crash_sentence(stage: Stage) -> str:
    """The error of a job that an unexpected exception stopped: which step failed, and nothing of the server's
    internals (paths, class names, messages), which go to the log with the job's id."""
    return f"Failed to {_STAGE_VERB.get(stage, 'process')}: an internal error stopped it"


# The longest object key S3 accepts, and the longest file name of the local store's file systems.
MAX_KEY_BYTES = 1024
MAX_KEY_SEGMENT_BYTES = 255


def key_problem(key: str) -> str | None:
    """Why an output key cannot be stored, as the end of a sentence about the key template, or None."""
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        return f"makes an output key of {size} bytes; the limit is {MAX_KEY_BYTES}"
    longest = max(len(part.encode("utf-8", "surrogatepass")) for part in key.split("/"))
    if longest > MAX_KEY_SEGMENT_BYTES:
        return f"makes a key segment (between slashes) of {longest} bytes; the limit is {MAX_KEY_SEGMENT_BYTES}"
    return None


class SourceType(StrEnum):
    URI = "uri"
    RECORDING_ID = "recordingId"
    TRANSCRIPT_URI = "transcriptUri"


# Daily's list of transcription languages (docs/api.md §2), plus "auto".
LANGUAGES = frozenset(
    [
        "da",
        "nl",
        "en",
        "en-AU",
        "en-GB",
        "en-IN",
        "en-NZ",
        "en-US",
        "fr",
        "fr-CA",
        "de",
        "hi",
        "hi-Latn",
        "id",
        "it",
        "ja",
        "ko",
        "no",
        "pl",
        "pt",
        "pt-BR",
        "pt-PT",
        "ru",
        "es",
        "es-419",
        "sv",
        "tr",
        "uk",
        "auto",
        "multi",
    ]
)


_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")  # a BCP-47 language tag ("sw", "haw", "zh-Hant")


def language_problem(language: str, knows: Callable[[str], bool] = lambda code: False) -> str | None:
    """Why ``language`` cannot be asked for, as the end of a sentence about it, or None: one of Daily's tags,
    ``auto``, ``multi``, or a language the configured speech engine ``knows`` (by its ISO 639 code)."""
    if language in LANGUAGES or (_TAG.fullmatch(language) and knows(language_code(language) or "")):
        return None
    return (
        f"unsupported language {language!r}; use one of {', '.join(sorted(LANGUAGES))}, or a language code of the "
        "configured speech model"
    )


AUTO_LANGUAGE = "auto"  # the language of the whole call, detected
MULTI_LANGUAGE = "multi"  # Deepgram's code-switching value: a call that may change language, each part detected


def language_code(tag: str) -> str | None:
    """The ISO 639 code a speech engine wants for a language tag; None for ``auto`` and ``multi`` (detected)."""
    return None if tag in (AUTO_LANGUAGE, MULTI_LANGUAGE) else tag.split("-")[0].lower()


TEMPLATE_VARIABLES = ("{epoch_time}", "{domain_name}", "{job_id}")
MAX_TEMPLATE_LENGTH = 1024
_TEMPLATE_CHARS = re.compile(r"[0-9A-Za-z./_-]*")


def template_problem(template: str) -> str | None:
    """Why an ``s3KeyTemplate`` is unacceptable, or None if it is fine (docs/api.md §2)."""
    if not template:
        return "must not be empty"
    if len(template) > MAX_TEMPLATE_LENGTH:
        return f"must be at most {MAX_TEMPLATE_LENGTH} characters"
    bare = template
    for variable in TEMPLATE_VARIABLES:
        bare = bare.replace(variable, "x")
    if not _TEMPLATE_CHARS.fullmatch(bare):
        bad = sorted({c for c in bare if not _TEMPLATE_CHARS.fullmatch(c)})
        return (
            f"contains characters that are not allowed ({''.join(bad)!r}); use 0-9 A-Z a-z . / - _ and "
            "the variables {epoch_time}, {domain_name}, {job_id}"
        )
    if ".." in template:
        return "must not contain '..'"
    if template.startswith("/"):
        return "must not start with '/'"
    if any(part in ("", ".") for part in bare.split("/")):
        return "must not contain empty or '.' path segments (such as '//' or a trailing '/')"
    return None


def expand_template(template: str, *, domain: str, job_id: str, epoch_time: int) -> str:
    return (
        template.replace("{epoch_time}", str(epoch_time)).replace("{domain_name}", domain).replace("{job_id}", job_id)
    )


@dataclass(frozen=True)
class SpeakerCount:
    """How many voices a call holds: ``num_speakers``, or ``min_speakers`` / ``max_speakers`` (docs/api.md §2)."""

    minimum: int = 1
    maximum: int = 8

    @classmethod
    def of(cls, extra: dict[str, Any]) -> SpeakerCount:
        exact = extra.get("num_speakers")
        if isinstance(exact, int):
            return cls(exact, exact)
        low, high = extra.get("min_speakers"), extra.get("max_speakers")
        minimum = low if isinstance(low, int) else 1
        maximum = high if isinstance(high, int) else max(cls.maximum, minimum)
        return cls(minimum, max(minimum, maximum))


@dataclass(frozen=True)
class TranscriptOptions:
    """``transformParams.transcript`` of docs/api.md §2, typed: ``keywords``, ``multichannel`` and ``speakers`` are
    read once from the request's ``extra`` (``with_extra``); what else a client puts there is not used."""

    language: str = "en"
    model: str | None = None
    punctuate: bool = True
    profanity_filter: bool = False
    redact: tuple[str, ...] = ()
    diarize: bool = True
    endpointing: int | bool | None = None
    keywords: tuple[str, ...] = ()
    keyterms: tuple[str, ...] = ()  # Deepgram's newer biasing (nova-3 takes keyterm, not keywords)
    multichannel: bool | None = None  # None: not asked, so a file's channels are kept and tried
    speakers: SpeakerCount = SpeakerCount()

    @classmethod
    def with_extra(cls, extra: dict[str, Any], **fields: Any) -> TranscriptOptions:
        """The options with the typed fields read from a validated ``extra`` (a request's, or a stored spec's that
        ``stored_extra`` wrote: a new field goes in both)."""
        multichannel = extra.get("multichannel")
        return cls(
            **fields,
            keywords=tuple(str(k) for k in extra.get("keywords") or ()),
            keyterms=tuple(str(k) for k in _listed(extra.get("keyterm"))),
            multichannel=multichannel if isinstance(multichannel, bool) else None,
            speakers=SpeakerCount.of(extra),
        )

    def stored_extra(self) -> dict[str, Any]:
        """The typed fields in the request's ``extra`` form, as a job's spec stores them (read by ``with_extra``)."""
        extra: dict[str, Any] = {"keywords": list(self.keywords)}
        if self.keyterms:
            extra["keyterm"] = list(self.keyterms)
        if self.multichannel is not None:
            extra["multichannel"] = self.multichannel
        extra["min_speakers"], extra["max_speakers"] = self.speakers.minimum, self.speakers.maximum
        return extra


def _listed(value: str | list[str] | None) -> list[str]:
    """Deepgram's ``keyterm``: one term or a list of them."""
    return [value] if isinstance(value, str) else list(value or ())


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs to run a job; stored with the job as JSON."""

    preset: Preset
    source_type: SourceType
    source: str
    target: OutputTarget
    transcript: TranscriptOptions
    source_name: str | None = None  # an uploaded recording's file name, kept with the job when it is submitted

    def to_json(self) -> dict[str, Any]:
        t = self.transcript
        return {
            "preset": self.preset.value,
            "sourceType": self.source_type.value,
            "source": self.source,
            "sourceName": self.source_name,
            "stem": self.target.stem,
            "useReplacement": self.target.use_replacement,
            "keys": self.target.keys,
            "transcript": {
                "language": t.language,
                "model": t.model,
                "punctuate": t.punctuate,
                "profanity_filter": t.profanity_filter,
                "redact": list(t.redact),
                "diarize": t.diarize,
                "endpointing": t.endpointing,
                "extra": t.stored_extra(),
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, legacy_domain: str, job_id: str) -> JobSpec:
        """The spec stored as ``data``. A job an older version stored has no ``keys`` (one stored by an older API
        process still running after ``aftercall migrate``): its keys are the ones that version wrote, from the
        deployment's domain and the job's id."""
        t = dict(data["transcript"])
        t["redact"] = tuple(t["redact"])
        stem, replacing = data["stem"], data["useReplacement"]
        if "keys" in data:
            target = OutputTarget(stem, replacing, dict(data["keys"]))
        else:
            target = OutputTarget(
                stem, replacing, legacy_keys(stem, use_replacement=replacing, domain=legacy_domain, job_id=job_id)
            )
        return cls(
            preset=Preset(data["preset"]),
            source_type=SourceType(data["sourceType"]),
            source=data["source"],
            source_name=data.get("sourceName"),
            target=target,
            transcript=TranscriptOptions.with_extra(t.pop("extra"), **t),
        )


@dataclass(frozen=True)
class Progress:
    stage: Stage
    percent: int


@dataclass(frozen=True)
class Job:
    """A job as the job store holds it."""

    id: str
    spec: JobSpec
    status: Status
    progress: Progress
    created_at: float
    updated_at: float
    output: dict[str, Any] | None = None
    error: str | None = None
    duration: float | None = None
    attempts: int = 0
    speaker_names: Mapping[int, str] = field(default_factory=dict)  # given by a client (domain/speakers.py)

    @property
    def transcribed(self) -> bool:
        """Whether its speech stage is done: the transcripts are stored and listed in its output."""
        return bool((self.output or {}).get("transcription"))

    @property
    def between_stages(self) -> bool:
        """Handed over after its speech stage, waiting for a worker of the llm queue (distributed mode): submitted
        again with its progress kept past ``queued`` (a job put back unstarted is ``queued`` at 0 %)."""
        return self.status is Status.SUBMITTED and self.progress.stage is not Stage.QUEUED

    @property
    def needs_speech(self) -> bool:
        """Whether what the job has left to do includes speech-to-text: a transcript job, or a notes job on media
        not yet transcribed (a notes job on a transcript, or one handed over after its speech stage, needs only the
        language model)."""
        if self.spec.preset is Preset.TRANSCRIPT:
            return True
        return self.spec.source_type is not SourceType.TRANSCRIPT_URI and not self.transcribed
