"""One transcript read by one language model, chunk by chunk: the plan (how the transcript is split to fit the
model's context), the asking (one request per chunk, and again for the rest while an answer comes back full;
progress reported as requests are done) and the grounding of every answered item, with the model's own second
reading where it is enabled."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aftercall.llm import LanguageModel
from aftercall.notes import judge
from aftercall.notes.chunks import chunks, line
from aftercall.notes.grounding import Grounded, Transcript, ground
from aftercall.notes.segments import Segment, Segments

# Every request about a chunk starts the same way (this, then the chunk's segments) and says what it asks for after:
# a server that caches prompts (llama.cpp's, vLLM's prefix cache, Ollama) and the local engine do not read the chunk
# again for the next output asked of it (docs/notes.md, "What the model is asked for").
READER = (
    "You read numbered segments of a conversation between a clinician and a patient and write from them for the "
    "clinical record, using only what the segments say."
)
_INSTRUCTION_TOKENS = 400  # system prompt and instructions, generously
_TOKENS_PER_ITEM = 90  # an answered item with its quotes: longer than 19 in 20 (the mean is about 55)
_WORDS_PER_ITEM = 15  # of conversation: a chunk may yield one item per this many words (a 15-min visit: 130)
MIN_ITEMS = 8
_ROUNDS = 3  # requests per chunk at most: a full answer is followed by "the rest" twice at most

Schema = Callable[[int], dict[str, Any]]  # the answer schema for a chunk, given how many items it may hold
Plan = Callable[[int, int], int]  # how many requests a reading plans, given its chunks and the requests per answer


@dataclass(frozen=True)
class Ask:
    """What one output asks of each chunk: its ``task``, the ``schema`` of the answer, whose list ``key`` holds the
    items, and whether those are ``concept``s (terms) rather than statements."""

    task: str
    schema: Schema
    key: str
    concept: bool


@dataclass
class Reading:
    model: LanguageModel
    segments: Segments
    on_progress: Callable[[float], None] = lambda done: None
    judge: bool = False  # ask the model to check the statements that passed the rules
    audit: bool = False  # list every dropped item in the metadata, not only the counts
    plan: Plan = lambda chunks, per_chunk: chunks * per_chunk  # the model requests the reader will make, for progress
    together: tuple[Ask, ...] = ()  # the outputs of a job, each chunk asked for all of them at once (``claims``)
    _done: int = field(default=0, init=False)
    _reported: float = field(default=0.0, init=False)
    _read: dict[Ask, list[Grounded]] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.answer_tokens = self.model.context_tokens // 3
        self.budget = self.model.context_tokens - self.answer_tokens - _INSTRUCTION_TOKENS  # text per request
        self.chunks = chunks(self.segments, budget=self.budget, count_tokens=self.model.count_tokens)
        self.transcript = Transcript.of(self.segments.items)
        self.steps = self.plan(len(self.chunks), self.requests_per_answer)  # model requests planned in all

    def each_chunk(self) -> Iterator[tuple[dict[int, Segment], str]]:
        """Each chunk as (its segments by number, the text a model reads)."""
        for chunk in self.chunks:
            yield {s.index: s for s in chunk}, "\n".join(line(s) for s in chunk)

    def item_limit(self, chunk: dict[int, Segment]) -> int:
        """How many items a chunk may yield: more for a longer chunk, as many as the answer can hold at most."""
        words = sum(len(s.text.split()) for s in chunk.values())
        return max(MIN_ITEMS, min(words // _WORDS_PER_ITEM, self.answer_tokens // _TOKENS_PER_ITEM))

    def claims(self, ask: Ask) -> Iterator[Grounded]:
        """Each item the model answers to ``ask``, chunk by chunk, grounded in the transcript (and judged). The asks
        read ``together`` are all answered on the first call, so that each chunk is read once for all of them."""
        if ask in self.together:
            if self._read is None:
                self._read = self._read_together()
            yield from self._read[ask]
            return
        for chunk, text in self.each_chunk():
            for items in self._answers(READER, about(text, ask.task), ask.schema, ask.key, chunk):
                yield from self._checked([ground(item, chunk, self.transcript, concept=ask.concept) for item in items])

    def _read_together(self) -> dict[Ask, list[Grounded]]:
        """The grounded items of every ``together`` ask. A chunk's requests follow one another, all of them sharing
        its text, and only then come the model's second readings (which ask about other text): a model that keeps
        what it has read (the local engine, a server's prompt cache) reads each chunk once."""
        found: dict[Ask, list[Grounded]] = {ask: [] for ask in self.together}
        for chunk, text in self.each_chunk():
            answered = [
                (ask, [ground(item, chunk, self.transcript, concept=ask.concept) for item in items])
                for ask in self.together
                for items in self._answers(READER, about(text, ask.task), ask.schema, ask.key, chunk)
            ]
            for ask, grounded in answered:
                found[ask].extend(self._checked(grounded))
        return found

    def _checked(self, grounded: list[Grounded]) -> list[Grounded]:
        """One answer's grounded items, after the model's second reading where it is on."""
        return judge.judged(self.ask, grounded) if self.judge else grounded

    def _answers(
        self, system: str, user: str, schema: Schema, key: str, chunk: dict[int, Segment]
    ) -> Iterator[list[dict[str, Any]]]:
        """The items of one chunk, answer by answer: an answer that holds as many items as it may is followed by a
        request for the rest, which lists what is written (in the room that list leaves for the answer)."""
        limit = self.item_limit(chunk)
        written: dict[str, None] = {}
        for asked in range(_ROUNDS):
            rest = _rest(written)
            room = self.answer_tokens - (self.model.count_tokens(rest) if rest else 0)
            most = min(limit, room // _TOKENS_PER_ITEM)
            answer = self.ask(system, user + rest, schema(most), max_tokens=room)
            new = [item for item in answer[key] if _said(item) not in written]
            written.update((_said(item), None) for item in new)
            more = len(answer[key]) >= most and bool(new) and asked + 1 < _ROUNDS
            more = more and self.answer_tokens - self.model.count_tokens(_rest(written)) >= MIN_ITEMS * _TOKENS_PER_ITEM
            if more:
                self.steps += self.requests_per_answer  # one more answer (and its second reading) to wait for
            yield new
            if not more:
                return

    def ask(self, system: str, user: str, schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        answer = self.model.complete_json(messages, schema, max_tokens=min(max_tokens, self.answer_tokens))
        self._done += 1
        self._reported = max(self._reported, self._done / max(self.steps, self._done))  # never backwards
        self.on_progress(self._reported)
        return answer

    @property
    def requests_per_answer(self) -> int:
        """Requests each answer costs: the answer, and its second reading when enabled (a chunk has one answer, and
        one more each time it asks for the rest)."""
        return 2 if self.judge else 1

    def metadata(self, dropped: list[Grounded]) -> dict[str, Any]:
        reasons: dict[str, int] = {}
        for item in dropped:
            reasons[str(item.reason)] = reasons.get(str(item.reason), 0) + 1
        meta: dict[str, Any] = {
            "model": self.model.name,
            "chunks": len(self.chunks),
            "dropped": len(dropped),
            "timing": self.segments.timing,
            "dropped_reasons": dict(sorted(reasons.items())),
            "judged": self.judge,
        }
        if self.audit:
            meta["dropped_items"] = [_audit_entry(item) for item in dropped]
        return meta


def about(text: str, task: str) -> str:
    """A request about one chunk: its segments first (the part requests share), then the ``task``."""
    return f"Segments:\n{text}\n\n{task}"


def _said(item: dict[str, Any]) -> str:
    return " ".join(str(item.get("text", "")).split())


def _rest(written: dict[str, None]) -> str:
    """What asks for the rest of a full answer: the items already written, one a line, not to be repeated."""
    if not written:
        return ""
    listed = "\n".join(f"- {text}" for text in written)
    return f"\n\nAlready written (do not repeat these; write only the others, or none if there are none):\n{listed}"


def _audit_entry(item: Grounded) -> dict[str, Any]:
    entry = {"text": item.text, "reason": item.reason, "segments": list(item.item.get("segments", []))}
    for name in ("section", "category"):
        if name in item.item:
            entry[name] = item.item[name]
    return entry
