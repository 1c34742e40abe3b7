"""A GGUF model run in-process by llama.cpp (through cyllama's prebuilt wheels: no compiler, no server).

Answers are held to the asked JSON Schema by a grammar while they are generated, so even a small model returns valid
JSON. Loaded on first use and kept; one llama.cpp context serves one request at a time."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from aftercall.errors import ModelUnavailable, NotesError
from aftercall.llm import InvalidReply, Message, Usage, parse_checked
from aftercall.llm.grammar import compact_grammar
from aftercall.llm.models import resolve_gguf

# llama.cpp's customary mild penalty: without it small models loop ("1.1.1.1…") until the length limit.
REPEAT_PENALTY = 1.1


class LocalChat:
    def __init__(self, model_path: str, *, context_tokens: int) -> None:
        self._configured = model_path  # resolved at first use: a missing model fails a job, not the server's start
        self._lock = threading.Lock()
        self._llm: Any = None
        self.name = f"llama.cpp/{Path(model_path).stem or 'default'}"
        self.context_tokens = context_tokens
        self.usage = Usage()

    def _model(self) -> Any:
        if self._llm is None:
            path = resolve_gguf(self._configured)
            self.name = f"llama.cpp/{path.stem}"
            try:
                from cyllama.agents.constrained import GrammarConstrainedLLM
                from cyllama.api import GenerationConfig
            except ImportError as exc:
                raise ModelUnavailable(f"the local language model engine is missing ({exc})") from None
            config = GenerationConfig(
                temperature=0.0,
                repeat_penalty=REPEAT_PENALTY,
                n_ctx=self.context_tokens,
                n_batch=self.context_tokens,
                n_gpu_layers=0,
            )
            try:
                self._llm = GrammarConstrainedLLM(str(path), config)
            except Exception as exc:  # llama.cpp says little more than "failed to load"
                raise ModelUnavailable(f"cannot load the language model {path} ({exc})") from None
        return self._llm

    def count_tokens(self, text: str) -> int:
        with self._lock:
            vocab = self._model().vocab
            return len(vocab.tokenize(text, add_special=False, parse_special=False))

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        with self._lock:
            llm = self._model()
            prompt = llm._apply_template(messages)  # the model's own chat template (cyllama has no public form)
            prompt_tokens = len(llm.vocab.tokenize(prompt, add_special=True, parse_special=True))
            if prompt_tokens + max_tokens > self.context_tokens:
                raise NotesError(
                    f"a prompt of {prompt_tokens} tokens and an answer of {max_tokens} do not fit the model's "
                    f"{self.context_tokens}-token context"
                )
            started = time.monotonic()
            pieces: list[str] = []
            text = llm.generate_with_grammar(
                prompt,
                compact_grammar(schema),
                config=replace(llm.config, max_tokens=max_tokens),
                on_token=pieces.append,
            )
            self.usage.add(
                prompt_tokens=prompt_tokens, completion_tokens=len(pieces), seconds=time.monotonic() - started
            )
        try:
            return parse_checked(text, schema)
        except InvalidReply as exc:  # the grammar makes this mean "cut off at max_tokens"
            raise NotesError(f"the language model's answer was {exc}; it ran out of its {max_tokens} tokens") from None
