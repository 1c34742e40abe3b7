"""Speech-to-text engines behind one protocol. Backends: ``whisper`` (local faster-whisper), ``deepgram`` (Deepgram's
/v1/listen) and ``openai`` (any OpenAI-compatible /v1/audio/transcriptions)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class RecognizedWord:
    text: str  # as the engine wrote it, punctuation attached
    start: float
    end: float
    probability: float
    speaker: int | None = None  # set by engines that diarize (Deepgram); the local diarizer then does not run


@dataclass(frozen=True)
class Recognition:
    words: list[RecognizedWord]
    language: str
    language_probability: float | None  # set only when the engine detected the language
    model: str  # "engine/model"


@dataclass(frozen=True)
class AsrRequest:
    language: str | None  # ISO 639-1 code; None: detect
    mixed: bool = False  # the call may change language (Deepgram's "multi"): each part is decoded in its own
    model: str | None = None  # a model name of the engine's catalogue; None: the engine's default
    keywords: tuple[str, ...] = ()
    keyterms: tuple[str, ...] = ()  # Deepgram's keyterm prompting; the other engines bias towards them as keywords
    # Passed through by remote engines that implement them (aftercall applies redaction and masking itself too):
    punctuate: bool = True
    diarize: bool = False
    profanity_filter: bool = False
    redact: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        """The keywords without Deepgram's boosts (``"metformin:2"`` is metformin), and the keyterms, for engines
        that take neither."""
        return (*(_BOOST.sub("", keyword) for keyword in self.keywords), *self.keyterms)


_BOOST = re.compile(r":-?\d+(?:\.\d+)?$")


ProgressCallback = Callable[[float], None]  # seconds of media processed


class SpeechToText(Protocol):
    def transcribe(self, samples: np.ndarray, request: AsrRequest, on_progress: ProgressCallback) -> Recognition:
        """Recognise 16 kHz mono float32 ``samples``."""

    def knows_model(self, name: str) -> bool:
        """Whether a job may ask for ``name`` (``transformParams.transcript.model``)."""

    def knows_language(self, code: str) -> bool:
        """Whether a job may ask for the language of ISO 639 ``code`` beyond Daily's tags (docs/api.md §2)."""

    def labels_speakers(self, request: AsrRequest) -> bool:
        """Whether the words it recognises for ``request`` come with their speakers (no diarizer is needed)."""
