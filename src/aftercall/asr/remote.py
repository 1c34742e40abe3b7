"""What the remote speech-to-text engines share: the audio they upload and how an HTTP failure reads."""

from __future__ import annotations

import io
import wave

import httpx
import numpy as np

from aftercall.errors import TranscriptionError
from aftercall.media import to_pcm

SAMPLE_RATE = 16_000


def wav_bytes(samples: np.ndarray) -> bytes:
    """16 kHz mono 16-bit PCM WAV: what every speech API accepts, at 32 kB per second."""
    pcm = to_pcm(samples).astype("<i2", copy=False).tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
    return buffer.getvalue()


def checked_json(engine: str, send: callable) -> dict:
    """``send()``'s JSON answer, or ``TranscriptionError`` naming the engine and what went wrong."""
    try:
        response = send()
    except httpx.TimeoutException as exc:
        raise TranscriptionError(f"Failed to transcribe: {engine} did not answer in time ({exc})") from exc
    except httpx.HTTPError as exc:
        raise TranscriptionError(f"Failed to transcribe: {engine} is unreachable ({exc})") from exc
    if response.status_code >= 400:
        detail = response.text[:200].strip()
        raise TranscriptionError(f"Failed to transcribe: {engine} answered {response.status_code} ({detail})")
    try:
        body = response.json()
    except ValueError as exc:
        raise TranscriptionError(f"Failed to transcribe: {engine} answered with something that is not JSON") from exc
    if not isinstance(body, dict):
        raise TranscriptionError(f"Failed to transcribe: {engine} answered with an unexpected JSON shape")
    return body
