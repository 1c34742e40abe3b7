"""Any OpenAI-compatible ``POST /v1/audio/transcriptions`` (OpenAI, Groq, a local faster-whisper or whisper.cpp
server): multipart upload, ``verbose_json`` with word timestamps."""

from __future__ import annotations

import math
import re
from typing import Any

import httpx
import numpy as np

from aftercall.asr import AsrRequest, ProgressCallback, Recognition, RecognizedWord
from aftercall.asr.remote import SAMPLE_RATE, checked_json, wav_bytes
from aftercall.errors import TranscriptionError

# verbose_json names the language in English ("english"); the job's json wants its code.
_LANGUAGE_NAMES = {
    "danish": "da", "dutch": "nl", "english": "en", "french": "fr", "german": "de", "hindi": "hi",
    "indonesian": "id", "italian": "it", "japanese": "ja", "korean": "ko", "norwegian": "no", "polish": "pl",
    "portuguese": "pt", "russian": "ru", "spanish": "es", "swedish": "sv", "turkish": "tr", "ukrainian": "uk",
}  # fmt: skip


class OpenAIEngine:
    def __init__(self, *, base_url: str, api_key: str, model: str, timeout: float) -> None:
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._model = model
        self._timeout = timeout

    def knows_model(self, name: str) -> bool:
        return True  # the server's catalogue: a name it does not know fails the job with its own answer

    def knows_language(self, code: str) -> bool:
        return True  # the server's languages: one it does not know fails the job with its own answer

    def labels_speakers(self, request: AsrRequest) -> bool:
        return False  # OpenAI's transcription API names no speakers

    def form(self, request: AsrRequest) -> dict[str, str | list[str]]:
        fields: dict[str, str | list[str]] = {
            "model": request.model or self._model,
            "response_format": "verbose_json",
            "timestamp_granularities[]": ["word", "segment"],
        }
        if request.language:
            fields["language"] = request.language
        if request.terms:  # the prompt is the only biasing this API has
            fields["prompt"] = ", ".join(request.terms)
        return fields

    def transcribe(self, samples: np.ndarray, request: AsrRequest, on_progress: ProgressCallback) -> Recognition:
        def send() -> httpx.Response:
            headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
            with httpx.Client(timeout=self._timeout) as client:
                return client.post(
                    f"{self._base_url}/v1/audio/transcriptions",
                    data=self.form(request),
                    files={"file": ("audio.wav", wav_bytes(samples), "audio/wav")},
                    headers=headers,
                )

        body = checked_json("the transcription server", send)
        on_progress(len(samples) / SAMPLE_RATE)
        return parse(body, request, request.model or self._model)


def parse(body: dict[str, Any], request: AsrRequest, model: str) -> Recognition:
    try:
        words = body["words"]
        segments = body.get("segments") or []
        pieces = punctuated(str(body.get("text", "")), [str(w["word"]) for w in words])
        recognized = [
            RecognizedWord(piece, float(w["start"]), float(w["end"]), _probability(segments, float(w["start"])))
            for w, piece in zip(words, pieces, strict=True)
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise TranscriptionError(
            f"Failed to transcribe: the transcription server's answer has no word timestamps ({exc})"
        ) from exc
    named = str(body.get("language") or request.language or "en").lower()
    return Recognition(
        words=recognized,
        language=request.language or _LANGUAGE_NAMES.get(named, named),
        language_probability=None,  # verbose_json does not say how sure it is
        model=f"openai/{model}",
    )


def punctuated(text: str, words: list[str]) -> list[str]:
    """Each bare word as it appears in the punctuated ``text`` (``words`` of verbose_json carry no punctuation);
    a word that cannot be found keeps its bare form."""
    tokens = text.split()
    out, t = [], 0
    for word in words:
        key = _key(word)
        for k in range(t, min(t + 4, len(tokens))):
            if _key(tokens[k]) == key:
                out.append(tokens[k])
                t = k + 1
                break
        else:
            out.append(word.strip())
    return out


def _key(text: str) -> str:
    return re.sub(r"[^\w]", "", text.lower())


def _probability(segments: list[dict[str, Any]], start: float) -> float:
    """The word's segment's mean token probability (verbose_json has no per-word confidence)."""
    for segment in segments:
        if float(segment.get("start", 0)) <= start < float(segment.get("end", 0)) and "avg_logprob" in segment:
            return min(1.0, math.exp(float(segment["avg_logprob"])))
    return 1.0
