"""Grounding one answered item (a SOAP statement or a concept) in the transcript: the segments it cites must exist in
the chunk the model read, its quotes must be found there, and what those turns say must support it (``checks``).
An item that fails is dropped with a reason code, which the note's metadata counts (and lists, for an audit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aftercall.notes import checks, quotes, sides
from aftercall.notes.evidence import Evidence, gather
from aftercall.notes.segments import Segment

# Reasons found before the claim is read: it cites nothing the model was shown; its quotes are not in those turns.
CITATION = "citation"
QUOTE = "quote-not-found"


@dataclass(frozen=True)
class Grounded:
    """An answered item and its verdict: ``reason`` None means kept, resting on ``evidence``."""

    item: dict[str, Any]
    text: str
    evidence: Evidence | None
    reason: str | None = None

    def dropped(self, reason: str) -> Grounded:
        return Grounded(self.item, self.text, self.evidence, reason)


@dataclass(frozen=True)
class Transcript:
    """The whole transcript as the checks read it: segments by number, and the drugs it names as allergies."""

    segments: dict[int, Segment]
    allergens: frozenset[str]
    sides: frozenset[str]  # the sides it names anywhere (``sides.said``)

    @classmethod
    def of(cls, items: tuple[Segment, ...]) -> Transcript:
        allergens = frozenset(checks.allergens_of(list(items)))
        return cls({s.index: s for s in items}, allergens, sides.said(s.text for s in items))


def ground(item: dict[str, Any], chunk: dict[int, Segment], transcript: Transcript, *, concept: bool) -> Grounded:
    text = " ".join(str(item["text"]).split())
    cited = [chunk[n] for n in dict.fromkeys(item["segments"]) if n in chunk]
    if not cited or len(cited) < len(set(item["segments"])):
        return Grounded(item, text, None, CITATION)
    found = quotes.located(item.get("quotes", []), cited, chunk)
    if found is None:
        return Grounded(item, text, None, QUOTE)
    turns = sorted({s.index: s for s in [*found, *cited]}.values(), key=lambda s: s.index)
    evidence = gather(turns, transcript.segments, transcript.sides)
    diagnosis = item.get("section") == "assessment" or (item.get("category") == "problem" and not item["negated"])
    reason = checks.problem(text, evidence, set(transcript.allergens), concept=concept, diagnosis=diagnosis)
    return Grounded(item, text, evidence, reason)


def answer_schema(key: str, limit: int, fields: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a notes answer: a list ``key`` of at most ``limit`` items, each with ``fields`` and the
    turn numbers it cites and one to four verbatim quotes of them (what ``ground`` checks)."""
    grounds = {
        "segments": {"type": "array", "minItems": 1, "maxItems": 4, "items": {"type": "integer"}},
        "quotes": {
            "type": "array",
            "minItems": 1,
            "maxItems": 4,
            "items": {"type": "string", "minLength": 2, "maxLength": 100},
        },
    }
    item = {
        "type": "object",
        "required": [*fields, *grounds],
        "additionalProperties": False,
        "properties": {**fields, **grounds},
    }
    answer = {"type": "array", "minItems": 0, "maxItems": limit, "items": item}  # a chunk may hold nothing to note
    return {"type": "object", "required": [key], "additionalProperties": False, "properties": {key: answer}}


def span(segment: Segment) -> dict[str, float | int]:
    return {"start": round(segment.start, 2), "end": round(segment.end, 2), "speaker": segment.speaker}
