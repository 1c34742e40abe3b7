"""Engines that need no model, for fast tests of everything around them: the whole job flow, webhooks and the API
run as in ``aftercall serve`` (real job store, object store, queue and dispatcher), while speech and the language
model answer from a script. Nothing here says anything about the quality of a transcript or a note: the tests that
do run the real engines (docs/architecture.md, "Tests")."""

from __future__ import annotations

from typing import Any

import numpy as np

from aftercall.asr import AsrRequest, ProgressCallback, Recognition, RecognizedWord
from aftercall.bootstrap import build_embedded
from aftercall.llm import Message, Usage
from aftercall.pipeline.notes import Notes
from aftercall.pipeline.run import Engines
from aftercall.pipeline.speech import Speech
from aftercall.runtime import Runtime
from aftercall.settings import Settings

_RATE = 16_000
SCRIPT = "Hello, this is a test of the transcription service. The weather today is sunny and warm."


class ScriptedSpeech:
    """A speech-to-text engine that hears ``script`` in any audio: its words spread evenly over the audio's length,
    with no speaker (the job's diarizer, if any, assigns them)."""

    def __init__(self, script: str = SCRIPT, *, language: str = "en") -> None:
        self.script = script
        self.language = language
        self.calls: list[AsrRequest] = []

    def knows_model(self, name: str) -> bool:
        return name == "scripted"

    def knows_language(self, code: str) -> bool:
        return code == self.language

    def labels_speakers(self, request: AsrRequest) -> bool:
        return False

    def transcribe(self, samples: np.ndarray, request: AsrRequest, on_progress: ProgressCallback) -> Recognition:
        self.calls.append(request)
        duration = len(samples) / _RATE
        texts = self.script.split()
        step = duration / max(len(texts), 1)
        words = [RecognizedWord(t, i * step, (i + 0.9) * step, 0.9) for i, t in enumerate(texts)]
        on_progress(duration)
        detected = request.language is None
        return Recognition(words, request.language or self.language, 0.99 if detected else None, "scripted/speech")


class MinimalModel:
    """A language model whose every answer is the smallest JSON its schema allows (no statements, a filler
    summary): the notes step runs through, with nothing to check."""

    name = "scripted/minimal"

    def __init__(self, *, context_tokens: int = 8192) -> None:
        self.context_tokens = context_tokens
        self.usage = Usage()
        self.requests: list[list[Message]] = []  # every request's messages, for a test to read

    def count_tokens(self, text: str) -> int:
        return len(text) // 3 + 1

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        self.usage.add(prompt_tokens=sum(self.count_tokens(m["content"]) for m in messages), completion_tokens=1,
                       seconds=0.0)  # fmt: skip
        self.requests.append(messages)
        answer = smallest(schema)
        assert isinstance(answer, dict), "a JSON answer is an object"
        return answer


def smallest(schema: dict[str, Any]) -> Any:
    """The smallest value valid against ``schema`` (the subset of JSON Schema the notes step uses)."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: smallest(properties[name]) for name in schema.get("required", [])}
    if kind == "array":
        return [smallest(schema["items"]) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        length = schema.get("minLength", 0)
        return ("noted " * length)[:length]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    raise ValueError(f"no smallest value for the schema {schema!r}")


def scripted_engines(
    settings: Settings, speech: ScriptedSpeech | None = None, model: MinimalModel | None = None
) -> Engines:
    """Engines for ``settings`` that load no model: scripted speech, no diarizer, the minimal language model (its
    second reading only when asked for with ``notes_judge="on"``)."""
    model_notes = Notes(model or MinimalModel(), judge=settings.notes_judge == "on", audit=settings.notes_audit)
    return Engines(Speech(speech or ScriptedSpeech(), None), model_notes)


def scripted_runtime(
    settings: Settings, speech: ScriptedSpeech | None = None, model: MinimalModel | None = None
) -> Runtime:
    """``aftercall serve``'s runtime over ``settings``, its jobs run on :func:`scripted_engines`."""
    return build_embedded(settings, scripted_engines(settings, speech, model))
