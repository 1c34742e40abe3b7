"""A real HTTP server on 127.0.0.1 that serves the test media and misbehaves on request."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from aftercall.media import SAMPLE_RATE, decode
from tests.serving import serving

DATA = Path(__file__).parent / "data"
TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".webm": "audio/webm",
    ".mp4": "video/mp4",
    ".html": "text/html; charset=utf-8",
    ".bin": "application/octet-stream",
    ".txt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip",
    ".json": "application/json",
}


def wav_of(*parts: tuple[str, int]) -> bytes:
    """16-bit WAV of committed recordings played one after another: ``(name, times)`` plays ``tests/data/name``
    ``times`` times in a row."""
    pcm = b""
    for name, times in parts:
        audio = decode(DATA / name, max_seconds=3600)
        pcm += audio.samples.astype("<i2").tobytes() * times
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
    return buffer.getvalue()


def repeated_dialogue(times: int) -> bytes:
    """``dialogue.ogg`` (85 s, two voices) played ``times`` times in a row: a long recording of varied speech.
    (One sentence repeated makes whisper loop and skip at random, which no real call does.)"""
    return wav_of(("dialogue.ogg", times))


class _Handler(BaseHTTPRequestHandler):
    long_speech = b""

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", content_type: str = "text/plain", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        if parts[0] == "media" and len(parts) == 2 and (DATA / parts[1]).is_file():
            path = DATA / parts[1]
            self._send(200, path.read_bytes(), TYPES.get(path.suffix, "application/octet-stream"))
        elif parts[0] == "status" and len(parts) == 2:
            self._send(int(parts[1]), b"nope")
        elif parts[0] == "redirect" and len(parts) == 3:
            hops, name = int(parts[1]), parts[2]
            target = f"/redirect/{hops - 1}/{name}" if hops > 1 else f"/media/{name}"
            self._send(302, b"", Location=target)
        elif parts == ["long.wav"]:
            self._send(200, self.long_speech, "audio/wav")
        elif parts == ["english-then-french.wav"]:
            self._send(200, wav_of(("speech.wav", 5), ("french.ogg", 8)), "audio/wav")
        else:
            self._send(404, b"not found")


@contextmanager
def media_server(long_repeats: int = 3) -> Iterator[str]:
    """Serve until the block ends; yields the base URL."""
    with serving(type("Handler", (_Handler,), {"long_speech": repeated_dialogue(long_repeats)})) as base:
        yield base
