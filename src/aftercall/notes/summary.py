"""The summary (docs/notes.md): one to three paragraphs that cover the whole call. Each chunk is summarised on its own;
with more than three chunks, consecutive chunk summaries are merged into three paragraphs, so the end of a long call
always has a paragraph that was written from it."""

from __future__ import annotations

from typing import TypeVar

from aftercall.notes.reading import READER, Reading, about

T = TypeVar("T")

PARAGRAPHS = 3
_WHAT = "who said what matters, what was found, what was decided; plain prose, no lists, only what the text says"
_TASK = f"Summarise this part of the call in one paragraph: {_WHAT}."
_ANSWER = {
    "type": "object",
    "required": ["summary"],
    "additionalProperties": False,
    "properties": {"summary": {"type": "string", "minLength": 20, "maxLength": 1200}},
}


def summary_text(reading: Reading) -> str:
    parts = [
        reading.ask(READER, about(text, _TASK), _ANSWER, max_tokens=1400)["summary"]
        for _, text in reading.each_chunk()
    ]  # fmt: skip
    paragraphs = [_merge(reading, group) for group in groups(parts, PARAGRAPHS)]
    return "\n\n".join(" ".join(p.split()) for p in paragraphs) + "\n"


def requests(chunks: int, _per_chunk: int) -> int:
    """The requests a summary makes: one a chunk, and one a merged paragraph (more only where a merge must be
    halved to fit)."""
    return chunks + sum(len(group) > 1 for group in groups(list(range(chunks)), PARAGRAPHS))


def groups(parts: list[T], count: int) -> list[list[T]]:
    """``parts`` cut into at most ``count`` consecutive, near-equal groups."""
    size, extra = divmod(len(parts), count)
    result, start = [], 0
    for i in range(min(count, len(parts))):
        end = start + size + (1 if i < extra else 0)
        result.append(parts[start:end])
        start = end
    return result


def _merge(reading: Reading, group: list[str]) -> str:
    """One paragraph from consecutive summaries; halves merged first where all of them do not fit one request."""
    if len(group) == 1:
        return group[0]
    joined = "\n\n".join(group)
    if reading.model.count_tokens(joined) > reading.budget:
        half = len(group) // 2
        return _merge(reading, [_merge(reading, group[:half]), _merge(reading, group[half:])])
    user = f"Consecutive summaries of parts of one call:\n{joined}\n\nMerge them into one paragraph: {_WHAT}."
    return str(reading.ask(READER, user, _ANSWER, max_tokens=1400)["summary"])
