"""Language models behind one protocol. Backends: ``local`` (a GGUF file run in-process by llama.cpp, its output held
to a JSON Schema by a grammar) and ``openai`` (any OpenAI-compatible ``/v1/chat/completions``)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

import jsonschema

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}


class InvalidReply(ValueError):
    """A model's reply is not JSON, or not JSON of the asked schema; the message says where."""


@dataclass
class Usage:
    """What a model has done so far: calls, tokens read and written, seconds spent waiting for it, and the prompt
    tokens it did not read again because a request before had the same start (where the engine says so)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    cached_tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, *, prompt_tokens: int, completion_tokens: int, seconds: float, cached_tokens: int = 0) -> None:
        with self._lock:
            self.calls += 1
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
            self.seconds += seconds
            self.cached_tokens += cached_tokens


class LanguageModel(Protocol):
    name: str  # "engine/model", recorded in the notes' metadata
    context_tokens: int  # prompt and answer together must fit in this
    usage: Usage

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in this model's prompt (an upper estimate where the tokenizer is remote)."""

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        """The model's answer to ``messages`` as a JSON object valid against ``schema``. Raises NotesError."""


def parse_checked(reply: str, schema: dict[str, Any]) -> dict[str, Any]:
    """``reply`` parsed and validated against ``schema``; InvalidReply says what is wrong."""
    try:
        value = json.loads(reply)
    except json.JSONDecodeError as exc:
        raise InvalidReply(f"not JSON ({exc.msg} at character {exc.pos})") from exc
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        raise InvalidReply(f"not valid against the schema at {where}: {error.message}")
    return value
