"""A GGUF model run in-process by llama.cpp (through cyllama's prebuilt wheels: no compiler, no server).

Answers are held to the asked JSON Schema by a grammar while they are generated, so even a small model returns valid
JSON. Loaded on first use and kept; one llama.cpp context serves one request at a time, on the threads its job's
share of the cores gives it (docs/deployment.md, "Cores"), and keeps what it has read: a request that starts as the
one before did (the same chunk of a transcript, asked for another output) reads only what differs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
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
    def __init__(self, model_path: str, *, context_tokens: int, threads: Callable[[], int]) -> None:
        self._configured = model_path  # resolved at first use: a missing model fails a job, not the server's start
        self._lock = threading.Lock()
        self._llm: Any = None
        self._context: Any = None  # llama.cpp's context, holding the tokens of ``_read`` (the last prompt and answer)
        self._read: list[int] = []
        self._threads = threads  # asked again at each request: the jobs running may have changed
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
            pieces, kept = self._generate(llm, prompt, compact_grammar(schema), max_tokens)
            self.usage.add(
                prompt_tokens=prompt_tokens,
                completion_tokens=len(pieces),
                seconds=time.monotonic() - started,
                cached_tokens=kept,
            )
            text = "".join(pieces)
        try:
            return parse_checked(text, schema)
        except InvalidReply as exc:  # the grammar makes this mean "cut off at max_tokens"
            raise NotesError(f"the language model's answer was {exc}; it ran out of its {max_tokens} tokens") from None

    def _generate(self, llm: Any, prompt: str, grammar: str, max_tokens: int) -> tuple[list[str], int]:
        """The answer's pieces, greedy under ``grammar``, and how many of the prompt's tokens were not read again:
        the context keeps the tokens it has read, and only those past the part this prompt shares with them are
        read."""
        from cyllama.llama.llama_cpp import llama_batch_get_one

        config = replace(llm.config, max_tokens=max_tokens)
        tokens = list(llm.vocab.tokenize(prompt, add_special=config.add_bos, parse_special=config.parse_special))
        if self._context is None:
            self._context = llm._ensure_context(len(tokens), config)  # cyllama's own sizing: n_ctx, n_batch
        context = self._context
        threads = max(1, self._threads())
        context.set_n_threads(threads, threads)  # not llama.cpp's default of 4, which oversubscribes a small machine
        kept, self._read = _shared(self._read, tokens), []  # (nothing is known to be read until this request is)
        cut = context.memory_seq_rm(0, kept, -1)
        if not cut or (kept and context.memory_seq_pos_min(0) > 0):  # memory that cannot be cut, or kept only in part
            context.kv_cache_clear()
            kept = 0
        llm._ensure_sampler_with_grammar(config, grammar, "root")
        sampler = llm._sampler
        context.decode(llama_batch_get_one(tokens[kept:], kept))
        read, pieces = list(tokens), []
        for _ in range(max_tokens):
            token = sampler.sample(context, -1)
            if llm.vocab.is_eog(token):
                break
            pieces.append(_piece(llm.vocab, token))
            context.decode(llama_batch_get_one([token], len(read)))
            read.append(token)
        self._read = read
        return pieces, kept


def _piece(vocab: Any, token: int) -> str:
    try:
        return str(vocab.token_to_piece(token, special=True))
    except UnicodeDecodeError:  # a character split across tokens: the grammar keeps the JSON whole without it
        return ""


def _shared(read: list[int], tokens: list[int]) -> int:
    """How many of ``tokens`` the context may keep from ``read``: their common start, less at least one token (the
    model's next-token logits come from reading the last one)."""
    limit = min(len(read), len(tokens) - 1)
    shared = 0
    while shared < limit and read[shared] == tokens[shared]:
        shared += 1
    return shared
