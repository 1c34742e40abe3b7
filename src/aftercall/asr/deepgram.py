"""Deepgram's pre-recorded API (``POST /v1/listen``), the engine behind Daily's own batch processor.

The job's options go through as Deepgram's query parameters; Deepgram's speakers, when it diarizes, are kept.
"""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np

from aftercall.asr import AsrRequest, ProgressCallback, Recognition, RecognizedWord
from aftercall.asr.remote import SAMPLE_RATE, checked_json, wav_bytes
from aftercall.errors import TranscriptionError

DEFAULT_MODEL = "nova-2"


class DeepgramEngine:
    def __init__(self, *, api_key: str, base_url: str, timeout: float) -> None:
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout

    def knows_model(self, name: str) -> bool:
        return True  # Deepgram's catalogue: a name it does not know fails the job with its own answer

    def knows_language(self, code: str) -> bool:
        return True  # the server's languages: one it does not know fails the job with its own answer

    def labels_speakers(self, request: AsrRequest) -> bool:
        return request.diarize  # (a Deepgram-compatible server that sends none leaves them to the local diarizer)

    def params(self, request: AsrRequest) -> list[tuple[str, str]]:
        def flag(value: bool) -> str:
            return "true" if value else "false"

        params = [
            ("model", request.model or DEFAULT_MODEL),
            ("punctuate", flag(request.punctuate)),
            ("diarize", flag(request.diarize)),
            ("profanity_filter", flag(request.profanity_filter)),
            ("utterances", "false"),
        ]
        if request.mixed:
            params.append(("language", "multi"))  # Deepgram's own code-switching
        else:
            params.append(("language", request.language) if request.language else ("detect_language", "true"))
        params += [("redact", kind) for kind in request.redact]
        params += [("keywords", keyword) for keyword in request.keywords]
        params += [("keyterm", term) for term in request.keyterms]
        return params

    def transcribe(self, samples: np.ndarray, request: AsrRequest, on_progress: ProgressCallback) -> Recognition:
        def send() -> httpx.Response:
            with httpx.Client(timeout=self._timeout) as client:
                return client.post(
                    f"{self._base_url}/v1/listen",
                    params=self.params(request),
                    content=wav_bytes(samples),
                    headers={"Authorization": f"Token {self._api_key}", "Content-Type": "audio/wav"},
                )

        body = checked_json("Deepgram", send)
        on_progress(len(samples) / SAMPLE_RATE)
        return parse(body, request)


def parse(body: dict[str, Any], request: AsrRequest) -> Recognition:
    try:
        channel = body["results"]["channels"][0]
        words = channel["alternatives"][0].get("words", [])
        recognized = [
            RecognizedWord(
                text=str(w.get("punctuated_word") or w["word"]),
                start=float(w["start"]),
                end=float(w["end"]),
                probability=float(w.get("confidence", 1.0)),
                speaker=int(w["speaker"]) if request.diarize and w.get("speaker") is not None else None,
            )
            for w in words
        ]
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise TranscriptionError(f"Failed to transcribe: Deepgram's answer lacks {exc}") from exc
    detected = channel.get("detected_language")
    return Recognition(
        words=recognized,
        language=request.language or detected or "en",
        language_probability=None if request.language or not detected else float(channel.get("language_confidence", 0)),
        model=f"deepgram/{request.model or DEFAULT_MODEL}",
    )
