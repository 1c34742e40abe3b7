"""One transcript read by one language model, chunk by chunk: the plan (how the transcript is split to fit the
model's context) and the asking (one request per chunk, progress reported as chunks are done)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aftercall.llm import LanguageModel
from aftercall.notes import evidence
from aftercall.notes.chunks import chunks, line
from aftercall.notes.segments import Segment, Segments

Claim = tuple[dict[str, Any], str, list[Segment]]  # (answer item, its text, the cited segments that say it)

# The longest answer a note step may give. Each step's answer schema bounds its items and string lengths so that even
# at one token per character its longest answer fits: an answer is never cut off for being long.
ANSWER_TOKENS = 2048
_INSTRUCTION_TOKENS = 400  # system prompt and instructions, generously


@dataclass
class Reading:
    model: LanguageModel
    segments: Segments
    on_progress: Callable[[float], None] = lambda done: None
    steps: int = 1  # model requests planned in all, for progress
    _done: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.budget = self.model.context_tokens - ANSWER_TOKENS - _INSTRUCTION_TOKENS  # tokens of text per request
        self.chunks = chunks(self.segments, budget=self.budget, count_tokens=self.model.count_tokens)

    def each_chunk(self) -> Iterator[tuple[dict[int, Segment], str]]:
        """Each chunk as (its segments by number, the text a model reads)."""
        for chunk in self.chunks:
            yield {s.index: s for s in chunk}, "\n".join(line(s) for s in chunk)

    def claims(self, system: str, instruction: str, schema: dict[str, Any], key: str) -> Iterator[Claim]:
        """Each item of the model's answer list ``key``, chunk by chunk: the item, its text tidied, and those of the
        segments it cites that say it (empty: it cites nothing the model was shown that says it)."""
        for chunk, text in self.each_chunk():
            answer = self.ask(system, f"Segments:\n{text}\n\n{instruction}", schema, max_tokens=ANSWER_TOKENS)
            for item in answer[key]:
                claim = " ".join(item["text"].split())
                yield item, claim, evidence.relevant(claim, evidence.cited(item["segments"], chunk) or [])

    def ask(self, system: str, user: str, schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        answer = self.model.complete_json(messages, schema, max_tokens=min(max_tokens, ANSWER_TOKENS))
        self._done += 1
        self.on_progress(self._done / max(self.steps, self._done))
        return answer

    def metadata(self, dropped: int) -> dict[str, Any]:
        return {
            "model": self.model.name,
            "chunks": len(self.chunks),
            "dropped": dropped,
            "timing": self.segments.timing,
        }
