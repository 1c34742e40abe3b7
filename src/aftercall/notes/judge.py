"""The language model as its own second reader: one request per answer asks whether each statement that passed the
rules is supported by, contradicted by, or not stated in the turns it rests on. Used where the engine is capable
(on by default for the ``openai`` engine). A statement the model calls contradicted is dropped (``judge-
contradicted``): a wrong number, side, drug or answer is what a model reading two sentences side by side catches.
"Not stated" keeps it: the rules already found its words, numbers and polarity in those turns, and a model's doubt
about a paraphrase ("hypertension" for "my pressure's been high") is not evidence against it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aftercall.notes.chunks import line
from aftercall.notes.grounding import Grounded

Ask = Callable[..., dict[str, Any]]  # (system, user, schema, *, max_tokens) -> the validated answer

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
VERDICTS = (SUPPORTED, CONTRADICTED, "not-stated")
_SYSTEM = (
    "You check a clinical note against the conversation it was written from. For each numbered statement you are "
    "given the turns of the conversation it rests on. Answer 'supported' if those turns say it (abbreviations, "
    "units and clinical synonyms are fine), 'contradicted' if they say otherwise (a different number, side, drug, "
    "result or the opposite answer), 'not-stated' if they do not say it. Judge each statement only by its turns."
)
_TOKENS_PER_VERDICT = 16


def _schema(count: int) -> dict[str, Any]:
    verdict = {
        "type": "object",
        "required": ["statement", "verdict"],
        "additionalProperties": False,
        "properties": {"statement": {"type": "integer"}, "verdict": {"enum": list(VERDICTS)}},
    }
    answer = {"type": "array", "minItems": count, "maxItems": count, "items": verdict}
    properties = {"verdicts": answer}
    return {"type": "object", "required": ["verdicts"], "additionalProperties": False, "properties": properties}


def judged(ask: Ask, items: list[Grounded]) -> list[Grounded]:
    """``items`` with each kept one the model finds contradicted by its turns dropped."""
    kept = [g for g in items if g.reason is None and g.evidence is not None]
    if not kept:
        return items
    blocks = []
    for number, grounded in enumerate(kept, start=1):
        assert grounded.evidence is not None
        turns = "\n".join(f"  {line(s)}" for s in grounded.evidence.turns)
        blocks.append(f"Statement {number}: {grounded.text}\nTurns:\n{turns}")
    request = "\n\n".join(blocks) + "\n\nGive one verdict per statement, by its number."
    answer = ask(_SYSTEM, request, _schema(len(kept)), max_tokens=_TOKENS_PER_VERDICT * len(kept) + 64)
    verdicts = {v["statement"]: v["verdict"] for v in answer["verdicts"]}
    contradicted = {id(g) for n, g in enumerate(kept, start=1) if verdicts.get(n) == CONTRADICTED}
    return [g.dropped(f"judge-{CONTRADICTED}") if id(g) in contradicted else g for g in items]
